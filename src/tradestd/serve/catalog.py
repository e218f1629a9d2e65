"""The schemas a server answers for, compiled once at start and shared by all requests.

A request names its schema with ``schema=``: a bundled message-type id (``wco-declaration``
or ``wco-declaration@1.0``) or the name of a configured schema set; without it the type is
detected from each message. ``rules=`` adds bundled rule packs by id (never files: a
request must not make the server import code).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..intake import Limits
from ..registry import MessageType, Registry, UnknownMessageType, bundled_registry
from ..rules import BUNDLED_PACKS, RuleRunner, bundled_pack, bundled_packs
from ..rules.settings import unknown_rule_ids
from ..schemaset import SchemaSet, load_schema_set
from ..validation import Validator
from .settings import ServeSettings

__all__ = ["BadRequest", "Catalog", "Target"]


class BadRequest(ValueError):
    """A request parameter names nothing the server knows (answered with 400)."""


@dataclass(frozen=True)
class Target:
    """What a request validates against: a schema set, a message type, or neither (detect)."""

    schema_set: SchemaSet | None = None
    message_type: MessageType | None = None

    @property
    def resolved_set(self) -> SchemaSet | None:
        if self.message_type is not None:
            return self.message_type.schema_set()
        return self.schema_set


class Catalog:
    """Bundled message types plus named schema sets; rule runners per set of extra packs."""

    def __init__(self, settings: ServeSettings, registry: Registry | None = None) -> None:
        self.settings = settings
        self.registry = registry or bundled_registry()
        self.limits = Limits(max_bytes=settings.max_body_bytes)
        clash = sorted(set(settings.schema_sets) & {t.id for t in self.registry})
        if clash:
            raise ValueError(f"schema set name {clash[0]!r} is a bundled message type id; "
                             "choose another name")
        unknown = unknown_rule_ids(settings.rules,
                                   [r.id for p in bundled_packs() for r in p.rules])
        if unknown:
            raise ValueError(f"unknown rule id(s) in the configuration: {', '.join(unknown)}")
        #: SchemaError propagates: a set that does not compile is a configuration error.
        self.schema_sets = {name: load_schema_set(list(files), name=name)
                            for name, files in settings.schema_sets.items()}
        self._runners: dict[tuple[str, ...], RuleRunner] = {}
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Compile everything now (both engines), so no request pays for it."""
        sets = [t.schema_set() for t in self.registry] + list(self.schema_sets.values())
        for schema_set in sets:
            schema_set.xmlschema  # noqa: B018 - the second engine is compiled lazily
        self.runner(())

    def target(self, schema: str | None) -> Target:
        if not schema:
            return Target()
        if schema in self.schema_sets:
            return Target(schema_set=self.schema_sets[schema])
        try:
            return Target(message_type=self.registry.get(schema))
        except UnknownMessageType:
            known = [t.key for t in self.registry] + sorted(self.schema_sets)
            raise BadRequest(f"unknown schema {schema!r}; known: {', '.join(known)} "
                             "(or leave it out to detect the type)") from None

    def runner(self, packs: Sequence[str]) -> RuleRunner:
        key = tuple(sorted(set(packs)))
        unknown = [p for p in key if p not in BUNDLED_PACKS]
        if unknown:
            raise BadRequest(f"unknown rule pack {unknown[0]!r}; bundled packs: "
                             f"{', '.join(BUNDLED_PACKS)}")
        with self._lock:
            runner = self._runners.get(key)
            if runner is None:
                runner = RuleRunner([bundled_pack(p) for p in key], settings=self.settings.rules)
                self._runners[key] = runner
        return runner

    def validator(self, target: Target, packs: Sequence[str]) -> Validator:
        return Validator(schema_set=target.schema_set, message_type=target.message_type,
                         registry=self.registry, limits=self.limits, rules=self.runner(packs))

    def describe(self) -> dict[str, Any]:
        """``GET /v1/schemas``: types, versions, rule packs, configured sets (no server paths)."""
        return {
            "types": [{"id": t.id, "version": t.version, "key": t.key, "title": t.title,
                       "root": t.root, "envelope": t.envelope,
                       "rule_packs": list(t.rule_packs)} for t in self.registry],
            "rule_packs": [{"id": p.id, "version": p.version, "title": p.title,
                            "rules": len(p.rules)} for p in bundled_packs()],
            "schema_sets": [{"name": name, "xsd": [Path(f).name for f in files]}
                            for name, files in sorted(self.settings.schema_sets.items())],
        }
