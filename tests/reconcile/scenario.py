"""The labelled scenario generator (scripts/reconcile_scenario.py), loaded for the tests."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from conftest import ROOT


def load() -> ModuleType:
    name = "reconcile_scenario"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
