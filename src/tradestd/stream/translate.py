"""Translating an XML batch record by record into another schema set (``translate --record``).

The batch is read with the record reader of :mod:`tradestd.stream.xmlrecords` (flat
memory: each record is copied out and cleared), each record is translated as a message
of its own (:meth:`tradestd.wco.translate.Translator.translate_document`: checked under
the source set, carried by WCO ID, the result checked under the target set), and the
valid results are written as they come, with the writer of :mod:`tradestd.stream.convert`:
a temporary file beside the output, renamed over it only when records in = records out
(+ rejected, with a rejects file). The output is an XML batch (the results inside a
container element) or JSON Lines (the tradestd JSON of each result, one a line).

Each record's report is a :class:`~tradestd.wco.translate.TranslationReport` carrying its
translation: values carried (a count), not carried (source line in the batch, XPath in
the record, value, reason) and needed. The issues of a record refused under the source
set are placed in the batch (as ``validate --record`` places them); the issues of a
result refused under the target set are located in that result.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import IO, Any

from lxml import etree

from ..convert.jsontext import json_bytes
from ..intake import DEFAULT_LIMITS, Limits, XmlDocument, new_parser
from ..issues import Report
from ..wco.translate import Translation, TranslationReport, Translator
from .check import RecordConverter, check_xml_record, conversion_failure
from .convert import DEFAULT_CONTAINER, _Conversion, _xml_text, container_tags
from .results import RecordReport
from .source import BatchSource
from .xmlrecords import XmlRecord, XmlRecordReader, record_pattern

__all__ = ["BatchTranslation"]

_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>"


class BatchTranslation(_Conversion):
    """An XML batch translated record by record; iterate for one :class:`RecordReport`
    per record (its ``report`` a :class:`TranslationReport`), then read :attr:`summary`.

    The results make an XML batch whose records sit in ``container``; with ``converter``
    (the target set's :class:`~tradestd.stream.schemaconverter.SchemaConverter`), JSON
    Lines instead. ``record`` names the record element, else it is the first element
    whose tag is one of ``candidates`` (the source set's global elements)."""

    def __init__(self, source: BatchSource, target: str | os.PathLike[str],
                 translator: Translator, *, record: str | None = None,
                 candidates: Sequence[str] = (), limits: Limits = DEFAULT_LIMITS,
                 rejects: str | os.PathLike[str] | None = None,
                 container: str = DEFAULT_CONTAINER,
                 converter: RecordConverter | None = None) -> None:
        super().__init__(source, target, converter or _NO_CONVERTER, self._translate_one, limits,
                         rejects)
        if not record and not candidates:
            raise ValueError("name the record element: no known message type to detect it from")
        self._translator = translator
        self._pattern = record_pattern(record) if record else None
        self._candidates = candidates
        self._to_json = converter is not None
        self._start, self._end = container_tags(container)
        self._last: Translation | None = None

    def _translate_one(self, doc: XmlDocument) -> Report:
        """Translate one record; only the issues of a refused source are returned here,
        to be placed in the batch (the others are about the result)."""
        done = self._last = self._translator.translate_document(doc)
        return done.report if not done.source_valid else Report(done.source, ())

    def _translate(self, record: XmlRecord) -> Translation:
        checked = check_xml_record(record, self._translate_one, self._limits)
        done = self._last
        assert done is not None
        self._last = None
        if done.source_valid:  # the result's issues, located in the result
            issues = tuple(replace(i, record=record.index) for i in done.report.issues)
        else:
            issues = checked.report.issues
        return replace(done, report=done.report.with_issues(issues))

    def _convert(self, name: str, stream: IO[bytes], out: IO[bytes]) -> Iterator[RecordReport]:
        reader = XmlRecordReader(stream, name, record=self._pattern,
                                 candidates=self._candidates, limits=self._limits)
        if not self._to_json:
            out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n' + self._start + b"\n")
        for record in reader:
            done = self._translate(record)
            if done.valid and done.xml is not None:
                try:
                    out.write(self._result(done.xml))
                    self.summary.records_out += 1
                except ValueError as exc:  # the result does not fit the JSON convention
                    failure = conversion_failure(exc, record.index, record.line)
                    done = replace(done, report=done.report.with_issues(
                        (*done.report.issues, failure)))
            report = done.report
            yield self._done(RecordReport(record.index, record.line, TranslationReport(
                done.source, report.issues, report.message_type, report.layers,
                report.rule_packs, translation=done), record.offset),
                reader.bytes_read, partial(_xml_text, record.element))
        if not self._to_json:
            out.write(self._end + b"\n")
        self.summary.records_in = reader.records
        self.summary.bytes_read = reader.bytes_read
        self.summary.record_tag = reader.record_tag
        self.summary.issues.extend(reader.issues)

    def _result(self, xml: bytes) -> bytes:
        if self._to_json:
            element = etree.fromstring(xml, new_parser())  # our own output
            return json_bytes(self._converter.to_data(element)) + b"\n"
        body = xml.removeprefix(_DECLARATION)
        return body.lstrip(b"\n")


class _NoConverter:
    """An XML batch of results needs no conversion."""

    def to_data(self, element: etree._Element) -> Any:
        raise AssertionError("no JSON conversion for an XML batch")

    def to_element(self, data: Any) -> etree._Element:
        raise AssertionError("no JSON conversion for an XML batch")


_NO_CONVERTER: RecordConverter = _NoConverter()
