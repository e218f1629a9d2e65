"""The translation plan between two schema sets: where each source position goes in the target.

Both schema sets are walked once from their global elements (:class:`Layout`: every element
and attribute position, with its XSD component, occurrence bounds, content-model order and
its WCO ID annotation from :mod:`tradestd.wco.ids`). Then each source position is matched
(docs/translate.md):

- a **class** (an annotated element with annotated elements below) by its WCO ID, in the
  match of its parent class (``same place``); when the target has no class with that ID
  there and the parent class has a match, elsewhere (``moved``): first among the target
  classes with that ID inside a class with the same ID as the source's parent class
  (preferring the longest common chain of class IDs from the root, then the same element
  name, the shallowest path, the first in schema order); else the only one below the
  parent's match; else one directly inside the match of a class further up;
- a **data element** by its WCO ID among the elements of its class's match;
- an element or attribute **without a WCO ID** by its name path below the nearest annotated
  ancestor's match (the envelope, type-library wrappers such as ``DateTimeString``,
  ``currencyID``, ``unitCode``, ``languageID``, ``listID``...).

Annotations in the wild are not always right. A WCO ID given to two data elements of one
class (on either side) is **ambiguous**; an ID whose WCO name names a thing (a city, a
country, a latitude...) that the element's own name and its class do not is **suspicious**.
Neither is ever used to carry a value; a ``--map`` entry (:class:`Mapping`) decides.

A plan is built once per pair of schema sets and cached with the source set
(``SchemaSet.translation_plan(target)``).
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schemaset import SchemaSet
from .ids import MAX_NODES, WcoIds, WcoNode

__all__ = ["Entry", "Layout", "Mapping", "MappingError", "NoWcoIds", "Plan", "Position",
           "layout_for", "load_mapping", "plan_for", "require_wco_ids"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Entry.status
SAME = "same place"
MOVED = "moved"
NONE = "no counterpart"
NARROWER = "narrower type"
FEWER = "fewer repetitions"
AMBIGUOUS = "ambiguous"
SUSPICIOUS = "suspicious"
MAPPED = "mapped"
DROPPED = "dropped by the mapping"


class NoWcoIds(ValueError):
    """A schema set has no WCO ID annotations: nothing can be matched without ``--map``."""


def require_wco_ids(schema_set: SchemaSet, side: str) -> None:
    """Raise :class:`NoWcoIds` when ``schema_set`` has no WCO ID annotation at all."""
    if not any(n.wco_id for n in schema_set.wco_ids):
        raise NoWcoIds(f"the {side} schema set ({schema_set.name}) has no WCO ID annotations "
                       "(WCOID in xs:documentation): name the pairs in a mapping file with "
                       "--map (docs/translate.md)")


class MappingError(ValueError):
    """A mapping file that cannot be used, with the line of the offending entry."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")


# --------------------------------------------------------------------------- layouts


@dataclass(slots=True, eq=False)
class Position:
    """One element or attribute position of a schema set (a path from a global element)."""

    index: int
    path: str  #: ``Declaration/GoodsShipment/Consignment/@currencyID``
    name: str  #: local name (``@currencyID`` for an attribute)
    tag: str  #: Clark name of the element or attribute
    attribute: bool
    xsd: Any  #: xmlschema element or attribute
    parent: int | None
    min_occurs: int
    max_occurs: int | None
    order: int  #: place in the parent's content model
    simple: Any = None  #: the simple type of its value (None: element-only content)
    node: WcoNode | None = None  #: its WCO ID annotation
    children: dict[str, int] = field(default_factory=dict)  #: Clark name -> position
    attributes: dict[str, int] = field(default_factory=dict)  #: Clark name -> position
    by_local: dict[str, int] = field(default_factory=dict)  #: local name -> position
    wildcard_order: int | None = None  #: content-model place of an ``xs:any``, if any
    required: tuple[int, ...] = ()  #: positions of required children and attributes
    namespace: str | None = None  #: of its tag (None: no namespace)

    @property
    def holds_value(self) -> bool:
        return self.simple is not None

    @property
    def wco_id(self) -> str | None:
        return self.node.wco_id if self.node is not None else None


