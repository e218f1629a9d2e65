"""Validating a batch record by record: :class:`RecordStream` yields :class:`RecordReport`.

Each record goes through the same pipeline as a single message (syntax, schema,
rules), first as a fast copy of the batch's element; a record with anything to report
is serialized and parsed again on its own so that every issue gets an exact line and
column, moved back to the batch's numbering and tagged with the record's index. A schema-invalid record is reported and
the stream goes on; a batch that stops being well-formed ends the stream with a
located issue in :attr:`StreamSummary.issues` naming the records already handled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..intake import DEFAULT_LIMITS, IntakeError, Limits, XmlDocument
from ..issues import Issue, Report, Severity
from .source import BatchSource, open_batch
from .xmlrecords import XmlRecord, XmlRecordReader, record_pattern

__all__ = ["RecordReport", "RecordStream", "StreamSummary", "record_candidates"]

#: Validates one parsed message: ``Validator.validate_document`` or ``SchemaSet``'s.
CheckDocument = Callable[[XmlDocument], Report]


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


def record_candidates(types: Iterable[Any]) -> list[str]:
    """Tags that may be records, from message types (``record``, else ``root``, and envelopes)."""
    tags: list[str] = []
    for message_type in types:
        tags.append(message_type.record or message_type.root)
        if message_type.envelope:
            tags.append(message_type.envelope)
    return list(dict.fromkeys(tags))


def _placed(issue: Issue, record: XmlRecord) -> Issue:
    line, column = record.place(issue.line, issue.column)
    return replace(issue, line=line, column=column, record=record.index)


class RecordStream:
    """Iterate over a batch's :class:`RecordReport`; :attr:`summary` fills up on the way.

    ``record`` names the record element (``{namespace}local`` or a local name); when it
    is ``None`` the first element whose tag is in ``candidates`` is taken.
    """

    def __init__(self, source: BatchSource, check: CheckDocument, *, record: str | None = None,
                 candidates: Sequence[str] = (), limits: Limits = DEFAULT_LIMITS,
                 fail_on: Severity = Severity.ERROR) -> None:
        if not record and not candidates:
            raise ValueError("name the record element: no known message type to detect it from")
        self._source = source
        self._check = check
        self._pattern = record_pattern(record) if record else None
        self._candidates = candidates
        self._limits = limits
        self.summary = StreamSummary(source="", fail_on=fail_on)

    def __iter__(self) -> Iterator[RecordReport]:
        started = time.perf_counter()
        try:
            with open_batch(self._source) as batch:
                self.summary.source = batch.name
                self.summary.size = batch.size
                reader = XmlRecordReader(batch.stream, batch.name, record=self._pattern,
                                         candidates=self._candidates, limits=self._limits)
                for record in reader:
                    report = self._validate(record)
                    self.summary.count(report)
                    self.summary.bytes_read = reader.bytes_read
                    self.summary.record_tag = reader.record_tag
                    yield report
                self.summary.bytes_read = reader.bytes_read
                self.summary.record_tag = reader.record_tag
                self.summary.issues.extend(reader.issues)
        except IntakeError as exc:
            self.summary.issues.append(exc.issue)
        finally:
            self.summary.seconds = time.perf_counter() - started

    def _validate(self, record: XmlRecord) -> RecordReport:
        report = self._check(record.copy(self._limits))
        if not report.issues:
            return RecordReport(record.index, record.line, report, record.offset)
        # Something to report: validate the record's own text again to locate it exactly.
        report = self._check(record.document(self._limits))
        issues = tuple(_placed(issue, record) for issue in report.issues)
        return RecordReport(record.index, record.line, replace(report, issues=issues),
                            record.offset)
