"""The rules layer of the validation pipeline: choose packs, index once, run, locate.

:class:`RuleRunner` implements :class:`RuleLayer`. For a bundled
message type it runs the packs its ``message.toml`` names (``rule_packs``); packs given
explicitly (``--rules wco``, a Python module, a Schematron file) run for every message,
including those validated against a user's own ``--xsd`` set.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from ..intake import XmlDocument
from ..issues import Issue, Layer, RulePackRef, Severity, shorten_quoted
from ..locate import Locator
from ..registry import MessageType
from ..schemaset import SchemaSet
from .catalog import Pack, bundled_pack
from .codelists import code_lists
from .engine import Outcome
from .settings import RuleSettings
from .view import MessageView

__all__ = ["RULE_CRASHED", "RuleLayer", "RuleRunner", "default_rules", "rule_issues"]

RULE_CRASHED = "RULE_CRASHED"


@runtime_checkable
class RuleLayer(Protocol):
    """What the ``rules`` layer offers the pipeline (:mod:`tradestd.validation`)."""

    def packs_for(self, message_type: MessageType | None) -> tuple[RulePackRef, ...]: ...

    def check(self, doc: XmlDocument, locator: Locator,
              message_type: MessageType | None) -> Iterable[Issue]: ...


class RuleRunner:
    """Runs rule packs over parsed messages; safe to share between threads."""

    def __init__(self, packs: Sequence[Pack] = (), *, bundled: bool = True,
                 settings: RuleSettings | None = None) -> None:
        self.extra = tuple(packs)
        self.bundled = bundled
        self.settings = settings or RuleSettings()
        self.codes = code_lists(self.settings.extensions, self.settings.codelists)
        self._disabled = frozenset(self.settings.disable)
        #: Packs (and their refs) for the bundled packs a message type names; a few entries.
        self._chosen: dict[tuple[str, ...], tuple[tuple[Pack, ...], tuple[RulePackRef, ...]]] = {}

    def _choose(self, message_type: MessageType | None
                ) -> tuple[tuple[Pack, ...], tuple[RulePackRef, ...]]:
        names = message_type.rule_packs if self.bundled and message_type is not None else ()
        chosen = self._chosen.get(names)
        if chosen is None:
            bundled = [bundled_pack(pack_id) for pack_id in names]
            ids = {p.id for p in bundled}
            packs = (*bundled, *(p for p in self.extra if p.id not in ids))
            chosen = self._chosen[names] = (packs, tuple(p.ref for p in packs))
        return chosen

    def packs(self, message_type: MessageType | None) -> tuple[Pack, ...]:
        return self._choose(message_type)[0]

    def packs_for(self, message_type: MessageType | None) -> tuple[RulePackRef, ...]:
        return self._choose(message_type)[1]

    def check(self, doc: XmlDocument, locator: Locator,
              message_type: MessageType | None, *,
              schema_set: SchemaSet | None = None) -> Iterable[Issue]:
        packs = self.packs(message_type)
        if not packs or doc.root is None:
            return []
        view = MessageView(doc.root, self.codes,
                           family=message_type.family if message_type else None,
                           message_type=message_type.key if message_type else None,
                           schema_set=schema_set)
        return self.check_view(view, locator, message_type)

    def check_view(self, view: MessageView, locator: Locator,
                   message_type: MessageType | None) -> list[Issue]:
        """The packs' issues for a message already indexed (a view other layers share)."""
        return [self._issue(outcome, locator)
                for pack in self.packs(message_type) for outcome in pack.run(view, self._enabled)]

    def _enabled(self, rule_id: str) -> bool:
        return rule_id not in self._disabled

    def _issue(self, outcome: Outcome, locator: Locator) -> Issue:
        rule = outcome.rule
        line, column = locator.position(outcome.element)
        path = locator.path(outcome.element) if outcome.element is not None else None
        if outcome.crashed:
            return Issue(RULE_CRASHED, Severity.ERROR, Layer.RULES, outcome.message, line,
                         column, path, rule_id=rule.id)
        severity = self.settings.severity.get(rule.id, rule.severity)
        # Packs quote values with !r: a long one is cut to an excerpt here, for all packs.
        return Issue(rule.id, severity, Layer.RULES, shorten_quoted(outcome.message), line,
                     column, path, rule_id=rule.id)


@functools.lru_cache(maxsize=1)
def default_rules() -> RuleRunner:
    """The bundled packs of each bundled message type, default settings (shared, immutable)."""
    return RuleRunner()


def rule_issues(rules: RuleLayer, doc: XmlDocument, locator: Locator,
                message_type: MessageType | None, schema_set: SchemaSet | None
                ) -> Iterable[Issue]:
    """``rules.check``, telling layers whose ``check`` takes a ``schema_set`` keyword the
    schema set in use (pointer checks resolve WCO IDs through it)."""
    if _takes_schema_set(type(rules)):
        return rules.check(doc, locator, message_type, schema_set=schema_set)  # type: ignore[call-arg]
    return rules.check(doc, locator, message_type)


@functools.lru_cache(maxsize=64)
def _takes_schema_set(kind: type) -> bool:
    try:
        return "schema_set" in inspect.signature(kind.check).parameters  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return False
