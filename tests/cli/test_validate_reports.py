"""``tradestd validate``: formats, --output, -j, --max-issues, stdin, exit codes, and
the precedence command line > configuration file > defaults."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sample_messages import CONSIGNMENT_XSD, consignment, write_batch

from tradestd.cli.main import main
from tradestd.cli.validate import _wants_color

XSD = str(CONSIGNMENT_XSD)


@pytest.fixture()
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Six files in tmp_path/msgs (0 and 3 invalid, 3 bad items each); cwd is tmp_path."""
    monkeypatch.chdir(tmp_path)
    write_batch(tmp_path / "msgs", 6, items=3, invalid_every=3)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--xsd", XSD, "msgs/consignment-0001.xml")[0] == 0
    assert _run(capsys, "--xsd", XSD, "msgs")[0] == 1
    assert _run(capsys, "--xsd", XSD, "msgs/consignment-0001.xml", "missing.xml")[0] == 1
    code, _, err = _run(capsys, "--xsd", XSD, "--schema", "x", "msgs")
    assert code == 2 and "either --schema or --xsd" in err
    assert _run(capsys, "--xsd", XSD, "--format", "yaml", "msgs")[0] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "html"])
def test_output_file_and_terminal_summary(batch: Path, capsys: pytest.CaptureFixture[str],
                                          fmt: str) -> None:
    code, out, _ = _run(capsys, "--xsd", XSD, "--format", fmt, "-o", "report.out", "msgs")
    assert code == 1
    assert out == (f"6 files checked: 4 valid, 2 invalid; 6 errors, 0 warnings; "
                   f"{fmt} report written to report.out\n")
    written = (batch / "report.out").read_text(encoding="utf-8")
    assert written.count("consignment-0003.xml") >= 1


def test_parallel_output_is_identical(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_batch(batch / "more", 40, items=2, invalid_every=4)
    serial = _run(capsys, "--xsd", XSD, "--format", "json", "msgs", "more")
    parallel = _run(capsys, "--xsd", XSD, "--format", "json", "-j", "2", "msgs", "more")
    assert parallel == serial
    assert json.loads(serial[1])["summary"]["files"] == 46


def test_stdin_among_files(batch: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = consignment(5, 2, bad_countries=1).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = _run(capsys, "--xsd", XSD, "msgs/consignment-0001.xml", "-")
    assert code == 1
    assert out.splitlines()[0].startswith("<stdin>:8:5: error SCHEMA_PATTERN")
    assert out.splitlines()[-1].startswith("2 files checked: 1 valid, 1 invalid")


def test_max_issues(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "--xsd", XSD, "--max-issues", "1", "msgs")
    assert "msgs/consignment-0000.xml: ... 2 more issues not shown (--max-issues 1)" in out
    assert out.count("error SCHEMA_PATTERN OriginCountry") == 2
    assert "Most frequent issues" not in out  # 6 issues: too few to need grouping


def _config(folder: Path, text: str, name: str = "tradestd.toml") -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_configuration_file_supplies_defaults(batch: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _config(batch, f'xsd = ["{XSD}"]\nformat = "json"\nmax_issues = 1\n'
                   'exclude = ["*-0000.xml"]\n')
    code, out, _ = _run(capsys, "msgs")
    data = json.loads(out)
    assert code == 1
    assert data["summary"]["files"] == 5
    assert data["results"][2]["issues_omitted"] == 2


def test_command_line_overrides_the_file(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _config(batch, 'schema = "no-such-type"\nformat = "json"\nmax_issues = 1\n'
                   'exclude = ["*-0000.xml"]\n')
    code, out, _ = _run(capsys, "--xsd", XSD, "--format", "text", "--max-issues", "5",
                        "--exclude", "*-0003.xml", "msgs")
    assert code == 1
    assert out.splitlines()[-1] == "5 files checked: 4 valid, 1 invalid; 3 errors, 0 warnings"
    assert "more issues not shown" not in out


def test_pyproject_table_is_found_from_a_subfolder(batch: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _config(batch, f'[tool.tradestd]\nxsd = ["{XSD}"]\nformat = "github"\n', "pyproject.toml")
    monkeypatch.chdir(batch / "msgs")
    code, out, _ = _run(capsys, "consignment-0003.xml")
    assert code == 1 and out.startswith("::error file=consignment-0003.xml,line=8,col=5,")


def test_bad_configuration_is_a_usage_error(batch: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _config(batch, "jobs = -1\n")
    code, _, err = _run(capsys, "--xsd", XSD, "msgs")
    assert code == 2
    assert f"{batch / 'tradestd.toml'}:1: jobs: must be a positive integer" in err
    assert _run(capsys, "--no-config", "--xsd", XSD, "msgs/consignment-0001.xml")[0] == 0
    assert _run(capsys, "--config", "nowhere.toml", "--xsd", XSD, "msgs")[0] == 2


def test_explicit_config_file(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _config(batch, f'xsd = ["{XSD}"]\nfail_on = "warning"\n', "ci.toml")
    code, out, _ = _run(capsys, "--config", "ci.toml", "--format", "json",
                        "msgs/consignment-0001.xml")
    assert code == 0 and json.loads(out)["fail_on"] == "warning"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert _wants_color(_Terminal())
    assert not _wants_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _wants_color(_Terminal())
