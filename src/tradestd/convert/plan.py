"""Compile a schema set's xmlschema model once into a compact conversion plan.

The plan says, for every type, how an element of that type looks in JSON (see
docs/json-convention.md): its members and their keys, which members are arrays,
the value codec, the attributes, the schema order of members and whether that order
must be recorded. Converting a document then only does dictionary lookups; the XSD is
never walked per document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from ..schemaset import SchemaSet
from .values import BOOL, INT, QNAME, QNAME_TEXT, STR, TOKEN, XML_NS, XSI_NS, attribute_key

__all__ = [
    "ANY_KEY",
    "COMPLEX",
    "CONVENTION",
    "MIXED",
    "MIXED_KEY",
    "NS_KEY",
    "ORDER_KEY",
    "SIMPLE",
    "SIMPLE_ATTRS",
    "VALUE_KEY",
    "ElementPlan",
    "Member",
    "Plan",
    "TypePlan",
    "default_order",
    "derives_from",
    "order_is_default",
    "plan_for",
    "simple_bases",
    "walk_model",
]

XS = "http://www.w3.org/2001/XMLSchema"
#: The version of the JSON shape (docs/json-convention.md#versions). 2: a global element
#: that a strict or lax wildcard takes is a named member, no longer an ``$any`` entry.
CONVENTION = 2
ANY_KEY = "$any"
ORDER_KEY = "$order"
MIXED_KEY = "$mixed"
#: in the root object: prefix -> namespace of the prefixes that QName-bearing lists and
#: unions (and QName attributes under attribute wildcards) use in their text
NS_KEY = "$ns"
VALUE_KEY = "value"
UNBOUNDED = 1 << 62
_MAX_ROUNDS = 1 << 24
_MEMO_LIMIT = 4096

# TypePlan.kind
SIMPLE = 0        # the JSON value is the text value itself
SIMPLE_ATTRS = 1  # {"value": ..., "@attr": ...}
COMPLEX = 2       # {"@attr": ..., "Child": ...}
MIXED = 3         # {"@attr": ..., "$mixed": [...]}

#: A node of the content model, kept only for order-ambiguous types:
#: ("el", max, keys) | ("seq" | "choice" | "all", max, children)
Model = tuple[str, int, tuple[Any, ...]]


@dataclass(slots=True, eq=False)
class Member:
    """A child element (or the wildcard) as it appears in one type's JSON object."""

    key: str
    tag: str
    element: ElementPlan | None  # None for the wildcard
    array: bool
    min_items: int = 0
    max_items: int = UNBOUNDED
    #: set once the plan is complete: the element's type, and its codec when a child
    #: without attributes or children is its text value alone, or that value as
    #: ``{"value": ...}`` (``boxed``); -1 otherwise
    type: TypePlan | None = None
    leaf: int = -1
    boxed: bool = False
    #: element-only content: without attributes, an object of its children
    nested: bool = False


@dataclass(slots=True, eq=False)
class TypePlan:
    name: str | None
    kind: int = SIMPLE
    codec: int = STR
    #: attribute Clark name -> (JSON key, codec); and the reverse
    attrs: dict[str, tuple[str, int]] = field(default_factory=dict)
    attr_keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    required_attrs: tuple[str, ...] = ()
    any_attribute: bool = False
    #: the attribute wildcard checks what it takes (strict or lax, not skip)
    any_attribute_typed: bool = False
    #: element tag -> member; JSON key -> member; keys in schema order
    children: dict[str, Member] = field(default_factory=dict)
    by_key: dict[str, Member] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    wildcard: Member | None = None
    wildcard_typed: bool = False
    #: tags of the global elements that a typed wildcard of this type carries as named
    #: members (convention 2), rather than in ``$any``
    wild_tags: tuple[str, ...] = ()
    #: per wildcard that must occur and names members: its member keys, one of which
    #: must be present (``$any`` among them)
    wild_required: tuple[tuple[str, ...], ...] = ()
    ambiguous: bool = False
    model: Model | None = None
    xsd: Any = None
    #: member orders seen in documents -> whether to_xml restores them without $order
    restorable: dict[tuple[str, ...], bool] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class ElementPlan:
    tag: str
    type: TypePlan
    xsd: Any = None


