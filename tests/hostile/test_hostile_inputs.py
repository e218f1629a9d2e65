"""Hostile input: every attack becomes a located issue, nothing is fetched or leaked.

Documents that reach for the network point at a socket listening on 127.0.0.1; the
test checks afterwards that it never received a connection. Documents that reach for
a file point at a secret temporary file whose content must never appear in a report.
A subprocess runs the whole set under a 1 GB address-space cap and a timeout.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from hostile_docs import CASES, Case

import tradestd
from tradestd.cli.main import main

SECRET = "TOP-SECRET-5f2c9e-never-in-a-report"
ENVPAY = [DATA / "envpay" / "envelope.xsd", DATA / "envpay" / "declaration.xsd"]


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening loopback socket; the test fails if anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    readable, _, _ = select.select([server], [], [], 0.2)
    server.close()
    assert not readable, "a hostile document made tradestd open a network connection"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _port(server: socket.socket) -> int:
    return int(server.getsockname()[1])


@pytest.mark.allow_loopback_server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_library_reports_a_located_issue(case: Case, listener: socket.socket,
                                         secret: Path) -> None:
    data = case.build(_port(listener), secret)
    report = tradestd.load_schema_set(ENVPAY).validate(data)
    assert not report.valid
    codes = [i.code for i in report.errors]
    assert case.code in codes, report.issues
    issue = next(i for i in report.errors if i.code == case.code)
    assert issue.line is not None and issue.line >= 1
    if case.has_column:
        assert issue.column is not None and issue.column >= 1
    assert all(SECRET not in i.message for i in report.issues)


@pytest.mark.allow_loopback_server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_exits_1_without_leaking(case: Case, listener: socket.socket, secret: Path,
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = tmp_path / f"{case.name}.xml"
    message.write_bytes(case.build(_port(listener), secret))
    xsd = [arg for path in ENVPAY for arg in ("--xsd", str(path))]
    assert main(["validate", *xsd, "--format", "json", str(message)]) == 1
    out, err = capsys.readouterr()
    assert SECRET not in out and SECRET not in err
    result = json.loads(out)["results"][0]
    assert result["valid"] is False
    located = [i for i in result["issues"] if i["code"] == case.code]
    assert located and located[0]["line"] is not None


@pytest.mark.allow_loopback_server
def test_schema_location_is_ignored_and_said(listener: socket.socket, secret: Path) -> None:
    case = next(c for c in CASES if c.name == "schema-location")
    report = tradestd.load_schema_set(ENVPAY).validate(case.build(_port(listener), secret))
    note = next(i for i in report.issues if i.code == "XML_SCHEMA_LOCATION_IGNORED")
    assert note.severity is tradestd.Severity.INFO
    assert (note.line, note.column) == (2, 1)
    assert note.path == "/Unknown/@xsi:schemaLocation"


_CHILD = """
import json, re, sys
sys.path[:0] = [{src!r}, {here!r}]
from pathlib import Path
import tradestd
from hostile_docs import CASES
schema_set = tradestd.load_schema_set([Path(p) for p in {xsd!r}])
codes = {{}}
for case in CASES:
    report = schema_set.validate(case.build({port}, Path({secret!r})))
    codes[case.name] = [report.valid, [i.code for i in report.errors]]
# VmHWM is this process's own peak (ru_maxrss would include the forking parent's)
status = Path("/proc/self/status").read_text()
rss_mb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
print(json.dumps({{"codes": codes, "rss_mb": rss_mb}}))
"""


def _cap_memory() -> None:
    import resource

    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.allow_loopback_server
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and /proc/self/status are Linux")
def test_whole_suite_under_a_memory_cap_and_timeout(listener: socket.socket, secret: Path) -> None:
    code = _CHILD.format(src=str(ROOT / "src"), here=str(Path(__file__).parent),
                         xsd=[str(p) for p in ENVPAY], port=_port(listener), secret=str(secret))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, preexec_fn=_cap_memory, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for case in CASES:
        valid, codes = result["codes"][case.name]
        assert not valid and case.code in codes, (case.name, codes)
    assert result["rss_mb"] < 400, result["rss_mb"]
