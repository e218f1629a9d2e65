"""Compiler-style text: ``path:line:col: severity CODE message (at XPath)`` and a summary.

Plain text by default; coloured with rich when the caller says the stream is a terminal
that accepts colour. When one defect repeats in a long report, the summary groups it
(``SCHEMA_PATTERN x 412 in 37 files``) with its most relevant occurrence first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..issues import Issue, Report, Severity
from .run import RunResult, relevance

__all__ = ["IssueGroup", "TextReporter", "format_issue", "group_issues", "issue_label",
           "summary_line"]

#: Pieces of one output line: (text, rich style or "").
Segments = list[tuple[str, str]]
Emit = Callable[[Segments], None]

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MAX_GROUPS = 10
#: The grouped summary is printed when a run has more issues than this.
GROUPS_FROM = 10


def issue_label(issue: Issue) -> str:
    """The code, with the rule id when it says more: ``RULE_FAILED [DEC-017]``."""
    extra = issue.rule_id and issue.rule_id != issue.code
    return issue.code + (f" [{issue.rule_id}]" if extra else "")


def format_issue(source: str, issue: Issue) -> str:
    return "".join(text for text, _ in _issue_segments(source, issue))


def _issue_segments(source: str, issue: Issue) -> Segments:
    where = source
    if issue.line is not None:
        where += f":{issue.line}"
        if issue.column is not None:
            where += f":{issue.column}"
    record = f" record {issue.record}:" if issue.record is not None else ""
    segments: Segments = [(where, "bold"), (f":{record} ", ""),
                          (issue.severity.value, _SEVERITY_STYLE[issue.severity]),
                          (" ", ""), (issue_label(issue), "magenta"), (f" {issue.message}", "")]
    if issue.path:
        segments.append((f" (at {issue.path})", "dim"))
    return segments


@dataclass
class IssueGroup:
    """All issues of one code (and rule id) across a run."""

    label: str
    severity: Severity
    count: int = 0
    files: set[str] = field(default_factory=set)
    best: tuple[str, Issue] | None = None

    def add(self, source: str, issue: Issue) -> None:
        self.count += 1
        self.files.add(source)
        if self.best is None or relevance(issue) < relevance(self.best[1]):
            self.best = (source, issue)


def group_issues(run: RunResult, minimum: int = 2) -> list[IssueGroup]:
    """Codes seen at least ``minimum`` times: most severe first, then most frequent."""
    groups: dict[tuple[str, str | None, Severity], IssueGroup] = {}
    for report in run.reports:
        for issue in report.issues:
            key = (issue.code, issue.rule_id, issue.severity)
            group = groups.setdefault(key, IssueGroup(issue_label(issue), issue.severity))
            group.add(report.source, issue)
    found = [g for g in groups.values() if g.count >= minimum]
    return sorted(found, key=lambda g: (-g.severity.rank, -g.count, g.label))


class TextReporter:
    name = "text"

    def __init__(self, verbosity: int = 0, color: bool = False) -> None:
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose
        self.color = color

    def render(self, run: RunResult, out: TextIO) -> None:
        console = Console(file=out, force_terminal=True, color_system="standard",
                          highlight=False, soft_wrap=True) if self.color else None
        emit = _emitter(out, console)
        if self.verbosity >= 0:
            for report in run.reports:
                self._render_report(run, report, emit)
            self._render_groups(run, emit)
        if self.verbosity > 0:
            for note in run.notes:
                emit([(note.text(), "dim")])
        emit([(summary_line(run), "bold")])

    def _render_report(self, run: RunResult, report: Report, emit: Emit) -> None:
        source, shown = report.source, run.shown(report)
        for issue in shown.issues:
            if self.verbosity > 0 or issue.severity is not Severity.INFO:
                emit(_issue_segments(source, issue))
        if shown.omitted:
            note = (f"{source}: ... {shown.omitted} more issues not shown "
                    f"({run.max_issues_note()})")
            emit([(note, "dim")])
        if self.verbosity > 0 and not report.failed(run.fail_on):
            kind = f" ({report.message_type})" if report.message_type else ""
            emit([(f"{source}: ok{kind}", "green")])

    def _render_groups(self, run: RunResult, emit: Emit) -> None:
        groups = [g for g in group_issues(run)
                  if self.verbosity > 0 or g.severity is not Severity.INFO]
        if sum(g.count for g in groups) <= GROUPS_FROM:
            return
        emit([("Most frequent issues:", "bold")])
        for group in groups[:MAX_GROUPS]:
            files = "file" if len(group.files) == 1 else "files"
            emit([("  ", ""), (group.severity.value, _SEVERITY_STYLE[group.severity]),
                  (" ", ""), (group.label, "magenta"),
                  (f" x {group.count} in {len(group.files)} {files}", "bold")])
            if group.best is not None:
                emit([("    first: ", "dim"), *_issue_segments(*group.best)])
        if len(groups) > MAX_GROUPS:
            emit([(f"  ... and {len(groups) - MAX_GROUPS} more repeated codes", "dim")])


def _emitter(out: TextIO, console: Console | None) -> Emit:
    def plain(segments: Segments) -> None:
        out.write("".join(text for text, _ in segments) + "\n")

    def coloured(segments: Segments) -> None:
        assert console is not None
        console.print(Text.assemble(*segments))

    return plain if console is None else coloured


def summary_line(run: RunResult) -> str:
    s = run.summary()
    files = "file" if s.files == 1 else "files"
    return (f"{s.files} {files} checked: {s.valid} valid, {s.invalid} invalid; "
            f"{s.errors} errors, {s.warnings} warnings")