@dataclass(slots=True, eq=False)
class Plan:
    """Everything the converters need for one schema set."""

    globals: dict[str, ElementPlan]
    root_keys: dict[str, ElementPlan]
    types: dict[str, TypePlan]
    prefixes: dict[str, str]
    root_tags: dict[str, str]
    nsmaps: dict[str, dict[str, str]] = field(default_factory=dict)
    #: global attributes whose values may hold QNames (taken by attribute wildcards)
    qname_attrs: frozenset[str] = frozenset()
    #: every tag some typed wildcard carries as a named member (see TypePlan.wild_tags)
    wild_tags: frozenset[str] = frozenset()

    def namespaces_of(self, element: ElementPlan) -> dict[str, str]:
        """prefix -> namespace for every namespace reachable from ``element`` (the
        declarations of a document with this root; computed once per root)."""
        found_map = self.nsmaps.get(element.tag)
        if found_map is None:
            found_map = self.nsmaps[element.tag] = self._reachable(element)
        return found_map

    def _reachable(self, element: ElementPlan) -> dict[str, str]:
        seen: set[int] = set()
        found: set[str] = set()
        pending = [element.type]
        _add_namespace(found, element.tag)
        while pending:
            tp = pending.pop()
            if id(tp) in seen:
                continue
            seen.add(id(tp))
            for tag in tp.attrs:
                _add_namespace(found, tag)
            for member in tp.children.values():
                _add_namespace(found, member.tag)
                if member.element is not None:
                    pending.append(member.element.type)
        found.discard(XML_NS)
        return {self.prefixes[ns]: ns for ns in sorted(found) if ns in self.prefixes}


def _add_namespace(found: set[str], tag: str) -> None:
    if tag.startswith("{"):
        found.add(tag[1:tag.index("}")])


# --------------------------------------------------------------------------- codecs


def simple_bases(xsd_type: Any) -> Iterator[Any]:
    """A simple type and the simple types it derives from, nearest first. A complex
    type with simple content on the way (``simpleContent`` restricting a complex type)
    is passed through to its content type."""
    node = xsd_type
    seen: set[int] = set()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if node.is_complex():
            node = node.content if node.has_simple_content() else None
            continue
        yield node
        base = getattr(node, "base_type", None)
        node = base if base is not node else None


def derives_from(xsd_type: Any, name: str) -> bool:
    """Whether a type is ``name`` (Clark notation) or derived from it."""
    return any(node.name == name for node in simple_bases(xsd_type))


def holds_qname(simple: Any, depth: int = 0) -> bool:
    """Whether a simple type's values may hold QNames (itself, list items, union members)."""
    if simple is None or depth > 32:
        return False
    for node in simple_bases(simple):
        if node.name in (f"{{{XS}}}QName", f"{{{XS}}}NOTATION"):
            return True
        item = getattr(node, "item_type", None)
        if item is not None and holds_qname(item, depth + 1):
            return True
        members = getattr(node, "member_types", None) or ()
        if any(holds_qname(m, depth + 1) for m in members):
            return True
    return False


def codec_of(simple: Any) -> int:
    """The value codec of a simple type (or of the simple content of a complex type)."""
    if simple is None or simple.name == f"{{{XS}}}anySimpleType":
        return STR
    if simple.is_list():
        return QNAME_TEXT if holds_qname(simple) else TOKEN
    if simple.is_union():
        return QNAME_TEXT if holds_qname(simple) else STR
    if derives_from(simple, f"{{{XS}}}integer"):
        return INT
    if derives_from(simple, f"{{{XS}}}boolean"):
        return BOOL
    if derives_from(simple, f"{{{XS}}}QName") or derives_from(simple, f"{{{XS}}}NOTATION"):
        return QNAME
    if derives_from(simple, f"{{{XS}}}string"):
        return TOKEN if getattr(simple, "white_space", None) == "collapse" else STR
    return TOKEN


