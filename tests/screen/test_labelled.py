"""The labelled set (tests/data/screen/labelled.csv): precision and recall stay high.

The figures themselves are printed by ``scripts/screen_labelled.py`` and recorded in
BENCHMARKS.md; this test guards them with a margin.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script() -> object:
    spec = importlib.util.spec_from_file_location("screen_labelled",
                                                  ROOT / "scripts" / "screen_labelled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["screen_labelled"] = module
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_the_labelled_set() -> None:
    script = _script()
    rows = script.read_rows()  # type: ignore[attr-defined]
    assert len(rows) >= 100
    assert {r.expect for r in rows} == {"alert", "none"}
    alerts, looked_at, misses = script.evaluate(rows)  # type: ignore[attr-defined]
    assert alerts.fp == 0, [m for m in misses if m[0] == "false alert"]
    assert alerts.precision == 1.0 and alerts.recall >= 0.9
    assert looked_at.recall >= alerts.recall
    near_misses = [r for r in rows if r.note in ("near miss", "negation")]
    assert len(near_misses) >= 30
