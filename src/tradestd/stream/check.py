"""One record through the validation pipeline, XML or JSON, with batch positions.

An XML record is validated as a fast copy of the batch's element; a record with anything
to report is serialized and parsed again on its own, and each issue is positioned (exact
line and column) by the element it names, then moved back to the batch's numbering. A JSON record is
turned into XML by a :class:`RecordConverter` and validated as such; its issues sit
on the record's line (with the XPath of what they are about).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable

from lxml import etree

from ..convert.jsonintake import JsonLocator
from ..intake import Limits, XmlDocument, copy_document
from ..issues import Issue, Layer, Report, Severity
from ..locate import find_element
from ..pointers import json_pointer
from .jsonlines import JsonLine
from .results import RecordReport
from .xmlrecords import XmlRecord

__all__ = ["CheckDocument", "RecordConverter", "check_json_line", "check_xml_record"]

#: Validates one parsed message: ``Validator.validate_document`` or ``SchemaSet``'s.
CheckDocument = Callable[[XmlDocument], Report]


@runtime_checkable
class RecordConverter(Protocol):
    """Converts one record; raises :class:`ValueError` for a record that does not fit."""

    def to_data(self, element: etree._Element) -> Any: ...

    def to_element(self, data: Any) -> etree._Element: ...


def _placed(issue: Issue, record: XmlRecord) -> Issue:
    line, column = record.place(issue.line, issue.column)
    return replace(issue, line=line, column=column, record=record.index)


#: Where the element at an XPath of the record begins in the record's own text (line 1
#: being the record's first line), or ``None`` when that cannot be told.
Position = Callable[[str], tuple[int | None, int | None] | None]


def _positioned(issues: tuple[Issue, ...], position: Position) -> tuple[Issue, ...] | None:
    """The issues found on a record's copy, positioned in the record's own text by the
    element each one names; ``None`` when one cannot be."""
    moved = []
    for issue in issues:
        if issue.path is None:
            if issue.line is not None:
                return None
            moved.append(issue)
            continue
        where = position(issue.path)
        if where is None:
            return None
        moved.append(replace(issue, line=where[0], column=where[1]))
    return tuple(moved)


def _in_document(doc: XmlDocument) -> Position:
    """Positions in the record's text parsed again (:meth:`XmlRecord.document`)."""
    def position(path: str) -> tuple[int | None, int | None] | None:
        root = doc.tree.getroot() if doc.tree is not None else None
        element = find_element(root, path) if root is not None else None
        return doc.locator().position(element) if element is not None else None
    return position


def check_xml_record(record: XmlRecord, check: CheckDocument, limits: Limits) -> RecordReport:
    """The verdict on one XML record, its issues placed in the batch.

    The record is validated once, as a copy. When it has issues, each is placed by the
    element it names: read off the record's serialized text where that leaves no doubt,
    else by parsing that text again (and validating again only if an issue names no
    element).
    """
    report = check(record.copy(limits))
    if not report.issues:
        return RecordReport(record.index, record.line, report, record.offset)
    issues = _positioned(report.issues, record.text_position)
    if issues is None:
        doc = record.document(limits)
        issues = _positioned(report.issues, _in_document(doc))
        if issues is None:
            report = check(doc)
            issues = report.issues
    placed = tuple(_placed(issue, record) for issue in issues)
    return RecordReport(record.index, record.line, replace(report, issues=placed),
                        record.offset)


def conversion_failure(exc: ValueError, index: int, line: int | None) -> Issue:
    """A record that does not fit the conversion, as an issue of that record."""
    where = getattr(exc, "line", None)
    path = getattr(exc, "path", None) or None
    return Issue("CONVERT_FAILED", Severity.ERROR, Layer.SCHEMA, f"cannot convert: {exc}",
                 where if isinstance(where, int) else line, None, path, record=index)


def _record_pointer(data: Any, xpath: str | None) -> str | None:
    """The JSON Pointer, inside the record's own JSON, of an issue found on its XML form
    (``None`` when the record is not in the tradestd convention or the issue has no path)."""
    return json_pointer(data, xpath) if xpath is not None else None


def check_json_line(line: JsonLine, name: str, converter: RecordConverter,
                    check: CheckDocument, limits: Limits
                    ) -> tuple[RecordReport, etree._Element | None]:
    """The verdict on one JSON Lines record, and its XML when it converted."""
    if line.issue is not None:
        return RecordReport(line.index, line.line, Report(name, (line.issue,)), line.offset), None
    try:
        element = converter.to_element(line.data)
    except ValueError as exc:
        failure = conversion_failure(exc, line.index, line.line)
        return RecordReport(line.index, line.line, Report(name, (failure,)), line.offset), None
    report = check(copy_document(name, element, limits))
    locator = JsonLocator(line.text)
    issues = []
    for issue in report.issues:
        ptr = _record_pointer(line.data, issue.path)
        column = locator.position(ptr)[1] if ptr is not None and line.text else None
        issues.append(replace(issue, line=line.line, column=column, record=line.index,
                              path=ptr if ptr is not None else issue.path))
    return (RecordReport(line.index, line.line, replace(report, issues=tuple(issues)),
                         line.offset),
            element)
