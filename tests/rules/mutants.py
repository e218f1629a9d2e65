"""Seeded mutants of the bundled fixtures, for properties that must hold on any message.

Each mutant is a fixture with one to three small edits of the kinds that make rules fire:
numbers nudged, codes and attribute values swapped for ones seen elsewhere in the
fixtures (or made up), dates perturbed, elements removed, duplicated or swapped,
attributes dropped, whitespace and comments inserted. Values are drawn from a pool of
every leaf text and attribute value the fixtures hold, by local name, so many mutants
stay valid against the schema while breaking a business rule.

    PYTHONPATH=src python tests/rules/mutants.py 2000   # counts by outcome
"""

from __future__ import annotations

import copy
import random
import string
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tradestd.intake import new_parser

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*/valid/*.xml")) + sorted(
    (ROOT / "fixtures").glob("*/rules/*.xml"))

Pool = dict[str, list[str]]


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _elements(tree: etree._Element) -> list[etree._Element]:
    return [e for e in tree.iter(etree.Element)]


def _pools(trees: list[etree._Element]) -> tuple[Pool, Pool]:
    texts: dict[str, set[str]] = defaultdict(set)
    attributes: dict[str, set[str]] = defaultdict(set)
    for tree in trees:
        for element in _elements(tree):
            if len(element) == 0 and element.text:
                texts[_local(element)].add(element.text)
            for name, value in element.attrib.items():
                attributes[str(name)].add(value)
    return ({k: sorted(v) for k, v in texts.items()},
            {k: sorted(v) for k, v in attributes.items()})


def _nudge(value: str, rng: random.Random) -> str:
    """A small change of a text value: a digit, a letter, its case, its length, a sign."""
    if not value:
        return rng.choice(["0", "1", "X"])
    choice = rng.randrange(9)
    index = rng.randrange(len(value))
    if choice == 0 and value.strip().isdigit():
        return str(int(value.strip()) + rng.choice([-1, 1, 2, 10]))
    if choice == 1:
        return value[:index] + rng.choice(string.digits) + value[index + 1:]
    if choice == 2:
        return value[:index] + rng.choice(string.ascii_uppercase) + value[index + 1:]
    if choice == 3:
        return value[:index] + value[index + 1:]
    if choice == 4:
        return value + rng.choice(["0", "9", "A", ".5", "-1"])
    if choice == 5:
        return rng.choice([" ", "\n", "\u00a0"]) + value + rng.choice(["", " "])
    if choice == 6:
        return value.lower()
    if choice == 7:
        return rng.choice(["0", "-1", "1e3", "99999999", "0.0001", "", "NaN", "31", "29"])
    return value[::-1]


class Mutator:
    """Makes seeded mutants of the fixtures (bytes, with the fixture they came from)."""

    def __init__(self, files: list[Path] = FIXTURES) -> None:
        parser = new_parser()
        self.sources = [(p, etree.fromstring(p.read_bytes(), parser)) for p in files]
        self.texts, self.attributes = _pools([t for _, t in self.sources])

    def mutants(self, count: int, seed: int = 0) -> Iterator[tuple[Path, bytes]]:
        rng = random.Random(seed)
        for _ in range(count):
            path, tree = rng.choice(self.sources)
            mutant = copy.deepcopy(tree)
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                self._edit(mutant, rng)
            yield path, etree.tostring(mutant, xml_declaration=True, encoding="UTF-8")

    def _edit(self, tree: etree._Element, rng: random.Random) -> None:
        element = rng.choice(_elements(tree))
        parent = element.getparent()
        kind = rng.randrange(10)
        if kind <= 2 and len(element) == 0:
            pool = self.texts.get(_local(element), [])
            if pool and kind == 0:
                element.text = rng.choice(pool)
            else:
                element.text = _nudge(element.text or "", rng)
        elif kind == 3 and element.attrib:
            name = rng.choice(sorted(element.attrib))
            pool = self.attributes.get(str(name), [])
            element.set(name, rng.choice(pool) if pool and rng.random() < 0.6
                        else _nudge(element.get(name) or "", rng))
        elif kind == 4 and element.attrib:
            del element.attrib[rng.choice(sorted(element.attrib))]
        elif kind == 5 and parent is not None:
            parent.remove(element)
        elif kind == 6 and parent is not None:
            element.addnext(copy.deepcopy(element))
        elif kind == 7 and parent is not None:
            siblings = [s for s in parent if isinstance(s.tag, str)]
            other = rng.choice(siblings)
            if other is not element:
                index = parent.index(other)
                parent.remove(element)
                parent.insert(index, element)
        elif kind == 8:
            if rng.random() < 0.5:
                element.insert(0, etree.Comment("c"))
            else:
                element.append(etree.ProcessingInstruction("p"))
        elif len(element) == 0:
            element.text = _nudge(element.text or "", rng)


def main(count: int) -> None:
    from tradestd.issues import Layer, Severity
    from tradestd.rules import RuleRunner
    from tradestd.validation import Validator

    xsd = Validator(rules=None)
    full = Validator(rules=RuleRunner())
    tally: dict[str, int] = defaultdict(int)
    for _, data in Mutator().mutants(count):
        valid = not any(i.severity is Severity.ERROR for i in xsd.validate(data).issues)
        fired = any(i.layer is Layer.RULES for i in full.validate(data).issues)
        tally[f"{'xsd-valid' if valid else 'xsd-invalid'}, rules {'fire' if fired else 'quiet'}"] += 1
    for key, value in sorted(tally.items()):
        print(f"{key}: {value}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
