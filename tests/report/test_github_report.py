"""GitHub workflow-command annotations, escaped as the runner expects."""

from __future__ import annotations

import io
from pathlib import Path

from sample_runs import sample_run

from tradestd.issues import Issue, Layer, Severity
from tradestd.report.github import GithubReporter, annotation


def test_one_annotation_per_issue_then_summary(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    out = io.StringIO()
    GithubReporter().render(run, out)
    lines = out.getvalue().splitlines()
    assert len(lines) == sum(len(r.issues) for r in run.reports) + 1
    first = run.reports[0].source
    assert lines[0].startswith(f"::error file={first},line=8,col=5,title=SCHEMA_PATTERN::")
    assert lines[-1].startswith("11 files checked: 5 valid, 6 invalid")
    assert any(line.startswith("::notice ") and "title=RULE_NOTE [CN-010]" in line
               for line in lines)


def test_values_are_escaped() -> None:
    issue = Issue("RULE_FAILED", Severity.WARNING, Layer.RULES, "100%,\nsecond line", 5, 5,
                  rule_id="CN-004")
    line = annotation("dir/a,b:c.xml", issue)
    assert line == ("::warning file=dir/a%2Cb%3Ac.xml,line=5,col=5,title=RULE_FAILED [CN-004]::"
                    "100%25,%0Asecond line")


def test_stdin_issue_has_no_file_property() -> None:
    issue = Issue("XML_EMPTY", Severity.ERROR, Layer.SYNTAX, "the file is empty", 1, 1)
    assert annotation("<stdin>", issue) == "::error title=XML_EMPTY::<stdin>: the file is empty"
