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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lxml import etree

from ..batch import ValidatorOptions
from ..intake import DEFAULT_LIMITS, Limits, Source, XmlDocument, load_xml
from ..issues import Issue, Layer, Report, Severity
from ..locate import element_path
from ..registry import DetectionError, bundled_registry
from ..schemaset import SchemaSet, load_schema_set
from ..validation import Validator
from .plan import XSI, Layout, Mapping, NoWcoIds, Plan, Position, load_mapping, plan_for

__all__ = ["Carried", "Needed", "NotCarried", "TranslateOptions", "Translation",
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
    carried: tuple[Carried, ...]
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
    """One source value on its way to the target."""

    __slots__ = ("facet", "line", "path", "target", "value")

    def __init__(self, line: int | None, path: str, value: str, target: Position) -> None:
        self.line, self.path, self.value, self.target = line, path, value, target
        self.facet: str | None = None  #: set when the target's type rejects the value


class _Node:
    """An element of the result being built."""

    __slots__ = ("attrs", "children", "first", "keyed", "order", "pos", "seq", "tag", "text")

    def __init__(self, pos: Position, tag: str, order: int, seq: int) -> None:
        self.pos, self.tag, self.order, self.seq = pos, tag, order, seq
        self.children: list[_Node] = []
        self.keyed: dict[tuple[int, int | None], _Node] = {}
        self.first: dict[int, _Node] = {}  #: position index -> its first instance here
        self.text: _Value | None = None
        self.attrs: dict[str, _Value] = {}

    def child(self, pos: Position, key: int | None, order: int, seq: int) -> _Node:
        found = self.keyed.get((pos.index, key))
        if found is not None:
            return found
        loose = self.keyed.get((pos.index, None))
        if key is None:
            found = self.first.get(pos.index)
            if found is not None:
                return found
        elif loose is not None:  # a connector made before this instance: it becomes it
            del self.keyed[(pos.index, None)]
            self.keyed[(pos.index, key)] = loose
            return loose
        node = _Node(pos, pos.tag, order, seq)
        self.children.append(node)
        self.keyed[(pos.index, key)] = node
        self.first.setdefault(pos.index, node)
        return node


@dataclass
class _Run:
    plan: Plan
    doc_name: str
    carried: list[Carried] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)
    needed: list[Needed] = field(default_factory=list)
    values: list[_Value] = field(default_factory=list)
    root: _Node | None = None
    roots: dict[int, _Node] = field(default_factory=dict)  #: id(source global) -> node
    keep: list[etree._Element] = field(default_factory=list)
    nested: list[etree._Element] = field(default_factory=list)  #: globals in wildcards
    seq: int = 0

    @property
    def source(self) -> Layout:
        return self.plan.source

    @property
    def target(self) -> Layout:
        return self.plan.target

    def skip(self, element: etree._Element, path: str, value: str, reason: str) -> None:
        self.not_carried.append(NotCarried(element.sourceline, path, value, reason))

    # -- walking the source -----------------------------------------------------------

    def walk(self, root: etree._Element) -> None:
        top = self.source.globals.get(str(root.tag))
        if top is None:
            self._skip_all(root, element_path(root), "the source schema set declares no "
                           "such root element")
            return
        # (element, its XPath, its source position, the chain: target position index ->
        # source element, the source global element it is in, the result element of the
        # nearest mapped ancestor)
        stack: list[tuple[etree._Element, str, Position, Chain,
                          etree._Element, _Node | None]] = [
            (root, element_path(root), top, None, root, None)]
        image = self.plan.image
        source, target = self.source.positions, self.target.positions
        globals_ = self.source.globals
        keep, values = self.keep, self.values
        while stack:
            element, path, position, chain, top_element, above = stack.pop()
            keep.append(element)  # ids of live elements only: they key the result's nodes
            mapped = image.get(position.index)
            node: _Node | None = None
            if mapped is not None:
                chain = (mapped, element, position, chain)
                goal = target[mapped]
                if goal.attribute:
                    node = None
                elif above is not None and goal.parent == above.pos.index:
                    self.seq += 1  # the same nesting on both sides: one step down
                    key = id(element) if position.max_occurs != 1 else None
                    node = above.child(goal, key, goal.order, self.seq)
                else:
                    node = self._node(goal, chain, top_element)
            children = _children(element, path)
            if not children and node is not None and node.text is None \
                    and position.holds_value and node.pos.holds_value and not element.attrib:
                # the common leaf: its value to its own counterpart (see _place)
                item = _Value(element.sourceline, path, element.text or "", node.pos)
                node.text = item
                values.append(item)
                continue
            self._values(element, path, position, chain, top_element, bool(children), node)
            if not children:
                continue
            below = node if node is not None else above
            pending = []
            for child, tag, child_path in children:
                found = position.children.get(tag)
                if found is not None:
                    pending.append((child, child_path, source[found], chain, top_element,
                                    below))
                    continue
                nested = globals_.get(tag)
                if nested is not None and position.wildcard_order is not None:
                    pending.append((child, child_path, nested, chain, child, None))
                    continue
                self._skip_all(child, child_path, "the source schema set does not declare "
                               "this element here")
            stack.extend(reversed(pending))

    def _skip_all(self, element: etree._Element, path: str, reason: str) -> None:
        """Every value of a subtree the plan has no place for, as not carried."""
        pending = [(element, path)]
        while pending:
            each, where = pending.pop()
            for name, value in each.attrib.items():
                if not name.startswith(_XSI_PREFIX):
                    self.skip(each, f"{where}/@{_attribute_name(each, name)}", value, reason)
            children = _children(each, where)
            if not children:
                self.skip(each, where, each.text or "", reason)
            pending.extend((child, child_path) for child, _, child_path in reversed(children))

    def _values(self, element: etree._Element, path: str, position: Position,
                chain: Chain, top: etree._Element,
                has_children: bool, here: _Node | None) -> None:
        if position.holds_value and not has_children:
            self._place(element, None, path, element.text or "", position, chain, top, here)
        if not element.attrib:
            return
        for name, value in element.attrib.items():
            if name.startswith(_XSI_PREFIX):
                continue
            apath = f"{path}/@{_attribute_name(element, name)}"
            found = position.attributes.get(name)
            if found is None:
                self.skip(element, apath, value, "the source schema set does not declare this "
                          "attribute")
                continue
            self._place(element, name, apath, value, self.source[found], chain, top, here)

    def _place(self, element: etree._Element, attribute: str | None, path: str, value: str,
               position: Position, chain: Chain,
               top: etree._Element, here: _Node | None) -> None:
        mapped = self.plan.image.get(position.index)
        if mapped is None:
            self.skip(element, path, value, self.plan.reason(position.index))
            return
        goal = self.target[mapped]
        holder = self.target[goal.parent] if goal.attribute and goal.parent is not None \
            else goal
        if not goal.holds_value:
            self.skip(element, path, value, f"its counterpart {goal.path} holds no value")
            return
        node = here if here is not None and here.pos is holder else \
            self._node(holder, chain, top)
        if node is None:
            self.skip(element, path, value, f"no place for {goal.path} in the result")
            return
        item = _Value(element.sourceline, path, value, goal)
        if goal.attribute:
            if goal.tag in node.attrs:
                self.skip(element, path, value, f"{TOO_MANY}: {goal.path} already holds the "
                          f"value from line {node.attrs[goal.tag].line}")
                return
            node.attrs[goal.tag] = item
        else:
            if node.text is not None:
                self.skip(element, path, value, f"{TOO_MANY}: {goal.path} already holds the "
                          f"value from line {node.text.line}")
                return
            node.text = item
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
            self.root = _Node(pos, pos.tag, 0, self.seq)
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
        node = _Node(pos, pos.tag, holder.pos.wildcard_order, self.seq)
        holder.children.append(node)
        self.roots[id(source)] = node
        self.nested.append(source)
        return node

    def _holder_of(self, element: etree._Element) -> _Node | None:
        """The result element made for a source element (the envelope's root)."""
        if self.root is not None and id(element) in self.roots:
            return self.roots[id(element)]
        return self.root if self.root is not None and element.getparent() is None else None


