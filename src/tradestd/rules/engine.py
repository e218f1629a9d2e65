"""Rules and rule packs: the ``@rule`` decorator, :class:`Rule`, :class:`Scope`, :class:`RulePack`.

A rule is a small function that receives a :class:`~tradestd.rules.view.MessageView` and
yields :class:`Finding` values (the offending element and a message naming the values
involved). The engine adds the rule id, severity, line, column and path::

    @rule("DEC-ITEMS-001", "error", "GoodsItemQuantity equals the number of goods items",
          families=["declaration"], function_codes=["9"])
    def item_count(msg: MessageView) -> Iterator[Finding]:
        ...

A module of such functions becomes a pack with :func:`pack_from_module`; the module may
set ``PACK_ID``, ``PACK_VERSION``, ``PACK_EFFECTIVE_FROM`` and ``PACK_TITLE``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from lxml import etree

from ..issues import RulePackRef, Severity
from .view import MessageView

__all__ = [
    "RULE_ID",
    "Finding",
    "Outcome",
    "Rule",
    "RulePack",
    "RulePackError",
    "Scope",
    "pack_from_module",
    "rule",
]

#: Rule selections a pack remembers (by family, FunctionCode, TypeCode and settings).
_MAX_SELECTIONS = 1024
#: Stable rule ids: upper-case words joined by hyphens, e.g. ``DEC-ITEMS-001``.
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")


class RulePackError(ValueError):
    """A rule pack cannot be loaded (unknown id, broken module, bad Schematron)."""


class Finding(NamedTuple):
    """What a rule function yields: where the problem is, and what it is."""

    element: etree._Element
    message: str


CheckFunction = Callable[[MessageView], Iterable[Finding]]


@dataclass(frozen=True)
class Scope:
    """Which messages a rule applies to; an empty field means "any".

    ``families`` are message families (``declaration``, ``response``, ``cargo``,
    ``precursor``); ``function_codes`` are values of the payload's ``FunctionCode``;
    ``type_codes`` are prefixes of the payload's ``TypeCode`` (``IM``, ``EX``);
    ``except_function_codes`` exclude messages (amendment requests, ``13``).
    """

    families: frozenset[str] = frozenset()
    function_codes: frozenset[str] = frozenset()
    type_codes: tuple[str, ...] = ()
    except_function_codes: frozenset[str] = frozenset()

    def applies(self, msg: MessageView) -> bool:
        if self.families and msg.family not in self.families:
            return False
        if self.function_codes and msg.function_code not in self.function_codes:
            return False
        if msg.function_code in self.except_function_codes:
            return False
        return not (self.type_codes and not (msg.type_code or "").startswith(self.type_codes))

    def describe(self) -> str:
        parts = []
        if self.families:
            parts.append("families " + ", ".join(sorted(self.families)))
        if self.function_codes:
            parts.append("FunctionCode " + ", ".join(sorted(self.function_codes)))
        if self.type_codes:
            parts.append("TypeCode " + ", ".join(f"{t}*" for t in self.type_codes))
        if self.except_function_codes:
            parts.append("not FunctionCode " + ", ".join(sorted(self.except_function_codes)))
        return "; ".join(parts) or "any message"

    def to_dict(self) -> dict[str, list[str]]:
        return {"families": sorted(self.families), "function_codes": sorted(self.function_codes),
                "type_codes": list(self.type_codes),
                "except_function_codes": sorted(self.except_function_codes)}


@dataclass(frozen=True)
class Rule:
    """One business rule: identity, default severity, scope and the check itself."""

    id: str
    severity: Severity
    title: str
    check: CheckFunction = field(compare=False)
    scope: Scope = Scope()
    description: str = ""
    #: Local names the rule inspects; when none occurs in a message the rule is skipped.
    needs: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "severity": self.severity.value, "title": self.title,
                "scope": self.scope.to_dict(), "description": self.description}


def rule(rule_id: str, severity: Severity | str, title: str, *,
         families: Iterable[str] = (), function_codes: Iterable[str] = (),
         type_codes: Iterable[str] = (), except_function_codes: Iterable[str] = (),
         needs: Iterable[str] = ()) -> Callable[[CheckFunction], Rule]:
    """Decorator turning a check function into a :class:`Rule` (its docstring describes it).

    ``needs`` names the local names the rule looks at: a message holding none of them
    is skipped without calling the function.
    """
    if not RULE_ID.match(rule_id):
        raise ValueError(f"rule id {rule_id!r} must look like ABC-WORD-001")
    level = severity if isinstance(severity, Severity) else Severity.parse(severity)
    scope = Scope(frozenset(families), frozenset(function_codes), tuple(type_codes),
                  frozenset(except_function_codes))

    def wrap(func: CheckFunction) -> Rule:
        doc = " ".join((func.__doc__ or "").split())
        return Rule(rule_id, level, title, func, scope, doc, frozenset(needs))

    return wrap


class Outcome(NamedTuple):
    """One result of running a pack: a finding of a rule, or the exception it raised."""

    rule: Rule
    element: etree._Element | None
    message: str
    crashed: bool = False


@dataclass(frozen=True)
class RulePack:
    """A versioned set of rules; its :attr:`ref` is named in every report that used it."""

    id: str
    version: str
    rules: tuple[Rule, ...]
    effective_from: str | None = None
    title: str = ""
    digest: str | None = None
    _selected: dict[object, tuple[Rule, ...]] = field(default_factory=dict, compare=False,
                                                      repr=False)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for r in self.rules:
            if r.id in seen:
                raise ValueError(f"rule pack {self.id} defines rule {r.id} twice")
            seen.add(r.id)

    @property
    def ref(self) -> RulePackRef:
        return RulePackRef(self.id, self.version, self.effective_from, self.digest)

    def run(self, msg: MessageView, enabled: Callable[[str], bool]) -> Iterator[Outcome]:
        """Run every enabled rule whose scope fits; a rule that raises yields a crash outcome."""
        key = (msg.family, msg.function_code, msg.type_code, enabled)
        selected = self._selected.get(key)
        if selected is None:
            selected = tuple(r for r in self.rules if enabled(r.id) and r.scope.applies(msg))
            if len(self._selected) >= _MAX_SELECTIONS:  # codes come from messages: bounded
                self._selected.clear()
            self._selected[key] = selected
        names = msg.names()
        for r in selected:
            if r.needs and names.isdisjoint(r.needs):  # iterates the (few) needed names
                continue
            try:
                found = list(r.check(msg))
            except Exception as exc:  # noqa: BLE001 - a broken rule is reported, never hidden
                yield Outcome(r, msg.payload, f"rule {r.id} ({r.title}) raised "
                              f"{type(exc).__name__}: {exc}", crashed=True)
                continue
            for element, message in found:
                yield Outcome(r, element, message)


def file_digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def pack_from_module(module: ModuleType, *, default_id: str | None = None) -> RulePack:
    """Collect the :class:`Rule` objects a module defines, in definition order."""
    rules = tuple(v for v in vars(module).values() if isinstance(v, Rule))
    source = getattr(module, "__file__", None)
    pack_id = getattr(module, "PACK_ID", None) or default_id or module.__name__.rsplit(".")[-1]
    return RulePack(
        id=str(pack_id),
        version=str(getattr(module, "PACK_VERSION", "0")),
        rules=rules,
        effective_from=getattr(module, "PACK_EFFECTIVE_FROM", None),
        title=str(getattr(module, "PACK_TITLE", "") or _first_line(module.__doc__)),
        digest=file_digest(Path(source)) if source else None,
    )


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""