class Layout:
    """Every position of a schema set, by path, with its WCO ID annotation."""

    def __init__(self, schema_set: SchemaSet) -> None:
        self.schema_set = schema_set
        self.ids: WcoIds = schema_set.wco_ids
        self.positions: list[Position] = []
        self.by_path: dict[str, Position] = {}
        self.globals: dict[str, Position] = {}
        self.truncated = False
        annotated = {n.path: n for n in self.ids}
        schema = schema_set.xmlschema
        for element in schema.maps.elements.values():
            if element.target_namespace in (XS, XML_NS):
                continue
            self.globals[element.name] = self._walk(element, "", None, 0, frozenset(),
                                                    annotated)

    def _add(self, xsd: Any, path: str, name: str, tag: str, attribute: bool,
             parent: int | None, low: int, high: int | None, order: int,
             annotated: dict[str, WcoNode]) -> Position:
        position = Position(len(self.positions), path, name, tag, attribute, xsd, parent,
                            low, high, order, node=annotated.get(path),
                            namespace=tag[1:tag.index("}")] if tag.startswith("{") else None)
        self.positions.append(position)
        self.by_path[path] = position
        return position

    def _walk(self, element: Any, parent_path: str, parent: int | None, order: int,
              active: frozenset[int], annotated: dict[str, WcoNode]) -> Position:
        name = element.local_name
        path = f"{parent_path}/{name}" if parent_path else name
        high = element.max_occurs
        here = self._add(element, path, name, element.name, False, parent,
                         int(element.min_occurs), None if high is None else int(high), order,
                         annotated)
        if len(self.positions) >= MAX_NODES:
            self.truncated = True
            return here
        xsd_type = element.type
        if not xsd_type.is_complex():
            here.simple = xsd_type
            return here
        if xsd_type.has_simple_content():
            here.simple = xsd_type.content
        required: list[int] = []
        group = getattr(xsd_type, "attributes", None)
        for key, attribute in (group.items() if group is not None else ()):
            if key is None or not getattr(attribute, "local_name", None):
                continue
            if attribute.name.startswith(f"{{{XSI}}}"):
                continue
            aname = f"@{attribute.local_name}"
            position = self._add(attribute, f"{path}/{aname}", aname, attribute.name, True,
                                 here.index, 1 if attribute.use == "required" else 0, 1, -1,
                                 annotated)
            position.simple = attribute.type
            here.attributes[attribute.name] = position.index
            here.by_local[aname] = position.index
            if attribute.use == "required":
                required.append(position.index)
        content = getattr(xsd_type, "content", None)
        if id(xsd_type) in active or xsd_type.has_simple_content() or content is None \
                or not hasattr(content, "iter_elements"):
            here.required = tuple(required)
            return here
        for number, child in enumerate(content.iter_elements()):
            if not (hasattr(child, "type") and getattr(child, "local_name", None)):
                if here.wildcard_order is None:
                    here.wildcard_order = number
                continue
            if child.name in here.children or self.truncated:
                continue
            found = self._walk(child, path, here.index, number, active | {id(xsd_type)},
                               annotated)
            here.children[child.name] = found.index
            here.by_local.setdefault(child.local_name, found.index)
            if found.min_occurs > 0 and _in_sequence(child):
                required.append(found.index)
        here.required = tuple(required)
        return here

    def __getitem__(self, index: int) -> Position:
        return self.positions[index]

    def ancestors(self, position: Position) -> Iterator[Position]:
        """The position's parents, nearest first."""
        current = position.parent
        while current is not None:
            found = self.positions[current]
            yield found
            current = found.parent

    def anchor(self, position: Position) -> Position | None:
        """The nearest annotated ancestor-or-self (a class or element with a WCO ID)."""
        if position.wco_id is not None:
            return position
        return next((a for a in self.ancestors(position) if a.wco_id is not None), None)

    def class_chain(self, position: Position) -> tuple[str, ...]:
        """The WCO IDs from the root class down to the position (``42A/67A/28A/62A``)."""
        chain = [a.wco_id for a in self.ancestors(position) if a.wco_id is not None]
        chain.reverse()
        if position.wco_id is not None:
            chain.append(position.wco_id)
        return tuple(chain)


def _in_sequence(child: Any) -> bool:
    """Required for the content to be complete: not inside an optional or choice group."""
    group = getattr(child, "parent", None)
    while group is not None and hasattr(group, "model"):
        if group.model == "choice" or group.min_occurs == 0:
            return False
        group = getattr(group, "parent", None)
    return True


