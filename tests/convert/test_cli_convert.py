"""`tradestd convert`, `tradestd jsonschema` and `tradestd validate` on JSON files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tradestd.cli.main import main
from tradestd.convert import batch

from .conftest import DATA, c14n

XSD = str(DATA / "kitchen.xsd")
SOURCE = DATA / "shipment.xml"
KIND = ["{urn:tradestd:test:kitchen}Kind"]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    shutil.copy(SOURCE, tmp_path / "in" / "a.xml")
    shutil.copy(SOURCE, tmp_path / "in" / "sub" / "b.xml")
    (tmp_path / "in" / "sub" / "broken.xml").write_text("<k:Shipment")
    return tmp_path


def test_directory_converts_keeping_relative_names(tree: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--xsd", XSD, str(tree / "in"), "-o", str(tree / "json")]) == 1
    err = capsys.readouterr().err
    assert "broken.xml" in err and ("XML_TRUNCATED" in err or "XML_MALFORMED" in err)
    assert sorted(p.relative_to(tree / "json").as_posix()
                  for p in (tree / "json").rglob("*")) == ["a.json", "sub", "sub/b.json"]
    assert main(["convert", "--xsd", XSD, str(tree / "json"), "-o", str(tree / "xml")]) == 0
    back = (tree / "xml" / "sub" / "b.xml").read_bytes()
    assert c14n(back, KIND) == c14n(SOURCE.read_bytes(), KIND)


def test_single_file_to_stdout_and_forced_direction(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["convert", "--xsd", XSD, str(SOURCE), "--indent", "2"]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert data["Shipment"]["Total"]["value"] == "1234567890123456.78"
    weird = tmp_path / "message.txt"
    weird.write_text(json.dumps(data))
    assert main(["convert", "--xsd", XSD, "--to", "xml", str(weird), "-o",
                 str(tmp_path / "out.xml")]) == 0
    assert (tmp_path / "out.xml").read_bytes().startswith(b"<?xml")


def test_invalid_json_is_reported_and_skipped(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Shipment": {"@version": "1",\n  "ID": "lowercase"}}')
    assert main(["convert", "--xsd", XSD, str(bad), "-o", str(tmp_path / "bad.xml")]) == 1
    err = capsys.readouterr().err
    assert "bad.json:2:9: error JSON_SCHEMA_PATTERN" in err
    assert not (tmp_path / "bad.xml").exists()


def test_several_inputs_need_an_output_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--xsd", XSD, str(SOURCE), str(SOURCE)]) == 2
    assert "-o DIRECTORY" in capsys.readouterr().err


def test_failed_write_leaves_no_partial_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch.os, "replace", broken_replace)
    assert main(["convert", "--xsd", XSD, str(SOURCE), "-o", str(target)]) == 1
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_validate_accepts_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    assert main(["convert", "--xsd", XSD, str(SOURCE), "-o", str(good)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text(good.read_text().replace('"Urgent":true', '"Urgent":"yes"'))
    capsys.readouterr()
    assert main(["validate", "--xsd", XSD, str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.json:1:" in out and "(at /Shipment/Urgent)" in out
    assert "good.json" not in out


def test_jsonschema_command(tmp_path: Path) -> None:
    target = tmp_path / "kitchen.schema.json"
    assert main(["jsonschema", "--xsd", XSD, "-o", str(target)]) == 0
    schema = json.loads(target.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["IdType"]["description"] == "Shipment reference."
    assert main(["jsonschema"]) == 2


def test_single_input_into_a_directory_named_with_a_trailing_slash(tmp_path: Path) -> None:
    target = tmp_path / "out"
    assert main(["convert", "--xsd", XSD, str(SOURCE), "-o", str(target) + "/"]) == 0
    assert target.is_dir() and (target / "shipment.json").is_file()


def test_validate_names_what_a_non_message_json_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"message_type": "x", "invalid": []}))
    array = tmp_path / "list.json"
    array.write_text("[1, 2]")
    assert main(["validate", str(manifest), str(array)]) == 1
    out = capsys.readouterr().out
    assert "JSON object with 2 top-level members ('message_type', 'invalid')" in out
    assert "a JSON array; a message is an object with one member" in out
