"""Pointer chains: read them from a message, resolve them, find what they name.

A WCO response ``Error`` (or a declaration's ``Amendment``) locates its subject with an
ordered chain of ``Pointer`` elements: ``DocumentSectionCode`` is a WCO class ID,
``SequenceNumeric`` says which occurrence, and ``TagID`` on the last step is a WCO element
ID (``42A -> 67A -> 68A#1 -> 70A#1``, TagID ``166``). :func:`read_chains` reads every
chain by local name; :func:`resolve_chains` resolves each through the WCO IDs of the schema
set of the document pointed at (:mod:`tradestd.wco.ids`) and, given that document, names the
element: line, column, XPath and current value.

Occurrences: when the elements of a class carry a ``SequenceNumeric`` child (goods items,
procedures, packages), the pointer's ``SequenceNumeric`` is matched against it, as national
systems do (item 1000 is the item numbered 1000); otherwise it counts occurrences from 1.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..intake import XmlDocument
from ..locate import element_path
from .ids import ChainStep, Resolution, WcoIds, WcoNode, format_chain

if TYPE_CHECKING:
    from ..registry import Registry
    from ..schemaset import SchemaSet

__all__ = ["ChainResult", "Located", "PointerChain", "bundled_ids_for", "ids_for_chain",
           "locate", "read_chains", "resolve_chains", "resolve_steps", "steps_of"]

#: Elements whose ``Pointer`` children form a chain.
HOLDERS = ("Error", "Amendment")


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == name]


def _text(element: etree._Element, name: str) -> str | None:
    for found in _children(element, name):
        value = (found.text or "").strip()
        return value or None
    return None


def _number(raw: str | None) -> int | None:
    """A non-negative integer written in ASCII digits, else ``None``."""
    return int(raw) if raw is not None and raw.isascii() and raw.isdigit() else None


def steps_of(pointers: Iterable[etree._Element]) -> tuple[ChainStep, ...]:
    """The chain of a holder's ``Pointer`` elements, in document order."""
    steps = []
    for pointer in pointers:
        raw = _text(pointer, "SequenceNumeric")
        occurrence = _number(raw)
        steps.append(ChainStep(_text(pointer, "DocumentSectionCode"), occurrence,
                               _text(pointer, "TagID"),
                               raw if raw is not None and occurrence is None else None))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class PointerChain:
    """One ``Error`` or ``Amendment`` with ``Pointer`` children."""

    holder: etree._Element
    pointers: tuple[etree._Element, ...]
    steps: tuple[ChainStep, ...]

    @property
    def chain(self) -> str:
        return format_chain(self.steps)

    @property
    def code(self) -> str | None:
        """The holder's ``ValidationCode`` (errors) or ``ChangeReasonCode`` (amendments)."""
        return _text(self.holder, "ValidationCode") or _text(self.holder, "ChangeReasonCode")


def read_chains(root: etree._Element) -> list[PointerChain]:
    """Every ``Error``/``Amendment`` holding ``Pointer`` elements, in document order."""
    chains = []
    for holder in root.iter(etree.Element):
        if _local(holder) in HOLDERS:
            pointers = _children(holder, "Pointer")
            if pointers:
                chains.append(PointerChain(holder, tuple(pointers), steps_of(pointers)))
    return chains


# --------------------------------------------------------------------------- which IDs


def _global_root(ids: WcoIds, section: str | None) -> bool:
    return any(n.wco_id == section and "/" not in n.path for n in ids.roots)


@functools.lru_cache(maxsize=64)
def _bundled_ids(section: str) -> tuple[WcoIds, ...]:
    from ..registry import bundled_registry  # the registry builds on schema sets

    return _registry_ids(bundled_registry(), section)


def _registry_ids(registry: Registry, section: str) -> tuple[WcoIds, ...]:
    found = []
    for message_type in registry:
        ids = message_type.schema_set().wco_ids
        if _global_root(ids, section):
            found.append(ids)
    return tuple(found)


def bundled_ids_for(section: str | None) -> tuple[WcoIds, ...]:
    """The WCO IDs of the bundled message types whose root class is ``section`` (42A is
    the root class of the goods declaration and of the cargo report)."""
    return _bundled_ids(section) if section else ()


def ids_for_chain(schema_set: SchemaSet | None, steps: Sequence[ChainStep]
                  ) -> tuple[WcoIds, ...]:
    """The schema set's IDs when one of its global elements is the chain's root class, else
    those of the bundled message types rooted there (a response points into a declaration
    whose schema is not the response's own)."""
    section = steps[0].section if steps else None
    if schema_set is not None:
        ids = schema_set.wco_ids
        if _global_root(ids, section):
            return (ids,)
    return bundled_ids_for(section)


def resolve_steps(candidates: Sequence[WcoIds], steps: Sequence[ChainStep]) -> Resolution:
    """The first resolution that succeeds; else the one that got furthest."""
    best: Resolution | None = None
    for ids in candidates:
        found = ids.resolve(steps)
        if found.resolved:
            return found
        if best is None or (found.failed_step or 0) > (best.failed_step or 0):
            best = found
    if best is not None:
        return best
    section = steps[0].section if steps else None
    return Resolution(format_chain(steps), tuple(steps), failed_step=1,
                      reason=f"step 1: no schema set in use has root class "
                      f"{section or '(no DocumentSectionCode)'}")


# --------------------------------------------------------------------------- locating


@dataclass(frozen=True, slots=True)
class Located:
    """The element a resolved chain names in one document (or why it is not there)."""

    found: bool
    element: etree._Element | None
    line: int | None
    column: int | None
    xpath: str | None
    value: str | None
    reason: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"found": self.found, "line": self.line, "column": self.column,
                "xpath": self.xpath, "value": self.value, "reason": self.reason,
                "notes": list(self.notes)}


