"""Where an element is: XPath with positions, and line and column in the source text.

libxml2 gives elements a line but no column. :class:`Locator` recovers columns by
scanning the source text for start tags (skipping comments, CDATA, processing
instructions and the prolog), whose order is the document order of elements. The
scan is lazy: it runs only as far as the elements actually reported need.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

__all__ = ["Locator", "decode_text", "element_path", "find_element", "sniff_encoding", "tag_of"]

_TOKENS = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|<(?=[^\s/!?<>])",
    re.DOTALL,
)
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


def _step(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = element.prefix
    name = f"{prefix}:{qname.localname}" if prefix else qname.localname
    parent = element.getparent()
    if parent is None:
        return name
    same = [sib for sib in parent.iterchildren(tag=tag_of(element))]
    if len(same) > 1:
        return f"{name}[{same.index(element) + 1}]"
    return name


def element_path(element: etree._Element) -> str:
    """``/md:MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]``.

    The path runs from the document's root element (for a SOAP-wrapped message, from
    ``soap:Envelope``). Steps use the document's own prefixes (none for the default
    namespace); a position is given where siblings share the name.
    """
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        steps.append(_step(node))
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

    def _order(self, element: etree._Element) -> int | None:
        if element is self._tree.getroot():
            return 0
        if self._index is None:
            root = self._tree.getroot()
            self._index = {el: i for i, el in enumerate(root.iter(tag=etree.Element))}
        return self._index.get(element)

    def _start_tag(self, index: int) -> tuple[int, int] | None:
        """Line and column of the ``index``-th start tag, scanning only as far as needed."""
        if self._tags is None:
            self._text = decode_text(self._data).lstrip("\ufeff")
            self._tags = _TOKENS.finditer(self._text)
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
        index = self._order(element)
        found = self._start_tag(index) if index is not None else None
        if found is not None and (line is None or found[0] <= line):
            return found
        return line, None

    def path(self, element: etree._Element) -> str:
        return element_path(element)
