"""Honesty check: every rule of every bundled pack has a fixture that fires it and one that passes.

``fixtures/<family>/rules/manifest.json`` maps rule ids to a passing file, a failing file
(XSD-valid, so the rule is what fails), the issues the failing file must produce and, under
``also``, any other rule the same defect necessarily fires.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

import tradestd
from tradestd.issues import Layer
from tradestd.rules import bundled_packs


def _entries() -> list[tuple[Path, str, dict[str, Any]]]:
    found = []
    for manifest in sorted(FIXTURES.glob("*/rules/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for rule_id, entry in data["rules"].items():
            found.append((manifest.parent, rule_id, entry))
    return found


ENTRIES = _entries()
CASES = [pytest.param(folder, rule_id, entry, id=f"{folder.parent.name}/{rule_id}")
         for folder, rule_id, entry in ENTRIES]


def test_every_bundled_rule_has_a_pass_and_a_fail_fixture() -> None:
    covered = {rule_id for _, rule_id, entry in ENTRIES if entry.get("pass") and entry.get("fail")}
    rules = {r.id for pack in bundled_packs() for r in pack.rules}
    assert rules - covered == set(), "rules without fixtures"
    assert covered - rules == set(), "fixtures for rules that do not exist"


@pytest.mark.parametrize(("folder", "rule_id", "entry"), CASES)
def test_passing_fixture_passes_the_rule(folder: Path, rule_id: str, entry: dict[str, Any]) -> None:
    report = tradestd.validate(folder / entry["pass"])
    assert rule_id in {r.id for p in report.rule_packs for r in _pack(p.id).rules}
    assert [i for i in report.issues if i.rule_id == rule_id] == []
    assert report.valid, [i.to_dict() for i in report.issues]


@pytest.mark.parametrize(("folder", "rule_id", "entry"), CASES)
def test_failing_fixture_fires_the_rule(folder: Path, rule_id: str, entry: dict[str, Any]) -> None:
    report = tradestd.validate(folder / entry["fail"])
    assert [i for i in report.issues if i.layer is not Layer.RULES] == [], "not XSD-valid"
    fired = [i for i in report.issues if i.rule_id == rule_id]
    assert fired, f"{rule_id} did not fire"
    found = {(i.rule_id, i.path) for i in fired}
    for expected in entry["expect"]:
        assert (expected["rule_id"], expected["path"]) in found
    for issue in fired:
        assert issue.line is not None and issue.column is not None
        assert issue.code == rule_id and str(issue.path).startswith("/")
    assert {i.rule_id for i in report.issues} == {rule_id, *entry.get("also", [])}, \
        "another rule fired too"


def _pack(pack_id: str) -> Any:
    return next(p for p in bundled_packs() if p.id == pack_id)


def test_docs_list_every_rule() -> None:
    text = (FIXTURES.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [r.id for pack in bundled_packs() for r in pack.rules if f"`{r.id}`" not in text]
    assert missing == [], "regenerate the table: PYTHONPATH=src python scripts/rules_table.py"