def _payload(root: etree._Element, name: str) -> etree._Element | None:
    if _local(root) == name:
        return root
    return next((e for e in root.iter(etree.Element) if _local(e) == name), None)


def _descend(start: etree._Element, relative: str) -> list[etree._Element]:
    found = [start]
    for segment in relative.split("/"):
        found = [c for parent in found for c in _children(parent, segment)]
    return found


def _pick(candidates: list[etree._Element], step: ChainStep, name: str
          ) -> tuple[etree._Element | None, str | None, str | None]:
    """(element, reason when missing, note) for one class step."""
    if not candidates:
        return None, f"the document has no {name} there", None
    if step.occurrence is None:
        note = (f"{len(candidates)} {name} elements and no SequenceNumeric in the chain: "
                "the first is shown") if len(candidates) > 1 else None
        return candidates[0], None, note
    numbered = [c for c in candidates if _text(c, "SequenceNumeric") is not None]
    if numbered:
        for candidate in numbered:
            if _number(_text(candidate, "SequenceNumeric")) == step.occurrence:
                return candidate, None, None
        return None, f"no {name} has SequenceNumeric {step.occurrence}", None
    if step.occurrence < 1 or step.occurrence > len(candidates):
        return None, (f"occurrence {step.occurrence} of {name} asked, the document has "
                      f"{len(candidates)}"), None
    return candidates[step.occurrence - 1], None, None


def _relative(node: WcoNode, parent: WcoNode) -> str:
    return node.path[len(parent.path) + 1:]


def locate(resolution: Resolution, doc: XmlDocument) -> Located:
    """The element of ``doc`` a resolved chain names."""
    root, target = doc.root, resolution.target
    if root is None or target is None or not resolution.nodes:
        return Located(False, None, None, None, None, None, "the chain did not resolve")
    first = resolution.nodes[0]
    current = _payload(root, first.path.rpartition("/")[2])
    notes: list[str] = []
    if current is None:
        return _missing(doc, root, f"the document has no {first.name} element")
    previous = first
    for node, step in zip(resolution.nodes[1:], resolution.steps[1:], strict=True):
        element, reason, note = _pick(_descend(current, _relative(node, previous)), step,
                                      node.name)
        if note:
            notes.append(note)
        if element is None:
            return _missing(doc, current, f"{reason} (inside {element_path(current)})", notes)
        current, previous = element, node
    if target is not previous:
        relative = _relative(target, previous)
        if target.kind == "attribute":
            holder_path, _, attribute = relative.rpartition("/")
            holders = _descend(current, holder_path) if holder_path else [current]
            for holder in holders:
                value = holder.get(attribute[1:])
                if value is not None:
                    return _found(doc, holder, value, notes)
            return _missing(doc, current, f"no {relative} inside {element_path(current)}",
                            notes)
        elements = _descend(current, relative)
        if not elements:
            return _missing(doc, current, f"the document has no {relative} inside "
                            f"{element_path(current)}", notes)
        if len(elements) > 1:
            notes.append(f"{len(elements)} {target.name} elements: the first is shown")
        current = elements[0]
    value = (current.text or "").strip() if len(current) == 0 else None
    return _found(doc, current, value, notes)


def _found(doc: XmlDocument, element: etree._Element, value: str | None,
           notes: list[str]) -> Located:
    line, column = doc.locator().position(element)
    return Located(True, element, line, column, element_path(element), value, None,
                   tuple(notes))


def _missing(doc: XmlDocument, nearest: etree._Element, reason: str,
             notes: Sequence[str] = ()) -> Located:
    """Not there: the reason, placed at the deepest element that exists."""
    line, column = doc.locator().position(nearest)
    return Located(False, nearest, line, column, element_path(nearest), None, reason,
                   tuple(notes))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ChainResult:
    chain: PointerChain
    resolution: Resolution
    located: Located | None = None

    def to_dict(self, doc: XmlDocument | None = None) -> dict[str, Any]:
        target = self.resolution.target
        holder = self.chain.holder
        line, column = doc.locator().position(holder) if doc is not None else (None, None)
        out: dict[str, Any] = {
            "chain": self.resolution.chain,
            "resolved": self.resolution.resolved,
            "schema_path": self.resolution.schema_path,
            "reason": self.resolution.reason,
            "failed_step": self.resolution.failed_step,
            "holder": {"name": _local(holder), "code": self.chain.code, "line": line,
                       "column": column, "xpath": element_path(holder)},
            "wco_id": target.wco_id if target is not None and self.resolution.resolved else None,
            "wco_name": target.wco_name if target is not None and self.resolution.resolved
            else None,
            "format": target.format if target is not None and self.resolution.resolved else None,
            "xsd": target.where if target is not None and self.resolution.resolved else None,
            "notes": list(self.resolution.notes),
        }
        if self.located is not None:
            out["declaration"] = self.located.to_dict()
        return out


def resolve_chains(chains: Sequence[PointerChain], ids: WcoIds | None,
                   declaration: XmlDocument | None = None, *,
                   schema_set: SchemaSet | None = None) -> list[ChainResult]:
    """Resolve each chain through ``ids`` (or, when ``None``, the IDs :func:`ids_for_chain`
    picks for ``schema_set``), and locate it in ``declaration`` when one is given."""
    results = []
    for chain in chains:
        candidates = (ids,) if ids is not None else ids_for_chain(schema_set, chain.steps)
        resolution = resolve_steps(candidates, chain.steps)
        located = None
        if declaration is not None and declaration.root is not None:
            located = (locate(resolution, declaration) if resolution.resolved else
                       Located(False, None, None, None, None, None, "the chain did not resolve"))
        results.append(ChainResult(chain, resolution, located))
    return results
