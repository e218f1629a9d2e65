"""Test data from any schema set: valid messages, realistic values, one-defect mutants.

``tradestd generate`` and :func:`tradestd.testing.messages` are thin shells over this
package:

* :class:`.builder.Generator` (compiled once per schema set, cached on it) walks the
  xmlschema model and draws instances through a :class:`.chooser.Chooser`: a seeded
  :class:`random.Random` for the command (the same seed, the same files) or hypothesis'
  ``draw`` for the strategy (shrinking toward minimal instances);
* :mod:`.providers` put realistic values where the WCO Data Model expects them (by WCO
  ID, XPath or local name) and :mod:`.consistency` makes a message agree with itself
  (counts, totals, sequence numbers, masses, dates), so that with ``rules`` the packs
  pass too: each message is checked by the packs and drawn again if they still object;
* :mod:`.mutants` derives one-defect copies with the finding each must produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..schemaset import SchemaSet
from .builder import Drawn, Generator, Rejected
from .chooser import Chooser, RandomChooser, pick
from .providers import Providers, ProviderSpec
from .values import Unsatisfiable

__all__ = ["GeneratedMessage", "GenerationError", "MessageFactory", "Unsatisfiable",
           "coverage", "generator_for", "serialize"]

#: Draws tried for one message before giving up (a rejected draw: an IDREF without an ID,
#: key values that cannot be made distinct, rule packs that still object).
MAX_ATTEMPTS = 40


class GenerationError(ValueError):
    """The schema set (or the chosen root) admits no instance, or none passing the packs
    could be drawn; the message says why in a sentence."""


def generator_for(schema_set: SchemaSet) -> Generator:
    """The set's generator, compiled once and cached with the set."""
    return schema_set.derived("generate.generator", lambda: Generator(schema_set))


def serialize(root: etree._Element) -> bytes:
    """A generated tree as the bytes written out: XML declaration, UTF-8, indented (one
    element per line, so a mutant's finding has a line of its own)."""
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@dataclass
class GeneratedMessage:
    """One generated message."""

    xml: bytes
    root: str
    drawn: Drawn = field(repr=False)
    #: draws it took (a draw is repeated when it cannot be completed validly, or when
    #: the rule packs still object to it)
    attempts: int = 1


class MessageFactory:
    """Draws messages of one schema set: ``roots`` (default: the set's outermost global
    elements), ``providers`` (realistic values), ``rules`` (packs the messages must pass).
    """

    def __init__(self, schema_set: SchemaSet, root: str | None = None, *,
                 providers: ProviderSpec = None, rules: str | Sequence[str] | None = None,
                 message_type: Any = None) -> None:
        self.schema_set = schema_set
        try:
            self.generator = generator_for(schema_set)
            self.roots = [self.generator.root_declaration(root)] if root is not None \
                else [self.generator.root_declaration(None), *self.generator.tops[1:]]
        except Unsatisfiable as exc:
            raise GenerationError(str(exc)) from None
        if root is None:
            self.roots = list(self.generator.tops) or self.roots
        packs = [rules] if isinstance(rules, str) else list(rules or ())
        try:
            self.providers = Providers.build(schema_set, providers,
                                             realistic=bool(packs) or providers == "wco")
        except ValueError as exc:
            raise GenerationError(str(exc)) from None
        self.check = None
        if packs:
            from .consistency import PackCheck

            self.check = PackCheck(schema_set, self.generator, packs, message_type)

    def reachable(self) -> set[int]:
        """Element declarations an instance of the roots can hold (for coverage)."""
        return self.generator.reachable_from(self.roots)

    def draw(self, chooser: Chooser, covered: set[int] | None = None,
             target: int | None = None) -> GeneratedMessage:
        """One message; raises :class:`Rejected` when this draw cannot be completed (the
        hypothesis strategy rejects it; :meth:`messages` draws again). ``covered`` and
        ``target``: see :meth:`.builder.Generator.draw` (a root that can hold ``target``
        is preferred)."""
        roots = self.roots
        if target is not None and covered is not None and len(roots) > 1:
            distances = self.generator.distances(target)
            roots = [r for r in roots if id(r) in distances] or roots
        root = pick(chooser, roots)
        try:
            drawn = self.generator.draw(chooser, root, self.providers.lookup,
                                         self.providers.wanted, covered, target)
        except Unsatisfiable as exc:
            raise Rejected(str(exc)) from None
        if self.check is not None:
            self.check.make_consistent(drawn, chooser)
        xml = serialize(drawn.root)
        if self.check is not None:
            problems = self.check.errors(xml)
            if problems:
                raise Rejected("the rule packs still report " + problems[0])
        return GeneratedMessage(xml, root.name, drawn)

    def messages(self, count: int, seed: int | str = 0) -> Iterator[GeneratedMessage]:
        """``count`` messages, the same for the same seed: message ``i`` is drawn from
        ``Random(f"{seed}:{i}")``, steered toward the declarations messages ``0..i-1`` did
        not use yet until all have appeared (so a series covers the schema; the first ``i``
        messages do not depend on ``count``): each such message is drawn to hold one of
        them for sure (a target drawn among them), and leans toward the others.
        """
        covered: set[int] = set()
        reachable = self.reachable()
        # in the generator's own order (ids differ between runs; this order does not)
        ordered = [k for k in self.generator.reachable if k in reachable]
        for index in range(count):
            chooser = RandomChooser(f"{seed}:{index}")
            last = ""
            # steer until every reachable declaration has appeared, then draw plainly
            steer = covered if not reachable <= covered else None
            for attempt in range(1, MAX_ATTEMPTS + 1):
                target = None
                if steer is not None:
                    missing = [k for k in ordered if k not in covered]
                    target = pick(chooser, missing) if missing else None
                try:
                    message = self.draw(chooser, steer, target)
                except Rejected as exc:
                    last = str(exc)
                    continue
                message.attempts = attempt
                covered |= message.drawn.used
                yield message
                break
            else:
                raise GenerationError(f"no valid message could be drawn in {MAX_ATTEMPTS} "
                                      f"attempts (message {index + 1}): {last}")


def coverage(reachable: set[int], messages: Iterable[GeneratedMessage]) -> float:
    """Share of ``reachable`` element declarations (:meth:`MessageFactory.reachable`) that
    appear in at least one of ``messages``."""
    used: set[int] = set()
    for message in messages:
        used |= message.drawn.used
    return len(used & reachable) / len(reachable) if reachable else 1.0
