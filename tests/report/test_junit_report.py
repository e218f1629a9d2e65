"""JUnit XML: parses, one test case per input, counts match, failures carry the issues."""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from sample_runs import HOSTILE, sample_run

from tradestd.issues import Issue, Layer, Report, Severity
from tradestd.report import RunResult
from tradestd.report.junit import JunitReporter


def _render(run: RunResult) -> etree._Element:
    out = io.StringIO()
    JunitReporter().render(run, out)
    return etree.fromstring(out.getvalue().encode("utf-8"))


def test_one_case_per_input_and_counts_match(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    root = _render(run)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [r.source for r in run.reports]
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    summary = run.summary()
    assert len(failures) + len(errors) == summary.invalid == 6
    for element in (root, suite):
        assert element.get("tests") == str(summary.files)
        assert element.get("failures") == str(len(failures))
        assert element.get("errors") == str(len(errors))


def test_failure_carries_every_issue_and_unreadable_is_an_error(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    cases = {c.get("name"): c for c in _render(run).iter("testcase")}
    first = cases[run.reports[0].source].find("failure")
    assert first is not None and first.get("type") == "SCHEMA_PATTERN"
    assert first.text is not None and first.text.count("SCHEMA_PATTERN") == 3
    assert ":14:5:" in first.text
    missing = cases[str(tmp_path / "missing.xml")]
    error = missing.find("error")
    assert error is not None and error.get("type") == "INPUT_NOT_FOUND"
    hostile = cases[str(tmp_path / "hostile.xml")].find("failure")
    assert hostile is not None and hostile.text is not None and HOSTILE in hostile.text


def test_warnings_below_fail_on_pass_with_output(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    case = list(_render(run).iter("testcase"))[-1]
    assert case.find("failure") is None
    out = case.find("system-out")
    assert out is not None and out.text is not None and "CN-004" in out.text
    run.fail_on = Severity.WARNING
    assert list(_render(run).iter("testcase"))[-1].find("failure") is not None


def test_characters_xml_cannot_carry_are_replaced() -> None:
    issue = Issue("X", Severity.ERROR, Layer.SCHEMA, "bell \x07 and nul \x00 inside")
    root = _render(RunResult([Report("a\x01.xml", (issue,))]))
    failure = next(root.iter("failure"))
    assert "bell \ufffd and nul \ufffd inside" in (failure.text or "")
