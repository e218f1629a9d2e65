"""WCO IDs of a schema set, read from the WCO DM annotation convention of its XSDs.

WCO Data Model schemas (and national implementations generated from the WCO DM tooling,
such as the UK CDS schemas) name the WCO ID of every class and data element inside
``xs:annotation/xs:documentation``::

    <xs:documentation xml:lang="EN">
      <WCOID>228</WCOID><WCOName>Total number of items</WCOName>
      <WCODescription>...</WCODescription><WCOFormat>n..5</WCOFormat>
    </xs:documentation>
    <xs:documentation><TDEDUID>...</TDEDUID><TDEDName>...</TDEDName>
      <WCOUsageDeclarationIM>X</WCOUsageDeclarationIM></xs:documentation>

The children are matched by local name, whatever their namespace. An annotation may sit on
the element (or attribute) declaration, on the global declaration an ``xs:element ref``
names, or on the element's type (national data-set libraries annotate their named types);
in that order of precedence. tradestd marks the elements it adds beyond WCO DM with
``<tradestdExtension>true</tradestdExtension>`` and no ``WCOID`` (docs/wco-ids.md).

:func:`wco_ids_for` walks a schema set's xmlschema model once from every global element of
the set and keeps a :class:`WcoIds` model per set: one :class:`WcoNode` per annotated
element or attribute, with its path of local names, its WCO fields and the XSD file and
line of its declaration. A node is a *class* when annotated nodes sit below it. Pointer
chains (``42A/67A/68A[1]/70A[1]#166``) resolve through :meth:`WcoIds.resolve`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lxml import etree

from ..schemaset import SchemaError, SchemaSet

__all__ = ["EXTENSION_MARKER", "ChainStep", "Resolution", "WcoIds", "WcoNode", "format_chain",
           "parse_chain", "wco_ids_for"]

XS = "http://www.w3.org/2001/XMLSchema"
_ANNOTATION = f"{{{XS}}}annotation"
_DOCUMENTATION = f"{{{XS}}}documentation"
#: The documentation child that marks a tradestd element WCO DM does not have.
EXTENSION_MARKER = "tradestdExtension"
_FIELDS = {"WCOID": "wco_id", "WCOName": "wco_name", "WCODescription": "description",
           "WCOFormat": "format", "TDEDUID": "tded_uid", "TDEDName": "tded_name"}
_USAGE = "WCOUsage"
#: Walked element declarations per schema set; a schema whose content trees multiply past
#: this (types shared many levels deep) is cut off, and the model says so.
MAX_NODES = 200_000
#: How far back a start tag spread over several lines is looked for.
_START_TAG_LINES = 50


@dataclass(frozen=True, slots=True)
class WcoNode:
    """One annotated element or attribute of a schema set, at one path."""

    index: int
    path: str  #: local names from the global element: ``Declaration/GoodsShipment/...``
    name: str  #: local name (``@unitCode`` for an attribute)
    kind: str  #: ``class`` (annotated nodes below it), ``element`` or ``attribute``
    wco_id: str | None
    wco_name: str | None
    description: str | None
    format: str | None
    tded_uid: str | None
    tded_name: str | None
    usage: tuple[str, ...]  #: usage markers without the prefix: ``DeclarationIM``, ...
    extension: bool  #: marked as a tradestd extension (no WCO ID)
    annotated_on: str  #: where the WCO ID was read: ``element``, ``reference`` or ``type``
    file: str | None
    line: int | None
    min_occurs: int
    max_occurs: int | None
    parent: int | None  #: index of the nearest annotated ancestor

    @property
    def where(self) -> str:
        """``file:line`` of the declaration (the file alone when the line is unknown)."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return {"wco_id": self.wco_id, "kind": self.kind, "name": self.name, "path": self.path,
                "wco_name": self.wco_name, "format": self.format,
                "description": self.description, "tded_uid": self.tded_uid,
                "tded_name": self.tded_name, "usage": list(self.usage),
                "extension": self.extension, "annotated_on": self.annotated_on,
                "min_occurs": self.min_occurs, "max_occurs": self.max_occurs,
                "file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One ``Pointer`` of a chain: class ID, occurrence (SequenceNumeric), element ID."""

    section: str | None
    occurrence: int | None = None
    tag: str | None = None
    raw_occurrence: str | None = None  #: a SequenceNumeric that is not a number, as written


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a chain names in a schema set: one node per step, then the tag's node."""

    chain: str
    steps: tuple[ChainStep, ...]
    nodes: tuple[WcoNode, ...] = ()
    target: WcoNode | None = None
    reason: str | None = None
    failed_step: int | None = None
    notes: tuple[str, ...] = ()
    #: The chain names IDs this schema set has, nested otherwise than here (another version
    #: or implementation placed them elsewhere); False when an ID is unknown to the set.
    misplaced: bool = False

    @property
    def resolved(self) -> bool:
        return self.reason is None and self.target is not None

    @property
    def schema_path(self) -> str | None:
        return self.target.path if self.target is not None else None


