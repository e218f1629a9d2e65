"""What a rule sees: a read-only view of one message, indexed once by local name.

:class:`MessageView` walks the tree a single time and files every element under its
local name (``GovernmentAgencyGoodsItem``, whatever its namespace), so rules written
against WCO Data Model class and element names work on any national schema built
from it. Rules query the index instead of walking the tree again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from .codelists import CodeLists

__all__ = [
    "ROOT_FAMILIES",
    "MessageView",
    "child",
    "child_text",
    "children",
    "decimal",
    "local",
    "text",
]

#: Message family of a payload root when the message type does not say it.
ROOT_FAMILIES: Mapping[str, str] = {
    "Declaration": "declaration",
    "Response": "response",
    "CargoReport": "cargo",
    "PrecursorNotification": "precursor",
}
_ENVELOPES = frozenset({"MetaData"})


def local(element: etree._Element) -> str:
    """The local name of an element (``""`` for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements with this local name, in document order."""
    return list(element.iterchildren("{*}" + name))


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first child element with this local name."""
    for found in element.iterchildren("{*}" + name):
        return found
    return None


def either(first: etree._Element | None, second: etree._Element) -> etree._Element:
    """``first`` unless it is ``None`` (lxml elements must not be tested for truth)."""
    return first if first is not None else second


def text(element: etree._Element | None) -> str | None:
    """The stripped text of an element, ``None`` when absent or blank."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def child_text(element: etree._Element, *names: str) -> str | None:
    """Text at a relative path of local names (``child_text(item, "Commodity", "Description")``)."""
    node: etree._Element | None = element
    for name in names:
        if node is None:
            return None
        node = child(node, name)
    return text(node)


def decimal(element: etree._Element | None) -> Decimal | None:
    """The element's text as a number, ``None`` when absent or not a number."""
    value = text(element)
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class MessageView:
    """One message as rules see it: root, payload, facts used by scopes, and the index."""

    def __init__(self, root: etree._Element, codes: CodeLists, *, family: str | None = None,
                 message_type: str | None = None) -> None:
        self.root = root
        self.codes = codes
        self.message_type = message_type
        self._by_name: dict[str, list[etree._Element]] = {}
        self._order: list[tuple[etree._Element, str]] = []
        self._suffix_cache: dict[str, list[etree._Element]] = {}
        by_name = self._by_name
        order = self._order
        for element in root.iter(etree.Element):
            tag = element.tag
            name = tag[tag.rfind("}") + 1:]
            by_name.setdefault(name, []).append(element)
            order.append((element, name))
        self.payload = self._payload(root)
        payload_name = local(self.payload)
        self.family = family or ROOT_FAMILIES.get(payload_name)
        self.function_code = text(child(self.payload, "FunctionCode"))
        self.type_code = text(child(self.payload, "TypeCode"))

    @staticmethod
    def _payload(root: etree._Element) -> etree._Element:
        if local(root) in _ENVELOPES:
            elements = [c for c in root if isinstance(c.tag, str)]
            if elements:
                return elements[-1]
        return root

    def all(self, name: str) -> list[etree._Element]:
        """Every element with this local name, in document order."""
        return self._by_name.get(name, [])

    def ending(self, suffix: str) -> list[etree._Element]:
        """Every element whose local name ends with ``suffix`` (``Amount``, ``Measure``)."""
        found = self._suffix_cache.get(suffix)
        if found is None:
            found = [el for el, name in self._order if name.endswith(suffix)]
            self._suffix_cache[suffix] = found
        return found

    @staticmethod
    def under(ancestor: etree._Element, name: str) -> Iterator[etree._Element]:
        """Elements with this local name below ``ancestor``, in document order."""
        yield from ancestor.iterdescendants("{*}" + name)

    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)
