"""Valid instances of a schema set, built by walking its xmlschema model.

:class:`Generator` is compiled once per schema set (cached on it). It knows, for every
reachable element declaration and type, the smallest number of elements an instance
needs (a fixpoint over the content models: recursion through required particles, an
empty ``xs:choice`` with ``minOccurs`` >= 1, a type whose facets admit no value and a
strict wildcard nothing matches come out infinite, i.e. unsatisfiable). Drawing then only
takes satisfiable options, and below ``max_depth`` (or beyond ``max_elements``) only the
cheapest ones, so every draw terminates. A series (:meth:`Generator.draw` with
``covered`` and ``target``) also takes the shortest way down to one declaration not yet
covered (:meth:`Generator.distances`), a finite one, even past those bounds.

Covered: sequence, choice, all (in a drawn order) and their repeats; model groups;
substitution groups (transitive, abstract heads and members left out); abstract types
and ``xsi:type`` for types derived from the declared one (unless blocked); mixed content;
element wildcards (a matching global element, else a foreign element where ``lax`` or
``skip`` allows); nillable (``xsi:nil``); default and fixed values; attributes (required,
optional, fixed); identity constraints (``unique``/``key`` fields made distinct,
``key`` fields present, ``keyref`` fields set to a key's values) and ``ID``/``IDREF``
(IDs unique, IDREFs pointing at an ID of the document). Every optional part is drawn with
a choice that shrinks to absent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from ..schemaset import SchemaSet
from .chooser import Chooser, RandomChooser, pick
from .values import XS, Unsatisfiable, ValueMaker

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FOREIGN = "urn:tradestd:generate:foreign"
INF = math.inf

#: A value provider: draws the text of one element or attribute.
Provider = Callable[[Chooser], str]


class Rejected(Exception):
    """This draw cannot be completed validly (e.g. an IDREF and no ID); draw again."""


def _key(decl: Any) -> int:
    ref = getattr(decl, "ref", None)
    return id(ref if ref is not None else decl)


@dataclass
class Drawn:
    """One generated instance and what it used (for coverage and the consistency pass)."""

    root: etree._Element
    used: set[int] = field(default_factory=set)
    #: id(element) -> the simple type of its text (leaves only)
    text_types: dict[int, Any] = field(default_factory=dict)
    #: (id(element), attribute name) -> the attribute's simple type
    attribute_types: dict[tuple[int, str], Any] = field(default_factory=dict)
    #: id(element) -> the type it was drawn with (its declared one or the xsi:type)
    element_types: dict[int, Any] = field(default_factory=dict)
    #: every element drawn, kept alive: lxml's Python proxies would otherwise be freed and
    #: their ids reused, and the maps above are keyed by id
    elements: list[etree._Element] = field(default_factory=list)
    #: elements whose declaration holds identity constraints
    identities: list[tuple[etree._Element, Any]] = field(default_factory=list)


class Generator:
    """Draws instances of one schema set."""

    def __init__(self, schema_set: SchemaSet, *, max_depth: int = 14,
                 max_elements: int = 1500) -> None:
        self.schema_set = schema_set
        self.schema = schema_set.xmlschema
        self.max_depth = max_depth
        self.max_elements = max_elements
        self.prefixes = _prefixes(self.schema)
        self.nsmap = {p: ns for ns, p in self.prefixes.items()}
        self.values = ValueMaker(self.prefixes)
        maps = self.schema.maps
        self.globals = [e for name, e in maps.elements.items()
                        if not name.startswith(f"{{{XS}}}") and not e.abstract]
        self._members: dict[str, list[Any]] = {}
        for head in maps.substitution_groups:
            self._members[head] = self._transitive_members(head)
        self._derived: dict[int, list[Any]] = {}
        self._types_of: dict[int, list[Any]] = {}
        self._type_costs: dict[int, float] = {}
        self._options: dict[int, tuple[list[Any], Any]] = {}
        self._declared: dict[int, frozenset[int]] = {}
        self._wildcards: dict[int, list[Any]] = {}
        self._parents: dict[int, set[int]] | None = None
        self.element_cost: dict[int, float] = {}
        self.reachable: dict[int, Any] = {}
        self._types: list[Any] = []
        self.tops_known = False
        self._collect()
        self._fixpoint()
        self.tops_known = True
        self.tops = self._top_elements()

    # -- analysis ------------------------------------------------------------------

    def _transitive_members(self, head: str) -> list[Any]:
        found: list[Any] = []
        pending = [head]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            # xmlschema keeps each group as a set: sorted, so draws do not depend on the
            # process (same seed, same files on every run)
            for member in sorted(self.schema.maps.substitution_groups.get(name, ()),
                                 key=lambda m: str(m.name)):
                found.append(member)
                pending.append(member.name)
        return found

    def members(self, decl: Any) -> list[Any]:
        """The declarations that may stand where ``decl`` is used (itself unless abstract,
        and its substitution group unless blocked)."""
        target = getattr(decl, "ref", None) or decl
        found = [] if target.abstract else [target]
        block = getattr(target, "block", None) or ""
        if "substitution" not in block:
            found.extend(m for m in self._members.get(target.name, ()) if not m.abstract)
        return found

    def types_of(self, decl: Any) -> list[Any]:
        """The types an element may have: its own unless abstract, and (``xsi:type``) the
        named types derived from it, unless blocked (cached per declaration)."""
        key = id(decl)
        found = self._types_of.get(key)
        if found is None:
            found = self._find_types(decl)
            if self.tops_known:  # cheapest first: what a shrinking draw ends on
                found.sort(key=self.type_cost)
                self._types_of[key] = found
        return found

    def _find_types(self, decl: Any) -> list[Any]:
        declared = decl.type
        found = [] if getattr(declared, "abstract", False) else [declared]
        key = id(declared)
        if key not in self._derived:
            derived = []
            if declared.is_complex() and declared.name is not None:
                for candidate in self.schema.maps.types.values():
                    if candidate is declared or not candidate.is_complex() \
                            or candidate.abstract or (candidate.name or "").startswith(f"{{{XS}}}"):
                        continue
                    if _derives(candidate, declared):
                        derived.append(candidate)
            self._derived[key] = derived
        blocked = set((getattr(decl, "block", None) or "").split()) | \
            set((getattr(declared, "block", None) or "").split())
        for candidate in self._derived[key]:
            method = getattr(candidate, "derivation", None) or ""
            if method not in blocked and "#all" not in blocked:
                found.append(candidate)
        return found

    def _collect(self) -> None:
        """Every element declaration and type reachable from the global elements."""
        pending: list[Any] = list(self.globals)
        seen_types: set[int] = set()
        while pending:
            decl = pending.pop()
            key = _key(decl)
            if key in self.reachable:
                continue
            self.reachable[key] = getattr(decl, "ref", None) or decl
            pending.extend(self.members(decl))
            for xsd_type in self.types_of(self.reachable[key]):
                if id(xsd_type) in seen_types:
                    continue
                seen_types.add(id(xsd_type))
                self._types.append(xsd_type)
                if xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup):
                    pending.extend(_elements_of(xsd_type.content))

    def _fixpoint(self) -> None:
        for key in self.reachable:
            self.element_cost[key] = INF
        type_cost: dict[int, float] = {}
        changed = True
        rounds = 0
        while changed and rounds < 10_000:
            changed = False
            rounds += 1
            type_cost.clear()
            for key, decl in self.reachable.items():
                cost = self._decl_cost(decl, type_cost)
                if cost < self.element_cost[key]:
                    self.element_cost[key] = cost
                    changed = True

    def _decl_cost(self, decl: Any, type_cost: dict[int, float]) -> float:
        best = INF
        if decl.nillable and decl.fixed is None:
            best = 1.0
        for xsd_type in self.types_of(decl):
            key = id(xsd_type)
            if key not in type_cost:
                type_cost[key] = self.type_cost(xsd_type)
            best = min(best, 1.0 + type_cost[key])
        return best

    def type_cost(self, xsd_type: Any) -> float:
        """Elements an instance of the type needs at least (cached once the element costs
        are known)."""
        if self.tops_known:
            key = id(xsd_type)
            found = self._type_costs.get(key)
            if found is None:
                found = self._type_costs[key] = self._type_cost(xsd_type)
            return found
        return self._type_cost(xsd_type)

    def _type_cost(self, xsd_type: Any) -> float:
        if xsd_type.is_simple():
            return 0.0 if self._satisfiable(xsd_type) else INF
        for name, attribute in xsd_type.attributes.items():
            if name is not None and attribute.use == "required" and attribute.fixed is None \
                    and not self._satisfiable(attribute.type):
                return INF
        if xsd_type.has_simple_content():
            return 0.0 if self._satisfiable(xsd_type.content) else INF
        if isinstance(xsd_type.content, XsdGroup):
            return self.particle_cost(xsd_type.content)
        return 0.0

    def _satisfiable(self, simple: Any) -> bool:
        return self.values.satisfiable(simple)

    def particle_cost(self, particle: Any) -> float:
        low = particle.min_occurs
        if low == 0:
            return 0.0
        if isinstance(particle, XsdGroup):
            costs = [self.particle_cost(p) for p in particle]
            if particle.model == "choice":
                one = min(costs, default=INF)
            else:
                one = sum(costs)
        elif isinstance(particle, XsdAnyElement):
            one = self._wildcard_cost(particle)
        else:
            one = min((self.element_cost.get(_key(m), INF) for m in self.members(particle)),
                      default=INF)
        return float(low * one)

    def _wildcard_cost(self, particle: Any) -> float:
        if particle.process_contents != "strict" and _foreign(self, particle) is not None:
            return 1.0
        return min((self.element_cost.get(_key(g), INF) for g in self.globals
                    if particle.is_matching(g.name)), default=INF)

    def declarations_in(self, particle: Any, levels: int = 4) -> frozenset[int]:
        """Keys of the element declarations a particle may bring in, down to ``levels``
        levels of nesting below it (members, a group's elements, their content), kept."""
        key = id(particle)
        found = self._declared.get(key)
        if found is None:
            self._declared[key] = frozenset()  # a recursion back here adds nothing new
            direct: list[Any] = []
            if isinstance(particle, XsdGroup):
                direct = [m for e in _elements_of(particle) for m in self.members(e)]
            elif isinstance(particle, XsdElement):
                direct = self.members(particle)
            keys = {_key(m) for m in direct}
            if levels > 1:
                for member in direct:
                    for xsd_type in self.types_of(member):
                        if xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup):
                            keys |= self.declarations_in(xsd_type.content, levels - 1)
            found = self._declared[key] = frozenset(keys)
        return found

    def wildcard_options(self, particle: Any) -> list[Any]:
        """The satisfiable global elements a wildcard takes (remembered)."""
        key = id(particle)
        found = self._wildcards.get(key)
        if found is None:
            found = self._wildcards[key] = [
                d for d in self.globals if particle.is_matching(d.name)
                and self.element_cost.get(id(d), INF) < INF]
        return found

    def choice_options(self, group: Any) -> tuple[list[Any], Any]:
        """The satisfiable alternatives of a choice and the cheapest one (cached)."""
        key = id(group)
        found = self._options.get(key)
        if found is None:
            costs = sorted(((self.particle_cost(_at_least_once(p)), p) for p in group),
                           key=lambda c: c[0])
            options = [p for cost, p in costs if cost < INF]
            cheapest = min(costs, key=lambda c: c[0])[1] if options else None
            found = self._options[key] = (options, cheapest)
        return found

    def member_options(self, particle: Any) -> tuple[list[Any], Any]:
        """The satisfiable declarations that may stand for a particle, and the cheapest."""
        key = id(particle)
        found = self._options.get(key)
        if found is None:
            options = sorted((m for m in self.members(particle)
                              if self.element_cost.get(_key(m), INF) < INF),
                             key=lambda m: self.element_cost[_key(m)])
            cheapest = min(options, key=lambda m: self.element_cost[_key(m)]) \
                if options else None
            found = self._options[key] = (options, cheapest)
        return found

    def _top_elements(self) -> list[Any]:
        """Global elements no other declaration refers to (the envelope of an envelope
        + payload set, its payload being reachable through its wildcard)."""
        referenced: set[int] = set()
        wildcard_targets: set[int] = set()
        for decl in self.reachable.values():
            for xsd_type in self.types_of(decl):
                if xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup):
                    for particle in _particles(xsd_type.content):
                        if isinstance(particle, XsdAnyElement):
                            wildcard_targets.update(
                                id(g) for g in self.globals
                                if particle.is_matching(g.name) and g is not decl)
                        elif isinstance(particle, XsdElement):
                            target = getattr(particle, "ref", None)
                            if target is not None:
                                referenced.add(id(target))
        for members in self._members.values():
            referenced.update(id(m) for m in members)
        tops = [g for g in self.globals if id(g) not in referenced
                and self.element_cost.get(id(g), INF) < INF]
        outer = [g for g in tops if id(g) not in wildcard_targets]
        return outer or tops

    def reachable_from(self, roots: list[Any]) -> set[int]:
        """Element declarations reachable from ``roots`` (through wildcards too)."""
        found: set[int] = set()
        pending = list(roots)
        while pending:
            decl = pending.pop()
            key = _key(decl)
            if key in found or self.element_cost.get(key, INF) == INF:
                continue
            found.add(key)
            decl = self.reachable.get(key, decl)
            pending.extend(self.members(decl))
            for xsd_type in self.types_of(decl):
                if xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup):
                    for particle in _particles(xsd_type.content):
                        if isinstance(particle, XsdAnyElement):
                            pending.extend(g for g in self.globals
                                           if particle.is_matching(g.name))
                        elif isinstance(particle, XsdElement):
                            pending.append(particle)
        return found

    def _edges(self) -> dict[int, set[int]]:
        """Declaration key -> keys of the satisfiable declarations that may stand among
        its children (members, ``xsi:type`` content, wildcard matches), built once."""
        if self._parents is not None:
            return self._parents
        parents: dict[int, set[int]] = {}
        for key, decl in self.reachable.items():
            if self.element_cost.get(key, INF) == INF:
                continue
            for xsd_type in self.types_of(decl):
                if not (xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup)):
                    continue
                for particle in _particles(xsd_type.content):
                    if isinstance(particle, XsdAnyElement):
                        children = [_key(d) for d in self.wildcard_options(particle)]
                    elif isinstance(particle, XsdElement):
                        children = [_key(m) for m in self.member_options(particle)[0]]
                    else:
                        continue
                    for child in children:
                        parents.setdefault(child, set()).add(key)
        self._parents = parents
        return parents

    def distances(self, target: int) -> dict[int, int]:
        """Declaration key -> the fewest nesting levels from an element of that
        declaration down to one of ``target`` (absent: ``target`` is out of its reach)."""
        parents = self._edges()
        found = {target: 0}
        frontier = [target]
        while frontier:
            following = []
            for key in frontier:
                for parent in parents.get(key, ()):
                    if parent not in found:
                        found[parent] = found[key] + 1
                        following.append(parent)
            frontier = following
        return found

    # -- drawing -------------------------------------------------------------------

    def root_declaration(self, name: str | None) -> Any:
        """The global element ``name`` (Clark notation, prefixed or local name)."""
        if name is None:
            if not self.globals:
                raise Unsatisfiable("the schema set declares no global element (only "
                                    "types, groups or abstract elements), so nothing can be "
                                    "generated; a message's root must be a global element")
            if not self.tops:
                first = min(self.globals, key=lambda e: e.name)
                raise Unsatisfiable(f"no global element of the schema set can be "
                                    f"instantiated; {_label(first.name, self.prefixes)}: "
                                    f"{self.why_unsatisfiable(first)}")
            return self.tops[0]
        maps = self.schema.maps.elements
        found = maps.get(name)
        if found is None and ":" in name and not name.startswith("{"):
            prefix, _, local = name.partition(":")
            namespace = self.nsmap.get(prefix)
            found = maps.get(f"{{{namespace}}}{local}" if namespace else local)
        if found is None:
            matches = [e for n, e in maps.items() if n.rpartition("}")[2] == name]
            found = matches[0] if len(matches) == 1 else None
        if found is None:
            raise Unsatisfiable(f"{name} is not a global element of the schema set; global "
                                f"elements: {', '.join(self.global_names())}")
        if found.abstract or self.element_cost.get(id(found), INF) == INF:
            raise Unsatisfiable(f"{name} has no valid instance: {self.why_unsatisfiable(found)}")
        return found

    def global_names(self) -> list[str]:
        return sorted(_label(e.name, self.prefixes) for e in self.globals)

    def why_unsatisfiable(self, decl: Any) -> str:
        if decl.abstract:
            return "it is abstract"
        for xsd_type in self.types_of(decl):
            if xsd_type.is_simple() or xsd_type.has_simple_content():
                simple = xsd_type if xsd_type.is_simple() else xsd_type.content
                try:
                    self.values.value(RandomChooser(0), simple)
                except Unsatisfiable as exc:
                    return str(exc)
            elif isinstance(xsd_type.content, XsdGroup):
                found = self._empty_choice(xsd_type.content)
                if found:
                    return found
        return "every way to build it needs itself again, or a part that has no value"

    def _empty_choice(self, group: Any) -> str | None:
        for particle in [group, *_particles(group)]:
            if isinstance(particle, XsdGroup) and particle.model == "choice" \
                    and particle.min_occurs > 0 and not len(particle):
                return "it requires a choice between no alternatives (an empty xs:choice)"
        return None

    def draw(self, chooser: Chooser, root: Any,
             providers: Callable[[etree._Element, str | None], Provider | None] | None = None,
             wanted: Callable[[etree._Element, str], bool] | None = None,
             covered: set[int] | None = None, target: int | None = None) -> Drawn:
        """One instance of the global element ``root``. ``providers`` may give the text of
        an element or attribute; ``wanted(parent, name)`` says that an optional child
        (``name``: its local name, ``@name`` for an attribute) is always drawn.

        ``covered`` (the declarations earlier messages of a series used) steers the draw
        toward the others: an optional particle, a choice alternative or a substitute
        with a declaration not yet covered is taken more often, a covered optional
        particle less often. ``target`` (a declaration key, with ``covered``) is reached
        for sure when the root can hold it: each optional particle, choice alternative,
        substitute, wildcard match and type on the shortest way down to it is taken, even
        beyond the depth and size bounds (the way is finite, everything else stays
        minimal there). Hypothesis draws never pass either (their shrinking stays plain).
        """
        state = _State(self, chooser, providers)
        state.wanted = wanted
        state.covered = covered
        if covered is not None and target is not None:
            distances = self.distances(target)
            if _key(root) in distances:
                state.toward = distances
        element = etree.Element(root.name, nsmap=self.nsmap)
        state.drawn.root = element
        state.fill(element, root, 0, True)
        state.finish()
        return state.drawn


