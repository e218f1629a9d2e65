"""The outcome of validating many messages: reports in input order plus a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..issues import Report, Severity

__all__ = ["RunResult", "Summary"]


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
            "results": [r.to_dict() for r in self.reports],
        }
