"""``tradestd serve`` from the command line: settings, usage errors, and a real start."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")

from conftest import DATA, ROOT

from tradestd.cli.main import main
from tradestd.config import ConfigFileError, RuleSettings, load_config
from tradestd.issues import Severity
from tradestd.serve import Catalog, ServeSettings
from tradestd.serve.settings import parse_schema_set, settings_from_table

ENVPAY = f"{DATA / 'envpay' / 'envelope.xsd'},{DATA / 'envpay' / 'declaration.xsd'}"


def test_config_file_serve_table(tmp_path: Path) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text('[serve]\nmax_body_bytes = 1000\ntimeout = 2.5\nmax_queued = 0\n'
                    'isolate = true\n'
                    '[serve.schema_sets]\ncds = ["xsd/a.xsd", "xsd/b.xsd"]\n'
                    '[rules]\nseverity = { "DEC-004" = "warning" }\n', encoding="utf-8")
    config = load_config(path)
    settings = settings_from_table(path, config.serve, config.rules)
    assert settings.max_body_bytes == 1000 and settings.timeout == 2.5
    assert settings.max_queued == 0 and settings.max_active == 2 and settings.isolate
    assert settings.schema_sets == {"cds": (str(tmp_path / "xsd/a.xsd"),
                                            str(tmp_path / "xsd/b.xsd"))}
    assert ServeSettings.from_env(settings.to_env()) == settings  # for --workers N
    assert settings.rules.severity == {"DEC-004": Severity.WARNING}


@pytest.mark.parametrize(("table", "key"), [
    ({"port": 1}, "serve.port"),
    ({"timeout": "soon"}, "serve.timeout"),
    ({"isolate": "yes"}, "serve.isolate"),
    ({"max_active": 0}, "serve"),
    ({"schema_sets": {"x": []}}, "serve.schema_sets.x"),
    ({"schema_sets": ["a.xsd"]}, "serve.schema_sets"),
])
def test_config_file_serve_table_errors(tmp_path: Path, table: dict[str, object],
                                        key: str) -> None:
    with pytest.raises(ConfigFileError) as caught:
        settings_from_table(tmp_path / "tradestd.toml", table, RuleSettings())
    assert caught.value.key == key


def test_schema_set_option() -> None:
    assert parse_schema_set("cds = a.xsd, b.xsd") == ("cds", ("a.xsd", "b.xsd"))
    for bad in ("cds", "=a.xsd", "cds="):
        with pytest.raises(ValueError, match="NAME=XSD"):
            parse_schema_set(bad)


def test_catalog_refuses_a_bundled_id_as_a_set_name_and_unknown_rules() -> None:
    with pytest.raises(ValueError, match="bundled message type id"):
        Catalog(ServeSettings(schema_sets={"wco-declaration": ("x.xsd",)}))
    with pytest.raises(ValueError, match="NOPE-1"):
        Catalog(ServeSettings(rules=RuleSettings(disable=("NOPE-1",))))


@pytest.mark.parametrize(("args", "words"), [
    (["--schema-set", "cds"], "NAME=XSD"),
    (["--schema-set", "cds=missing.xsd"], "schema set cannot be built"),
    (["--schema-set", f"wco-cargo={ENVPAY}"], "bundled message type id"),
    (["--config", "missing.toml"], "no such configuration file"),
])
def test_usage_errors_exit_2_before_listening(args: list[str], words: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--no-config", *args] if "--config" not in args
                else ["serve", *args]) == 2
    assert words in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.allow_loopback_server
@pytest.mark.parametrize("workers", ["1", "2"])
def test_one_command_starts_a_server(workers: str, tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tradestd", "serve", "--no-config", "--port", str(port),
         "--workers", workers, "--schema-set", f"envpay={ENVPAY}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        listing = None
        deadline = time.monotonic() + 90
        while listing is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/schemas",
                                            timeout=5) as answer:
                    listing = json.loads(answer.read())
            except OSError:
                time.sleep(0.2)
        assert listing is not None, server.stderr.read().decode() if server.stderr else ""
        assert [s["name"] for s in listing["schema_sets"]] == ["envpay"]
    finally:
        server.terminate()
        server.wait(30)
        if server.stderr:
            server.stderr.close()
