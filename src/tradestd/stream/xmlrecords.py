"""Records out of an XML batch, one at a time, with lxml's incremental parser.

A batch is any XML document in which the *record* element repeats: a wrapper around
thousands of declarations, or a single message (the root is then the only record).
Whatever wraps the records is a container. After each record has been handed out it
is cleared and its previous siblings are deleted, so memory stays flat however long
the batch is; only the bytes between two record ends are bounded (by
``Limits.max_bytes``), never the whole file.

A record nested in another record is part of it. Elements of the container that are
not records are neither validated nor converted: they are counted and reported as a
``STREAM_CONTAINER_CONTENT`` warning, never skipped silently.

A record is complete only when its end tag was read from the input: libxml2 reports the
end of an element when the ``>`` of its end tag is fed to it, whatever the chunking
(tests/stream/test_truncation.py checks this byte by byte). At a premature end of the
input some libxml2 releases (2.14 and later) close the elements left open; those ends
were never in the input, so the record cut short is reported as ``XML_TRUNCATED`` (with
its index and line), never handed out, under every libxml2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import IO

from lxml import etree

from ..intake import (
    DEFAULT_LIMITS,
    Limits,
    XmlDocument,
    copy_document,
    doctype_issue,
    new_pull_parser,
    parse_bytes,
    prolog_doctype,
    stream_syntax_issue,
)
from ..issues import Issue, Layer, Severity
from ..locate import column_on_line, find_element, plain_lines
from .detect import RecordTags, as_record_tags

__all__ = ["XmlRecord", "XmlRecordReader", "record_pattern"]

CHUNK_SIZE = 1 << 16


def record_pattern(name: str) -> str:
    """``{ns}local`` stays as given; a bare ``local`` matches that name in any namespace."""
    name = name.strip()
    if not name or name.startswith("{") and "}" not in name:
        raise ValueError(f"not an element name: {name!r}")
    return name if name.startswith("{") else f"{{*}}{name}"


def _start_column(element: etree._Element) -> int | None:
    """Column of a record's start tag, told by the whitespace that precedes it."""
    previous = element.getprevious()
    parent = element.getparent()
    text = previous.tail if previous is not None else (parent.text if parent is not None else None)
    if not text or "\n" not in text:
        return None
    indent = text.rsplit("\n", 1)[1]
    return len(indent) + 1 if not indent.strip() else None


def _inherited_declarations(element: etree._Element) -> int:
    """Characters the serializer adds to a record's start tag for its ancestors' namespaces."""
    parent = element.getparent()
    if parent is None:
        return 0
    own = element.nsmap
    added = 0
    for prefix, uri in parent.nsmap.items():
        if own.get(prefix) == uri:
            name = f"xmlns:{prefix}" if prefix else "xmlns"
            escaped = uri.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            added += len(f' {name}="{escaped}"')
    return added


def source_line(element: etree._Element) -> int | None:
    """The line of an element's start tag, also beyond line 65535.

    libxml2 keeps 16 bits of line per element; past 65535 it answers with the line at
    which the element's first text node *ends* (or its tail's, for an empty element).
    This undoes that by subtracting the newlines of that text.
    """
    line: int | None = element.sourceline
    if line is None or line < 65535:
        return line
    node = element
    while node.text is None and len(node) and isinstance(node[0].tag, str):
        node = node[0]
    text: str | None = node.text if node.text is not None or len(node) else node.tail
    return line - text.count("\n") if text else line


def _last_descendant(element: etree._Element) -> etree._Element:
    while len(element):
        element = element[-1]
    return element


