"""Carry a message from one schema set to another by WCO ID (docs/translate.md).

:func:`translate` checks the message against the source set, walks it once, puts every value
(leaf text and attribute) at its counterpart in the target set through the translation plan
(:mod:`tradestd.wco.plan`), builds the target document in the target's content-model order
with the target's namespaces, and checks the result against the target set. Nothing is lost
silently: every value is either carried (source line and XPath -> target XPath) or listed as
not carried with its line, path, value and the reason; every element the target requires
and the source cannot fill is listed as needed.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple, TypeAlias, overload

from lxml import etree

from ..batch import ValidatorOptions
from ..intake import DEFAULT_LIMITS, Limits, Source, XmlDocument, load_xml
from ..issues import Issue, Layer, Report, Severity
from ..locate import SiblingPositions, element_path
from ..registry import DetectionError, bundled_registry
from ..schemaset import SchemaSet, load_schema_set
from ..validation import Validator
from .plan import (
    XSI,
    Layout,
    Mapping,
    NoWcoIds,
    Plan,
    Position,
    load_mapping,
    narrowing,
    plan_for,
)

__all__ = ["Carried", "CarriedValues", "Needed", "NotCarried", "TranslateOptions", "Translation",
           "TranslationReport", "Translator", "translate", "translate_document"]

_XSI_PREFIX = f"{{{XSI}}}"
TOO_MANY = "more repetitions than the target allows"


class Carried(NamedTuple):
    """One value carried (a tuple: there is one per value, made fast)."""

    line: int | None
    source: str  #: XPath in the source (``.../@currencyID`` for an attribute)
    target: str  #: XPath in the result
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "source": self.source, "target": self.target,
                "value": self.value}


#: A carried value with the result element (and attribute) it went to, or copied content.
Placed: TypeAlias = "tuple[_Value, etree._Element, str | None] | _Copied"


class CarriedValues(Sequence[Carried]):
    """The carried values of one translation, listed on first use: counting them is
    free, their XPaths (source and result) are computed only when a report or a caller
    reads them. Holds the source and result trees until then."""

    __slots__ = ("_count", "_items", "_placed", "_positions")

    def __init__(self, placed: list[Placed], positions: SiblingPositions) -> None:
        self._placed: list[Placed] | None = placed
        self._positions = positions
        self._items: tuple[Carried, ...] | None = None
        self._count = sum(1 if isinstance(p, tuple) else p.count for p in placed)

    def _listed(self) -> tuple[Carried, ...]:
        if self._items is None:
            assert self._placed is not None
            result = SiblingPositions()
            source = self._positions
            items: list[Carried] = []
            labels: dict[tuple[etree._Element, str], str] = {}
            for entry in self._placed:
                if not isinstance(entry, tuple):
                    items.extend(entry.carried(source, result))
                    continue
                value, element, attribute = entry
                target = element_path(element, result)
                if attribute is not None:
                    key = (element, attribute)
                    label = labels.get(key)
                    if label is None:
                        label = labels[key] = _attribute_name(element, attribute)
                    target = f"{target}/@{label}"
                items.append(Carried(value.line, value.path(source), target, value.value))
            self._items = tuple(items)
            self._placed = None  # the trees can go
        return self._items

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Carried: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Carried]: ...

    def __getitem__(self, index: int | slice) -> Carried | Sequence[Carried]:
        return self._listed()[index]

    def __iter__(self) -> Iterator[Carried]:
        return iter(self._listed())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} carried values>"

    def __reduce__(self) -> tuple[Any, ...]:  # to worker processes and back: a tuple
        return tuple, (self._listed(),)


@dataclass(frozen=True, slots=True)
class NotCarried:
    line: int | None
    path: str
    value: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "value": self.value,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Needed:
    path: str
    wco_id: str | None
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "wco_id": self.wco_id, "name": self.name}


@dataclass(frozen=True, slots=True)
class Translation:
    """What became of one message. ``xml`` is None when there is no result (the source
    was unreadable or invalid under the source set); ``report`` holds the issues: of the
    source when it was refused, else of the result under the target set."""

    source: str
    xml: bytes | None
    carried: Sequence[Carried]  #: a tuple, or :class:`CarriedValues` (listed on first use)
    not_carried: tuple[NotCarried, ...]
    needed: tuple[Needed, ...]
    report: Report
    source_valid: bool = True

    @property
    def valid(self) -> bool:
        """The result is valid under the target set."""
        return self.xml is not None and self.report.valid

    @property
    def complete(self) -> bool:
        """Every value was carried and the result is valid."""
        return self.valid and not self.not_carried

    def to_dict(self, output: str | None = None) -> dict[str, Any]:
        return {"path": self.source, "output": output, "valid": self.valid,
                "carried": len(self.carried),
                "not_carried": [n.to_dict() for n in self.not_carried],
                "needed": [n.to_dict() for n in self.needed],
                "issues": [i.to_dict() for i in self.report.issues]}


# --------------------------------------------------------------------------- building


#: The mapped source elements above an element, nearest first, as a linked list:
#: (target position index, source element, its source position, the rest).
Chain = tuple[int, etree._Element, "Position", "Chain"] | None


def _lookup(chain: Chain, index: int) -> tuple[etree._Element, Position] | None:
    """The source element (and its position) of the chain whose counterpart is target
    position ``index``."""
    while chain is not None:
        if chain[0] == index:
            return chain[1], chain[2]
        chain = chain[3]
    return None


class _Value:
    """One source value on its way to the target: its element (and attribute name, None
    for the element's text); the XPath is computed only when a report asks for it."""

    __slots__ = ("attribute", "element", "facet", "target", "value")

    def __init__(self, element: etree._Element, attribute: str | None, value: str,
                 target: Position) -> None:
        self.element, self.attribute, self.value, self.target = \
            element, attribute, value, target
        self.facet: str | None = None  #: set when the target's type rejects the value

    @property
    def line(self) -> int | None:
        return self.element.sourceline

    def path(self, positions: SiblingPositions) -> str:
        return _path(self.element, self.attribute, positions)


class _Copied:
    """The content of a source element that goes across as it is: every element and
    attribute in it is at a position whose counterpart has the same name, the same place
    below its parent's counterpart and a value type no narrower, in an order the target
    keeps (:func:`_copy_table`); ``count`` values. ``twin`` is the element in a copy of the
    whole message (one ``deepcopy`` in libxml2 per message) whose content is moved into
    the result."""

    __slots__ = ("count", "result", "source", "twin")

    def __init__(self, source: etree._Element, count: int, twin: etree._Element) -> None:
        self.source, self.count, self.twin = source, count, twin
        self.result: etree._Element | None = None  #: the result element it went into

    def carried(self, source_positions: SiblingPositions, result_positions: SiblingPositions
                ) -> Iterator[Carried]:
        """Its values in document order (the order the walk would have listed them)."""
        assert self.result is not None
        for old, new in zip(self.source.iterdescendants(), self.result.iterdescendants(),
                            strict=True):
            if old.attrib:
                where, there = element_path(old, source_positions), \
                    element_path(new, result_positions)
                for name, value in old.attrib.items():
                    label = _attribute_name(old, name)
                    carried = _attribute_name(new, name)
                    yield Carried(old.sourceline, f"{where}/@{label}", f"{there}/@{carried}",
                                  value)
            if not len(old):
                yield Carried(old.sourceline, element_path(old, source_positions),
                              element_path(new, result_positions), old.text or "")


class _WalkAgain(Exception):
    """A copied element's counterpart also received elements from another source place,
    or is left out (more repetitions than the target allows): the message is walked again
    element by element, which lists every value of it."""


@dataclass(frozen=True, slots=True)
class _CopyTable:
    """Per source position: ``content``, the content of its instances may be copied (into
    the counterpart the walk made); ``kids``, its children whose instances may be copied
    whole inside a copied parent, by tag: (position index, holds a value, the tags of its
    attributes that may be copied, the namespace of its counterpart)."""

    content: list[bool]
    kids: list[dict[str, tuple[int, bool, frozenset[str], str | None]]]


_COPY_TABLES: weakref.WeakKeyDictionary[Plan, _CopyTable] = weakref.WeakKeyDictionary()


def _copy_table(plan: Plan) -> _CopyTable:
    """Which source positions can be copied whole, computed once per plan."""
    found = _COPY_TABLES.get(plan)
    if found is not None:
        return found
    source, target, image = plan.source, plan.target, plan.image
    count = len(source.positions)
    own = [False] * count
    namespace: list[str | None] = [None] * count
    for position in source.positions:
        mapped = image.get(position.index)
        if mapped is None or position.parent is None:
            continue
        other = target[mapped]
        namespace[position.index] = other.namespace
        own[position.index] = (
            other.tag == position.tag and other.attribute == position.attribute
            and other.parent is not None and image.get(position.parent) == other.parent
            and (other.simple is None) == (position.simple is None)
            and not narrowing(position, other)
            and (other.max_occurs is None or (position.max_occurs is not None
                                              and position.max_occurs <= other.max_occurs)))
    content = [False] * count
    for position in source.positions:
        mapped = image.get(position.index)
        if mapped is None or position.attribute or position.simple is not None \
                or position.wildcard_order is not None:
            continue
        other = target[mapped]
        if other.wildcard_order is not None:
            continue
        kids = sorted((source[i] for i in position.children.values()), key=_by_order)
        images = [image.get(k.index) for k in kids]
        present = [target[i].order for i in images if i is not None]
        given = {image.get(i) for i in position.required}  # in every valid instance
        content[position.index] = (
            present == sorted(set(present))  # the target's order, one place each
            and _distinct([image.get(i) for i in position.attributes.values()])
            and all(r in given for r in other.required))
    whole = [own[i] and (content[i] or source[i].simple is not None or source[i].attribute)
             for i in range(count)]
    by_tag = [{tag: (i, source[i].simple is not None,
                   frozenset(a for a, j in source[i].attributes.items() if whole[j]),
                   namespace[i])
             for tag, i in position.children.items() if whole[i]}
            for position in source.positions]
    table = _COPY_TABLES[plan] = _CopyTable(content, by_tag)
    return table


def _distinct(images: list[int | None]) -> bool:
    found = [i for i in images if i is not None]
    return len(set(found)) == len(found)


def _by_order(position: Position) -> int:
    return position.order


_NO_ATTRS: dict[str, _Value] = {}  # shared by the nodes without attributes: never written
_NO_CHILDREN: list[_Node] = []  # shared by the nodes without children: never written


class _Node:
    """An element of the result being built. ``full``: a value is at or below it."""

    __slots__ = ("attrs", "children", "copy", "first", "full", "keyed", "loose",
                 "namespaces", "order", "parent", "pos", "rank", "seq", "tag", "text")

    def __init__(self, pos: Position, order: int, seq: int, parent: _Node | None,
                 namespaces: set[str | None]) -> None:
        self.pos, self.tag, self.order, self.seq, self.parent = pos, pos.tag, order, seq, parent
        self.rank = (order << 32) + seq  #: the place among siblings: content model, then made
        self.namespaces = namespaces  #: of the whole result's tags (one set, shared)
        namespaces.add(pos.namespace)
        self.children = _NO_CHILDREN  #: a list of its own once it has one
        self.keyed: dict[tuple[int, int], _Node] | None = None  #: repeated instances
        self.first: dict[int, _Node] | None = None  #: position index -> first instance
        self.loose: dict[int, _Node] | None = None  #: connectors made without an instance
        self.text: _Value | None = None
        self.attrs = _NO_ATTRS
        self.full = False
        self.copy: _Copied | None = None  #: its content: a copy of a source element's

    def child(self, pos: Position, key: int | None, order: int, seq: int) -> _Node:
        """The child at ``pos`` for the source instance ``key`` (None: the one instance
        of a class that occurs once on the source side, or a connector)."""
        index = pos.index
        first = self.first
        if first is None:
            first = self.first = {}
        keyed = self.keyed
        if key is None:
            found = first.get(index)
            if found is not None:
                return found
        else:
            if keyed is None:
                keyed = self.keyed = {}
            found = keyed.get((index, key))
            if found is not None:
                return found
            if self.loose is not None:
                found = self.loose.pop(index, None)
                if found is not None:  # a connector made before this instance: it becomes it
                    keyed[(index, key)] = found
                    return found
        node = _Node(pos, order, seq, self, self.namespaces)
        if self.children is _NO_CHILDREN:
            self.children = []
        self.children.append(node)
        first.setdefault(index, node)
        if key is None:
            if self.loose is None:
                self.loose = {}
            self.loose[index] = node
        else:
            assert keyed is not None
            keyed[(index, key)] = node
        return node

    def set_copy(self, copied: _Copied) -> None:
        self.copy = copied
        self._filled()

    def set_text(self, item: _Value) -> None:
        self.text = item
        self._filled()

    def set_attribute(self, tag: str, item: _Value) -> None:
        if self.attrs is _NO_ATTRS:
            self.attrs = {}
        self.attrs[tag] = item
        self.namespaces.add(tag[1:tag.index("}")] if tag.startswith("{") else None)
        self._filled()

    def _filled(self) -> None:
        """A value is at this node: it and its ancestors are full."""
        node: _Node | None = self
        while node is not None and not node.full:
            node.full = True
            node = node.parent


@dataclass
class _Run:
    plan: Plan
    doc_name: str
    not_carried: list[NotCarried] = field(default_factory=list)
    needed: list[Needed] = field(default_factory=list)
    values: list[_Value] = field(default_factory=list)
    #: the carried values with the result element (and attribute) each went to, and the
    #: copied contents, in the order of the result
    placed: list[Placed] = field(default_factory=list)
    positions: SiblingPositions = field(default_factory=SiblingPositions)
    root: _Node | None = None
    roots: dict[int, _Node] = field(default_factory=dict)  #: id(source global) -> node
    keep: list[etree._Element] = field(default_factory=list)
    nested: list[etree._Element] = field(default_factory=list)  #: globals in wildcards
    seq: int = 0
    #: the namespaces of the result's elements and attributes (None: no namespace)
    namespaces: set[str | None] = field(default_factory=set)
    #: the source positions whose instances may be copied whole (:func:`_copy_table`),
    #: None: every element walked
    copies: _CopyTable | None = None

    @property
    def source(self) -> Layout:
        return self.plan.source

    @property
    def target(self) -> Layout:
        return self.plan.target

    def skip(self, element: etree._Element, attribute: str | None, value: str,
             reason: str) -> None:
        self.not_carried.append(NotCarried(element.sourceline,
                                           _path(element, attribute, self.positions),
                                           value, reason))

    # -- walking the source -----------------------------------------------------------

    def walk(self, root: etree._Element) -> None:
        top = self.source.globals.get(str(root.tag))
        if top is None:
            self._skip_all(root, "the source schema set declares no such root element")
            return
        # (element, its source position, the chain: target position index -> source
        # element, the source global element it is in, the result element of the
        # nearest mapped ancestor)
        # twin: the element in a copy of the message, when content may be copied whole
        twin_root = deepcopy(root) if self.copies is not None and len(root) else None
        stack: list[tuple[etree._Element, Position, Chain, etree._Element, _Node | None,
                          etree._Element | None]] = [(root, top, None, root, None,
                                                      twin_root)]
        image = self.plan.image
        source, target = self.source.positions, self.target.positions
        globals_ = self.source.globals
        keep, values = self.keep, self.values
        while stack:
            element, position, chain, top_element, above, twin = stack.pop()
            mapped = image.get(position.index)
            node: _Node | None = None
            if mapped is not None:
                chain = (mapped, element, position, chain)
                goal = target[mapped]
                if goal.attribute:
                    node = None
                else:
                    if position.max_occurs != 1:  # its id keys its instance in the result:
                        keep.append(element)  # ids of live elements only
                    if above is not None and goal.parent == above.pos.index:
                        self.seq += 1  # the same nesting on both sides: one step down
                        key = id(element) if position.max_occurs != 1 else None
                        node = above.child(goal, key, goal.order, self.seq)
                    else:
                        node = self._node(goal, chain, top_element)
            if not len(element):  # no children at all (nor comments: parsed without)
                if node is not None and node.text is None and position.simple is not None \
                        and node.pos.simple is not None and not element.attrib:
                    # the common leaf: its value to its own counterpart (see _place)
                    item = _Value(element, None, element.text or "", node.pos)
                    node.set_text(item)
                    values.append(item)
                    continue
                self._values(element, position, chain, top_element, False, node)
                continue
            copies = self.copies
            if twin is not None and copies is not None and node is not None \
                    and copies.content[position.index] \
                    and node.children is _NO_CHILDREN and node.copy is None \
                    and image.get(position.index) == node.pos.index:
                counted = self._copyable(element, position, copies)
                if counted is not None:  # its content goes across as it is (see _Copied)
                    node.set_copy(_Copied(element, counted, twin))
                    self._values(element, position, chain, top_element, True, node)
                    continue
            children = [c for c in element if isinstance(c.tag, str)]
            self._values(element, position, chain, top_element, bool(children), node)
            if not children:
                continue
            below = node if node is not None else above
            pending = []
            lookup = position.children.get
            twins = [c for c in twin if isinstance(c.tag, str)] if twin is not None \
                else [None] * len(children)
            for child, its_twin in zip(children, twins, strict=True):
                tag: str = child.tag  # type: ignore[assignment]  # elements only
                found = lookup(tag)
                if found is not None:
                    pending.append((child, source[found], chain, top_element, below,
                                    its_twin))
                    continue
                nested = globals_.get(tag)
                if nested is not None and position.wildcard_order is not None:
                    pending.append((child, nested, chain, child, None, its_twin))
                    continue
                self._skip_all(child, "the source schema set does not declare this "
                               "element here")
            pending.reverse()
            stack.extend(pending)

    def _copyable(self, element: etree._Element, position: Position,
                  copies: _CopyTable) -> int | None:
        """How many values the content of ``element`` holds when every element and
        attribute in it is at a position that is copied whole; None when one is not (an
        undeclared or xsi:* attribute, an element of a position that moved, was renamed,
        narrowed..., an element-only element without children, a processing instruction)."""
        kids, namespaces = copies.kids, self.namespaces
        count = 0
        last: str | None = None
        pending = [(element, position.index)]
        while pending:
            parent, where = pending.pop()
            lookup = kids[where].get
            for child in parent:
                found = lookup(child.tag)  # type: ignore[arg-type]  # None for a PI
                if found is None:
                    return None
                index, leaf, attributes, namespace = found
                if child.attrib:
                    for name in child.attrib:
                        if name not in attributes:
                            return None
                        count += 1
                if len(child):
                    if leaf:
                        return None
                    pending.append((child, index))
                elif not leaf:
                    return None
                else:
                    count += 1
                if namespace is not last:
                    namespaces.add(namespace)
                    last = namespace
        return count

    def _skip_all(self, element: etree._Element, reason: str) -> None:
        """Every value of a subtree the plan has no place for, as not carried."""
        pending = [element]
        while pending:
            each = pending.pop()
            for name, value in each.attrib.items():
                if not name.startswith(_XSI_PREFIX):
                    self.skip(each, name, value, reason)
            children = [c for c in each if isinstance(c.tag, str)]
            if not children:
                self.skip(each, None, each.text or "", reason)
            pending.extend(reversed(children))

    def _values(self, element: etree._Element, position: Position,
                chain: Chain, top: etree._Element,
                has_children: bool, here: _Node | None) -> None:
        if position.holds_value and not has_children:
            self._place(element, None, element.text or "", position, chain, top, here)
        if not element.attrib:
            return
        for name, value in element.attrib.items():
            if name.startswith(_XSI_PREFIX):
                continue
            found = position.attributes.get(name)
            if found is None:
                self.skip(element, name, value, "the source schema set does not declare this "
                          "attribute")
                continue
            self._place(element, name, value, self.source[found], chain, top, here)

    def _place(self, element: etree._Element, attribute: str | None, value: str,
               position: Position, chain: Chain,
               top: etree._Element, here: _Node | None) -> None:
        mapped = self.plan.image.get(position.index)
        if mapped is None:
            self.skip(element, attribute, value, self.plan.reason(position.index))
            return
        goal = self.target[mapped]
        holder = self.target[goal.parent] if goal.attribute and goal.parent is not None \
            else goal
        if not goal.holds_value:
            self.skip(element, attribute, value, f"its counterpart {goal.path} holds no value")
            return
        node = here if here is not None and here.pos is holder else \
            self._node(holder, chain, top)
        if node is None:
            self.skip(element, attribute, value, f"no place for {goal.path} in the result")
            return
        item = _Value(element, attribute, value, goal)
        if goal.attribute:
            if goal.tag in node.attrs:
                self.skip(element, attribute, value, f"{TOO_MANY}: {goal.path} already holds the "
                          f"value from line {node.attrs[goal.tag].line}")
                return
            node.set_attribute(goal.tag, item)
        else:
            if node.text is not None:
                self.skip(element, attribute, value, f"{TOO_MANY}: {goal.path} already holds the "
                          f"value from line {node.text.line}")
                return
            node.set_text(item)
        self.values.append(item)

    def _node(self, goal: Position, chain: Chain,
              top: etree._Element) -> _Node | None:
        """The result element for ``goal`` in the context of the source chain."""
        path = [goal, *self.target.ancestors(goal)]
        path.reverse()
        root_pos = path[0]
        node = self._root(root_pos, chain, top)
        if node is None:
            return None
        for pos in path[1:]:
            found = _lookup(chain, pos.index)
            self.seq += 1
            # one instance per source element where the source repeats it; classes that
            # occur once on the source side (a class that two source places map to, a
            # connector) share one instance
            key = id(found[0]) if found is not None and found[1].max_occurs != 1 else None
            node = node.child(pos, key, pos.order, self.seq)
        return node

    def _root(self, pos: Position, chain: Chain,
              top: etree._Element) -> _Node | None:
        found = _lookup(chain, pos.index)
        source = found[0] if found is not None else None
        if self.root is None:
            self.seq += 1
            self.root = _Node(pos, 0, self.seq, None, self.namespaces)
            if source is not None:
                self.roots[id(source)] = self.root
            return self.root
        if self.root.pos is pos and (source is None or not self.roots
                                     or id(source) in self.roots):
            return self.root
        if source is None:
            return None
        made = self.roots.get(id(source))
        if made is not None:
            return made
        # a global nested in a wildcard of another (the payload in an envelope)
        parent_el = source.getparent()
        if parent_el is None:
            return None
        holder = self._holder_of(parent_el)
        if holder is None or holder.pos.wildcard_order is None:
            return None
        self.seq += 1
        node = _Node(pos, holder.pos.wildcard_order, self.seq, holder, self.namespaces)
        if holder.children is _NO_CHILDREN:
            holder.children = []
        holder.children.append(node)
        self.roots[id(source)] = node
        self.nested.append(source)
        return node

    def _holder_of(self, element: etree._Element) -> _Node | None:
        """The result element made for a source element (the envelope's root)."""
        if self.root is not None and id(element) in self.roots:
            return self.roots[id(element)]
        return self.root if self.root is not None and element.getparent() is None else None


def _path(element: etree._Element, attribute: str | None,
          positions: SiblingPositions) -> str:
    """The XPath of an element (positions where siblings share a name, as
    :func:`~tradestd.locate.element_path` writes them), or of its attribute."""
    path = element_path(element, positions)
    return path if attribute is None else f"{path}/@{_attribute_name(element, attribute)}"


def _attribute_name(element: etree._Element, name: str) -> str:
    if not name.startswith("{"):
        return name
    namespace, _, local = name[1:].partition("}")
    for prefix, uri in (element.nsmap or {}).items():
        if uri == namespace and prefix:
            return f"{prefix}:{local}"
    return local


# --------------------------------------------------------------------------- facets


def facet_problem(position: Position, value: str) -> str | None:
    """Which facet of the target's value type rejects ``value``, or ``None``."""
    simple = position.simple
    if simple is None:
        return None
    try:
        errors = list(simple.iter_errors(value))
    except Exception as exc:  # noqa: BLE001 - a type the engine cannot check a value of
        return f"the type cannot check the value ({type(exc).__name__})"
    if not errors:
        return None
    validator = getattr(errors[0], "validator", None)
    kind = type(validator).__name__
    if kind.startswith("Xsd") and "Facet" in kind:
        facet = kind[3:].replace("Facets", "").replace("Facet", "")
        facet = facet[:1].lower() + facet[1:]
        detail = getattr(validator, "value", None)
        shown = f" {detail}" if isinstance(detail, int) else ""
        return f"the target type's {facet}{shown} facet rejects the value"
    name = getattr(validator, "prefixed_name", None) or getattr(simple, "prefixed_name", None)
    return f"the target type {name or '(anonymous)'} rejects the value"


# --------------------------------------------------------------------------- emitting


class _Emitter:
    def __init__(self, run: _Run, nsmap: dict[str | None, str]) -> None:
        self.run = run
        self.nsmap = nsmap
        self.prefixes = {uri: prefix for prefix, uri in nsmap.items()}
        self.labels: dict[str, str] = {}

    def label(self, tag: str) -> str:
        found = self.labels.get(tag)
        if found is None:
            found = tag
            if tag.startswith("{"):
                namespace, _, local = tag[1:].partition("}")
                prefix = self.prefixes.get(namespace)
                found = f"{prefix}:{local}" if prefix else local
            self.labels[tag] = found
        return found

    def emit(self, root: _Node) -> etree._Element:
        self.wanted: list[tuple[etree._Element, Position]] = []
        element = etree.Element(root.tag, nsmap=self.nsmap)
        self._fill(root, element)
        if self.run.copies is not None and any(not isinstance(p, tuple)
                                               for p in self.run.placed):
            # copied elements keep the namespace declarations of their own start tags
            # that no name uses; those the names use were moved to the result's
            etree.cleanup_namespaces(element)
        if self.wanted:  # paths once the tree is complete (positions among siblings)
            positions = SiblingPositions()
            for holder, required in self.wanted:
                path = element_path(holder, positions)
                step = f"@{self.label(required.tag)}" if required.attribute else \
                    self.label(required.tag)
                self.run.needed.append(Needed(f"{path}/{step}", required.wco_id,
                                              required.name))
        return element

    def _fill(self, node: _Node, element: etree._Element) -> None:
        placed = self.run.placed
        for tag, item in node.attrs.items():
            if item.facet is not None:
                continue
            element.set(tag, item.value)
            placed.append((item, element, tag))
        text = node.text
        if text is not None and text.facet is None:
            element.text = text.value
            placed.append((text, element, None))
        if node.copy is not None:
            if node.children:  # another source place put an element in it too
                raise _WalkAgain
            if not len(element):  # the root: its twin's children
                element.extend(list(node.copy.twin))
            node.copy.result = element
            placed.append(node.copy)
            return
        children = node.children
        if not children:
            if node.pos.required:
                self._needed(node, element, set())
            return
        if len(children) > 1:
            children = sorted(children, key=_in_order)
        # instances of one position are neighbours once sorted (one content-model place
        # each), so counting them needs no table
        last: Position | None = None
        seen = 0
        present: set[int] = set()
        totals: set[str] = set()
        sub_element = etree.SubElement
        for child in children:
            leaf = child.text
            if leaf is not None and leaf.facet is not None:
                self._drop(child, f"its element's value is not carried: {leaf.facet}")
                continue
            if not child.full:
                continue
            pos = child.pos
            if pos is last:
                seen += 1
            else:
                last, seen = pos, 1
            high = pos.max_occurs
            if high is not None and seen > high and pos.parent is not None:
                self._drop(child, f"{TOO_MANY} (maxOccurs {high} at {pos.path})")
                continue
            tag = child.tag
            if pos.parent is None and tag in totals:
                self._drop(child, f"{TOO_MANY} (one {pos.name} in the envelope)")
                continue
            present.add(pos.index)
            totals.add(tag)
            if child.copy is not None:  # the source element's twin, its content kept
                sub = child.copy.twin
                sub.attrib.clear()  # its attributes are values placed by the walk
                sub.tag, sub.tail = tag, None
                element.append(sub)
                self._fill(child, sub)
                continue
            sub = sub_element(element, tag)
            if leaf is not None and child.attrs is _NO_ATTRS and not child.children \
                    and not pos.required:  # the common leaf, without a call
                sub.text = leaf.value
                placed.append((leaf, sub, None))
                continue
            self._fill(child, sub)
        if node.pos.required:
            self._needed(node, element, present)

    def _needed(self, node: _Node, element: etree._Element, present: set[int]) -> None:
        """Note each required child (or attribute) of ``node`` the result lacks."""
        layout = self.run.target
        for index in node.pos.required:
            wanted = layout[index]
            if wanted.tag not in element.attrib if wanted.attribute else index not in present:
                self.wanted.append((element, wanted))

    def _drop(self, node: _Node, reason: str) -> None:
        positions = self.run.positions
        for item in _values_below(node):
            if item.facet is None:
                self.run.not_carried.append(NotCarried(item.line, item.path(positions),
                                                       item.value, reason))


_in_order = attrgetter("rank")


def _values_below(node: _Node) -> Iterator[_Value]:
    pending = [node]
    while pending:
        current = pending.pop()
        if current.copy is not None:  # its values are listed by the walk value by value
            raise _WalkAgain
        yield from current.attrs.values()
        if current.text is not None:
            yield current.text
        pending.extend(reversed(current.children))


def _release(root: _Node) -> None:
    """Unlink the nodes from their parents: no reference cycles left for the garbage
    collector (which would keep the source tree alive and cost full collections)."""
    pending = [root]
    while pending:
        current = pending.pop()
        current.parent = None
        pending.extend(current.children)


def _refill(root: _Node) -> None:
    """Mark again the nodes with a value left at or below them, once values were
    rejected (an element whose own value was rejected counts as empty, attributes and
    all), in one pass."""
    order: list[_Node] = []
    pending = [root]
    while pending:
        current = pending.pop()
        order.append(current)
        pending.extend(current.children)
    for current in reversed(order):  # children before their parents
        if current.text is not None:
            current.full = current.text.facet is None
            continue
        current.full = any(item.facet is None for item in current.attrs.values()) or \
            any(child.full for child in current.children)


def _namespaces(run: _Run, source_root: etree._Element, target: SchemaSet,
                root: _Node) -> dict[str | None, str]:
    """prefix -> namespace for the result: the source's own prefix for a namespace the
    target uses too, the default namespace for the root's, else one its XSDs declare."""
    used = {uri for uri in run.namespaces if uri is not None}
    known: dict[str, str | None] = {}
    for element in (source_root, *run.nested):
        for own, uri in (element.nsmap or {}).items():
            known.setdefault(uri, own)
    out: dict[str | None, str] = {}
    declared = target.derived("translation_prefixes", lambda: _declared_prefixes(target))
    home = root.tag[1:root.tag.index("}")] if root.tag.startswith("{") else None
    for number, uri in enumerate(sorted(used, key=lambda u: (u != home, u)), 1):
        prefix: str | None
        if uri in known:
            prefix = known[uri]
        elif uri == home and None not in out:
            prefix = None  # the root's own namespace, undeclared in the source: the default
        else:
            prefix = next((p for p in declared.get(uri, ()) if p not in out), f"ns{number}")
        if prefix in out:
            prefix = next((p for p in declared.get(uri, ()) if p not in out), f"ns{number}")
        out[prefix] = uri
    return out


def _declared_prefixes(schema_set: SchemaSet) -> dict[str, list[str]]:
    """namespace -> the prefixes the set's XSDs declare for it, sorted: the same choice
    whatever order the schemas were read in (two XSDs of the UK CDS set bind ``ds`` to
    two namespaces)."""
    found: dict[str, set[str]] = {}
    for schema in schema_set.xmlschema.maps.iter_schemas():
        for prefix, uri in getattr(schema, "namespaces", {}).items():
            if prefix and uri and prefix not in ("xs", "xsd", "xml"):
                found.setdefault(uri, set()).add(prefix)
    return {uri: sorted(prefixes) for uri, prefixes in found.items()}


# --------------------------------------------------------------------------- the API


def translate(message: Source, source: SchemaSet, target: SchemaSet,
              mapping: Mapping | None = None, *, limits: Limits = DEFAULT_LIMITS,
              checker: Validator | None = None, indent: bool = True) -> Translation:
    """Carry ``message`` (valid under ``source``) into ``target`` by WCO ID.

    The result is checked by ``checker`` (default: the target set's XSD; a
    :class:`~tradestd.Validator` with a rules layer adds rule packs). Raises
    :class:`~tradestd.wco.plan.NoWcoIds` when a set has no WCO IDs and
    :class:`~tradestd.wco.plan.MappingError` for a mapping that names unknown paths;
    every problem of the message itself is in the result's report."""
    plan = plan_for(source, target, mapping)
    return translate_document(load_xml(message, limits, comments=False), plan, checker,
                              indent=indent)


def translate_document(doc: XmlDocument, plan: Plan, checker: Validator | None = None, *,
                       indent: bool = True, copies: bool = True) -> Translation:
    """:func:`translate` for an already parsed message (without comments) and a plan.

    ``copies`` false walks every element value by value instead of copying the content
    that goes across unchanged whole (the same translation, slower: for comparison)."""
    source, target = plan.source.schema_set, plan.target.schema_set
    if not doc.ok or doc.root is None:
        return Translation(doc.name, None, (), (), (),
                           Report(doc.name, tuple(doc.issues), None, (Layer.SYNTAX,)), False)
    issues = list(doc.issues) + source.schema_issues(doc)
    checked = Report(doc.name, tuple(issues), source.name, (Layer.SYNTAX, Layer.SCHEMA))
    if not checked.valid:
        note = Issue("TRANSLATE_SOURCE_INVALID", Severity.ERROR, Layer.SCHEMA,
                     f"the message is not valid under the source schema set ({source.name}); "
                     "nothing was translated")
        return Translation(doc.name, None, (), (), (), checked.with_issues(
            checked.issues + (note,)), False)
    return _build(plan, doc.name, doc.root, target, indent,
                  checker or Validator(schema_set=target, limits=source.limits), copies)


# --------------------------------------------------------------------------- batches


@dataclass(frozen=True, slots=True)
class TranslationReport(Report):
    """A report that carries its translation: what batch workers hand back
    (:func:`tradestd.batch.run_batch` runs a :class:`Translator` as it runs validators)."""

    translation: Translation | None = None


@dataclass
class Translator(Validator):
    """Translates messages into the schema set (or message type) it checks results with.

    ``source_set`` None detects each message's source type among the bundled ones.
    :meth:`validate` returns a :class:`TranslationReport`, so that every batch machinery
    of validation (``-j N`` worker processes, crash isolation) runs translations too."""

    source_set: SchemaSet | None = None
    mapping: Mapping | None = None
    _checker: Validator | None = field(default=None, init=False, repr=False, compare=False)
    _plans: dict[int, Plan] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)

    def validate(self, source: Source) -> Report:
        done = self.translate(source)
        report = done.report
        return TranslationReport(done.source, report.issues, report.message_type,
                                 report.layers, report.rule_packs, translation=done)

    def translate(self, message: Source) -> Translation:
        return self.translate_document(load_xml(message, self.limits, comments=False))

    def translate_document(self, doc: XmlDocument) -> Translation:
        """:meth:`translate` for an already parsed message (without comments): a record
        of a batch (:class:`tradestd.stream.translate.BatchTranslation`)."""
        target = self.schema_set
        if target is None:
            assert self.message_type is not None, "a Translator needs a target"
            target = self.message_type.schema_set()
        checker = self._checker
        if checker is None:
            checker = self._checker = Validator(
                schema_set=self.schema_set, message_type=self.message_type,
                registry=self.registry, limits=self.limits, rules=self.rules)
        source = self.source_set
        if source is None:
            if not doc.ok or doc.root is None:
                return translate_document(doc, plan_for(target, target), checker)
            try:
                source = self.registry.detect(doc.root).schema_set()
            except DetectionError:
                issue = Issue("MESSAGE_TYPE_UNKNOWN", Severity.ERROR, Layer.SCHEMA,
                              f"no bundled message type has the root element "
                              f"{etree.QName(doc.root).text}: give the source schema set "
                              "(--from-xsd or --from-schema)", doc.root.sourceline)
                return Translation(doc.name, None, (), (), (), Report(doc.name, (issue,)),
                                   False)
        try:
            plan = self._plans.get(id(source))
            if plan is None:  # one per source set (a plan with a mapping is not cached)
                plan = self._plans[id(source)] = plan_for(source, target, self.mapping)
        except NoWcoIds as exc:
            issue = Issue("TRANSLATE_NO_WCO_IDS", Severity.ERROR, Layer.SCHEMA, str(exc))
            return Translation(doc.name, None, (), (), (), Report(doc.name, (issue,)), False)
        return translate_document(doc, plan, checker)


