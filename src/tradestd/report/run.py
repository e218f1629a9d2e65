"""The outcome of validating many messages: reports in input order plus a summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..issues import Issue, Layer, Report, Severity

__all__ = ["RUN_NOTE_CODES", "IssueCap", "RunNote", "RunNotes", "RunResult", "Shown", "Summary",
           "relevance"]


def relevance(issue: Issue) -> tuple[int, int, int, int]:
    """Sort key, most relevant first: most severe, earliest layer, earliest position."""
    return (-issue.severity.rank, _LAYERS.index(issue.layer), issue.line or 0, issue.column or 0)


_LAYERS = list(Layer)


class IssueCap:
    """``--max-issues``: of the issue lists given to :meth:`take` (one report, or the
    records of one batch in order) at most ``limit`` issues in all are shown, the most
    relevant of a list that crosses the limit; the rest are only counted in
    :attr:`omitted`. ``None`` shows them all."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.shown = 0
        self.omitted = 0

    def reset(self) -> None:
        self.shown = self.omitted = 0

    def take(self, issues: Sequence[Issue]) -> list[Issue]:
        """The issues to write, in line order."""
        chosen = list(issues)
        if self.limit is not None and self.shown + len(chosen) > self.limit:
            chosen = sorted(chosen, key=relevance)[:max(self.limit - self.shown, 0)]
            self.omitted += len(issues) - len(chosen)
        self.shown += len(chosen)
        return sorted(chosen, key=lambda i: i.sort_key)


#: Information that says the same of every message that has it (every real message
#: carries ``xsi:schemaLocation``): reporters say it once per run, in the run's notes,
#: never once per file. The library's own reports keep it on each message.
RUN_NOTE_CODES = frozenset({"XML_SCHEMA_LOCATION_IGNORED"})


@dataclass(frozen=True, slots=True)
class RunNote:
    """One run-level note: what it says and of how many messages."""

    code: str
    severity: Severity
    message: str
    messages: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message,
                "messages": self.messages}

    def text(self) -> str:
        kind = "message" if self.messages == 1 else "messages"
        return f"note: {self.message} ({self.code}, {self.messages:,} {kind})"


class RunNotes:
    """Takes the run-level notes (:data:`RUN_NOTE_CODES`) out of issue lists, counting
    each code once per message."""

    def __init__(self) -> None:
        self._found: dict[str, RunNote] = {}

    def take(self, issues: Sequence[Issue]) -> tuple[Issue, ...]:
        """``issues`` without the run-level notes, which are counted here."""
        kept = tuple(i for i in issues if i.code not in RUN_NOTE_CODES)
        if len(kept) == len(issues):
            return kept
        for code in {i.code for i in issues if i.code in RUN_NOTE_CODES}:
            first = next(i for i in issues if i.code == code)
            seen = self._found.get(code)
            self._found[code] = RunNote(code, first.severity, first.message,
                                        (seen.messages if seen else 0) + 1)
        return kept

    def notes(self) -> list[RunNote]:
        return sorted(self._found.values(), key=lambda n: n.code)


@dataclass(frozen=True, slots=True)
class Shown:
    """The issues of one report that a reporter shows, in line order, and how many were cut."""

    issues: tuple[Issue, ...]
    omitted: int


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    valid: int
    invalid: int
    errors: int
    warnings: int
    infos: int

    def to_dict(self) -> dict[str, int]:
        return {"files": self.files, "valid": self.valid, "invalid": self.invalid,
                "errors": self.errors, "warnings": self.warnings, "infos": self.infos}


@dataclass
class RunResult:
    """All reports of one CLI or library run, in the order the inputs were given."""

    reports: list[Report] = field(default_factory=list)
    fail_on: Severity = Severity.ERROR
    tool_version: str = ""
    max_issues: int | None = None  # per report; the summary and the verdict count them all
    #: how the reader raises ``max_issues`` (``{limit}`` is the limit): the CLI's option,
    #: or the query parameter of ``tradestd serve``
    max_issues_hint: str = "--max-issues {limit}"
    #: run-level notes taken out of the reports (:data:`RUN_NOTE_CODES`), once each
    notes: list[RunNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        taker = RunNotes()
        reports = []
        for report in self.reports:
            kept = taker.take(report.issues)
            reports.append(report if len(kept) == len(report.issues)
                           else report.with_issues(kept))
        self.reports = reports
        self.notes = [*self.notes, *taker.notes()]

    def max_issues_note(self) -> str:
        """How to see the issues a report leaves out: ``--max-issues 50``, or the query
        parameter of ``tradestd serve``."""
        return self.max_issues_hint.format(limit=self.max_issues)

    def shown(self, report: Report) -> Shown:
        """The most relevant ``max_issues`` issues of ``report``, in line order."""
        cap = IssueCap(self.max_issues)
        return Shown(tuple(cap.take(report.issues)), cap.omitted)

    def summary(self) -> Summary:
        counts = {s: 0 for s in Severity}
        invalid = 0
        for report in self.reports:
            for issue in report.issues:
                counts[issue.severity] += 1
            if report.failed(self.fail_on):
                invalid += 1
        return Summary(files=len(self.reports), valid=len(self.reports) - invalid, invalid=invalid,
                       errors=counts[Severity.ERROR], warnings=counts[Severity.WARNING],
                       infos=counts[Severity.INFO])

    @property
    def ok(self) -> bool:
        return not any(r.failed(self.fail_on) for r in self.reports)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "tool": {"name": "tradestd", "version": self.tool_version},
            "fail_on": self.fail_on.value,
            "summary": self.summary().to_dict(),
            "notes": [note.to_dict() for note in self.notes],
            "results": [self._report_dict(r) for r in self.reports],
        }

    def _report_dict(self, report: Report) -> dict[str, Any]:
        data = report.to_dict()
        shown = self.shown(report)
        if shown.omitted:
            data["issues"] = [i.to_dict() for i in shown.issues]
            data["issues_omitted"] = shown.omitted
        return data
