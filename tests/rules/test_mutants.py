"""Rules on thousands of seeded mutants of the fixtures: none crashes, and the mutants
really exercise them (some stay valid and quiet, some stay valid and make rules fire).

A bigger run by hand: ``PYTHONPATH=src python tests/rules/mutants.py 20000``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from mutants import Mutator

from tradestd.issues import Layer, Severity
from tradestd.rules import RULE_CRASHED, RuleRunner
from tradestd.validation import Validator

COUNT = 3000


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, bool, frozenset[str]]]:
    xsd = Validator(rules=None)
    full = Validator(rules=RuleRunner())
    found = []
    for path, data in Mutator().mutants(COUNT, seed=20261127):
        valid = not any(i.severity is Severity.ERROR for i in xsd.validate(data).issues)
        codes = frozenset(i.code for i in full.validate(data).issues if i.layer is Layer.RULES)
        found.append((path.name, valid, codes))
    return found


def test_no_rule_crashes_on_any_mutant(outcomes: list[tuple[str, bool, frozenset[str]]]) -> None:
    crashed = [name for name, _, codes in outcomes if RULE_CRASHED in codes]
    assert crashed == []


def test_mutants_stay_valid_and_make_many_rules_fire(
        outcomes: list[tuple[str, bool, frozenset[str]]]) -> None:
    kinds = Counter((valid, bool(codes)) for _, valid, codes in outcomes)
    assert kinds[(True, False)] > COUNT // 20  # schema-valid, no rule fires
    assert kinds[(True, True)] > COUNT // 20  # schema-valid, a rule fires
    fired = {code for _, valid, codes in outcomes if valid for code in codes}
    assert len(fired) >= 50