# --------------------------------------------------------------------------- compiling


class _Compiler:
    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.types: dict[int, TypePlan] = {}
        self.elements: dict[int, ElementPlan] = {}
        #: content models still to compile (a work list: nesting never recurses)
        self.pending: list[tuple[TypePlan, Any]] = []
        self.substitutes: dict[str, list[Any]] = {}
        for head, members in schema.maps.substitution_groups.items():
            self.substitutes[head] = sorted(members, key=lambda e: e.name)
        #: global elements that may stand in element content, the candidates of wildcards
        self.global_elements = sorted(
            (e for tag, e in schema.maps.elements.items()
             if not tag.startswith(f"{{{XS}}}") and not e.abstract), key=lambda e: e.name)
        #: while compiling one content model: whether its wildcards may name members
        self.named_wildcards = False
        #: while compiling one content model: the wildcards that must occur
        self.wild_required: list[Any] = []

    # -- elements and types ----------------------------------------------------------

    def element(self, xsd_element: Any) -> ElementPlan:
        found = self.elements.get(id(xsd_element))
        if found is not None:
            return found
        plan = ElementPlan(tag=xsd_element.name, type=TypePlan(None), xsd=xsd_element)
        self.elements[id(xsd_element)] = plan
        plan.type = self.type(xsd_element.type)
        return plan

    def type(self, xsd_type: Any) -> TypePlan:
        found = self.types.get(id(xsd_type))
        if found is not None:
            return found
        plan = TypePlan(name=xsd_type.name, xsd=xsd_type)
        self.types[id(xsd_type)] = plan
        if xsd_type.is_simple():
            plan.codec = codec_of(xsd_type)
            return plan
        self._attributes(plan, xsd_type)
        if xsd_type.has_simple_content():
            plan.codec = codec_of(xsd_type.content)
            plan.kind = SIMPLE_ATTRS if (plan.attrs or plan.any_attribute) else SIMPLE
            return plan
        plan.kind = MIXED if xsd_type.mixed else COMPLEX
        if isinstance(xsd_type.content, XsdGroup):
            self.pending.append((plan, xsd_type.content))
        return plan

    def drain(self) -> None:
        while self.pending:
            plan, group = self.pending.pop()
            self._content(plan, group)

    def _attributes(self, plan: TypePlan, xsd_type: Any) -> None:
        locals_seen: dict[str, int] = {}
        names = [n for n in xsd_type.attributes if n is not None]
        for name in names:
            local = name.rpartition("}")[2]
            locals_seen[local] = locals_seen.get(local, 0) + 1
        required = []
        wildcard = xsd_type.attributes.get(None)
        for name in names:
            attribute = xsd_type.attributes[name]
            local = name.rpartition("}")[2]
            key = attribute_key(name)
            # "@local" for a qualified attribute, unless an unqualified one of that local
            # name may come too (declared, or through the attribute wildcard)
            if name.startswith("{") and not key.startswith(("@xsi:", "@xml:")) \
                    and locals_seen[local] == 1 \
                    and (wildcard is None or not wildcard.is_matching(local)):
                key = "@" + local
            codec = codec_of(attribute.type)
            plan.attrs[name] = (key, codec)
            plan.attr_keys[key] = (name, codec)
            if attribute.use == "required":
                required.append(key)
        plan.required_attrs = tuple(required)
        wildcard = xsd_type.attributes.get(None)
        plan.any_attribute = wildcard is not None
        plan.any_attribute_typed = wildcard is not None and wildcard.process_contents != "skip"

    # -- content models -----------------------------------------------------------

    def _content(self, plan: TypePlan, group: Any) -> None:
        occurrences: list[tuple[str, Any, int, int]] = []  # tag, xsd element|None, min, max
        ambiguous = [False]
        wildcards: list[Any] = []
        open_content = getattr(group, "open_content", None)
        if open_content is not None and (open_content.mode == "none"
                                         or open_content.any_element is None):
            open_content = None
        # a global element that a strict or lax wildcard takes is a named member
        # (convention 2); not where a skip wildcard of the same model may take it too
        # (its content is then not checked by the declaration)
        self.wild_required = []
        self.named_wildcards = all(
            p.process_contents != "skip" for p in group.iter_elements()
            if isinstance(p, XsdAnyElement)) and (
            open_content is None or open_content.any_element.process_contents != "skip")
        model = self._model(group, group.min_occurs, _max(group.max_occurs), occurrences,
                            ambiguous, wildcards)
        if open_content is not None:
            # XSD 1.1 open content: wildcard elements anywhere (interleave) or after
            # everything else (suffix): the order is not the schema's to restore.
            wildcards.append(open_content.any_element)
            occurrences.extend((e.name, e, 0, UNBOUNDED)
                               for e in self._wild_members(open_content.any_element))
            occurrences.append((ANY_KEY, None, 0, UNBOUNDED))
            ambiguous[0] = True
        tags: dict[str, list[tuple[Any, int, int]]] = {}
        for tag, xsd_element, low, high in occurrences:
            tags.setdefault(tag, []).append((xsd_element, low, high))
        locals_count: dict[str, int] = {}
        for tag in tags:
            if tag != ANY_KEY:
                local = tag.rpartition("}")[2]
                locals_count[local] = locals_count.get(local, 0) + 1
        # in mixed content, an undeclared unqualified element a wildcard takes is the
        # item {"Local": ...}: a member of a wildcard that also takes such elements keeps
        # its {namespace}local key, so the two never share a key
        unqualified = plan.kind == MIXED and any(w.is_namespace_allowed("") for w in wildcards)
        order: list[str] = []
        for tag, places in tags.items():
            if len(places) > 1:
                ambiguous[0] = True
            low = sum(p[1] for p in places)
            high = min(UNBOUNDED, sum(p[2] for p in places))
            if tag == ANY_KEY:
                member = Member(ANY_KEY, ANY_KEY, None, True, low, high)
                plan.wildcard = member
            else:
                local = tag.rpartition("}")[2]
                key = local if locals_count[local] == 1 else tag
                if unqualified and tag[0] == "{" and all(p[0].parent is None for p in places):
                    key = tag
                element = self.element(places[0][0])
                member = Member(key, tag, element, high > 1, low, high)
                plan.children[tag] = member
            plan.by_key[member.key] = member
            order.append(member.key)
        plan.order = tuple(order)
        wild_tags = {e.name for w in wildcards for e in self._wild_members(w)}
        plan.wild_tags = tuple(sorted(wild_tags))
        # a wildcard that must occur: some member it may take (named, or a declared
        # element of the model it also matches), or $any
        plan.wild_required = tuple(
            (*(m.key for m in plan.children.values() if wildcard.is_matching(m.tag)), ANY_KEY)
            for wildcard in self.wild_required)
        for member in plan.children.values():
            if member.tag in wild_tags and len(tags[member.tag]) == 1:
                continue  # only the wildcard takes it: an array if the wildcard repeats
            if any(w.is_matching(member.tag) for w in wildcards):
                # a wildcard may also take this element, elsewhere: it can repeat, and
                # its position is not the schema's to restore
                member.array, member.max_items = True, UNBOUNDED
                ambiguous[0] = True
        plan.wildcard_typed = bool(wildcards) and all(
            w.process_contents != "skip" for w in wildcards)
        plan.ambiguous = ambiguous[0]
        if plan.ambiguous:
            plan.model = _rekey(model, plan)

    def _wild_members(self, wildcard: Any) -> list[Any]:
        """The global elements a (strict or lax) wildcard takes: named members."""
        if not self.named_wildcards or wildcard.process_contents == "skip":
            return []
        return [e for e in self.global_elements if wildcard.is_matching(e.name)]

    def _members(self, particle: Any) -> list[Any]:
        members = [] if particle.abstract else [particle]
        pending = list(self.substitutes.get(particle.name, ()))
        seen = {particle.name}
        while pending:
            member = pending.pop(0)
            if member.name in seen:
                continue
            seen.add(member.name)
            if not member.abstract:
                members.append(member)
            pending.extend(self.substitutes.get(member.name, ()))
        return members

    def _model(self, group: Any, low: int, high: int,
               occurrences: list[tuple[str, Any, int, int]], ambiguous: list[bool],
               wildcards: list[Any]) -> Model:
        """``low``/``high``: how often this group occurs at least/at most, all told."""
        children: list[Any] = []
        start = len(occurrences)
        alternatives = group.model == "choice" and len(group) > 1
        for particle in group:
            p_max = _max(particle.max_occurs)
            p_low = 0 if alternatives else low * particle.min_occurs
            p_high = min(UNBOUNDED, high * p_max)
            if isinstance(particle, XsdGroup):
                children.append(self._model(particle, p_low, p_high, occurrences, ambiguous,
                                            wildcards))
            elif isinstance(particle, XsdAnyElement):
                wildcards.append(particle)
                named = self._wild_members(particle)
                # the named members first, then $any (the default order of to_xml)
                occurrences.extend((e.name, e, 0, p_high) for e in named)
                # never required by itself: what the wildcard takes may be a member
                occurrences.append((ANY_KEY, None, 0, p_high))
                if named and p_max > 1:
                    ambiguous[0] = True  # $any and named members interleave
                if p_low > 0:
                    self.wild_required.append(particle)
                children.append(("el", p_max, (*(e.name for e in named), ANY_KEY)))
            elif isinstance(particle, XsdElement):
                members = self._members(particle)
                if len(members) > 1 and p_max > 1:
                    ambiguous[0] = True
                for member in members:
                    occurrences.append((member.name, member,
                                        p_low if len(members) == 1 else 0, p_high))
                children.append(("el", p_max, tuple(m.name for m in members)))
        g_max = _max(group.max_occurs)
        distinct = {o[0] for o in occurrences[start:]}
        if len(distinct) > 1 and (g_max > 1 or group.model == "all"):
            ambiguous[0] = True
        kind = "seq" if group.model == "sequence" else group.model
        return (kind, g_max, tuple(children))


