"""What a rule sees: a read-only view of one message, indexed once by local name.

:class:`MessageView` walks the tree a single time and files every element under its
local name (``GovernmentAgencyGoodsItem``, whatever its namespace), so rules written
against WCO Data Model class and element names work on any national schema built
from it. Rules query the index instead of walking the tree again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, KeysView, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from lxml import etree

if TYPE_CHECKING:
    from ..schemaset import SchemaSet
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
T = TypeVar("T")


#: Tag (``{namespace}name``, or the factory of a comment or processing instruction) ->
#: local name. Messages of one schema share a few hundred tags; the bound keeps a flood of
#: made-up tags from growing it.
_LOCAL_NAMES: dict[object, str] = {}
_MAX_TAGS = 8192
_MAX_SUFFIXES = 64


def _local_name(tag: object) -> str:
    name = tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""
    if len(_LOCAL_NAMES) < _MAX_TAGS:
        _LOCAL_NAMES[tag] = name
    return name


def local(element: etree._Element) -> str:
    """The local name of an element (``""`` for comments and processing instructions)."""
    tag = element.tag
    return _LOCAL_NAMES.get(tag) or _local_name(tag)


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements with this local name, in document order."""
    names = _LOCAL_NAMES
    return [found for found in element if (names.get(found.tag) or _local_name(found.tag)) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first child element with this local name."""
    names = _LOCAL_NAMES
    for found in element:  # a loop over a few children beats building a tag matcher
        tag = found.tag
        if (names.get(tag) or _local_name(tag)) == name:
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


class _TagTable:
    """What indexing needs to know of each tag: its local name and which of the suffixes
    rules have asked :meth:`MessageView.ending` for it ends with. Asking for a new suffix
    replaces the table (it is never changed in place, so threads can share it)."""

    def __init__(self, suffixes: tuple[str, ...]) -> None:
        self.suffixes = suffixes
        self.tags: dict[object, tuple[str, tuple[str, ...]]] = {}

    def learn(self, tag: object) -> tuple[str, tuple[str, ...]]:
        name = _LOCAL_NAMES.get(tag) or _local_name(tag)
        found = (name, tuple(s for s in self.suffixes if name.endswith(s)))
        if len(self.tags) < _MAX_TAGS:
            self.tags[tag] = found
        return found


_tag_table = _TagTable(())


def _register_suffix(suffix: str) -> None:
    global _tag_table
    known = _tag_table.suffixes
    if suffix not in known and len(known) < _MAX_SUFFIXES:  # past that: found per view
        _tag_table = _TagTable((*known, suffix))


Index = dict[str, list[etree._Element]]


def _by_name_and_suffix(by_tag: dict[object, list[etree._Element]]) -> tuple[Index, Index]:
    """Regroup elements by local name, then by known suffix (grouped by name in index order)."""
    table = _tag_table
    known = table.tags
    by_name: Index = {}
    suffixed: list[tuple[str, tuple[str, ...]]] = []
    for tag, elements in by_tag.items():  # a few dozen distinct tags
        found = known.get(tag)
        name, suffixes = found if found is not None else table.learn(tag)
        if name in by_name:  # same local name in two namespaces: grouped by namespace
            by_name[name] = by_name[name] + elements
        else:
            by_name[name] = elements
            if suffixes:
                suffixed.append((name, suffixes))
    by_suffix: Index = {suffix: [] for suffix in table.suffixes}
    for name, suffixes in suffixed:
        for suffix in suffixes:
            by_suffix[suffix] += by_name[name]
    return by_name, by_suffix


class MessageView:
    """One message as rules see it: root, payload, facts used by scopes, and the index."""

    def __init__(self, root: etree._Element, codes: CodeLists, *, family: str | None = None,
                 message_type: str | None = None, schema_set: SchemaSet | None = None) -> None:
        self.root = root
        self.codes = codes
        self.message_type = message_type
        #: The schema set the message was validated against (pointer checks use its WCO IDs).
        self.schema_set = schema_set
        by_tag: dict[object, list[etree._Element]] = {}
        for element in root.iter(etree.Element):  # the one pass over the tree
            tag = element.tag
            found = by_tag.get(tag)
            if found is None:
                by_tag[tag] = [element]
            else:
                found.append(element)
        self._by_name, self._by_suffix = _by_name_and_suffix(by_tag)
        self._memo: dict[str, object] = {}
        self.payload = self._payload(root)
        self.family = family or ROOT_FAMILIES.get(local(self.payload))
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
        """Every element with this local name (in document order within each namespace)."""
        return self._by_name.get(name, [])

    def ending(self, suffix: str) -> list[etree._Element]:
        """Every element whose local name ends with ``suffix`` (``Amount``, ``Measure``),
        grouped by name."""
        found = self._by_suffix.get(suffix)
        if found is None:
            _register_suffix(suffix)  # indexed by the next views
            by_name = self._by_name
            found = [el for name in by_name if name.endswith(suffix) for el in by_name[name]]
            self._by_suffix[suffix] = found
        return found

    def memo(self, key: str, compute: Callable[[MessageView], T]) -> T:
        """``compute(self)``, once per message: for work several rules share."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]  # type: ignore[return-value]

    @staticmethod
    def under(ancestor: etree._Element, name: str) -> Iterator[etree._Element]:
        """Elements with this local name below ``ancestor``, in document order."""
        yield from ancestor.iterdescendants("{*}" + name)

    def names(self) -> KeysView[str]:
        """The local names that occur in the message."""
        return self._by_name.keys()