# --------------------------------------------------------------------------- chains

_STEP = re.compile(r"^\s*([^\s\[\]#/]+)\s*(?:\[\s*(\d+)\s*\])?\s*(?:#\s*([^\s\[\]#/]+))?\s*$")


def parse_chain(text: str) -> tuple[ChainStep, ...]:
    """``42A/67A/68A[1]/70A[1]#166`` or ``42A/67A/68A/03A/226`` (last part an element ID).

    Raises ``ValueError`` naming the part that is not ``ID``, ``ID[n]`` or ``ID#TAG``.
    """
    parts = [p for p in text.strip().strip("/").split("/")]
    steps: list[ChainStep] = []
    for number, part in enumerate(parts, 1):
        match = _STEP.match(part)
        if not match:
            raise ValueError(f"part {number} ({part!r}) is not ID, ID[n] or ID#TAG")
        if match.group(3) and number != len(parts):
            raise ValueError(f"part {number} ({part!r}): #TAG only on the last part")
        steps.append(ChainStep(match.group(1), int(match.group(2)) if match.group(2) else None,
                               match.group(3)))
    return tuple(steps)


def format_chain(steps: Sequence[ChainStep]) -> str:
    """The canonical text of a chain: ``42A/67A/68A[1]/70A[1]#166``."""
    parts = []
    for step in steps:
        part = step.section or "?"
        if step.occurrence is not None:
            part += f"[{step.occurrence}]"
        elif step.raw_occurrence is not None:
            part += f"[{step.raw_occurrence}]"
        if step.tag:
            part += f"#{step.tag}"
        parts.append(part)
    return "/".join(parts)


# --------------------------------------------------------------------------- the model


