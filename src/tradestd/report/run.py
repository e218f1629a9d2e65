"""The outcome of validating many messages: reports in input order plus a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..issues import Issue, Layer, Report, Severity

__all__ = ["RunResult", "Shown", "Summary", "relevance"]


def relevance(issue: Issue) -> tuple[int, int, int, int]:
    """Sort key, most relevant first: most severe, earliest layer, earliest position."""
    return (-issue.severity.rank, _LAYERS.index(issue.layer), issue.line or 0, issue.column or 0)


_LAYERS = list(Layer)


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
        issues = list(report.issues)
        if self.max_issues is not None:
            issues = sorted(issues, key=relevance)[:self.max_issues]
        return Shown(tuple(sorted(issues, key=lambda i: i.sort_key)),
                     len(report.issues) - len(issues))

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
