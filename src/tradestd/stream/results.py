"""What streaming yields: a :class:`RecordReport` per record, a :class:`StreamSummary` per batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..issues import Issue, Report, Severity

__all__ = ["NoRecordsError", "RecordReport", "StreamSummary"]


@dataclass(frozen=True, slots=True)
class RecordReport:
    """The verdict on one record of a batch. ``index`` is 0-based, ``line`` 1-based."""

    index: int
    line: int
    report: Report
    offset: int = 0  # bytes of the batch read when the record was done (for progress)

    @property
    def valid(self) -> bool:
        return self.report.valid

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.report.issues

    def failed(self, fail_on: Severity = Severity.ERROR) -> bool:
        return self.report.failed(fail_on)

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        del data["path"]
        return {"record": self.index, "line": self.line, **data}


@dataclass(slots=True)
class StreamSummary:
    """Counts for a whole batch, complete once the stream has been iterated to its end."""

    source: str
    record_tag: str | None = None
    records: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    bytes_read: int = 0
    size: int | None = None
    seconds: float = 0.0
    fail_on: Severity = Severity.ERROR
    #: Problems of the batch itself (not of a record): not well-formed, empty, ...
    issues: list[Issue] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        """True when the batch was not read to its end (a fatal error in the stream)."""
        return any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def ok(self) -> bool:
        return self.invalid == 0 and not self.stopped

    def count(self, record: RecordReport) -> None:
        self.records += 1
        if record.failed(self.fail_on):
            self.invalid += 1
        else:
            self.valid += 1
        for issue in record.issues:
            if issue.severity is Severity.ERROR:
                self.errors += 1
            elif issue.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.source, "record_element": self.record_tag, "records": self.records,
            "valid": self.valid, "invalid": self.invalid, "errors": self.errors,
            "warnings": self.warnings, "infos": self.infos, "complete": not self.stopped,
            "bytes": self.bytes_read, "seconds": round(self.seconds, 3),
            "issues": [i.to_dict() for i in self.issues],
        }


class NoRecordsError(ValueError):
    """A batch gave no record at all: raised by the iteration once it has ended.

    Nothing checked is never a pass: an empty file, a file that is not XML, a document in
    which no element is a record (a wrong ``record``, a schema set that does not fit the
    file), a JSON Lines file of blank lines. ``issues`` says why (the batch's own issues,
    also in the stream's ``summary.issues``, which is complete when this is raised).
    """

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.source = source
        self.issues = tuple(issues)
        errors = [i for i in issues if i.severity is Severity.ERROR] or issues
        reason = errors[0].message if errors else "it holds no record"
        super().__init__(f"{source}: no record was checked: {reason}")