class WcoIds:
    """The WCO IDs of one schema set: annotated nodes, by path, by ID and by parent."""

    def __init__(self, nodes: Sequence[WcoNode], *, truncated: bool = False) -> None:
        self.nodes: tuple[WcoNode, ...] = tuple(nodes)
        self.truncated = truncated
        self._by_id: dict[str, list[WcoNode]] = {}
        self._children: dict[int | None, list[WcoNode]] = {}
        for node in self.nodes:
            if node.wco_id is not None:
                self._by_id.setdefault(node.wco_id, []).append(node)
            self._children.setdefault(node.parent, []).append(node)

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[WcoNode]:
        return iter(self.nodes)

    @property
    def roots(self) -> list[WcoNode]:
        """Annotated nodes with no annotated ancestor (``42A Declaration``, ...)."""
        return [n for n in self._children.get(None, ()) if n.wco_id is not None]

    def by_id(self, wco_id: str) -> list[WcoNode]:
        return list(self._by_id.get(wco_id, ()))

    def children(self, node: WcoNode | None) -> list[WcoNode]:
        """Annotated nodes whose nearest annotated ancestor is ``node`` (roots for ``None``)."""
        return list(self._children.get(None if node is None else node.index, ()))

    def ids(self) -> set[str]:
        return set(self._by_id)

    # -- lookups -------------------------------------------------------------------

    def lookup(self, text: str) -> list[WcoNode] | Resolution:
        """One ID (every node carrying it) or a chain (``42A/67A/68A/03A/226``)."""
        if "/" not in text and "#" not in text and "[" not in text:
            return self.by_id(text.strip())
        steps = parse_chain(text)
        last = steps[-1]
        if last.tag is None and last.occurrence is None and len(steps) > 1:
            # ``.../03A/226``: the last ID may name an element of the class before it.
            prefix = self.resolve(steps[:-1])
            if prefix.target is not None and prefix.reason is None and any(
                    c.wco_id == last.section and c.kind != "class"
                    for c in self.children(prefix.target)):
                before = steps[-2]
                steps = (*steps[:-2], ChainStep(before.section, before.occurrence, last.section))
        return self.resolve(steps)

    def resolve(self, steps: Sequence[ChainStep]) -> Resolution:
        """Follow a pointer chain: step 1 names a root class, each further step a class
        inside the previous one, and the TagID of the last step an element of that class."""
        steps = tuple(steps)
        chain = format_chain(steps)
        if not steps:
            return Resolution(chain, steps, reason="the chain is empty", failed_step=0)
        nodes: list[WcoNode] = []
        notes: list[str] = []
        previous: WcoNode | None = None
        for number, step in enumerate(steps, 1):
            if not step.section:
                return Resolution(chain, steps, tuple(nodes), reason=f"step {number} has no "
                                  "DocumentSectionCode", failed_step=number)
            if step.raw_occurrence is not None:
                return Resolution(chain, steps, tuple(nodes), failed_step=number,
                                  reason=f"step {number}: SequenceNumeric "
                                  f"{step.raw_occurrence!r} is not a number")
            if step.tag is not None and number != len(steps):
                return Resolution(chain, steps, tuple(nodes), failed_step=number,
                                  reason=f"step {number}: a TagID ({step.tag}) before the "
                                  "last step")
            found = [c for c in self.children(previous)
                     if c.wco_id == step.section and c.kind == "class"]
            if not found:
                return Resolution(chain, steps, tuple(nodes), failed_step=number,
                                  reason=self._missing_class(number, step.section, previous),
                                  misplaced=any(n.kind == "class"
                                                for n in self.by_id(step.section)))
            if len(found) > 1:
                notes.append(f"step {number}: {len(found)} classes {step.section} at "
                             f"{_paths(found)}; the first is used")
            previous = found[0]
            nodes.append(previous)
        assert previous is not None
        last = steps[-1]
        target = previous
        if last.tag is not None:
            below = [c for c in self.children(previous) if c.wco_id == last.tag]
            if not below:  # an attribute of one of the class's data elements
                below = [a for c in self.children(previous) if c.kind == "element"
                         for a in self.children(c)
                         if a.kind == "attribute" and a.wco_id == last.tag]
            elements = [c for c in below if c.kind != "class"] or below
            if not elements:
                return Resolution(chain, steps, tuple(nodes), failed_step=len(steps),
                                  reason=self._missing_element(len(steps), last.tag, previous),
                                  misplaced=bool(self.by_id(last.tag)))
            if len(elements) > 1:
                notes.append(f"TagID {last.tag}: {len(elements)} elements at "
                             f"{_paths(elements)}; the first is used")
            target = elements[0]
        return Resolution(chain, steps, tuple(nodes), target, notes=tuple(notes))

    def _missing_class(self, number: int, section: str, previous: WcoNode | None) -> str:
        elsewhere = self.by_id(section)
        classes = [n for n in elsewhere if n.kind == "class"]
        if previous is None:
            roots = ", ".join(f"{n.wco_id} {n.name}" for n in self.roots) or "none"
            reason = (f"step 1: {section} is not a root class of this schema set "
                      f"(root classes: {roots})")
        elif elsewhere and not classes:
            return (f"step {number}: {section} names a data element "
                    f"({_label(elsewhere[0])}), not a class")
        else:
            reason = (f"step {number}: class {section} is not inside {_label(previous)} in "
                      "this schema set")
        if classes:
            return f"{reason}; it is at {_paths(classes)}"
        return f"{reason}; no class of this schema set has ID {section}"

    def _missing_element(self, number: int, tag: str, previous: WcoNode) -> str:
        reason = f"step {number}: TagID {tag} is not an element of {_label(previous)}"
        elsewhere = self.by_id(tag)
        if elsewhere:
            return f"{reason}; the schema set has it at {_paths(elsewhere)}"
        return f"{reason}; no element of this schema set has ID {tag}"


