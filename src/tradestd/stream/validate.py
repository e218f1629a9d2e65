"""Validating a batch record by record: :class:`RecordStream` yields :class:`RecordReport`.

A batch is XML (a repeated record element in any container) or JSON Lines (one record
a line; told by a ``.jsonl``/``.ndjson`` name or a first character ``{`` or ``[``).
Each record goes through the same pipeline as a single message (syntax, schema,
rules; see :mod:`tradestd.stream.check`). An invalid record is reported and the stream
goes on; an XML batch that stops being well-formed ends the stream with a located
issue in :attr:`StreamSummary.issues` naming the records already handled.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from ..intake import DEFAULT_LIMITS, IntakeError, Limits, source_name
from ..issues import Issue, Layer, Severity
from .check import CheckDocument, RecordConverter, check_json_line, check_xml_record
from .detect import RecordTags, as_record_tags
from .jsonlines import JsonLinesReader
from .results import NoRecordsError, RecordReport, StreamSummary
from .source import BatchSource, OpenBatch, open_batch
from .xmlrecords import XmlRecordReader, record_pattern

__all__ = ["RecordStream", "is_json_lines", "record_candidates"]

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".json")


def record_candidates(types: Iterable[Any]) -> list[str]:
    """Tags that may be records, from message types (``record``, else ``root``, and envelopes)."""
    tags: list[str] = []
    for message_type in types:
        tags.append(message_type.record or message_type.root)
        if message_type.envelope:
            tags.append(message_type.envelope)
    return list(dict.fromkeys(tags))


def _head(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if callable(peek):
        head = peek(256)
        return head if isinstance(head, bytes) else b""
    if stream.seekable():
        position = stream.tell()
        head = stream.read(256)
        stream.seek(position)
        return head
    return b""


def is_json_lines(batch: OpenBatch) -> bool:
    """JSON Lines by name, else by the first character that is not white space."""
    if batch.name.lower().endswith(JSON_LINES_SUFFIXES):
        return True
    head = _head(batch.stream).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1] in (b"{", b"[")


class RecordStream:
    """Iterate over a batch's :class:`RecordReport`; :attr:`summary` fills up on the way.

    ``record`` names the XML record element (``{namespace}local`` or a local name); when
    it is ``None`` the first element whose tag is in ``candidates`` is taken (a
    :class:`~tradestd.stream.detect.RecordTags` may add list wrappers).
    A batch that yields no record at all (empty, not XML, no record element) raises
    :class:`~tradestd.stream.results.NoRecordsError` once the iteration has ended.
    ``converter`` turns JSON Lines records into XML; without one, JSON Lines are refused.
    ``share`` ``(k, n)`` checks and yields only the records whose index is ``k`` modulo
    ``n`` (the others are read and skipped): one of ``n`` processes reading the same batch
    (:mod:`tradestd.stream.parallel`); the summary then counts those records only.
    """

    def __init__(self, source: BatchSource, check: CheckDocument, *, record: str | None = None,
                 candidates: Sequence[str] | RecordTags = (),
                 limits: Limits = DEFAULT_LIMITS, converter: RecordConverter | None = None,
                 fail_on: Severity = Severity.ERROR, share: tuple[int, int] = (0, 1)) -> None:
        self._source = source
        self._check = check
        self._pattern = record_pattern(record) if record else None
        self._candidates = as_record_tags(candidates)
        self._read = 0
        self._limits = limits
        self._converter = converter
        self._share = share
        self.summary = StreamSummary(source=source_name(source), fail_on=fail_on)

    def __iter__(self) -> Iterator[RecordReport]:
        started = time.perf_counter()
        try:
            with open_batch(self._source) as batch:
                self.summary.source = batch.name
                self.summary.size = batch.size
                if is_json_lines(batch):
                    yield from self._json_lines(batch)
                else:
                    yield from self._xml(batch)
        except IntakeError as exc:
            self.summary.issues.append(exc.issue)
        finally:
            self.summary.seconds = time.perf_counter() - started
        if self._read == 0:
            raise NoRecordsError(self.summary.source, self.summary.issues)

    def _xml(self, batch: OpenBatch) -> Iterator[RecordReport]:
        if self._pattern is None and not self._candidates.tags:
            self.summary.issues.append(Issue(
                "STREAM_RECORD_UNKNOWN", Severity.ERROR, Layer.INTAKE,
                "name the record element (--record NAME): no known message type to detect "
                "it from"))
            return
        reader = XmlRecordReader(batch.stream, batch.name, record=self._pattern,
                                 candidates=self._candidates, limits=self._limits)
        mine, workers = self._share
        for record in reader:
            if record.index % workers != mine:
                continue
            yield self._count(check_xml_record(record, self._check, self._limits),
                              reader.bytes_read)
            self.summary.record_tag = reader.record_tag
        self._read = reader.records
        self.summary.bytes_read = reader.bytes_read
        self.summary.record_tag = reader.record_tag
        self.summary.issues.extend(reader.issues)

    def _json_lines(self, batch: OpenBatch) -> Iterator[RecordReport]:
        if self._converter is None:
            self.summary.issues.append(Issue(
                "STREAM_JSON_UNSUPPORTED", Severity.ERROR, Layer.INTAKE,
                f"{batch.name} is JSON Lines, and no JSON converter was given for its records"))
            return
        reader = JsonLinesReader(batch.stream, batch.name, self._limits)
        mine, workers = self._share
        for line in reader:
            if line.index % workers != mine:
                continue
            report, _ = check_json_line(line, batch.name, self._converter, self._check,
                                        self._limits)
            yield self._count(report, reader.bytes_read)
        self._read = reader.records
        self.summary.bytes_read = reader.bytes_read
        self.summary.issues.extend(reader.issues)

    def _count(self, report: RecordReport, bytes_read: int) -> RecordReport:
        self.summary.count(report)
        self.summary.bytes_read = bytes_read
        return report