@dataclass(frozen=True)
class TranslateOptions:
    """The plain, picklable recipe of a :class:`Translator` (each worker builds its own):
    the target as a validator's options, the source set and the mapping file."""

    target: ValidatorOptions
    from_schema: str | None = None
    from_xsd: tuple[str, ...] = ()
    map_file: str | None = None

    def build(self) -> Translator:
        checker = self.target.build()
        source: SchemaSet | None = None
        if self.from_xsd:
            source = load_schema_set(list(self.from_xsd))
        elif self.from_schema:
            source = bundled_registry().get(self.from_schema).schema_set()
        return Translator(schema_set=checker.schema_set, message_type=checker.message_type,
                          limits=checker.limits, rules=checker.rules, source_set=source,
                          mapping=load_mapping(self.map_file) if self.map_file else None)


def _build(plan: Plan, name: str, root: etree._Element, target: SchemaSet, indent: bool,
           checker: Validator, copies: bool = True) -> Translation:
    """Walk, build, check. Content that goes across unchanged is copied whole (a tree
    copy in libxml2, see :class:`_Copied`) unless ``copies`` is false or the result is not
    indented; when a copy meets another source place in the result, or the result is
    invalid (values the target's types reject are then looked for value by value), the
    message is walked again element by element: the same result either way."""
    if copies and indent:
        done = _built(plan, name, root, target, indent, checker, _copy_table(plan))
        if done is not None:
            return done
    built = _built(plan, name, root, target, indent, checker, None)
    assert built is not None
    return built