@dataclass(slots=True, eq=False)
class XmlRecord:
    """One record of a batch, valid until the reader moves to the next one.

    ``element`` is the live element inside the batch tree (it is cleared afterwards);
    :meth:`document` gives a detached, independently parsed copy whose line numbers
    count from the record's first line; :meth:`place` maps them back to the batch.
    """

    index: int
    line: int
    column: int | None
    offset: int
    element: etree._Element
    name: str
    _line_map: dict[int, int] | None = field(default=None, repr=False)
    _shift: int = field(default=0, repr=False)
    _data: bytes | None = field(default=None, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)
    _lines_known: bool = field(default=False, repr=False)

    @property
    def data(self) -> bytes:
        """The record serialized on its own, with the namespace declarations it needs."""
        if self._data is None:
            self._data = etree.tostring(self.element, encoding="UTF-8", with_tail=False)
        return self._data

    def text_position(self, path: str) -> tuple[int | None, int | None] | None:
        """Line and column, in the record's own text (line 1 is its first line; see
        :meth:`place`), of the element at ``path`` (an XPath from the record's root, as
        issues give it), read off the serialized record without parsing it again where
        its lines leave no doubt (see :func:`tradestd.locate.column_on_line`); ``None``
        otherwise, and :meth:`document` then tells."""
        lines = self._same_layout_lines()
        if lines is None:
            return None
        element = find_element(self.element, path)
        line = source_line(element) if element is not None else None
        if line is None or not 0 < line - self.line + 1 <= len(lines):
            return None
        inner = line - self.line + 1
        column = column_on_line(lines[inner - 1])
        return (inner, column) if column is not None else None

    def _same_layout_lines(self) -> list[str] | None:
        """The lines of :attr:`data` when they are the record's own lines in the batch:
        the serializer rewrites start tags on one line, so it must not have joined any
        (the last start tag is as many lines down as in the batch)."""
        if not self._lines_known:
            self._lines_known = True
            text = self.data.decode("utf-8")
            lines = plain_lines(text)
            last = source_line(_last_descendant(self.element))
            end = len(text)
            while (end := text.rfind("<", 0, end)) > 0 and text.startswith("</", end):
                pass
            if lines is not None and last is not None and \
                    text.count("\n", 0, max(end, 0)) == last - self.line:
                self._lines = lines
                self._shift = _inherited_declarations(self.element)
        return self._lines

    def copy(self, limits: Limits = DEFAULT_LIMITS) -> XmlDocument:
        """The record as its own message, copied from the batch tree (fast; no columns).

        Lines are the batch's own only up to line 65535; use :meth:`document` when
        issues must be located.
        """
        return copy_document(self.name, self.element, limits)

    def document(self, limits: Limits = DEFAULT_LIMITS) -> XmlDocument:
        """The record as its own message, parsed with the hardened parser."""
        doc = parse_bytes(self.name, self.data, limits)
        if doc.tree is not None:
            self._line_map = self._map_lines(doc.tree.getroot())
            self._shift = _inherited_declarations(self.element)
        return doc

    def _map_lines(self, copy: etree._Element) -> dict[int, int] | None:
        """None when the copy keeps the original layout (the usual case), else a table."""
        original_last = source_line(_last_descendant(self.element))
        copy_last = _last_descendant(copy).sourceline
        if original_last is not None and copy_last is not None and \
                original_last - self.line + 1 == copy_last:
            return None
        table: dict[int, int] = {}
        for mine, theirs in zip(copy.iter(), self.element.iter()):
            line = source_line(theirs)
            if mine.sourceline is not None and line is not None:
                table.setdefault(mine.sourceline, line)
        return table

    def place(self, line: int | None, column: int | None) -> tuple[int | None, int | None]:
        """Batch line and column of a position in :meth:`document`."""
        if line is None:
            return None, None
        if self._line_map is not None:
            mapped = self._line_map.get(line)
            return (mapped, None) if mapped is not None else (self.line, None)
        if line == 1:
            if column is None or self.column is None:
                return self.line, None
            if column <= self._shift + 1:
                return self.line, self.column
            return self.line, column - self._shift + self.column - 1
        return line + self.line - 1, column


def _matcher(pattern: str) -> tuple[str | None, str]:
    qname = etree.QName(pattern.replace("{*}", "", 1))
    return (None if pattern.startswith("{*}") else qname.namespace), qname.localname


