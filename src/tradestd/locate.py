"""Where an element is: XPath with positions, and line and column in the source text.

libxml2 gives elements a line but no column. :class:`Locator` recovers columns in one
of two ways. Where the element's line leaves no doubt (the document has no comments,
CDATA sections, processing instructions or DOCTYPE, and the line holds exactly one start
tag, with no ``>`` before it), the column is read off that line. Otherwise the source
text is scanned for start tags (skipping comments, CDATA, processing instructions and
the prolog), whose order is the document order of elements; that scan is lazy and runs
only as far as the elements actually reported need.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

__all__ = ["Locator", "SiblingPositions", "column_on_line", "decode_text", "element_path",
           "find_element", "plain_lines", "sniff_encoding", "tag_of"]

_TOKENS = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|<(?=[^\s/!?<>])",
    re.DOTALL,
)
#: libxml2 may not count lines past this one exactly; beyond it columns come from the scan.
_BIG_LINE = 65535
#: Comments, CDATA sections, processing instructions and DOCTYPEs all open with these.
_MARKUP = re.compile(r"<[!?]")
_DECLARED = re.compile(rb"\A<\?xml[^>]*?\sencoding\s*=\s*['\"]([A-Za-z0-9._-]+)['\"]")


def sniff_encoding(data: bytes) -> str:
    """The Python codec for raw XML bytes, as XML 1.0 appendix F detects it.

    A byte order mark wins; UTF-16 without one is told by its zero bytes around the
    first ``<``; otherwise the declared encoding, else UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.startswith(b"<\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<"):
        return "utf-16-be"
    declared = _DECLARED.match(data)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if not name.startswith(("utf-16", "utf16", "ucs-2", "utf-32")):
            return name
    return "utf-8"