def layout_for(schema_set: SchemaSet) -> Layout:
    """The layout of a schema set, built on first use and shared."""
    return schema_set.derived("translation_layout", lambda: Layout(schema_set))


# --------------------------------------------------------------------------- mapping files


@dataclass(frozen=True, slots=True)
class Mapping:
    """Pairs a mapping file adds or overrides: source path -> target path (``None``: drop)."""

    pairs: MappingABC[str, str | None]
    file: str = "(mapping)"
    lines: MappingABC[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, pairs: MappingABC[str, str | None]) -> Mapping:
        return cls(dict(pairs))


def load_mapping(path: str | Path) -> Mapping:
    """Read a TOML mapping file::

        [map]
        "Declaration/GoodsShipment/Consignment/Freight/PaymentMethodCode" =
            "Declaration/Consignment/Freight/PaymentMethodCode"
        "Declaration/Agent/Contact/Name" = ""      # never carried

    Raises :class:`MappingError` (file and line) for a file that cannot be read, a value
    that is not a string, a target named twice, or pairs that form a cycle.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(name, None, f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
                           ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise MappingError(name, int(found.group(1)) if found else None,
                           f"is not TOML: {message}") from None
    table = data.get("map")
    if not isinstance(table, dict):
        raise MappingError(name, None, "has no [map] table of \"source path\" = \"target path\"")
    lines = _key_lines(text)
    pairs: dict[str, str | None] = {}
    targets: dict[str, str] = {}
    for source, target in table.items():
        if not isinstance(target, str):
            raise MappingError(name, lines.get(source), f"the target of {source} is not a "
                               "path (write it in quotes; an empty string drops the source)")
        target = target.strip().strip("/")
        if target and target in targets:
            raise MappingError(name, lines.get(source), f"target {target} is named twice "
                               f"(also for {targets[target]})")
        if target:
            targets[target] = source
        pairs[source.strip().strip("/")] = target or None
    cycle = _cycle(pairs)
    if cycle:
        raise MappingError(name, lines.get(cycle[0]), "the pairs form a cycle: "
                           + " -> ".join([*cycle, cycle[0]]))
    return Mapping(pairs, name, {k.strip().strip("/"): v for k, v in lines.items()})


def _key_lines(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=""", line)
        if match:
            key = next(g for g in match.groups() if g is not None)
            found.setdefault(key, number)
    return found


def _cycle(pairs: MappingABC[str, str | None]) -> list[str] | None:
    """Pairs read as renames that come back to where they start (``a -> b``, ``b -> a``);
    a path mapped to the same path is not one."""
    for start in pairs:
        seen = [start]
        current = pairs.get(start)
        if current == start:  # the same path on both sides: a pair, not a cycle
            continue
        while current is not None and current in pairs:
            if current == start:
                return seen
            if current in seen or pairs.get(current) == current:
                break
            seen.append(current)
            current = pairs.get(current)
    return None


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class Entry:
    """Where one source position goes."""

    source: str
    chain: str  #: WCO ID chain of the source (``42A/67A/28A/62A/098``), ``-`` without IDs
    target: str | None
    status: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "wco_chain": self.chain, "target": self.target,
                "status": self.status, "detail": self.detail}


#: Words of a WCO name that say what a data element is about; an element annotated with such a
#: name whose own name and class name say none of them is suspicious (a contact's ``Name``
#: annotated as a city name).
_THINGS = ("city", "country", "street", "postcode", "postal", "latitude", "longitude",
           "currency", "telephone", "phone", "email", "mail", "language", "weight", "mass",
           "volume", "percentage", "rate", "date", "time")
#: Element or class names that hold parts of a location: an address line is a street.
_PLACES = {"address", "location", "place", "line"}
_LOCATION_WORDS = {"city", "country", "street", "postcode", "postal", "latitude", "longitude"}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def suspicious(layout: Layout, position: Position) -> str | None:
    """Why the WCO name of a data element contradicts its name, or ``None``."""
    node = position.node
    if node is None or not node.wco_name or node.kind == "class":
        return None
    named = {w for w in _words(node.wco_name.replace("-", " ").title().replace(" ", ""))
             if w in _THINGS}
    if not named:
        return None
    own = _words(position.name.lstrip("@"))
    parent = layout[position.parent] if position.parent is not None else None
    if parent is not None:
        own |= _words(parent.name)
    synonyms = {"time": {"date"}, "date": {"time"}, "postcode": {"postal"},
                "postal": {"postcode"}, "weight": {"mass"}, "mass": {"weight"}}
    for word in list(own):
        own |= synonyms.get(word, set())
    if own & _PLACES:
        own |= _LOCATION_WORDS
    if named & own:
        return None
    return (f"its WCO name ({node.wco_name}, ID {node.wco_id}) names "
            f"{' and '.join(sorted(named))}, which {position.name} does not")


