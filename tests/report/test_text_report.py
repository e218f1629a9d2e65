"""Compiler-style text: one line per issue, grouped floods, --max-issues, colour on demand."""

from __future__ import annotations

import io
from pathlib import Path

from sample_runs import sample_run

from tradestd.issues import Issue, Layer, Report, Severity
from tradestd.report import RunResult
from tradestd.report.text import TextReporter, group_issues


def _text(run: RunResult, verbosity: int = 0, color: bool = False) -> str:
    out = io.StringIO()
    TextReporter(verbosity, color).render(run, out)
    return out.getvalue()


def _flood(files: int, per_file: int) -> RunResult:
    reports = []
    for f in range(files):
        issues = [Issue("SCHEMA_PATTERN", Severity.ERROR, Layer.SCHEMA, f"item {n} bad", n + 10, 5)
                  for n in range(per_file)]
        issues.append(Issue("SCHEMA_MISSING_ELEMENT", Severity.ERROR, Layer.SCHEMA,
                            "Date missing", 3 + f, 1))
        reports.append(Report(f"f{f:02d}.xml", tuple(issues)))
    reports.append(Report("g.xml", (Issue("XML_MALFORMED", Severity.ERROR, Layer.SYNTAX,
                                          "not well-formed", 40, 2),)))
    return RunResult(reports)


def test_compiler_style_lines_and_summary(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    lines = _text(run).splitlines()
    assert lines[0] == (f"{run.reports[0].source}:8:5: error SCHEMA_PATTERN OriginCountry: "
                        "'de' does not match the required pattern [A-Z]{2} "
                        "(at /Consignment/Item[1]/OriginCountry)")
    assert lines[-1] == "11 files checked: 5 valid, 6 invalid; 10 errors, 1 warnings"
    assert not any("RULE_NOTE" in line for line in lines)
    assert any("RULE_NOTE [CN-010]" in line and "record 0:" in line
               for line in _text(run, verbosity=1).splitlines())
    assert "\x1b[" not in _text(run)


def test_flood_is_grouped_with_the_most_relevant_first() -> None:
    text = _text(_flood(37, 12))
    groups = text[text.index("Most frequent issues:"):].splitlines()
    assert groups[1] == "  error SCHEMA_PATTERN x 444 in 37 files"
    assert groups[2] == "    first: f00.xml:10:5: error SCHEMA_PATTERN item 0 bad"
    assert groups[3] == "  error SCHEMA_MISSING_ELEMENT x 37 in 37 files"
    assert "XML_MALFORMED x" not in text  # once only: not a flood


def test_short_reports_are_not_grouped() -> None:
    assert "Most frequent issues" not in _text(_flood(3, 2))
    assert "Most frequent issues" in _text(_flood(3, 3))


def test_groups_rank_severity_before_count() -> None:
    warning = Issue("W", Severity.WARNING, Layer.RULES, "w")
    error = Issue("E", Severity.ERROR, Layer.RULES, "e")
    run = RunResult([Report("a", (warning,) * 5 + (error,) * 2)])
    assert [g.label for g in group_issues(run)] == ["E", "W"]


def test_max_issues_keeps_the_most_relevant_per_file() -> None:
    issues = (Issue("LATE", Severity.WARNING, Layer.RULES, "w", 1, 1),
              Issue("BAD", Severity.ERROR, Layer.SCHEMA, "e", 9, 1),
              Issue("WORSE", Severity.ERROR, Layer.SYNTAX, "s", 20, 1))
    run = RunResult([Report("a.xml", issues)], max_issues=2)
    lines = _text(run).splitlines()
    assert lines[:3] == ["a.xml:9:1: error BAD e", "a.xml:20:1: error WORSE s",
                         "a.xml: ... 1 more issues not shown (--max-issues 2)"]
    assert lines[-1].endswith("2 errors, 1 warnings")


def test_colour_when_asked() -> None:
    coloured = _text(_flood(2, 2), color=True)
    assert "\x1b[" in coloured
    assert "SCHEMA_PATTERN" in coloured