def decode_text(data: bytes) -> str:
    """The document's text as :func:`sniff_encoding` reads it; never raises.

    Undecodable bytes (or an encoding Python does not know) degrade to replacement
    characters, which keeps line and column counting usable.
    """
    try:
        return data.decode(sniff_encoding(data), "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def tag_of(element: etree._Element) -> str:
    """The tag of an element as text, ``{namespace}local``; ``""`` for a comment or
    processing instruction (lxml gives those their factory function as tag)."""
    tag = element.tag
    return tag if isinstance(tag, str) else ""


class SiblingPositions:
    """Positions of elements among their same-named siblings, for :func:`element_path`
    calls on one document: linear overall however many of its elements ask.

    The first few asks under one parent count siblings and keep nothing; from then on
    one pass over the siblings sharing the name answers for all of them.
    """

    #: Asks under one parent answered by counting before its siblings are indexed.
    DIRECT = 4

    def __init__(self) -> None:
        self._known: dict[etree._Element, tuple[int, int]] = {}
        self._asked: dict[etree._Element, int] = {}

    def of(self, element: etree._Element, parent: etree._Element) -> tuple[int, int]:
        """``(position, count)``: 1-based position and how many siblings share the name;
        ``count`` is 2 when it is only known to be more than one."""
        known = self._known.get(element)
        if known is not None:
            return known
        tag = tag_of(element)
        asked = self._asked.get(parent, 0) + 1
        self._asked[parent] = asked
        if asked <= self.DIRECT:
            index = 1 + sum(1 for _ in element.itersiblings(tag, preceding=True))
            more = next(element.itersiblings(tag), None) is not None
            return index, 2 if index > 1 or more else 1
        same = list(parent.iterchildren(tag=tag))
        self._known.update((sib, (i, len(same))) for i, sib in enumerate(same, 1))
        return self._known[element]


def _step(element: etree._Element, positions: SiblingPositions | None = None) -> str:
    qname = etree.QName(element)
    prefix = element.prefix
    name = f"{prefix}:{qname.localname}" if prefix else qname.localname
    parent = element.getparent()
    if parent is None:
        return name
    index, count = (positions or SiblingPositions()).of(element, parent)
    return f"{name}[{index}]" if count > 1 else name


def element_path(element: etree._Element, positions: SiblingPositions | None = None
                 ) -> str:
    """``/md:MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]``.

    The path runs from the document's root element (for a SOAP-wrapped message, from
    ``soap:Envelope``). Steps use the document's own prefixes (none for the default
    namespace); a position is given where siblings share the name. ``positions`` is
    shared by the calls on one document (:meth:`Locator.path` keeps it).
    """
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        steps.append(_step(node, positions))
        node = node.getparent()
    return "/" + "/".join(reversed(steps))


def _name(element: etree._Element) -> str:
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def find_element(root: etree._Element, path: str) -> etree._Element | None:
    """The element that :func:`element_path` names, in the document whose root is
    ``root`` (a trailing ``/@attribute`` names its element); ``None`` when there is none."""
    steps = [step for step in path.split("/") if step]
    if steps and steps[-1].startswith("@"):
        steps.pop()
    if not steps or steps[0] != _name(root):
        return None
    node = root
    for step in steps[1:]:
        name, _, index = step.partition("[")
        position = int(index.rstrip("]")) if index else 1
        matches = [c for c in node.iterchildren(tag=etree.Element) if _name(c) == name]
        if not 0 < position <= len(matches):
            return None
        node = matches[position - 1]
    return node


def plain_lines(text: str) -> list[str] | None:
    """The lines of a document in which nothing but elements, text and attributes follow
    the prolog (no comment, CDATA section, processing instruction or DOCTYPE), line ends
    normalised as XML does before libxml2 counts lines; ``None`` for other documents."""
    root = next((m.start() for m in _TOKENS.finditer(text) if m.group(0) == "<"), None)
    if root is None or _MARKUP.search(text, root) is not None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def column_on_line(source: str) -> int | None:
    """The column of the start tag that ends on this line of a :func:`plain_lines`
    document, where it cannot be another tag; ``None`` when in doubt.

    In such a document every ``<`` not followed by ``/`` begins a start tag, so a tag that
    ends on this line either begins here, as the line's only start tag, or begins on an
    earlier line and closes with a ``>`` before any tag that begins here.
    """
    start = source.find("<")
    if (start < 0 or source.startswith(("/", "!", "?"), start + 1) or ">" in source[:start]
            or source.count("<", start + 1) != source.count("</", start + 1)):
        return None
    return start + 1


class Locator:
    """Maps elements of one parsed document to 1-based (line, column)."""

    def __init__(self, data: bytes, tree: etree._ElementTree) -> None:
        self._data = data
        self._tree = tree
        self._text: str | None = None
        self._tags: Iterator[re.Match[str]] | None = None
        self._starts: list[tuple[int, int]] = []
        self._line = 1
        self._line_start = 0
        self._scanned_to = 0
        self._index: dict[etree._Element, int] | None = None
        self._lines: list[str] | None = None
        self._plain: bool | None = None
        self._positions = SiblingPositions()
        self._orders_asked = 0
        self._columns: dict[int, int | None] = {}

    def _decoded(self) -> str:
        if self._text is None:
            self._text = decode_text(self._data).lstrip("\ufeff")
        return self._text

    def _on_own_line(self, element: etree._Element, line: int) -> tuple[int, int] | None:
        """The start tag's line and column read off its line where it cannot be another
        tag (see :func:`column_on_line`); ``None`` when in doubt."""
        if self._plain is None:
            self._lines = plain_lines(self._decoded())
            self._plain = self._lines is not None
        lines = self._lines
        if lines is None or not 0 < line <= len(lines) or line >= _BIG_LINE:
            return None
        if element.getroottree().getroot() is not self._tree.getroot():
            return None
        if line not in self._columns:  # many findings on one long line: read it once
            self._columns[line] = column_on_line(lines[line - 1])
        column = self._columns[line]
        return (line, column) if column is not None else None

    def _order(self, element: etree._Element) -> int | None:
        """The element's index in document order. The first few asks walk the tree as far
        as the element and keep nothing; later ones share an index of every element."""
        root = self._tree.getroot()
        if element is root:
            return 0
        if self._index is None:
            self._orders_asked += 1
            if self._orders_asked <= SiblingPositions.DIRECT:
                return next((i for i, el in enumerate(root.iter(tag=etree.Element))
                             if el is element), None)
            self._index = {el: i for i, el in enumerate(root.iter(tag=etree.Element))}
        return self._index.get(element)

    def _start_tag(self, index: int) -> tuple[int, int] | None:
        """Line and column of the ``index``-th start tag, scanning only as far as needed."""
        if self._tags is None:
            self._tags = _TOKENS.finditer(self._decoded())
        assert self._text is not None
        while len(self._starts) <= index:
            match = next((m for m in self._tags if m.group(0) == "<"), None)
            if match is None:
                return None
            offset = match.start()
            newlines = self._text.count("\n", self._scanned_to, offset)
            if newlines:
                self._line += newlines
                self._line_start = self._text.rfind("\n", self._scanned_to, offset) + 1
            self._scanned_to = offset
            self._starts.append((self._line, offset - self._line_start + 1))
        return self._starts[index]

    def position(self, element: etree._Element | None) -> tuple[int | None, int | None]:
        """Where the element's start tag begins; the column is ``None`` when unknown.

        libxml2 records the line where a start tag *ends*; a tag spread over several
        lines is reported at the line where it begins.
        """
        if element is None:
            return None, None
        line = element.sourceline
        if line is not None:
            quick = self._on_own_line(element, line)
            if quick is not None:
                return quick
        index = self._order(element)
        found = self._start_tag(index) if index is not None else None
        if found is not None and (line is None or found[0] <= line):
            return found
        return line, None

    def path(self, element: etree._Element) -> str:
        """:func:`element_path`, linear overall however many elements of the document ask."""
        return element_path(element, self._positions)
