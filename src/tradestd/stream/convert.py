"""Converting batches as they stream: XML batch -> JSON Lines and JSON Lines -> XML batch.

Output goes to a temporary file beside the target and is renamed over it only when
the whole batch was read, every record validated and converted, and the count of
records written equals the count read; otherwise the temporary file is removed and
nothing is written. Each record is validated like a single message (all layers of the
given check) before it is converted; an invalid record, or one that cannot be
converted, is reported with its index and line and the stream goes on, so one run
names every failing record. Nothing is skipped silently.

With a *rejects* file the batch is no longer all or nothing: the records that fail go,
with their issues, to the rejects file (JSON Lines: ``{"index", "line", "record",
"issues"}``, ``record`` being the record's own XML or JSON text), the others to the
output, and both files are put in place when records in = records out + rejected.
A batch that cannot be read to its end still writes neither.

The conversion itself is a :class:`~tradestd.stream.check.RecordConverter`: one record
element to JSON data and back.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ..convert.jsontext import json_bytes
from ..intake import DEFAULT_LIMITS, IntakeError, Limits, source_name
from ..issues import Issue, Layer, Severity
from .check import (
    CheckDocument,
    RecordConverter,
    check_json_line,
    check_xml_record,
    conversion_failure,
)
from .detect import RecordTags, as_record_tags
from .jsonlines import JsonLine, JsonLinesReader
from .results import NoRecordsError, RecordReport
from .source import BatchSource, open_batch
from .xmlrecords import XmlRecordReader, record_pattern

__all__ = [
    "DEFAULT_CONTAINER",
    "ConversionSummary",
    "JsonLinesToXml",
    "XmlToJsonLines",
    "container_tags",
]

#: The element written around the records of an XML batch made from JSON Lines.
DEFAULT_CONTAINER = "Batch"


@dataclass(slots=True)
class ConversionSummary:
    """What a streaming conversion read and wrote; ``written`` once the target is in place."""

    source: str
    target: str
    records_in: int = 0
    records_out: int = 0
    failed: int = 0
    bytes_read: int = 0
    size: int | None = None
    seconds: float = 0.0
    written: bool = False
    record_tag: str | None = None
    #: the rejects file (None: all or nothing) and how many records went there
    rejects: str | None = None
    rejected: int = 0
    #: Problems of the batch itself, and why nothing was written when that happens.
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.written

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.source, "target": self.target, "records_in": self.records_in,
                "records_out": self.records_out, "failed": self.failed,
                "written": self.written, "bytes": self.bytes_read,
                "rejects": self.rejects, "rejected": self.rejected,
                "seconds": round(self.seconds, 3), "issues": [i.to_dict() for i in self.issues]}


class _Output:
    """Bytes to a temporary file renamed over ``target`` on :meth:`commit` (or to stdout)."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = os.fspath(target)
        self._temp: Path | None = None
        self.stream: IO[bytes]
        if self.target == "-":
            self.stream = sys.stdout.buffer
            return
        directory = os.path.dirname(os.path.abspath(self.target))
        os.makedirs(directory, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{os.path.basename(self.target)}.",
                                        suffix=".part", dir=directory)
        self._temp = Path(name)
        self.stream = os.fdopen(handle, "wb", buffering=1 << 20)

    def commit(self) -> None:
        self.stream.flush()
        if self._temp is None:
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.replace(self._temp, self.target)
        self._temp = None

    def discard(self) -> None:
        if self._temp is None:
            return
        self.stream.close()
        self._temp.unlink(missing_ok=True)
        self._temp = None


@contextmanager
def _output(target: str | os.PathLike[str]) -> Iterator[_Output]:
    out = _Output(target)
    try:
        yield out
    finally:
        out.discard()


