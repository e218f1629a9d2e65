"""The schemas a server answers for, compiled once at start and shared by all requests.

A request names its schema with ``schema=``: a bundled message-type id (``wco-declaration``
or ``wco-declaration@1.0``) or the name of a configured schema set; without it the type is
detected from each message. ``rules=`` adds bundled rule packs by id (never files: a
request must not make the server import code).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..intake import Limits
from ..registry import DetectionError, MessageType, Registry, UnknownMessageType, bundled_registry
from ..rules import BUNDLED_PACKS, RuleRunner, bundled_pack, bundled_packs
from ..rules.settings import unknown_rule_ids
from ..schemaset import SchemaSet, load_schema_set
from ..validation import Validator
from .settings import ServeSettings

__all__ = ["BadRequest", "Catalog", "Detection", "Target"]

#: How an HTTP client names a schema (never a command-line option).
SCHEMA_HINT = ("name it with the schema query parameter (?schema= a message type id or the "
               "name of a configured schema set)")


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


@dataclass(frozen=True)
class _SetType(MessageType):
    """A configured schema set seen as a message type, so that detection can offer it: its
    key is the set's name (as a report names the set) and it brings no rule packs."""

    configured: SchemaSet | None = field(default=None, compare=False, hash=False)

    @property
    def key(self) -> str:
        return self.id

    def schema_set(self) -> SchemaSet:
        assert self.configured is not None
        return self.configured


class Detection(Registry):
    """The bundled message types plus the server's configured schema sets, for requests
    that name no schema: a message whose root element (XML) or top-level member (JSON)
    is a global element of a configured set is checked against that set (the sets by
    name, before the bundled types); any other message is detected as usual."""

    def __init__(self, bundled: Registry, sets: Mapping[str, SchemaSet]) -> None:
        super().__init__(bundled)
        self._sets = dict(sorted(sets.items()))
        self._made: dict[tuple[str, str], _SetType] = {}
        self._lock = threading.Lock()

    def _as_type(self, name: str, tag: str) -> _SetType:
        with self._lock:
            found = self._made.get((name, tag))
            if found is None:
                found = self._made[(name, tag)] = _SetType(
                    id=name, version="", title=name, root=tag, directory=Path(),
                    xsd=self._sets[name].files, configured=self._sets[name])
        return found

    def detect(self, root: etree._Element) -> MessageType:
        tag = root.tag if isinstance(root.tag, str) else ""
        for name, schema_set in self._sets.items():
            if tag in schema_set.global_elements:
                return self._as_type(name, tag)
        return super().detect(root)

    def detect_json(self, data: Any) -> MessageType:
        """A ``{namespace}local`` member is exact, like an XML root; a bare local name
        (namespaces are not written in JSON) goes to a bundled type that takes it first,
        then to a configured set that declares it."""
        members = [k for k in data if k != "$ns"] if isinstance(data, dict) else []
        key = members[0] if len(members) == 1 and isinstance(members[0], str) else None
        if key is not None and key.startswith("{"):
            for name, schema_set in self._sets.items():
                if key in schema_set.global_elements:
                    return self._as_type(name, key)
        try:
            return super().detect_json(data)
        except DetectionError:
            if key is None:
                raise
        for name, schema_set in self._sets.items():
            for tag in sorted(schema_set.global_elements):
                if key == tag.rpartition("}")[2]:
                    return self._as_type(name, tag)
        return super().detect_json(data)

    def _undetected(self, subject: str, name: Callable[[MessageType], str]) -> DetectionError:
        candidates = tuple(f"{t.key} ({name(t)})" for t in self) + tuple(
            f"{set_name} (schema set)" for set_name in self._sets)
        return DetectionError(
            f"cannot tell the message type of {subject}; known types: "
            + ("; ".join(candidates) or "none") + f". {SCHEMA_HINT[0].upper()}{SCHEMA_HINT[1:]}",
            candidates)


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
        #: What requests without a schema are detected with (configured sets included).
        self.detection = Detection(self.registry, self.schema_sets)
        self._runners: dict[tuple[str, ...], RuleRunner] = {}
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Compile everything now (both engines), so no request pays for it."""
        sets = [t.schema_set() for t in self.registry] + list(self.schema_sets.values())
        for schema_set in sets:
            schema_set.xmlschema  # noqa: B018 - the second engine is compiled lazily
        self.runner(())

    def target(self, schema: str | None, *, optional: bool = True) -> Target:
        """What ``schema`` names; ``optional`` when the request may leave it out (the
        ``schema`` query parameter, not a path such as ``/v1/jsonschema/{schema}``)."""
        if not schema:
            return Target()
        if schema in self.schema_sets:
            return Target(schema_set=self.schema_sets[schema])
        try:
            return Target(message_type=self.registry.get(schema))
        except UnknownMessageType:
            raise BadRequest(f"unknown schema {schema!r}; {self.known_schemas()}"
                             + (" (or leave the schema parameter out to detect the type)"
                                if optional else "")) from None

    def known_schemas(self) -> str:
        """The ids a request may name, as a phrase for error messages."""
        known = [t.key for t in self.registry]
        sets = sorted(self.schema_sets)
        return (f"known message types: {', '.join(known)}"
                + (f"; configured schema sets: {', '.join(sets)}" if sets else ""))

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
                         registry=self.detection, limits=self.limits, rules=self.runner(packs))

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
