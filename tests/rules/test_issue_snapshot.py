"""Regression guard: the rules layer reports exactly what it reported when the snapshot was taken.

``data/issue_snapshot.json`` holds every rule issue (code, rule id, severity, path, line,
column, message) of every file in ``fixtures/*/rules/``, ``fixtures/*/valid/`` and
``fixtures/*/invalid/``. Speeding up the engine must not change a single one. After a
deliberate change to a rule, regenerate it::

    PYTHONPATH=src python tests/rules/test_issue_snapshot.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tradestd
from tradestd.issues import Layer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SNAPSHOT = Path(__file__).resolve().parent / "data" / "issue_snapshot.json"
PATTERNS = ("*/rules/*.xml", "*/valid/*.xml", "*/invalid/*.xml")


def rule_issues(path: Path) -> list[dict[str, Any]]:
    report = tradestd.validate(path)
    return [{"code": i.code, "rule_id": i.rule_id, "severity": i.severity.value,
             "path": i.path, "line": i.line, "column": i.column, "message": i.message}
            for i in report.issues if i.layer is Layer.RULES]


def _fixtures() -> list[str]:
    return sorted(p.relative_to(FIXTURES).as_posix()
                  for pattern in PATTERNS for p in FIXTURES.glob(pattern))


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


SNAPSHOT_DATA = _snapshot() if SNAPSHOT.exists() else {}


def test_snapshot_covers_the_rule_fixtures() -> None:
    assert sum(bool(issues) for issues in SNAPSHOT_DATA.values()) >= 70
    missing = [name for name in _fixtures() if name.split("/")[1] == "rules"
               and name not in SNAPSHOT_DATA]
    assert missing == []


@pytest.mark.parametrize("name", sorted(SNAPSHOT_DATA))
def test_rule_issues_match_the_snapshot(name: str) -> None:
    assert rule_issues(FIXTURES / name) == SNAPSHOT_DATA[name]


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps({name: rule_issues(FIXTURES / name) for name in _fixtures()},
                                   indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