def _built(plan: Plan, name: str, root: etree._Element, target: SchemaSet, indent: bool,
           checker: Validator, copies: _CopyTable | None) -> Translation | None:
    run = _Run(plan, name, copies=copies)
    run.walk(root)
    if run.root is None:
        top = next(iter(plan.target.globals.values()), None)
        missing = (Needed("/" + top.name, top.wco_id, top.name),) if top is not None else ()
        issue = Issue("TRANSLATE_NOTHING_CARRIED", Severity.ERROR, Layer.SCHEMA,
                      "no value of the message has a counterpart in the target schema set")
        return Translation(name, None, (), tuple(run.not_carried), missing,
                           Report(name, (issue,), target.name, (Layer.SCHEMA,)))
    nsmap = _namespaces(run, root, target, run.root)
    try:
        data, report = _emit_and_check(run, nsmap, checker, name, indent)
    except _WalkAgain:
        _release(run.root)
        return None
    if not report.valid and copies is not None:
        _release(run.root)
        return None  # walked again, value by value (the same result, and what was rejected)
    if not report.valid:
        # find the values the target's types reject, leave them out and try again
        rejected = False
        for item in run.values:
            item.facet = facet_problem(item.target, item.value)
            rejected = rejected or item.facet is not None
        if rejected:
            _refill(run.root)
            run.placed.clear()
            run.needed.clear()
            kept = [n for n in run.not_carried if not n.reason.startswith(TOO_MANY + " (")]
            run.not_carried[:] = kept
            data, report = _emit_and_check(run, nsmap, checker, name, indent)
            for item in run.values:
                if item.facet is not None:
                    run.not_carried.append(NotCarried(item.line, item.path(run.positions),
                                                      item.value, item.facet))
    _release(run.root)
    not_carried = sorted(run.not_carried, key=lambda n: (n.line or 0, n.path))
    return Translation(name, data, CarriedValues(run.placed, run.positions),
                       tuple(not_carried), tuple(run.needed), report)