def walk_model(model: Model, queues: dict[str, list[Any]],
               emit: Callable[[str, Any], None]) -> bool:
    """Place queued members (popped from the end) in an order the model accepts.

    Repeated groups are filled iteration by iteration; a choice takes its first
    alternative that still has members. This is the order ``to_xml`` uses when JSON
    carries no ``$order``. Returns whether anything was placed.
    """
    kind, high, children = model
    used = False
    for _ in range(min(high, _MAX_ROUNDS)):
        if kind == "el":
            key = next((k for k in children if queues.get(k)), None)
            if key is None:
                break
            emit(key, queues[key].pop())
        elif kind == "choice":
            if not any(walk_model(c, queues, emit) for c in children):
                break
        elif not any([walk_model(c, queues, emit) for c in children]):  # noqa: C419 (all run)
            break
        used = True
        if kind == "all":
            break
    return used


def default_order(plan: TypePlan, order: list[str]) -> list[str]:
    """The member order ``to_xml`` restores for these members without ``$order``."""
    assert plan.model is not None
    queues: dict[str, list[Any]] = {}
    for key in order:
        queues.setdefault(key, []).append(None)
    out: list[str] = []
    walk_model(plan.model, queues, lambda key, _: out.append(key))
    for key in plan.order:
        out.extend([key] * len(queues.get(key, ())))
    return out


