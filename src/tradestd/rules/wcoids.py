"""Pointer checks of the rule packs (RES-PTR-001/002, DEC-AMD-003): one resolver for all.

A chain resolves through :mod:`tradestd.wco.ids`, with the WCO IDs of the schema set in use
when one of its global elements is the chain's root class (an amendment inside a national
declaration), otherwise with those of the bundled message type rooted there (a response
pointing into a declaration); see :func:`tradestd.wco.pointers.ids_for_chain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from ..wco.pointers import ids_for_chain, resolve_steps, steps_of

if TYPE_CHECKING:
    from ..schemaset import SchemaSet

__all__ = ["ChainProblem", "chain_problem"]


class ChainProblem(NamedTuple):
    """Why a chain does not resolve; ``misplaced`` when every ID it names is one the schema
    set has, only nested otherwise (another version or implementation of the model)."""

    message: str
    misplaced: bool


def chain_problem(pointers: Sequence[etree._Element],
                  schema_set: SchemaSet | None = None) -> ChainProblem | None:
    """Why a chain of ``Pointer`` elements does not resolve (``None`` when it does)."""
    steps = steps_of(pointers)
    resolution = resolve_steps(ids_for_chain(schema_set, steps), steps)
    if resolution.resolved:
        return None
    chain = " -> ".join((s.section or "?") + (f"#{s.occurrence}" if s.occurrence else "")
                        + (f" TagID {s.tag}" if s.tag else "") for s in steps)
    return ChainProblem(f"Pointer chain {chain} does not resolve: {resolution.reason}",
                        resolution.misplaced)