def _emit_and_check(run: _Run, nsmap: dict[str | None, str], checker: Validator, name: str,
                    indent: bool) -> tuple[bytes, Report]:
    assert run.root is not None
    element = _Emitter(run, nsmap).emit(run.root)
    if indent:
        etree.indent(element, space="  ")
    data = etree.tostring(element, xml_declaration=True, encoding="UTF-8") + b"\n"
    quick = _valid_as_built(checker, name, data, element)
    if quick is not None:
        return data, quick
    report = checker.validate_document(load_xml(data, comments=False))
    return data, Report(name, report.issues, report.message_type, report.layers,
                        report.rule_packs)


def _valid_as_built(checker: Validator, name: str, data: bytes,
                    element: etree._Element) -> Report | None:
    """The report of a result that is valid under the checker's schema set without rule
    packs, from the tree just built (no second parse); None when a full check of the
    written bytes is needed: rule packs to run, or issues to locate by line."""
    if checker.rules is not None or len(data) > DEFAULT_LIMITS.max_bytes:
        return None
    message_type = checker.message_type
    schema_set = checker.schema_set
    if schema_set is None:
        if message_type is None:
            return None
        schema_set = message_type.schema_set()
    doc = XmlDocument(name, data, element.getroottree(), element)
    if schema_set.schema_issues(doc):
        return None
    label = message_type.key if message_type is not None else schema_set.name
    return Report(name, (), label, (Layer.SYNTAX, Layer.SCHEMA))