def order_is_default(plan: TypePlan, order: list[str]) -> bool:
    """Whether ``to_xml`` restores this member order without ``$order`` (memoised:
    documents repeat the same few shapes)."""
    key = tuple(order)
    known = plan.restorable.get(key)
    if known is None:
        known = default_order(plan, order) == order
        if len(plan.restorable) >= _MEMO_LIMIT:
            plan.restorable.clear()
        plan.restorable[key] = known
    return known


def _rekey(model: Model, plan: TypePlan) -> Model:
    kind, high, children = model
    if kind == "el":
        keys = tuple(ANY_KEY if t == ANY_KEY else plan.children[t].key for t in children)
        return (kind, high, keys)
    return (kind, high, tuple(_rekey(c, plan) for c in children))


def _max(value: int | None) -> int:
    return UNBOUNDED if value is None else value


def _prefixes(schema: Any) -> dict[str, str]:
    chosen: dict[str, str] = {}
    used: set[str] = {"xml", "xsi"}
    for sub in schema.maps.iter_schemas():
        for prefix, namespace in sub.namespaces.items():
            if prefix and namespace and namespace not in chosen and prefix not in used \
                    and namespace not in (XS, XML_NS, XSI_NS):
                chosen[namespace] = prefix
                used.add(prefix)
    return chosen