class Plan:
    """The translation plan from ``source`` to ``target`` (positions and entries)."""

    def __init__(self, source: SchemaSet, target: SchemaSet,
                 mapping: Mapping | None = None) -> None:
        self.source = layout_for(source)
        self.target = layout_for(target)
        require_wco_ids(source, "source")
        require_wco_ids(target, "target")
        #: source position index -> target position index (only usable pairs)
        self.image: dict[int, int] = {}
        self.entries: dict[int, Entry] = {}
        self._ambiguous_target: dict[int, str] = {}
        self._below_cache: dict[int, list[Position]] = {}
        self._classes: dict[str, list[Position]] = {}
        for candidate in self.target.positions:
            if candidate.wco_id and candidate.node is not None \
                    and candidate.node.kind == "class":
                self._classes.setdefault(candidate.wco_id, []).append(candidate)
        self.reasons: dict[int, str] = {}
        self.mapped: set[int] = set()
        self._match_globals()
        if mapping is not None:  # first: the children of a mapped class match inside it
            self._apply(mapping)
        self._match_all()
        self._entries()

    # -- matching -------------------------------------------------------------------

    def _match_globals(self) -> None:
        by_id: dict[str, Position] = {}
        by_local: dict[str, Position] = {}
        for position in self.target.globals.values():
            if position.wco_id:
                by_id.setdefault(position.wco_id, position)
            by_local.setdefault(position.name, position)
        for position in self.source.globals.values():
            found = by_id.get(position.wco_id or "") or by_local.get(position.name)
            if found is not None:
                self.image[position.index] = found.index

    def _match_all(self) -> None:
        source = self.source
        ambiguous = self._duplicates(source)
        self._ambiguous_target = self._duplicates(self.target)
        for position in source.positions:  # parents before their children
            if position.parent is None or position.index in self.mapped:
                continue
            if position.index in ambiguous:
                self.reasons[position.index] = ambiguous[position.index]
                continue
            why = suspicious(source, position) if position.holds_value else None
            if why:
                self.reasons[position.index] = f"suspicious annotation in the source: {why}"
                continue
            found = self._match(position)
            if found is None:
                continue
            if found.index in self._ambiguous_target:
                self.reasons[position.index] = self._ambiguous_target[found.index]
                continue
            why = suspicious(self.target, found) if found.holds_value else None
            if why:
                self.reasons[position.index] = f"suspicious annotation in the target: {why}"
                continue
            self.image[position.index] = found.index

    def _duplicates(self, layout: Layout) -> dict[int, str]:
        """Data elements of one class sharing a WCO ID: ambiguous, with the reason."""
        found: dict[int, str] = {}
        groups: dict[tuple[int, str], list[Position]] = {}
        for position in layout.positions:
            node = position.node
            if node is None or node.wco_id is None or node.kind == "class" \
                    or position.attribute:
                continue
            anchor = next((a for a in layout.ancestors(position) if a.wco_id), None)
            if anchor is None:
                continue
            groups.setdefault((anchor.index, node.wco_id), []).append(position)
        side = "source" if layout is self.source else "target"
        for (_, wco_id), members in groups.items():
            if len(members) > 1:
                names = ", ".join(m.name for m in members)
                for member in members:
                    found[member.index] = (f"ambiguous annotation in the {side}: WCO ID "
                                           f"{wco_id} is on {len(members)} elements of one "
                                           f"class ({names})")
        return found

    def _match(self, position: Position) -> Position | None:
        source, target = self.source, self.target
        parent = source[position.parent] if position.parent is not None else None
        if parent is None:
            return None
        if position.wco_id is None:
            # by name below the parent's match
            home = self.image.get(parent.index)
            if home is None:
                return None
            found = target[home].by_local.get(position.name)
            return target[found] if found is not None else None
        anchor = next((a for a in source.ancestors(position) if a.wco_id), None)
        home_index = self.image.get(anchor.index) if anchor is not None else None
        if home_index is not None:
            candidates = [c for c in self._annotated_below(target[home_index])
                          if c.wco_id == position.wco_id and c.attribute == position.attribute
                          and (parent.wco_id is not None
                               or self._wrapper_matches(parent, c))]
            if candidates:  # several (a class in two wrappers): the same name, else the first
                return next((c for c in candidates if c.name == position.name), candidates[0])
        if position.node is None or position.node.kind != "class" or home_index is None:
            return None  # a class moves only inside a class that has a counterpart
        return self._moved(position, anchor, self.target[home_index])

    def _wrapper_matches(self, wrapper: Position, candidate: Position) -> bool:
        """An annotated element under an unannotated wrapper: the target has the same
        wrapper name there, or no wrapper at all."""
        parent = self.target[candidate.parent] if candidate.parent is not None else None
        return parent is None or parent.wco_id is not None or parent.name == wrapper.name

    def _annotated_below(self, home: Position) -> list[Position]:
        """Annotated positions whose nearest annotated ancestor is ``home``, nearest
        first, in schema order."""
        cached = self._below_cache.get(home.index)
        if cached is not None:
            return cached
        found: list[Position] = []
        pending = deque(self.target[i] for i in (*home.attributes.values(),
                                                 *home.children.values()))
        while pending:
            position = pending.popleft()
            if position.wco_id is not None:
                found.append(position)
                continue
            pending.extend(self.target[i] for i in (*position.attributes.values(),
                                                    *position.children.values()))
        self._below_cache[home.index] = found
        return found

    def _moved(self, position: Position, anchor: Position | None,
               home: Position) -> Position | None:
        """A class the target has elsewhere (see the module docs), looked for in order:

        1. in classes with the WCO ID of the source's parent class (the best by score);
        2. below the match of the source's parent class, when there is exactly one;
        3. directly in the match of a class above the source's parent (moved up),
           the nearest first.
        """
        classes = self._classes.get(position.wco_id or "", [])
        parent_id = anchor.wco_id if anchor is not None else None
        same_parent = [p for p in classes if self._parent_id(p) == parent_id]
        if same_parent:
            chain = self.source.class_chain(position)

            def score(candidate: Position) -> tuple[int, int, int, int]:
                other = self.target.class_chain(candidate)
                common = 0
                for a, b in zip(chain, other, strict=False):
                    if a != b:
                        break
                    common += 1
                return (common, int(candidate.name == position.name),
                        -candidate.path.count("/"), -candidate.index)

            return max(same_parent, key=score)
        below = [p for p in classes if p.path.startswith(home.path + "/")]
        if len(below) == 1:
            return below[0]
        if anchor is None:
            return None
        for above in self.source.ancestors(anchor):
            match = self.image.get(above.index) if above.wco_id else None
            if match is None:
                continue
            found = [p for p in classes if self._parent_index(p) == match]
            if found:
                return min(found, key=lambda p: p.index)
        return None

    def _parent_index(self, position: Position) -> int | None:
        return next((a.index for a in self.target.ancestors(position) if a.wco_id), None)

    def _parent_id(self, position: Position) -> str | None:
        return next((a.wco_id for a in self.target.ancestors(position) if a.wco_id), None)

    # -- the mapping file -------------------------------------------------------------

    def _apply(self, mapping: Mapping) -> None:
        for source_path, target_path in mapping.pairs.items():
            line = mapping.lines.get(source_path)
            position = self.source.by_path.get(source_path)
            if position is None:
                raise MappingError(mapping.file, line, f"{source_path} is not a path of the "
                                   f"source schema set ({self.source.schema_set.name})")
            if target_path is None:
                self.image.pop(position.index, None)
                self.reasons[position.index] = "dropped by the mapping file"
                self.mapped.add(position.index)
                continue
            found = self.target.by_path.get(target_path)
            if found is None:
                raise MappingError(mapping.file, line, f"{target_path} is not a path of the "
                                   f"target schema set ({self.target.schema_set.name})")
            if found.attribute != position.attribute:
                raise MappingError(mapping.file, line, f"{source_path} and {target_path}: "
                                   "an attribute maps only to an attribute")
            self.image[position.index] = found.index
            self.reasons.pop(position.index, None)
            self.mapped.add(position.index)

    # -- entries ----------------------------------------------------------------------

    def _entries(self) -> None:
        mapped = self.mapped
        for position in self.source.positions:
            chain = "/".join(self.source.class_chain(position)) or "-"
            found = self.image.get(position.index)
            if found is None:
                reason = self.reasons.get(position.index)
                if reason is None and position.attribute and position.parent is not None \
                        and position.parent in self.reasons:
                    reason = f"its element is not carried: {self.reasons[position.parent]}"
                status = NONE
                if reason and reason.startswith("ambiguous"):
                    status = AMBIGUOUS
                elif reason and reason.startswith("suspicious"):
                    status = SUSPICIOUS
                elif position.index in mapped:
                    status = DROPPED
                if reason is None:
                    reason = ("no counterpart in the target schema set" +
                              (f" (WCO ID chain {chain})" if chain != "-" else ""))
                self.entries[position.index] = Entry(position.path, chain, None, status,
                                                     reason)
                continue
            other = self.target[found]
            if position.index in mapped:
                status = MAPPED
            elif self._same_place(position, other):
                status = SAME
            else:
                status = MOVED
            detail = ""
            narrower = narrowing(position, other)
            if narrower and status in (SAME, MOVED):
                status, detail = NARROWER, narrower
            elif narrower:
                detail = narrower
            fewer = _fewer(position, other)
            if fewer and status in (SAME, MOVED):
                status, detail = FEWER, fewer
            self.entries[position.index] = Entry(position.path, chain, other.path, status,
                                                 detail)

    def _same_place(self, position: Position, other: Position) -> bool:
        return self.source.class_chain(position) == self.target.class_chain(other) and \
            position.path.count("/") == other.path.count("/")

    def rows(self, with_classes: bool = True) -> list[Entry]:
        """Entries in source schema order (value positions, and classes when asked)."""
        return [self.entries[p.index] for p in self.source.positions
                if p.parent is not None and (p.holds_value or with_classes)]

    def reason(self, index: int) -> str:
        found = self.entries[index].detail if index in self.entries else ""
        return found or "no counterpart in the target schema set"