class _Conversion(ABC):
    """Shared shape: iterate for per-record reports, then read :attr:`summary`."""

    def __init__(self, source: BatchSource, target: str | os.PathLike[str],
                 converter: RecordConverter, check: CheckDocument, limits: Limits,
                 rejects: str | os.PathLike[str] | None = None) -> None:
        self._source = source
        self._converter = converter
        self._check = check
        self._limits = limits
        self.summary = ConversionSummary(source=source_name(source), target=os.fspath(target),
                                         rejects=os.fspath(rejects) if rejects else None)
        self._rejects: IO[bytes] | None = None

    def __iter__(self) -> Iterator[RecordReport]:
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                batch = stack.enter_context(open_batch(self._source))
                out = stack.enter_context(_output(self.summary.target))
                rejects = stack.enter_context(_output(self.summary.rejects)) \
                    if self.summary.rejects else None
                self._rejects = rejects.stream if rejects else None
                self.summary.source = batch.name
                self.summary.size = batch.size
                yield from self._convert(batch.name, batch.stream, out.stream)
                if self._complete():
                    out.commit()
                    if rejects is not None:
                        rejects.commit()
                    self.summary.written = True
        except IntakeError as exc:
            self.summary.issues.append(exc.issue)
        finally:
            self.summary.seconds = time.perf_counter() - started
        if self.summary.records_in == 0:
            raise NoRecordsError(self.summary.source, self.summary.issues)

    @abstractmethod
    def _convert(self, name: str, stream: IO[bytes], out: IO[bytes]) -> Iterator[RecordReport]:
        """Write the converted records to ``out``; yield one report per record read."""

    def _done(self, report: RecordReport, bytes_read: int,
               original: Callable[[], str | None] = lambda: None) -> RecordReport:
        """Count a record's verdict; a failed one goes to the rejects file, if any, with
        ``original()``, its own text."""
        failed = report.failed()
        self.summary.failed += failed
        self.summary.bytes_read = bytes_read
        if failed and self._rejects is not None:
            line = {"index": report.index, "line": report.line, "record": original(),
                    "issues": [issue.to_dict() for issue in report.issues]}
            self._rejects.write(json_bytes(line) + b"\n")
            self.summary.rejected += 1
        return report

    def _complete(self) -> bool:
        s = self.summary
        if any(i.severity is Severity.ERROR for i in s.issues):
            problem = "the batch itself has errors (above)"
        elif s.rejects is not None and s.records_in == s.records_out + s.rejected:
            return True
        elif s.rejects is not None:
            problem = (f"{s.records_in:,} records read but {s.records_out:,} converted and "
                       f"{s.rejected:,} rejected")
        elif s.failed or s.records_in != s.records_out:
            problem = (f"{s.records_out:,} of {s.records_in:,} records converted "
                       f"({s.failed:,} failed)")
        else:
            return True
        also = f" nor to {s.rejects}" if s.rejects else ""
        s.issues.append(Issue("CONVERT_INCOMPLETE", Severity.ERROR, Layer.INTAKE,
                              f"{problem}: nothing was written to {s.target}{also}"))
        return False


class XmlToJsonLines(_Conversion):
    """An XML batch to JSON Lines, one record a line, written as it goes."""

    def __init__(self, source: BatchSource, target: str | os.PathLike[str],
                 converter: RecordConverter, check: CheckDocument, *,
                 record: str | None = None, candidates: Sequence[str] | RecordTags = (),
                 limits: Limits = DEFAULT_LIMITS,
                 rejects: str | os.PathLike[str] | None = None) -> None:
        super().__init__(source, target, converter, check, limits, rejects)
        self._candidates = as_record_tags(candidates)
        if not record and not self._candidates.tags:
            raise ValueError("name the record element: no known message type to detect it from")
        self._pattern = record_pattern(record) if record else None

    def _convert(self, name: str, stream: IO[bytes], out: IO[bytes]) -> Iterator[RecordReport]:
        reader = XmlRecordReader(stream, name, record=self._pattern,
                                 candidates=self._candidates, limits=self._limits)
        for record in reader:
            report = check_xml_record(record, self._check, self._limits)
            if not report.failed():
                try:
                    data = self._converter.to_data(record.element)
                    out.write(json_bytes(data) + b"\n")
                    self.summary.records_out += 1
                except ValueError as exc:
                    report = _with(report, conversion_failure(exc, record.index, record.line))
            yield self._done(report, reader.bytes_read, partial(_xml_text, record.element))
        self.summary.records_in = reader.records
        self.summary.bytes_read = reader.bytes_read
        self.summary.record_tag = reader.record_tag
        self.summary.issues.extend(reader.issues)


def _xml_text(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)


def _json_text(line: JsonLine) -> str | None:
    return line.text or None


def _with(report: RecordReport, issue: Issue) -> RecordReport:
    return replace(report, report=report.report.with_issues(report.issues + (issue,)))


def container_tags(container: str) -> tuple[bytes, bytes]:
    """Start and end tags for the container; a namespace gets a prefix of its own."""
    qname = etree.QName(container)  # raises ValueError for a bad name
    local = qname.localname
    if qname.namespace is None:
        return f"<{local}>".encode(), f"</{local}>".encode()
    uri = qname.namespace.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<batch:{local} xmlns:batch="{uri}">'.encode(),
            f"</batch:{local}>".encode())


class JsonLinesToXml(_Conversion):
    """JSON Lines to an XML batch: the container's start tag, the records, its end tag."""

    def __init__(self, source: BatchSource, target: str | os.PathLike[str],
                 converter: RecordConverter, check: CheckDocument, *,
                 container: str = DEFAULT_CONTAINER, limits: Limits = DEFAULT_LIMITS,
                 rejects: str | os.PathLike[str] | None = None) -> None:
        super().__init__(source, target, converter, check, limits, rejects)
        self._start, self._end = container_tags(container)

    def _convert(self, name: str, stream: IO[bytes], out: IO[bytes]) -> Iterator[RecordReport]:
        reader = JsonLinesReader(stream, name, self._limits)
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n' + self._start + b"\n")
        for line in reader:
            report, element = check_json_line(line, name, self._converter, self._check,
                                              self._limits)
            if element is not None and not report.failed():
                out.write(etree.tostring(element, encoding="UTF-8") + b"\n")
                self.summary.records_out += 1
            yield self._done(report, reader.bytes_read, partial(_json_text, line))
        out.write(self._end + b"\n")
        self.summary.records_in = reader.records
        self.summary.bytes_read = reader.bytes_read
        self.summary.issues.extend(reader.issues)
