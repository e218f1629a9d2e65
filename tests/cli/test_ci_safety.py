"""CI safety on a user's own schema set: inputs that match nothing are a usage error
(exit 2, naming them), never "0 files checked" and exit 0; report files go into folders
made on demand, atomically, and an unwritable one is exit 2, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPORA, DATA

from tradestd.cli.main import main
from tradestd.inputs import NoInputsError, expand_inputs
from tradestd.report import REPORTERS

NATIONAL = DATA / "national"
XSD = ["--xsd", str(NATIONAL / "envelope.xsd"), "--xsd", str(NATIONAL / "declaration.xsd"),
       "--xsd", str(NATIONAL / "transport.xsd")]
VALID = NATIONAL / "messages" / "enveloped-valid.xml"
BATCH = NATIONAL / "messages" / "batch.xml"
UK_CDS = CORPORA / "uk-cds"
UK_XSD = UK_CDS / "xsd" / "declaration"


def _folders(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty"
    empty.mkdir()
    text = tmp_path / "text"
    text.mkdir()
    (text / "notes.txt").write_text("not a message", encoding="utf-8")
    messages = tmp_path / "messages"
    shutil.copytree(NATIONAL / "messages", messages)
    return {"empty": empty, "text": text, "messages": messages}


@pytest.mark.parametrize("command", [["validate", *XSD], ["screen", *XSD],
                                     ["convert", *XSD, "-o", "out"], ["pointers"]])
@pytest.mark.parametrize("case", ["empty", "text"])
def test_folders_without_messages_are_exit_2(tmp_path: Path, command: list[str], case: str,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folders = _folders(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main([*command, str(folders[case])]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tradestd: error: no input files: {folders[case]} (a folder with "
                          "no .xml")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["validate", *XSD], ["screen", *XSD]])
def test_an_exclude_that_leaves_nothing_is_exit_2(tmp_path: Path, command: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folders = _folders(tmp_path)
    assert main([*command, "--exclude", "*.xml", str(folders["messages"])]) == 2
    assert capsys.readouterr().err == (
        "tradestd: error: no input files left: the exclude pattern(s) '*.xml' left out all "
        f"6 file(s) found in {folders['messages']}\n")


def test_a_glob_that_matches_nothing_alone_is_exit_2(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pattern = str(tmp_path / "nomatch" / "*.xml")
    assert main(["validate", *XSD, pattern]) == 2
    assert capsys.readouterr().err == (
        f"tradestd: error: no input files: {pattern} (matches no file)\n")
    # beside inputs that match, it is an unreadable message of the run (exit 1)
    assert main(["validate", *XSD, pattern, str(VALID)]) == 1
    assert "INPUT_" in capsys.readouterr().out


def test_expand_inputs_says_which_items_hold_nothing(tmp_path: Path) -> None:
    folders = _folders(tmp_path)
    with pytest.raises(NoInputsError) as caught:
        expand_inputs([str(folders["empty"]), str(folders["text"])], extensions=(".xml", ".json"))
    assert str(caught.value) == (f"no input files: {folders['empty']} (a folder with no .xml "
                                 f"or .json files); {folders['text']} (a folder with no .xml "
                                 "or .json files)")
    # a missing file or an unmatched glob among the inputs is kept, to be reported as
    # unreadable (exit 1)
    missing, unmatched = str(tmp_path / "missing.xml"), str(tmp_path / "text" / "*.xml")
    assert expand_inputs([str(folders["empty"]), missing, unmatched]) == [missing, unmatched]


@pytest.mark.parametrize("fmt", list(REPORTERS))
def test_report_folders_are_made_for_every_format(tmp_path: Path, fmt: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nodir" / "sub" / f"report.{fmt}"
    assert main(["validate", *XSD, "--format", fmt, "-o", str(target), str(VALID)]) == 0
    assert f"{fmt} report written to {target}" in capsys.readouterr().out
    assert target.stat().st_size > 0
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    if fmt in ("json", "sarif"):
        json.loads(target.read_text(encoding="utf-8"))


def test_every_command_makes_its_report_folder(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nodir"
    assert main(["screen", *XSD, "--format", "json", "-o", str(out / "s" / "screen.json"),
                 str(VALID)]) == 0
    assert json.loads((out / "s" / "screen.json").read_text())["summary"]["messages"] == 1
    assert main(["validate", *XSD, "--record", "MetaData", "--format", "json",
                 "-o", str(out / "v" / "batch.json"), str(BATCH)]) == 1
    assert json.loads((out / "v" / "batch.json").read_text())["summary"]["records"] == 5
    assert main(["jsonschema", *XSD, "-o", str(out / "j" / "schema.json")]) == 0
    assert json.loads((out / "j" / "schema.json").read_text())["$schema"]
    assert main(["convert", *XSD, "--record", "MetaData", "--rejects",
                 str(out / "r" / "rejects.jsonl"), "-o", str(out / "c" / "batch.jsonl"),
                 str(BATCH)]) == 1
    assert len((out / "c" / "batch.jsonl").read_text().splitlines()) == 4
    capsys.readouterr()


@pytest.mark.parametrize("command", [
    ["validate", *XSD, "--format", "sarif", str(VALID)],
    ["validate", *XSD, "--record", "MetaData", str(BATCH)],
    ["screen", *XSD, "--format", "json", str(VALID)],
    ["jsonschema", *XSD],
    ["convert", *XSD, "--record", "MetaData", str(BATCH)],
])
def test_an_unwritable_report_is_exit_2(tmp_path: Path, command: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("a file where a folder is needed", encoding="utf-8")
    target = blocker / "sub" / "report.out"
    assert main([*command, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"tradestd: error: cannot write {target}" in err
    assert "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "a file where a folder is needed"


def test_an_unwritable_notify_dir_is_exit_2(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    assert main(["screen", *XSD, "--notify-dir", str(blocker / "drafts"), str(VALID)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tradestd: error: cannot write {blocker / 'drafts'}")


def test_a_report_replaces_the_old_one_whole(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert main(["validate", *XSD, "--format", "json", "-o", str(target), str(VALID)]) == 0
    assert json.loads(target.read_text())["summary"]["files"] == 1
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    capsys.readouterr()


@pytest.mark.corpora
@pytest.mark.skipif(not UK_CDS.is_dir(), reason="corpus uk-cds not present")
def test_uk_cds_ci_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xsd = ["--xsd", str(UK_XSD / "DocumentMetaData_2_DMS.xsd"),
           "--xsd", str(UK_XSD / "WCO_DEC_2_DMS.xsd")]
    messages = UK_CDS / "messages" / "Trade Test 4 Sample Messages"
    assert main(["validate", *xsd, "--exclude", "*.xml", str(messages)]) == 2
    assert "left out all" in capsys.readouterr().err
    target = tmp_path / "nodir" / "sub" / "report.sarif"
    code = main(["validate", *xsd, "--format", "sarif", "-o", str(target), str(messages)])
    assert code in (0, 1)
    sarif = json.loads(target.read_text(encoding="utf-8"))
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "tradestd"
    capsys.readouterr()