def narrowing(source: Position, target: Position) -> str:
    """Which facets of the target's value type are narrower than the source's, or ``""``."""
    if source.simple is None or target.simple is None:
        return ""
    a, b = _facets(source.simple), _facets(target.simple)
    found: list[str] = []
    for name in ("maxLength", "length", "totalDigits", "fractionDigits"):
        if name in b and (name not in a or b[name] < a[name]):
            found.append(f"{name} {b[name]}" + (f" (source {a[name]})" if name in a else ""))
    if "enumeration" in b and ("enumeration" not in a or not set(a["enumeration"])
                               <= set(b["enumeration"])):
        found.append("enumeration")
    if "pattern" in b and b.get("pattern") != a.get("pattern"):
        found.append("pattern")
    return ", ".join(found)


def _facets(simple: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for node in _bases(simple):
        for key, facet in (getattr(node, "facets", None) or {}).items():
            if not isinstance(key, str):
                continue
            name = key.rpartition("}")[2]
            if name in found:
                continue
            if name in ("maxLength", "length", "totalDigits", "fractionDigits"):
                value = getattr(facet, "value", None)
                if isinstance(value, int):
                    found[name] = value
            elif name == "enumeration":
                found[name] = tuple(str(v) for v in getattr(facet, "enumeration", ()) or ())
            elif name == "pattern":
                found[name] = tuple(getattr(facet, "regexps", ()) or ())
    return found


def _bases(simple: Any) -> Iterator[Any]:
    seen: set[int] = set()
    node = simple
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        yield node
        node = getattr(node, "base_type", None)


def _fewer(source: Position, target: Position) -> str:
    high_a, high_b = source.max_occurs, target.max_occurs
    if high_b is not None and (high_a is None or high_b < high_a):
        return (f"maxOccurs {high_b} (source "
                f"{'unbounded' if high_a is None else high_a})")
    return ""


def plan_for(source: SchemaSet, target: SchemaSet, mapping: Mapping | None = None) -> Plan:
    """The plan from ``source`` to ``target``: built once per pair and cached with the
    source set (a plan with a mapping file is built each time: the file may change)."""
    if mapping is not None:
        return Plan(source, target, mapping)
    key = f"translation_plan:{target.digest}:{id(target)}"
    return source.derived(key, lambda: Plan(source, target))
