"""The outcome of validating many messages: reports in input order plus a summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..issues import Issue, Layer, Report, Severity

__all__ = ["IssueCap", "RunResult", "Shown", "Summary", "relevance"]


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
            "results": [self._report_dict(r) for r in self.reports],
        }

    def _report_dict(self, report: Report) -> dict[str, Any]:
        data = report.to_dict()
        shown = self.shown(report)
        if shown.omitted:
            data["issues"] = [i.to_dict() for i in shown.issues]
            data["issues_omitted"] = shown.omitted
        return data