def _children(element: etree._Element, path: str
              ) -> list[tuple[etree._Element, str, str]]:
    """The child elements of ``element`` with their Clark names and XPaths (positions
    where siblings share a name, as :func:`~tradestd.locate.element_path` writes them)."""
    children = [(c, c.tag) for c in element if isinstance(c.tag, str)]
    if not children:
        return []
    totals: dict[str, int] = {}
    for _, tag in children:
        totals[tag] = totals.get(tag, 0) + 1
    numbers: dict[str, int] = {}
    out = []
    for child, tag in children:
        label = _label(child)
        if totals[tag] > 1:
            numbers[tag] = numbers.get(tag, 0) + 1
            label = f"{label}[{numbers[tag]}]"
        out.append((child, tag, f"{path}/{label}"))
    return out


def _label(element: etree._Element) -> str:
    tag = element.tag
    local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
    prefix = element.prefix
    return f"{prefix}:{local}" if prefix else local


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
        self.full: set[int] = set()

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
        self.full = _full_nodes(root)
        element = etree.Element(root.tag, nsmap=self.nsmap)
        self._fill(root, element, "/" + self.label(root.tag))
        return element

    def _fill(self, node: _Node, element: etree._Element, path: str) -> None:
        run = self.run
        carried = run.carried
        for tag, item in node.attrs.items():
            if item.facet is not None:
                continue
            element.set(tag, item.value)
            carried.append(Carried(item.line, item.path, f"{path}/@{self.label(tag)}",
                                   item.value))
        text = node.text
        if text is not None and text.facet is None:
            element.text = text.value
            carried.append(Carried(text.line, text.path, path, text.value))
        children = node.children
        if len(children) > 1:
            children = sorted(children, key=lambda c: (c.order, c.seq))
        counts: dict[int, int] = {}
        kept: list[_Node] = []
        totals: dict[str, int] = {}
        full = self.full
        for child in children:
            if child.text is not None and child.text.facet is not None:
                self._drop(child, f"its element's value is not carried: {child.text.facet}")
                continue
            if id(child) not in full:
                continue
            seen = counts[child.pos.index] = counts.get(child.pos.index, 0) + 1
            high = child.pos.max_occurs
            if high is not None and seen > high and child.pos.parent is not None:
                self._drop(child, f"{TOO_MANY} (maxOccurs {high} at {child.pos.path})")
                continue
            if child.pos.parent is None and child.tag in totals:
                self._drop(child, f"{TOO_MANY} (one {child.pos.name} in the envelope)")
                continue
            kept.append(child)
            totals[child.tag] = totals.get(child.tag, 0) + 1
        numbers: dict[str, int] = {}
        for child in kept:
            sub = etree.SubElement(element, child.tag)
            label = self.label(child.tag)
            if totals[child.tag] > 1:
                numbers[child.tag] = numbers.get(child.tag, 0) + 1
                label = f"{label}[{numbers[child.tag]}]"
            leaf = child.text
            if leaf is not None and not child.attrs and not child.children \
                    and not child.pos.required:  # the common leaf, without a call
                sub.text = leaf.value
                carried.append(Carried(leaf.line, leaf.path, f"{path}/{label}", leaf.value))
                continue
            self._fill(child, sub, f"{path}/{label}")
        if node.pos.required:
            self._needed(node, element, path, {c.pos.index for c in kept})

    def _needed(self, node: _Node, element: etree._Element, path: str,
                present: set[int]) -> None:
        run = self.run
        layout = run.target
        for index in node.pos.required:
            required = layout[index]
            if required.attribute:
                if required.tag not in element.attrib:
                    run.needed.append(Needed(f"{path}/@{self.label(required.tag)}",
                                             required.wco_id, required.name))
            elif index not in present:
                run.needed.append(Needed(f"{path}/{self.label(required.tag)}", required.wco_id,
                                         required.name))

    def _drop(self, node: _Node, reason: str) -> None:
        for item in _values_below(node):
            if item.facet is None:
                self.run.not_carried.append(NotCarried(item.line, item.path, item.value,
                                                       reason))


