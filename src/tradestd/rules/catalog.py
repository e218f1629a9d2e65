"""Finding rule packs: the bundled ones by id, a user's Python module or Schematron file by path.

``load_pack("wco")`` is a bundled pack; ``load_pack("my_rules.py")`` imports a module of
``@rule`` functions; ``load_pack("checks.sch")`` compiles ISO Schematron. All three give
objects with the same :class:`Pack` interface and produce the same issue values.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from ..issues import RulePackRef
from .engine import Outcome, Rule, RulePack, RulePackError, pack_from_module
from .view import MessageView

__all__ = [
    "BUNDLED_PACKS",
    "Pack",
    "RulePackError",
    "bundled_pack",
    "bundled_packs",
    "load_pack",
    "load_rule_module",
]

#: Bundled pack ids and the modules that define them.
BUNDLED_PACKS = {
    "wco": "tradestd.rules.packs.wco",
    "declaration": "tradestd.rules.packs.declaration",
    "response": "tradestd.rules.packs.response",
    "cargo": "tradestd.rules.packs.cargo",
    "precursor": "tradestd.rules.packs.precursor",
    "eu-ucc": "tradestd.rules.packs.eu_ucc",
    "uk-cds": "tradestd.rules.packs.uk_cds",
}


class Pack(Protocol):
    """What the runner needs from a pack, whatever it is written in."""

    @property
    def id(self) -> str: ...

    @property
    def rules(self) -> tuple[Rule, ...]: ...

    @property
    def ref(self) -> RulePackRef: ...

    def run(self, msg: MessageView, enabled: Callable[[str], bool]) -> Iterator[Outcome]: ...


@functools.cache
def bundled_pack(pack_id: str) -> RulePack:
    """A bundled pack by id (``wco``, ``declaration``, ``response``, ``cargo``, ``precursor``,
    ``eu-ucc``, ``uk-cds``)."""
    module_name = BUNDLED_PACKS.get(pack_id)
    if module_name is None:
        raise RulePackError(f"unknown rule pack {pack_id!r}; bundled packs: "
                            f"{', '.join(BUNDLED_PACKS)}; or give a .py or .sch file")
    return pack_from_module(importlib.import_module(module_name), default_id=pack_id)


def bundled_packs() -> tuple[RulePack, ...]:
    return tuple(bundled_pack(pack_id) for pack_id in BUNDLED_PACKS)


def load_pack(spec: str) -> Pack:
    """A bundled pack id, a ``.py`` module of rules, or an ISO Schematron file."""
    path = Path(spec)
    if path.suffix == ".py":
        return load_rule_module(path)
    if path.suffix in (".sch", ".schematron"):
        from .schematron import load_schematron
        return load_schematron(path)
    return bundled_pack(spec)


def load_rule_module(path: Path) -> RulePack:
    """Import a Python file of ``@rule`` functions as a pack (id defaults to the file stem)."""
    if not path.is_file():
        raise RulePackError(f"{path}: no such rule module")
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"tradestd_user_rules_{digest}", path)
    if spec is None or spec.loader is None:
        raise RulePackError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RulePackError(f"{path}: importing the rule module failed: "
                            f"{type(exc).__name__}: {exc}") from exc
    try:
        pack = pack_from_module(module, default_id=path.stem)
    except ValueError as exc:
        raise RulePackError(f"{path}: {exc}") from exc
    if not pack.rules:
        raise RulePackError(f"{path}: the module defines no @rule functions")
    return pack