def _label(node: WcoNode) -> str:
    return f"{node.wco_id} ({node.name})" if node.wco_id else node.name


def _paths(nodes: Sequence[WcoNode], limit: int = 3) -> str:
    shown = ", ".join(n.path for n in nodes[:limit])
    return shown + (f" and {len(nodes) - limit} more" if len(nodes) > limit else "")


# --------------------------------------------------------------------------- annotations


@dataclass
class _Info:
    """The WCO fields of one annotation (or of several merged)."""

    fields: dict[str, str] = field(default_factory=dict)
    usage: list[str] = field(default_factory=list)
    extension: bool = False

    def __bool__(self) -> bool:
        return bool(self.fields or self.usage or self.extension)


def _read_annotation(elem: Any) -> _Info:
    """The WCO documentation children of a declaration's ``xs:annotation``."""
    info = _Info()
    if elem is None:
        return info
    for annotation in elem.iterfind(_ANNOTATION):
        for documentation in annotation.iterfind(_DOCUMENTATION):
            for item in documentation:
                tag = item.tag
                if not isinstance(tag, str):
                    continue
                name = tag.rpartition("}")[2]
                value = " ".join((item.text or "").split())
                if name in _FIELDS and value:
                    info.fields.setdefault(_FIELDS[name], value)
                elif name.startswith(_USAGE) and value:
                    info.usage.append(name[len(_USAGE):])
                elif name == EXTENSION_MARKER and value.lower() in ("true", "1", "yes"):
                    info.extension = True
    return info


def _merge(first: _Info, then: _Info) -> _Info:
    """``first`` wins field by field; ``then`` only fills gaps when it names the same ID."""
    if first.fields.get("wco_id") and then.fields.get("wco_id") not in (None, first.fields["wco_id"]):
        return first
    fields = dict(then.fields)
    fields.update(first.fields)
    usage = first.usage or then.usage
    return _Info(fields, list(usage), first.extension or then.extension)


# --------------------------------------------------------------------------- building


class _Lines:
    """Source lines of xmlschema's (line-less) XSD elements, from a hardened re-parse."""

    def __init__(self, schema_set: SchemaSet) -> None:
        self._set = schema_set
        self._files = set(schema_set.all_files)
        self._by_schema: dict[int, dict[int, int]] = {}

    def file_of(self, schema: Any) -> Path | None:
        url = getattr(schema, "url", None)
        if not url:
            return None
        path = Path(unquote(urlparse(url).path)).resolve()
        return path if path in self._files else None

    def line(self, schema: Any, elem: Any) -> int | None:
        lines = self._by_schema.get(id(schema))
        if lines is None:
            lines = self._by_schema[id(schema)] = self._index(schema)
        return lines.get(id(elem))

    def _index(self, schema: Any) -> dict[int, int]:
        path = self.file_of(schema)
        root = getattr(schema, "root", None)
        if path is None or root is None:
            return {}
        try:
            parsed = list(self._set.xsd_tree(path).getroot().iter(tag=etree.Element))
        except SchemaError:  # gone or changed since the set was compiled: no lines
            return {}
        mine = list(root.iter())
        if len(parsed) != len(mine):
            return {}
        try:
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            text = []
        return {id(a): _start_line(b, text) for a, b in zip(mine, parsed, strict=True)
                if b.sourceline is not None}


def _start_line(element: etree._Element, text: list[str]) -> int:
    """The line where the start tag begins (libxml2 gives the line where it ends)."""
    line = element.sourceline or 0
    local = etree.QName(element).localname
    token = f"<{element.prefix}:{local}" if element.prefix else f"<{local}"
    for number in range(min(line, len(text)), max(line - _START_TAG_LINES, 0), -1):
        if token in text[number - 1]:
            return number
    return line


