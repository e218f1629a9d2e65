"""The configuration example of docs/ci.md, run as written, and every command reading
tradestd.toml the same way (``--config``/``--no-config``) on a user's own schema set."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from tradestd.cli.main import main
from tradestd.config import load_config

NATIONAL = DATA / "national"
DOC = ROOT / "docs" / "ci.md"
#: the files the documented example names, made from the test set
EXAMPLE_FILES = {
    "schemas/envelope.xsd": NATIONAL / "envelope.xsd",
    "schemas/declaration.xsd": NATIONAL / "declaration.xsd",
    "rules/national.sch": NATIONAL / "rules" / "national.sch",
    "codes/countries.csv": NATIONAL / "codes" / "countries.csv",
}


def doc_example() -> str:
    """The ```toml block of docs/ci.md that starts with ``# tradestd.toml``, verbatim."""
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    found = [b for b in blocks if b.startswith("# tradestd.toml\n")]
    assert len(found) == 1, "docs/ci.md has one example tradestd.toml"
    return found[0]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the documented tradestd.toml, the files it names and
    messages, as the working directory."""
    (tmp_path / "tradestd.toml").write_text(doc_example(), encoding="utf-8")
    for name, source in EXAMPLE_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tmp_path / name)
    shutil.copytree(NATIONAL / "messages", tmp_path / "messages")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_documented_example_loads_as_written(project: Path) -> None:
    config = load_config(project / "tradestd.toml")
    assert config.xsd == (str(project / "schemas/envelope.xsd"),
                          str(project / "schemas/declaration.xsd"))
    assert config.rule_packs == ("wco", str(project / "rules/national.sch"))
    assert config.rules.disable == ("WCO-ADDR-001",)
    assert [c.kind for c in config.rules.codelists] == ["country"]


def test_the_documented_example_validates(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "messages/enveloped-valid.xml"]) == 0
    capsys.readouterr()
    # the Schematron rule of the example runs, at the severity the example gives it
    assert main(["validate", "messages/enveloped-miscounted.xml"]) == 0
    out = capsys.readouterr().out
    assert "warning NAT-ITEMS-001 GoodsItemQuantity equals the number of goods items" in out
    assert main(["validate", "--fail-on", "warning", "messages/enveloped-miscounted.xml"]) == 1
    capsys.readouterr()
    # the example's exclude applies: drafts are skipped, and nothing else is a usage error
    (project / "messages" / "x.draft.xml").write_text("<broken", encoding="utf-8")
    assert main(["validate", "-q", "messages/enveloped-valid.xml",
                 "messages/x.draft.xml"]) == 0


def test_a_wrong_rule_id_in_the_file_is_a_usage_error(project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = (project / "tradestd.toml").read_text(encoding="utf-8")
    (project / "tradestd.toml").write_text(text.replace("WCO-ADDR-001", "DEC-017"),
                                           encoding="utf-8")
    assert main(["validate", "messages/enveloped-valid.xml"]) == 2
    assert "unknown rule id(s): DEC-017" in capsys.readouterr().err


def test_every_command_reads_the_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = "messages/enveloped-valid.xml"
    assert main(["convert", message]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["MetaData"]["WCOTypeName"] == "DEC"
    assert main(["jsonschema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "MetaData" in json.dumps(schema)
    assert main(["ids", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert main(["pointers", message]) == 0
    assert "no Pointer chains" in capsys.readouterr().out
    assert main(["screen", message]) == 0
    capsys.readouterr()
    # without the file, the set is unknown: detection fails on the national message
    assert main(["convert", "--no-config", message]) == 1
    assert "MESSAGE_TYPE_UNKNOWN" in capsys.readouterr().err
    assert main(["ids", "--no-config"]) == 2
    capsys.readouterr()


@pytest.mark.parametrize("command", [
    ["validate", "messages/enveloped-valid.xml"], ["convert", "messages/enveloped-valid.xml"],
    ["screen", "messages/enveloped-valid.xml"], ["ids"], ["jsonschema"],
    ["pointers", "messages/enveloped-valid.xml"],
    ["reconcile", "--exports", "messages/enveloped-valid.xml", "--imports",
     "messages/enveloped-valid.xml"],
])
def test_unknown_keys_stop_every_command_with_their_line(
        project: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    config = project / "tradestd.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("packs =", "pack ="),
                      encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1)
                if text.startswith("pack ="))
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"{config}:{line}: rules.pack: unknown key" in err
    # --no-config and --config name the file to use, on every command
    other = project / "other.toml"
    other.write_text('xsd = ["schemas/envelope.xsd", "schemas/declaration.xsd"]\n',
                     encoding="utf-8")
    assert main([command[0], "--config", str(other), *command[1:]]) == 0
    capsys.readouterr()


TRANSLATE = DATA / "translate"


def test_translate_and_generate_read_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """translate takes the file's set as the source (the user's own messages), and its
    format, jobs and rule settings; generate takes the file's set; --no-config and
    --config work on both, and an unknown key stops both with its line."""
    batch = (TRANSLATE / "batch.xml").read_text(encoding="utf-8")
    start = batch.index("<md:MetaData>")
    end = batch.index("</md:MetaData>") + len("</md:MetaData>")
    message = tmp_path / "declaration.xml"
    message.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                       + batch[start:end].replace("<md:MetaData>",
                                                  '<md:MetaData xmlns:md="urn:test:trade:meta">',
                                                  1), encoding="utf-8")
    config = tmp_path / "tradestd.toml"
    config.write_text(f'xsd = ["{TRANSLATE / "envelope.xsd"}", '
                      f'"{TRANSLATE / "v1" / "declaration.xsd"}"]\n'
                      'format = "json"\njobs = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    to_v2 = ["--to-xsd", str(TRANSLATE / "envelope.xsd"),
             "--to-xsd", str(TRANSLATE / "v2" / "declaration.xsd")]
    assert main(["translate", *to_v2, "-o", "out.xml", str(message)]) == 0
    report = json.loads(capsys.readouterr().out)  # the file's format
    (result,) = report["results"]
    assert result["valid"] and result["carried"] == 10 and result["not_carried"] == []
    assert "urn:test:trade:v2" in (tmp_path / "out.xml").read_text(encoding="utf-8")
    # without the file, the source is not a bundled type: nothing is translated
    assert main(["translate", "--no-config", *to_v2, str(message)]) == 1
    assert "MESSAGE_TYPE_UNKNOWN" in capsys.readouterr().err
    assert main(["generate", "-n", "3", "-o", "gen"]) == 0
    capsys.readouterr()
    generated = sorted((tmp_path / "gen").glob("*.xml"))
    assert len(generated) == 3 and all(b"urn:test:trade" in p.read_bytes() for p in generated)
    assert main(["generate", "--no-config", "-n", "1", "-o", "gen2"]) == 2
    assert "configuration file" in capsys.readouterr().err
    config.write_text(config.read_text(encoding="utf-8") + "jobz = 1\n", encoding="utf-8")
    for command in (["translate", *to_v2, str(message)], ["generate", "-o", "gen3"]):
        assert main(command) == 2
        assert f"{config}:4: jobz: unknown key" in capsys.readouterr().err
        other = tmp_path / "other.toml"
        other.write_text(f'xsd = ["{TRANSLATE / "envelope.xsd"}", '
                         f'"{TRANSLATE / "v1" / "declaration.xsd"}"]\n', encoding="utf-8")
        assert main([command[0], "--config", str(other), *command[1:]]) == 0
        capsys.readouterr()
