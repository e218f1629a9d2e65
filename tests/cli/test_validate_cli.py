"""``tradestd validate``: inputs, output formats and exit codes 0/1/2 (never a count)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from tradestd import registry as registry_module
from tradestd.cli.main import main

ENVPAY = DATA / "envpay"
MESSAGES = DATA / "messages"
VALID = MESSAGES / "enveloped-valid.xml"
ERRORS = MESSAGES / "enveloped-errors.xml"
XSD = ["--xsd", str(ENVPAY / "envelope.xsd"), "--xsd", str(ENVPAY / "declaration.xsd")]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def test_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test message types the bundled ones for this test."""
    monkeypatch.setenv("TRADESTD_SCHEMAS_DIR", str(DATA / "registry"))
    monkeypatch.setattr(registry_module, "_BUNDLED", None)


def test_valid_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *XSD, str(VALID))
    assert code == 0
    assert out.strip() == "1 file checked: 1 valid, 0 invalid; 0 errors, 0 warnings"
    assert run(capsys, "--xsd", str(ENVPAY), str(VALID))[0] == 0  # a directory of XSDs


def test_invalid_file_exits_1_with_compiler_style_lines(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    code, out, _ = run(capsys, *XSD, str(ERRORS))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"{ERRORS}:5:5: error SCHEMA_PATTERN FunctionCode: 'ABCD' does not match "
                        "the required pattern [0-9]{1,3} (at /md:MetaData/Declaration/FunctionCode)")
    assert len(lines) == 6 and lines[-1].endswith("5 errors, 0 warnings")


def test_json_report_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *XSD, "--format", "json", str(VALID), str(ERRORS))
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    assert report["summary"] == {"files": 2, "valid": 1, "invalid": 1, "errors": 5,
                                 "warnings": 0, "infos": 0}
    first, second = report["results"]
    assert (first["path"], first["valid"], first["issues"]) == (str(VALID), True, [])
    issue = second["issues"][0]
    assert set(issue) == {"code", "severity", "layer", "message", "line", "column", "path"}
    assert (issue["layer"], issue["severity"], issue["line"], issue["column"]) == (
        "schema", "error", 5, 5)


def test_many_errors_still_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item = ("<GovernmentAgencyGoodsItem><SequenceNumeric>0</SequenceNumeric>"
            "<Commodity><Description>x</Description></Commodity></GovernmentAgencyGoodsItem>")
    message = tmp_path / "many.xml"
    message.write_text('<Declaration xmlns="urn:test:declaration"><FunctionCode>1</FunctionCode>'
                       f"<GoodsShipment>{item * 256}</GoodsShipment></Declaration>",
                       encoding="utf-8")
    code, out, _ = run(capsys, *XSD, "-q", str(message))
    assert code == 1
    assert out.strip().endswith("256 errors, 0 warnings")


def test_unknown_schema_id_exits_2(capsys: pytest.CaptureFixture[str],
                                   test_registry: None) -> None:
    code, out, err = run(capsys, "--schema", "no-such-type", str(VALID))
    assert code == 2 and out == ""
    assert "unknown message type 'no-such-type'" in err and "test-declaration@1.0" in err


def test_xsd_that_does_not_compile_exits_2_naming_file_and_reason(
        capsys: pytest.CaptureFixture[str]) -> None:
    broken = DATA / "schemas" / "broken.xsd"
    code, _, err = run(capsys, "--xsd", str(broken), str(VALID))
    assert code == 2
    assert f"{broken}:6" in err and "NoSuchType" in err


def test_http_import_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--xsd", str(DATA / "schemas" / "http-import.xsd"), str(VALID))
    assert code == 2 and "never fetches schemas" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--schema", "x", *XSD, str(VALID))[0] == 2
    assert run(capsys, "-q", "-v", *XSD, str(VALID))[0] == 2
    assert run(capsys, "--format", "yaml", *XSD, str(VALID))[0] == 2
    assert run(capsys, *XSD)[0] == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ERRORS.read_bytes())))
    code, out, _ = run(capsys, *XSD, "-")
    assert code == 1 and out.startswith("<stdin>:5:5: error SCHEMA_PATTERN")


def test_directories_recursive_and_globs(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(VALID, tmp_path / "a" / "one.xml")
    shutil.copy(VALID, tmp_path / "a" / "b" / "two.xml")
    shutil.copy(ERRORS, tmp_path / "a" / "b" / "three.txt")  # not *.xml: skipped
    code, out, _ = run(capsys, *XSD, "-v", str(tmp_path / "a"))
    assert code == 0
    assert f"{tmp_path / 'a' / 'b' / 'two.xml'}: ok" in out
    assert out.splitlines()[-1].startswith("2 files checked: 2 valid")
    code, out, _ = run(capsys, *XSD, "-q", str(tmp_path / "a" / "*.xml"))
    assert code == 0 and out.startswith("1 file checked")
    code, out, _ = run(capsys, *XSD, "-q", str(tmp_path / "**" / "*.xml"))
    assert out.startswith("2 files checked")


def test_unreadable_and_broken_files_exit_1_and_the_run_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<Declaration>")
    code, out, _ = run(capsys, *XSD, str(tmp_path / "missing.xml"), str(broken), str(VALID))
    assert code == 1
    assert "INPUT_NOT_FOUND" in out and f"{broken}:1:14: error XML_TRUNCATED" in out
    assert out.splitlines()[-1].startswith("3 files checked: 1 valid, 2 invalid")


def test_detection_without_schema(capsys: pytest.CaptureFixture[str],
                                  test_registry: None) -> None:
    code, out, _ = run(capsys, "-v", str(VALID))
    assert code == 0 and "ok (test-declaration@1.0)" in out
    code, out, _ = run(capsys, str(DATA / "schemas" / "datetime.xsd"))
    assert code == 1
    assert "MESSAGE_TYPE_UNKNOWN" in out and "test-stamp@1.0" in out


def test_schema_id(capsys: pytest.CaptureFixture[str], test_registry: None) -> None:
    assert run(capsys, "--schema", "test-declaration", str(VALID))[0] == 0
    assert run(capsys, "--schema", "test-stamp@1.0", str(VALID))[0] == 1


def test_info_issues_only_with_verbose(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    stamp = tmp_path / "stamp.xml"
    stamp.write_text('<Stamp xmlns="urn:test:stamp"><At> 2026-11-27T10:00:00Z </At></Stamp>',
                     encoding="utf-8")
    xsd = ["--xsd", str(DATA / "schemas" / "datetime.xsd")]
    code, out, _ = run(capsys, *xsd, str(stamp))
    assert code == 0 and "SCHEMA_ENGINE_DISAGREEMENT" not in out
    code, out, _ = run(capsys, *xsd, "-v", str(stamp))
    assert code == 0 and f"{stamp}:1:31: info SCHEMA_ENGINE_DISAGREEMENT" in out


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, *XSD, "--format", "json", "-o", str(target), str(ERRORS))
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["invalid"] == 1
    assert out.startswith("1 file checked: 0 valid, 1 invalid")


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<Declaration", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tradestd", "validate", str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert ":1:13: error XML_TRUNCATED" in done.stdout, done.stdout + done.stderr
