"""Compiler-style text: ``path:line:col: severity CODE message [at XPath]`` and a summary."""

from __future__ import annotations

from typing import TextIO

from ..issues import Issue, Severity
from .run import RunResult

__all__ = ["TextReporter", "format_issue"]


def format_issue(source: str, issue: Issue) -> str:
    where = source
    if issue.line is not None:
        where += f":{issue.line}"
        if issue.column is not None:
            where += f":{issue.column}"
    code = f"{issue.code}" + (f" [{issue.rule_id}]" if issue.rule_id and issue.rule_id != issue.code else "")
    at = f" (at {issue.path})" if issue.path else ""
    record = f" record {issue.record}:" if issue.record is not None else ""
    return f"{where}:{record} {issue.severity.value} {code} {issue.message}{at}"


class TextReporter:
    name = "text"

    def __init__(self, verbosity: int = 0) -> None:
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose

    def render(self, run: RunResult, out: TextIO) -> None:
        if self.verbosity >= 0:
            for report in run.reports:
                shown = [i for i in report.issues
                         if self.verbosity > 0 or i.severity is not Severity.INFO]
                for issue in sorted(shown, key=lambda i: i.sort_key):
                    out.write(format_issue(report.source, issue) + "\n")
                if self.verbosity > 0 and not report.failed(run.fail_on):
                    kind = f" ({report.message_type})" if report.message_type else ""
                    out.write(f"{report.source}: ok{kind}\n")
        out.write(summary_line(run) + "\n")


def summary_line(run: RunResult) -> str:
    s = run.summary()
    files = "file" if s.files == 1 else "files"
    return (f"{s.files} {files} checked: {s.valid} valid, {s.invalid} invalid; "
            f"{s.errors} errors, {s.warnings} warnings")
