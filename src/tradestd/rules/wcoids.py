"""WCO ID tables: which class or element of a bundled message a WCO ID names.

Each bundled message type may ship ``wco-ids.json`` beside its ``message.toml``: a list
of ``{"wco_id", "kind" (class|element), "name", "path"}`` rows, ``path`` being the
slash-separated local names from the root (a class ID may occur at several paths).
:func:`resolve_pointer` follows a ``Pointer`` chain (``42A -> 67A -> 68A#1 -> 70A#1``,
TagID ``166``) through the table of the message whose root class starts the chain.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from ..registry import bundled_registry
from .values import sequence_number
from .view import child_text

__all__ = ["PointerStep", "WcoIdTable", "bundled_tables", "chain_problem", "resolve_pointer"]


@dataclass(frozen=True)
class PointerStep:
    section: str
    occurrence: int | None = None
    tag: str | None = None


class WcoIdTable:
    """WCO IDs of one message type, by kind."""

    def __init__(self, rows: Sequence[dict[str, str]]) -> None:
        self.classes: dict[str, list[str]] = defaultdict(list)
        self.elements: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            target = self.classes if row["kind"] == "class" else self.elements
            target[row["wco_id"]].append(row["path"])
        roots = [i for i, paths in self.classes.items() if any("/" not in p for p in paths)]
        self.root_class = roots[0] if roots else None

    def resolve(self, steps: Sequence[PointerStep]) -> tuple[str | None, str | None]:
        """``(path, None)`` with occurrences (``Declaration/GoodsShipment/...[1]/CurrentCode``)
        or ``(None, reason)``."""
        current = {"": ""}  # table path -> path with occurrences
        for number, step in enumerate(steps, start=1):
            found = {p: self._extend(current, p, step.occurrence)
                     for p in self.classes.get(step.section, ()) if self._below(current, p)}
            if not found:
                return None, (f"step {number}: class {step.section or '(no DocumentSectionCode)'} is not "
                              f"{'the root class' if number == 1 else 'inside the previous step'}")
            current = found
            if step.tag is not None:
                elements = {p: self._extend(current, p, None) for p in self.elements.get(step.tag, ())
                            if p.rpartition("/")[0] in current}
                if not elements:
                    return None, (f"step {number}: element {step.tag} is not in class "
                                  f"{step.section}")
                current = elements
        return min(current.values()), None

    @staticmethod
    def _below(current: dict[str, str], path: str) -> bool:
        if "" in current:
            return "/" not in path
        return any(path.startswith(parent + "/") for parent in current)

    @staticmethod
    def _extend(current: dict[str, str], path: str, occurrence: int | None) -> str:
        parent = "" if "" in current else max((p for p in current if path.startswith(p + "/")),
                                              key=len)
        shown = current[parent] + path[len(parent):]
        return shown + (f"[{occurrence}]" if occurrence else "")


@functools.lru_cache(maxsize=1)
def bundled_tables() -> dict[str, WcoIdTable]:
    """The WCO ID tables of the bundled message types, by the ID of their root class."""
    tables: dict[str, WcoIdTable] = {}
    for message_type in bundled_registry():
        path = message_type.directory / "wco-ids.json"
        if path.is_file():
            table = WcoIdTable(json.loads(path.read_text(encoding="utf-8")))
            if table.root_class:
                tables.setdefault(table.root_class, table)
    return tables


def resolve_pointer(steps: Sequence[PointerStep]) -> tuple[str | None, str | None]:
    """Resolve a chain through the bundled table its first step names."""
    if not steps:
        return None, "the chain is empty"
    table = bundled_tables().get(steps[0].section)
    if table is None:
        known = ", ".join(sorted(bundled_tables())) or "none"
        return None, f"no WCO ID table has root class {steps[0].section} (known: {known})"
    return table.resolve(steps)


def chain_problem(pointers: Sequence[etree._Element]) -> str | None:
    """Why a chain of ``Pointer`` elements does not resolve (``None`` when it does)."""
    steps = [PointerStep(child_text(p, "DocumentSectionCode") or "", sequence_number(p),
                         child_text(p, "TagID")) for p in pointers]
    _, problem = resolve_pointer(steps)
    if problem is None:
        return None
    chain = " -> ".join(s.section + (f"#{s.occurrence}" if s.occurrence else "")
                        + (f" TagID {s.tag}" if s.tag else "") for s in steps)
    return f"Pointer chain {chain} does not resolve: {problem}"