class _State:
    """One draw in progress."""

    def __init__(self, generator: Generator, chooser: Chooser,
                 providers: Callable[[etree._Element, str | None], Provider | None] | None
                 ) -> None:
        self.g = generator
        self.chooser = chooser
        self.providers = providers
        self.drawn = Drawn(etree.Element("placeholder"))
        self.count = 0
        self.wanted: Callable[[etree._Element, str], bool] | None = None
        self.covered: set[int] | None = None
        #: declaration key -> levels down to the target this draw must reach (None: none
        #: or reached); particle id -> the same for a particle (cached)
        self.toward: dict[int, int] | None = None
        self._particle_toward: dict[int, float] = {}
        self.ids: set[str] = set()
        self.idrefs: list[tuple[etree._Element, str | None, bool]] = []

    def deep(self, depth: int) -> bool:
        return depth >= self.g.max_depth or self.count >= self.g.max_elements

    def fill(self, element: etree._Element, decl: Any, depth: int, lead: bool = False) -> None:
        """Content, attributes and text of ``element`` (of ``decl``); ``lead``: the way to
        the target goes through it."""
        g, chooser = self.g, self.chooser
        self.count += 1
        self.drawn.used.add(_key(decl))
        heading = lead and self.toward is not None
        if heading and self.toward and self.toward.get(_key(decl)) == 0:
            self.toward = None  # reached
            heading = False
        self.drawn.elements.append(element)
        types = g.types_of(decl)
        if len(types) > 1:
            types = [t for t in types if g.type_cost(t) < INF]
        nil_ok = decl.nillable and decl.fixed is None
        if not types or (nil_ok and chooser.integer(0, 7) == 7 and not heading):
            if not nil_ok:
                raise Rejected(f"no valid type for {decl.name}")
            element.set(f"{{{XSI}}}nil", "true")
            return
        xsd_type = types[0]
        towards = self._best(types, self._type_lead) if heading and len(types) > 1 else None
        if towards is not None:
            xsd_type = towards
        elif len(types) > 1 and not self.deep(depth):
            xsd_type = pick(chooser, types)
        elif len(types) > 1:
            xsd_type = min(types, key=g.type_cost)
        if xsd_type is not decl.type:
            ns, _, local = xsd_type.name[1:].partition("}") if xsd_type.name.startswith("{") \
                else ("", "", xsd_type.name)
            prefix = g.prefixes.get(ns)
            element.set(f"{{{XSI}}}type", f"{prefix}:{local}" if prefix else local)
        self.drawn.element_types[id(element)] = xsd_type
        if getattr(decl, "identities", None):
            self.drawn.identities.append((element, decl))
        if xsd_type.is_complex():
            self.attributes(element, xsd_type)
        if xsd_type.is_simple() or xsd_type.has_simple_content():
            simple = xsd_type if xsd_type.is_simple() else xsd_type.content
            if decl.fixed is not None:
                element.text = decl.fixed
            else:
                element.text = self.text(element, None, simple)
            self.drawn.text_types[id(element)] = simple
        elif isinstance(xsd_type.content, XsdGroup):
            self.group(element, xsd_type.content, depth, bool(xsd_type.mixed), heading)
            if xsd_type.mixed and decl.fixed is not None and not len(element):
                element.text = decl.fixed

    def text(self, element: etree._Element, attribute: str | None, simple: Any) -> str:
        if self.providers is not None:
            provider = self.providers(element, attribute)
            if provider is not None:
                for _ in range(3):
                    candidate = provider(self.chooser)
                    if self.g.values.valid(simple, candidate):
                        return candidate
        value = self.g.values.value(self.chooser, simple)
        kind = self.g.values.kind(simple)
        if kind == "ID":
            attempt = 0
            while value in self.ids:
                attempt += 1
                value = f"{value}{attempt}" if attempt < 5 else self.g.values.value(
                    self.chooser, simple)
                if attempt > 20:
                    raise Rejected("could not draw a fresh ID")
            self.ids.add(value)
        elif kind in ("IDREF", "IDREFS"):
            self.idrefs.append((element, attribute, kind == "IDREFS"))
        return value

    def attributes(self, element: etree._Element, xsd_type: Any) -> None:
        for name, attribute in xsd_type.attributes.items():
            if name is None or attribute.use == "prohibited":
                continue
            if attribute.use != "required" and self.chooser.integer(0, 3) != 3 and not (
                    self.wanted is not None and self.wanted(element, "@" + _local(name))):
                continue  # an optional attribute: one time in four
            if attribute.fixed is not None:
                element.set(name, attribute.fixed)
                continue
            try:
                element.set(name, self.text(element, name, attribute.type))
            except Unsatisfiable:
                if attribute.use == "required":
                    raise
                continue
            self.drawn.attribute_types[(id(element), name)] = attribute.type

    def count_of(self, particle: Any, depth: int) -> int:
        low = particle.min_occurs
        if self.deep(depth):
            return int(low)
        high = particle.max_occurs
        extra = 2 if high is None else min(high - low, 2)
        return int(low + self.chooser.integer(0, max(extra, 0)))

    def group(self, element: etree._Element, group: Any, depth: int, mixed: bool,
              lead: bool = False) -> None:
        """``lead``: the way to the target goes through this group (see
        :meth:`Generator.draw`)."""
        if mixed and self.chooser.boolean():
            element.text = "text"
        count = self.count_of(group, depth)
        if lead:
            count = max(count, 1)
        for _ in range(count):
            best = self._best(list(group), self.lead) if lead and self.toward else None
            if group.model == "choice":
                options, cheapest = self.g.choice_options(group)
                if not options:
                    raise Rejected("an xs:choice without a satisfiable alternative")
                if best is not None:
                    self.particle(element, best, depth, mixed, True)
                    continue
                if self.deep(depth):
                    particle = cheapest
                else:
                    fresh = self._fresh(options)
                    particle = pick(self.chooser, fresh if fresh and self.chooser.integer(
                        0, 3) else options)
                self.particle(element, particle, depth, mixed)
            elif group.model == "all":
                particles = list(group)
                order = []
                while particles:
                    order.append(particles.pop(self.chooser.integer(0, len(particles) - 1)))
                for particle in order:
                    self.particle(element, particle, depth, mixed, particle is best)
            else:
                for particle in group:
                    self.particle(element, particle, depth, mixed, particle is best)

    def particle(self, element: etree._Element, particle: Any, depth: int, mixed: bool,
                 lead: bool = False) -> None:
        lead = lead and self.toward is not None
        if isinstance(particle, XsdGroup):
            self.group(element, particle, depth, mixed, lead)
            return
        count = self.count_of(particle, depth)
        if self.covered is not None and particle.min_occurs == 0 and not self.deep(depth) \
                and isinstance(particle, XsdElement):
            if self._fresh([particle]):
                count = max(count, int(self.chooser.integer(0, 3) != 0))
            elif count and self.chooser.integer(0, 2) != 0:
                count = 0  # covered already: kept one time in three
        if not count and self.wanted is not None and isinstance(particle, XsdElement) \
                and self.wanted(element, _local(particle.name)):
            count = 1
        if lead:
            count = max(count, 1)
        for _ in range(count):
            lead = lead and self.toward is not None
            if isinstance(particle, XsdAnyElement):
                self.wildcard(element, particle, depth, lead)
            else:
                options, cheapest = self.g.member_options(particle)
                if not options:
                    raise Rejected(f"no valid declaration for {particle.name}")
                best = self._best(options, lambda m: self.toward.get(_key(m), INF)
                                  if self.toward else INF) if lead else None
                if best is not None:
                    member = best
                elif self.deep(depth):
                    member = cheapest
                else:
                    fresh = [m for m in options if self.covered is not None
                             and _key(m) not in self.covered]
                    member = pick(self.chooser, fresh if fresh and self.chooser.boolean()
                                  else options)
                child = etree.SubElement(element, member.name)
                self.fill(child, member, depth + 1, best is not None)
            if mixed and self.chooser.boolean():
                element[-1].tail = "text"

    def _type_lead(self, xsd_type: Any) -> float:
        if xsd_type.is_complex() and isinstance(xsd_type.content, XsdGroup):
            return self.lead(xsd_type.content)
        return INF

    def lead(self, particle: Any) -> float:
        """Levels from an element holding ``particle`` down to the target through it
        (infinite when it cannot lead there, or when no target is pursued)."""
        toward = self.toward
        if toward is None:
            return INF
        key = id(particle)
        found = self._particle_toward.get(key)
        if found is None:
            if isinstance(particle, XsdGroup):
                found = min((self.lead(p) for p in particle), default=INF)
            elif isinstance(particle, XsdAnyElement):
                found = min((toward.get(_key(d), INF) + 1
                             for d in self.g.wildcard_options(particle)), default=INF)
            else:
                found = min((toward.get(_key(m), INF) + 1
                             for m in self.g.member_options(particle)[0]), default=INF)
            self._particle_toward[key] = found
        return found

    def _best(self, options: list[Any], levels: Callable[[Any], float]) -> Any:
        """The option nearest the target, if any leads there."""
        if self.toward is None or not options:
            return None
        best = min(options, key=levels)
        return best if levels(best) < INF else None

    def _fresh(self, particles: list[Any]) -> list[Any]:
        """Those of ``particles`` holding a declaration no earlier message covered."""
        covered = self.covered
        if covered is None:
            return []
        return [p for p in particles if not self.g.declarations_in(p) <= covered]

    def wildcard(self, element: etree._Element, particle: Any, depth: int,
                 lead: bool = False) -> None:
        g = self.g
        declared = g.wildcard_options(particle)
        best = self._best(declared, lambda d: self.toward.get(_key(d), INF)
                          if self.toward else INF) if lead else None
        if best is not None:
            child = etree.SubElement(element, best.name)
            self.fill(child, best, depth + 1, True)
            return
        payloads = [d for d in declared if d.name != element.tag]
        foreign = _foreign(g, particle)
        if particle.process_contents != "strict" and foreign is not None \
                and (not payloads or self.deep(depth) or self.chooser.integer(0, 3) == 3):
            child = etree.SubElement(element, foreign)
            child.text = "any"
            return
        options = payloads or declared
        if not options:
            raise Rejected("a strict wildcard that no global element matches")
        if self.deep(depth):
            chosen = min(options, key=lambda d: g.element_cost[id(d)])
        else:
            fresh = [d for d in options if self.covered is not None
                     and _key(d) not in self.covered]
            chosen = pick(self.chooser, fresh if fresh and self.chooser.integer(0, 3)
                          else options)
        child = etree.SubElement(element, chosen.name)
        self.fill(child, chosen, depth + 1)

    # -- after the tree: identity constraints, IDREFs --------------------------------

    def finish(self) -> None:
        for element, decl in self.drawn.identities:
            for identity in decl.identities:
                self.identity(element, identity)
        if self.idrefs:
            if not self.ids:
                raise Rejected("IDREF values but no ID in the document")
            ids = sorted(self.ids)
            for element, attribute, many in self.idrefs:
                value = pick(self.chooser, ids)
                if many:
                    value = " ".join(pick(self.chooser, ids)
                                     for _ in range(self.chooser.integer(1, 2)))
                if attribute is None:
                    element.text = value
                else:
                    element.set(attribute, value)

    def identity(self, scope: etree._Element, identity: Any) -> None:
        kind = type(identity).__name__  # XsdUnique, XsdKey, XsdKeyref
        namespaces = {p: ns for p, ns in (identity.selector.namespaces or {}).items()
                      if p and ns}
        try:
            selected = scope.xpath(identity.selector.path, namespaces=namespaces)
        except etree.XPathError as exc:
            raise Rejected(f"selector {identity.selector.path} not evaluated") from exc
        if kind == "XsdKeyref":
            keys = self._key_values(scope, identity.refer)
            for node in selected:
                fields = [self._field(node, f, namespaces) for f in identity.fields]
                if all(f is None for f in fields):
                    continue
                if not keys:
                    raise Rejected("a keyref with no key value to refer to")
                values = pick(self.chooser, keys)
                for field_at, value in zip(fields, values, strict=True):
                    if field_at is None:
                        raise Rejected("a keyref field is missing")
                    self._set(field_at, value)
            return
        seen: set[tuple[str, ...]] = set()
        for node in selected:
            fields = [self._field(node, f, namespaces) for f in identity.fields]
            if any(f is None for f in fields):
                if kind == "XsdKey":
                    raise Rejected("a key field is absent")
                continue
            values = tuple(self._get(f) for f in fields)
            attempts = 0
            while values in seen:
                attempts += 1
                if attempts > 12:
                    raise Rejected("could not make the key values distinct")
                target = fields[-1]
                simple = self._type_at(target)
                if simple is None:
                    raise Rejected("a key field of unknown type")
                self._set(target, self.g.values.value(self.chooser, simple))
                values = tuple(self._get(f) for f in fields)
            seen.add(values)

    def _key_values(self, scope: etree._Element, key: Any) -> list[tuple[str, ...]]:
        namespaces = {p: ns for p, ns in (key.selector.namespaces or {}).items() if p and ns}
        found = []
        node_at: etree._Element | None = scope
        while node_at is not None:
            for node in node_at.xpath(key.selector.path, namespaces=namespaces):
                fields = [self._field(node, f, namespaces) for f in key.fields]
                if all(f is not None for f in fields):
                    found.append(tuple(self._get(f) for f in fields))
            if found:
                break
            node_at = node_at.getparent()
        return found

    @staticmethod
    def _field(node: Any, field_: Any, namespaces: dict[str, str]) -> Any:
        found = node.xpath(field_.path, namespaces=namespaces)
        if not found:
            return None
        item = found[0]
        if isinstance(item, etree._Element):
            return (item, None)
        if getattr(item, "is_attribute", False):
            return (item.getparent(), item.attrname)
        return None

    @staticmethod
    def _get(at: tuple[etree._Element, str | None]) -> str:
        element, attribute = at
        return (element.get(attribute) if attribute else element.text) or ""

    @staticmethod
    def _set(at: tuple[etree._Element, str | None], value: str) -> None:
        element, attribute = at
        if attribute:
            element.set(attribute, value)
        else:
            element.text = value

    def _type_at(self, at: tuple[etree._Element, str | None]) -> Any:
        element, attribute = at
        if attribute:
            return self.drawn.attribute_types.get((id(element), attribute))
        return self.drawn.text_types.get(id(element))


