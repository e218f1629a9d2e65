"""Where an element is: XPath with positions, and line and column in the source text.

libxml2 gives elements a line but no column. :class:`Locator` recovers columns by
scanning the source text once for start tags (skipping comments, CDATA, processing
instructions and the prolog), whose order is the document order of elements. The
scan happens only when a located issue is actually reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lxml import etree

__all__ = ["Locator", "element_path"]

_TOKENS = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|<(?=[^\s/!?<>])",
    re.S,
)


def _step(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = element.prefix
    name = f"{prefix}:{qname.localname}" if prefix else qname.localname
    parent = element.getparent()
    if parent is None:
        return name
    same = [sib for sib in parent.iterchildren(tag=element.tag)]
    if len(same) > 1:
        return f"{name}[{same.index(element) + 1}]"
    return name


def element_path(element: etree._Element) -> str:
    """``/md:MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]``.

    Steps use the document's own prefixes (none for the default namespace); a
    position is given where siblings share the name.
    """
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        steps.append(_step(node))
        node = node.getparent()
    return "/" + "/".join(reversed(steps))


class Locator:
    """Maps elements of one parsed document to 1-based (line, column)."""

    def __init__(self, data: bytes, tree: etree._ElementTree) -> None:
        self._data = data
        self._tree = tree
        self._starts: list[int] | None = None  # offset of each start tag, in document order
        self._newlines: list[int] = []
        self._index: dict[etree._Element, int] | None = None

    def _scan(self) -> None:
        encoding = self._tree.docinfo.encoding or "utf-8"
        try:
            text = self._data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = self._data.decode("utf-8", "replace")
        text = text.lstrip("\ufeff")
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._starts = [m.start() for m in _TOKENS.finditer(text) if m.group(0) == "<"]
        root = self._tree.getroot()
        self._index = {el: i for i, el in enumerate(root.iter(tag=etree.Element))}

    def _line_column(self, offset: int) -> tuple[int, int]:
        line_index = bisect_right(self._newlines, offset)
        line_start = self._newlines[line_index - 1] + 1 if line_index else 0
        return line_index + 1, offset - line_start + 1

    def position(self, element: etree._Element | None) -> tuple[int | None, int | None]:
        if element is None:
            return None, None
        line = element.sourceline
        if self._starts is None:
            self._scan()
        assert self._starts is not None and self._index is not None
        index = self._index.get(element)
        if index is not None and index < len(self._starts):
            found_line, column = self._line_column(self._starts[index])
            if line is None or found_line == line:
                return found_line, column
        return line, None

    def path(self, element: etree._Element) -> str:
        return element_path(element)