def _values_below(node: _Node) -> Iterator[_Value]:
    pending = [node]
    while pending:
        current = pending.pop()
        yield from current.attrs.values()
        if current.text is not None:
            yield current.text
        pending.extend(reversed(current.children))


def _full_nodes(root: _Node) -> set[int]:
    """The nodes with a value left at or below them (an element whose own value was
    rejected counts as empty, attributes and all), in one pass."""
    order: list[_Node] = []
    pending = [root]
    while pending:
        current = pending.pop()
        order.append(current)
        pending.extend(current.children)
    full: set[int] = set()
    for current in reversed(order):  # children before their parents
        if current.text is not None:
            if current.text.facet is None:
                full.add(id(current))
            continue
        if any(item.facet is None for item in current.attrs.values()) or \
                any(id(child) in full for child in current.children):
            full.add(id(current))
    return full


def _namespaces(run: _Run, source_root: etree._Element, target: SchemaSet,
                root: _Node) -> dict[str | None, str]:
    """prefix -> namespace for the result: the source's own prefix for a namespace the
    target uses too, the default namespace for the root's, else one its XSDs declare."""
    used: set[str] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        for tag in (node.tag, *node.attrs):
            if tag.startswith("{"):
                used.add(tag[1:tag.index("}")])
        pending.extend(node.children)
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
                       indent: bool = True) -> Translation:
    """:func:`translate` for an already parsed message (without comments) and a plan."""
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
                  checker or Validator(schema_set=target, limits=source.limits))


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

    def validate(self, source: Source) -> Report:
        done = self.translate(source)
        report = done.report
        return TranslationReport(done.source, report.issues, report.message_type,
                                 report.layers, report.rule_packs, translation=done)

    def translate(self, message: Source) -> Translation:
        target = self.schema_set
        if target is None:
            assert self.message_type is not None, "a Translator needs a target"
            target = self.message_type.schema_set()
        checker = Validator(schema_set=self.schema_set, message_type=self.message_type,
                            registry=self.registry, limits=self.limits, rules=self.rules)
        doc = load_xml(message, self.limits, comments=False)
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
            plan = plan_for(source, target, self.mapping)
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
           checker: Validator) -> Translation:
    run = _Run(plan, name)
    run.walk(root)
    if run.root is None:
        top = next(iter(plan.target.globals.values()), None)
        missing = (Needed("/" + top.name, top.wco_id, top.name),) if top is not None else ()
        issue = Issue("TRANSLATE_NOTHING_CARRIED", Severity.ERROR, Layer.SCHEMA,
                      "no value of the message has a counterpart in the target schema set")
        return Translation(name, None, (), tuple(run.not_carried), missing,
                           Report(name, (issue,), target.name, (Layer.SCHEMA,)))
    nsmap = _namespaces(run, root, target, run.root)
    data, report = _emit_and_check(run, nsmap, checker, name, indent)
    if not report.valid:
        # find the values the target's types reject, leave them out and try again
        rejected = False
        for item in run.values:
            item.facet = facet_problem(item.target, item.value)
            rejected = rejected or item.facet is not None
        if rejected:
            run.carried.clear()
            run.needed.clear()
            kept = [n for n in run.not_carried if not n.reason.startswith(TOO_MANY + " (")]
            run.not_carried[:] = kept
            data, report = _emit_and_check(run, nsmap, checker, name, indent)
            for item in run.values:
                if item.facet is not None:
                    run.not_carried.append(NotCarried(item.line, item.path, item.value,
                                                      item.facet))
    not_carried = sorted(run.not_carried, key=lambda n: (n.line or 0, n.path))
    return Translation(name, data, tuple(run.carried), tuple(not_carried), tuple(run.needed),
                       report)


def _emit_and_check(run: _Run, nsmap: dict[str | None, str], checker: Validator, name: str,
                    indent: bool) -> tuple[bytes, Report]:
    assert run.root is not None
    element = _Emitter(run, nsmap).emit(run.root)
    if indent:
        etree.indent(element, space="  ")
    data = etree.tostring(element, xml_declaration=True, encoding="UTF-8") + b"\n"
    report = checker.validate_document(load_xml(data, comments=False))
    return data, Report(name, report.issues, report.message_type, report.layers,
                        report.rule_packs)