def _foreign(generator: Generator, particle: Any) -> str | None:
    for name in (f"{{{FOREIGN}}}Extra", "Extra"):
        if particle.is_matching(name):
            return name
    for namespace in getattr(particle, "namespace", ()) or ():
        if namespace and not namespace.startswith("##"):
            name = f"{{{namespace}}}Extra"
            if particle.is_matching(name) and name not in generator.schema.maps.elements:
                return name
    return None


def _derives(candidate: Any, base: Any) -> bool:
    try:
        return bool(candidate.is_derived(base))
    except Exception:  # noqa: BLE001 - a pair of types xmlschema cannot compare
        return False


def _at_least_once(particle: Any) -> Any:
    return _Once(particle) if particle.min_occurs == 0 else particle


class _Once:
    """A particle as if it had ``minOccurs="1"``: what choosing it costs."""

    def __init__(self, particle: Any) -> None:
        self.particle = particle
        self.min_occurs = 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.particle, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.particle)


def _particles(group: Any) -> Iterator[Any]:
    for particle in group:
        yield particle
        if isinstance(particle, XsdGroup):
            yield from _particles(particle)


def _elements_of(group: Any) -> Iterator[Any]:
    for particle in _particles(group):
        if isinstance(particle, XsdElement):
            yield particle