class XmlRecordReader:
    """Iterate the records of an XML batch; the batch's own problems land in ``issues``.

    ``record`` is a pattern from :func:`record_pattern`, or ``None`` to take the first
    element whose tag is one of ``candidates`` (the record and root elements of known
    message types, or a :class:`~tradestd.stream.detect.RecordTags` of a schema set: when
    that first element is one of its list wrappers, the element it repeats is the record).
    A well-formedness error ends the iteration with a located issue
    naming how many records were complete; ``stopped`` is then true.
    """

    def __init__(self, stream: IO[bytes], name: str, *, record: str | None,
                 candidates: Sequence[str] | RecordTags = (),
                 limits: Limits = DEFAULT_LIMITS, chunk_size: int = CHUNK_SIZE) -> None:
        self._candidates = as_record_tags(candidates)
        if record is None and not self._candidates.tags:
            raise ValueError("name the record element: no message type is known to detect it")
        self._stream = stream
        self.name = name
        self._limits = limits
        self._chunk_size = chunk_size
        self._tags = [record] if record is not None else self._candidates.all_tags
        self._pattern = _matcher(record) if record is not None else None
        self.record_tag: str | None = record
        self.records = 0
        self.bytes_read = 0
        self.issues: list[Issue] = []
        self.stopped = False
        self._outside = 0
        self._first_outside: tuple[str, int | None] = ("", None)
        self._boundary = 0
        self._depth = 0
        self._lines = 1
        self._blank = True
        self._current: etree._Element | None = None
        self._column: int | None = None

    # -- iteration -------------------------------------------------------------------

    def __iter__(self) -> Iterator[XmlRecord]:
        parser = new_pull_parser(self._tags)
        try:
            while chunk := self._stream.read(self._chunk_size):
                if self.bytes_read == 0 and (problem := prolog_doctype(chunk)) is not None:
                    self._stop(problem)  # refused before libxml2 reads a byte of it
                    return
                self.bytes_read += len(chunk)
                self._lines += chunk.count(b"\n")
                self._blank = self._blank and not chunk.strip()
                try:
                    parser.feed(chunk)
                finally:
                    yield from self._records(parser)
                problem = stream_syntax_issue(parser)
                if problem is not None:
                    self._stop(problem)
                if not self.stopped:
                    self._check_bound()
                if self.stopped:
                    return
            try:
                root = parser.close()
            except etree.XMLSyntaxError as exc:
                # The input ended inside the document. A record is complete only when its
                # end tag was read, and libxml2 reports an end as soon as the ">" of its
                # end tag is fed: every end tag in the input has been seen by now. The
                # ends a failing close() still reports are libxml2 closing the elements
                # left open (2.14 and later do, older releases do not): they are not read
                # from the input, so they complete no record and are dropped unread.
                self._stop(self._truncated(parser, exc))
                return
            yield from self._records(parser)
        except etree.XMLSyntaxError as exc:
            problem = stream_syntax_issue(parser, exc)
            assert problem is not None
            self._stop(problem)
            return
        if not self.stopped:
            self._finish(root)

    def _records(self, parser: etree.XMLPullParser) -> Iterator[XmlRecord]:
        for event, element in parser.read_events():
            if self.stopped or not self._accept(element):
                continue
            if event == "start":
                if self._depth == 0:
                    self._begin(element)
                self._depth += 1
                continue
            self._depth -= 1
            if self._depth == 0 and not self.stopped:
                record = XmlRecord(self.records, source_line(element) or 0, self._column,
                                   self.bytes_read, element, self.name)
                self.records += 1
                self._boundary = self.bytes_read
                yield record
                self._release(element)

    def _accept(self, element: etree._Element) -> bool:
        if self._pattern is not None:
            return True
        if self.record_tag is None:
            tag = str(element.tag)
            self.record_tag = self._candidates.wrappers.get(tag, tag)
        return bool(element.tag == self.record_tag)

    def _begin(self, element: etree._Element) -> None:
        if self.records == 0:
            problem = doctype_issue(element.getroottree())
            if problem is not None:
                self._stop(problem)
        self._current = element
        self._column = _start_column(element)

    def _release(self, element: etree._Element) -> None:
        """Clear the record, and drop everything before it and before its ancestors."""
        element.clear(keep_tail=True)
        node = element
        while (parent := node.getparent()) is not None:
            while node.getprevious() is not None:
                first = parent[0]
                if isinstance(first.tag, str):
                    for outside in _outside_records(first, self._is_record):
                        self._note_outside(outside)
                del parent[0]
            node = parent

    def _is_record(self, element: etree._Element) -> bool:
        if self._pattern is None:
            return bool(element.tag == self.record_tag)
        namespace, local = self._pattern
        qname = etree.QName(element)
        return qname.localname == local and (namespace is None or qname.namespace == namespace)

    def _note_outside(self, element: etree._Element) -> None:
        if not self._outside:
            self._first_outside = (etree.QName(element).localname, element.sourceline)
        self._outside += 1

    # -- limits and the end --------------------------------------------------------------

    def _check_bound(self) -> None:
        pending = self.bytes_read - self._boundary
        if pending <= self._limits.max_bytes:
            return
        if self._depth > 0:
            self._stop(Issue("RECORD_TOO_LARGE", Severity.ERROR, Layer.INTAKE,
                             f"the record is larger than the {self._limits.max_bytes:,}-byte "
                             "limit for one message (Limits.max_bytes, --max-bytes)",
                             self._current_line(), self._column))
        else:
            what = "a record element" if self.record_tag is None else "the next record"
            self._stop(Issue("STREAM_NO_RECORD", Severity.ERROR, Layer.INTAKE,
                             f"no end of {what} in {pending:,} bytes (more than the "
                             f"{self._limits.max_bytes:,}-byte limit for one message); "
                             "is --record right?"))

    def _current_line(self) -> int | None:
        return source_line(self._current) if self._current is not None else None

    def _truncated(self, parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> Issue:
        """The input ended before the document did: empty, not XML, or cut short."""
        if self._blank:
            return Issue("XML_EMPTY", Severity.ERROR, Layer.SYNTAX, "the batch is empty", 1, 1)
        issue = stream_syntax_issue(parser, exc)
        assert issue is not None
        if issue.code == "XML_EMPTY":
            return issue
        detail = issue.message.split(": ", 1)[-1]
        return Issue("XML_TRUNCATED", Severity.ERROR, Layer.SYNTAX,
                     f"the batch ends too early (truncated?) at line {self._lines:,}, byte "
                     f"{self.bytes_read:,}: {detail}", self._lines, None)

    def _stop(self, issue: Issue) -> None:
        self.stopped = True
        inside = self._depth > 0
        start = self._current_line()
        where = "" if not inside else (
            f"in record {self.records}, which starts at line {start}; " if start is not None
            else f"in record {self.records}; ")
        message = (f"{issue.message} ({where}the stream stopped after "
                   f"{_records(self.records)})")
        self.issues.append(replace(issue, message=message,
                                   record=self.records if inside else None))

    def _no_record(self, root: etree._Element) -> str:
        """Why a whole, well-formed batch gave no record, and what would have been one."""
        found = f"the batch (root element {etree.QName(root).localname}) holds no record"
        if self._pattern is not None:
            return (f"{found} element {self.record_tag}: nothing was checked (is --record "
                    "right?)")
        if self.record_tag is not None:  # a list wrapper that repeats nothing
            return f"{found} element {self.record_tag}: nothing was checked"
        return (f"{found}: none of its elements is a record of {self._candidates.origin} "
                f"({self._candidates.describe()}); nothing was checked. Name the record "
                "element with --record NAME (record= in the library)")

    def _finish(self, root: etree._Element) -> None:
        if self.records == 0:
            self.issues.append(Issue("STREAM_EMPTY", Severity.ERROR, Layer.INTAKE,
                                     self._no_record(root), root.sourceline))
            return
        for element in _outside_records(root, self._is_record):
            self._note_outside(element)
        if self._outside:
            local, line = self._first_outside
            self.issues.append(Issue(
                "STREAM_CONTAINER_CONTENT", Severity.WARNING, Layer.INTAKE,
                f"{self._outside} element(s) of the container are not records and were "
                f"neither validated nor converted (the first: {local})", line))


def _records(count: int) -> str:
    return f"{count:,} complete record" + ("" if count == 1 else "s")


def _outside_records(root: etree._Element,
                     is_record: Callable[[etree._Element], bool]) -> Iterator[etree._Element]:
    """Elements left in the container that neither are records nor hold any."""
    pending = [root]
    while pending:
        element = pending.pop()
        if is_record(element):
            continue
        if not any(is_record(d) for d in element.iterdescendants(tag=etree.Element)):
            yield element
            continue
        pending.extend(reversed([c for c in element.iterchildren(tag=etree.Element)]))