def _all_namespaces(plans: Iterator[TypePlan], elements: Iterator[ElementPlan]) -> set[str]:
    found: set[str] = set()
    for tp in plans:
        for tag in list(tp.attrs) + list(tp.children):
            _add_namespace(found, tag)
    for element in elements:
        _add_namespace(found, element.tag)
    return found


def compile_plan(schema: Any) -> Plan:
    """Build the plan of an xmlschema model (all global elements and named types)."""
    compiler = _Compiler(schema)
    globals_: dict[str, ElementPlan] = {}
    for tag, xsd_element in schema.maps.elements.items():
        if not tag.startswith(f"{{{XS}}}"):
            globals_[tag] = compiler.element(xsd_element)
    types: dict[str, TypePlan] = {}
    for name, xsd_type in schema.maps.types.items():
        if not name.startswith(f"{{{XS}}}") or xsd_type.is_simple() \
                or name == f"{{{XS}}}anyType":
            types[name] = compiler.type(xsd_type)
    compiler.drain()
    local_count: dict[str, int] = {}
    for tag in globals_:
        local = tag.rpartition("}")[2]
        local_count[local] = local_count.get(local, 0) + 1
    root_keys = {(tag.rpartition("}")[2] if local_count[tag.rpartition("}")[2]] == 1 else tag): e
                 for tag, e in globals_.items()}
    prefixes = _prefixes(schema)
    for namespace in sorted(_all_namespaces(iter(compiler.types.values()),
                                            iter(globals_.values())) - set(prefixes)):
        if namespace == XML_NS:
            continue
        index = 0
        while f"ns{index}" in prefixes.values():
            index += 1
        prefixes[namespace] = f"ns{index}"
    for tp in compiler.types.values():
        for member in tp.children.values():
            assert member.element is not None
            member.type = member.element.type
            if member.type.kind in (SIMPLE, SIMPLE_ATTRS) \
                    and member.type.codec in (STR, TOKEN, INT, BOOL):
                member.leaf = member.type.codec
                member.boxed = member.type.kind == SIMPLE_ATTRS
            member.nested = member.type.kind == COMPLEX
    qname_attrs = frozenset(name for name, attribute in schema.maps.attributes.items()
                            if holds_qname(attribute.type))
    wild_tags = frozenset(t for tp in compiler.types.values() for t in tp.wild_tags)
    return Plan(globals=globals_, root_keys=root_keys, types=types, prefixes=prefixes,
                root_tags={e.tag: k for k, e in root_keys.items()}, qname_attrs=qname_attrs,
                wild_tags=wild_tags)


def plan_for(schema_set: SchemaSet) -> Plan:
    """The plan of a schema set, compiled on first use and then shared (thread-safe)."""
    return schema_set.derived("conversion_plan", lambda: compile_plan(schema_set.xmlschema))