def _prefixes(schema: Any) -> dict[str, str]:
    """namespace -> prefix for the target namespaces of the set: the prefix a schema
    document gives it, else one made from the namespace's last word (never a default
    namespace, so an unprefixed QName always means no namespace)."""
    targets = [sub.target_namespace for sub in schema.maps.iter_schemas()
               if sub.target_namespace and sub.target_namespace not in (XS, XML_NS, XSI)]
    found: dict[str, str] = {XSI: "xsi"}
    taken = {"xsi", "xml", "xs"}
    for sub in schema.maps.iter_schemas():
        for prefix, ns in sub.namespaces.items():
            if prefix and ns in targets and ns not in found and prefix not in taken \
                    and not prefix.lower().startswith("xml"):
                found[ns] = prefix
                taken.add(prefix)
    for ns in targets:
        if ns in found:
            continue
        words = [w for w in re.split(r"[^A-Za-z]+", ns) if w and w not in _NOISE]
        stem = (words[-1][:3].lower() if words else "ns") or "ns"
        prefix, number = stem, 1
        while prefix in taken or prefix.startswith("xml"):
            number += 1
            prefix = f"{stem}{number}"
        found[ns] = prefix
        taken.add(prefix)
    return found


_NOISE = frozenset({"urn", "http", "https", "www", "xsd", "schema", "schemas", "xml"})


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _label(name: str, prefixes: dict[str, str]) -> str:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        prefix = prefixes.get(ns)
        return f"{prefix}:{local}" if prefix else local
    return name