class _Builder:
    def __init__(self, schema_set: SchemaSet) -> None:
        self.lines = _Lines(schema_set)
        self.rows: list[dict[str, Any]] = []
        self.walked = 0
        self.truncated = False

    def source(self, component: Any) -> tuple[str | None, int | None]:
        schema = getattr(component, "schema", None)
        path = self.lines.file_of(schema)
        if path is None:
            return None, None
        return str(path), self.lines.line(schema, getattr(component, "elem", None))

    def info(self, component: Any) -> tuple[_Info, str]:
        """The merged annotation of an element or attribute, and where its ID came from."""
        own = _read_annotation(getattr(component, "elem", None))
        where = "element"
        ref = getattr(component, "ref", None)
        if ref is not None:
            target = _read_annotation(getattr(ref, "elem", None))
            if not own.fields.get("wco_id") and target.fields.get("wco_id"):
                where = "reference"
            own = _merge(own, target)
        xsd_type = getattr(component, "type", None)
        if xsd_type is not None and getattr(xsd_type, "elem", None) is not None \
                and self.lines.file_of(getattr(xsd_type, "schema", None)) is not None:
            typed = _read_annotation(xsd_type.elem)
            if not own.fields.get("wco_id") and typed.fields.get("wco_id"):
                where = "type"
            own = _merge(own, typed)
        return own, where

    def add(self, component: Any, path: str, name: str, parent: int | None,
            attribute: bool) -> int | None:
        info, where = self.info(component)
        if not info.fields.get("wco_id") and not info.extension:
            return None
        file, line = self.source(component)
        index = len(self.rows)
        low = getattr(component, "min_occurs", None)
        high = getattr(component, "max_occurs", 1)
        if attribute:
            low = 1 if getattr(component, "use", "optional") == "required" else 0
            high = 1
        self.rows.append({
            "index": index, "path": path, "name": name,
            "kind": "attribute" if attribute else "element",
            "wco_id": info.fields.get("wco_id"), "wco_name": info.fields.get("wco_name"),
            "description": info.fields.get("description"), "format": info.fields.get("format"),
            "tded_uid": info.fields.get("tded_uid"), "tded_name": info.fields.get("tded_name"),
            "usage": tuple(info.usage), "extension": info.extension and not info.fields.get("wco_id"),
            "annotated_on": where, "file": file, "line": line,
            "min_occurs": 1 if low is None else int(low), "max_occurs": high, "parent": parent})
        return index

    def walk(self, element: Any, parent_path: str, parent: int | None,
             active: frozenset[int]) -> None:
        if self.walked >= MAX_NODES:
            self.truncated = True
            return
        self.walked += 1
        path = f"{parent_path}/{element.local_name}" if parent_path else element.local_name
        index = self.add(element, path, element.local_name, parent, False)
        here = parent if index is None else index
        xsd_type = element.type
        if not xsd_type.is_complex():
            return
        for attribute in _attributes(xsd_type):
            name = f"@{attribute.local_name}"
            self.add(attribute, f"{path}/{name}", name, here, True)
        if id(xsd_type) in active or xsd_type.has_simple_content():
            return  # recursion (a type inside itself) stops here
        content = getattr(xsd_type, "content", None)
        if content is None or not hasattr(content, "iter_elements"):
            return
        for child in content.iter_elements():
            if hasattr(child, "type") and getattr(child, "local_name", None):  # no wildcards
                self.walk(child, path, here, active | {id(xsd_type)})

    def model(self) -> WcoIds:
        parents = {row["parent"] for row in self.rows
                   if row["parent"] is not None and row["kind"] != "attribute"}
        nodes = []
        for row in self.rows:
            if row["kind"] == "element" and row["index"] in parents:
                row["kind"] = "class"
            nodes.append(WcoNode(**row))
        return WcoIds(nodes, truncated=self.truncated)


def _attributes(xsd_type: Any) -> Iterable[Any]:
    group = getattr(xsd_type, "attributes", None)
    if group is None:
        return ()
    return [a for key, a in group.items() if key is not None and getattr(a, "local_name", None)]


def build_wco_ids(schema_set: SchemaSet) -> WcoIds:
    """Walk every global element of ``schema_set`` (not the XSD meta-schemas)."""
    builder = _Builder(schema_set)
    schema = schema_set.xmlschema
    for element in schema.maps.elements.values():
        if builder.lines.file_of(getattr(element, "schema", None)) is None:
            continue
        builder.walk(element, "", None, frozenset())
    return builder.model()


def wco_ids_for(schema_set: SchemaSet) -> WcoIds:
    """The WCO ID model of a schema set, built on first use and then shared (thread-safe)."""
    return schema_set.derived("wco_ids", lambda: build_wco_ids(schema_set))
