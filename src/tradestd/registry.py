"""Bundled message types: ids, versions, schema files, and detection from a message.

Each bundled family version lives in ``schemas/<family>/<version>/`` with a
``message.toml`` describing it::

    id = "wco-declaration"            # stable id used by --schema
    version = "1.0"
    title = "WCO goods declaration (import/export)"
    root = "{urn:tradestd:wco:declaration:1.0}Declaration"
    xsd = ["declaration.xsd"]         # entry points, relative to this folder
    envelope = "{urn:tradestd:wco:envelope:1.0}MetaData"   # optional wrapper root
    envelope_xsd = ["../../envelope/1.0/envelope.xsd"]     # added to the set when present
    type_name = "DEC"                 # optional: the envelope's WCOTypeName
    record = "{urn:...}Declaration"   # optional: record element in batch feeds
    rule_packs = ["wco", "declaration"]

Detection reads the root element's namespace and local name; for an envelope root it
looks at the payload element inside it and at the ``WCOTypeName`` field.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .schemaset import SchemaSet, load_schema_set

__all__ = [
    "DetectionError",
    "MessageType",
    "Registry",
    "UnknownMessageType",
    "bundled_registry",
    "schemas_dir",
]


class UnknownMessageType(LookupError):
    """``--schema`` named an id that the registry does not know."""


class DetectionError(LookupError):
    """The message type could not be told from the message; names the candidates."""

    def __init__(self, message: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


def schemas_dir() -> Path:
    """The bundled ``schemas/`` folder (inside a wheel, or at the checkout's top)."""
    override = os.environ.get("TRADESTD_SCHEMAS_DIR")
    if override:
        return Path(override)
    packaged = Path(__file__).parent / "_bundled" / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


@dataclass(frozen=True)
class MessageType:
    id: str
    version: str
    title: str
    root: str
    directory: Path
    xsd: tuple[Path, ...]
    family: str = ""
    envelope: str | None = None
    type_name: str | None = None
    record: str | None = None
    rule_packs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def root_local(self) -> str:
        return str(etree.QName(self.root).localname)

    @property
    def namespace(self) -> str | None:
        namespace = etree.QName(self.root).namespace
        return str(namespace) if namespace else None

    def schema_set(self) -> SchemaSet:
        return load_schema_set(self.xsd, name=self.key)

    @classmethod
    def from_toml(cls, path: Path) -> MessageType:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        directory = path.parent
        files = [directory / p for p in data.get("envelope_xsd", [])]
        files += [directory / p for p in data["xsd"]]
        known = {"id", "version", "title", "root", "xsd", "envelope_xsd", "family", "envelope",
                 "type_name", "record", "rule_packs"}
        return cls(
            id=data["id"], version=str(data["version"]), title=data.get("title", data["id"]),
            root=data["root"], directory=directory,
            xsd=tuple(f.resolve() for f in files), family=data.get("family", path.parts[-3]),
            envelope=data.get("envelope"), type_name=data.get("type_name"),
            record=data.get("record"), rule_packs=tuple(data.get("rule_packs", ())),
            extra={k: v for k, v in data.items() if k not in known},
        )


class Registry:
    """Message types by id and version, with detection."""

    def __init__(self, types: Iterable[MessageType] = ()) -> None:
        self._types: list[MessageType] = []
        for t in types:
            self.register(t)

    def register(self, message_type: MessageType) -> None:
        if any(t.key == message_type.key for t in self._types):
            raise ValueError(f"message type {message_type.key} is already registered")
        self._types.append(message_type)
        self._types.sort(key=lambda t: (t.id, _version_key(t.version)))

    def __iter__(self) -> Iterator[MessageType]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def get(self, spec: str) -> MessageType:
        """``id`` (newest version) or ``id@version``."""
        ident, _, version = spec.partition("@")
        matches = [t for t in self._types if t.id == ident and (not version or t.version == version)]
        if not matches:
            known = ", ".join(t.key for t in self._types) or "none"
            raise UnknownMessageType(f"unknown message type {spec!r}; known: {known}")
        return matches[-1]

    def detect(self, root: etree._Element) -> MessageType:
        """The message type of a parsed message's root element."""
        tag = root.tag if isinstance(root.tag, str) else ""
        direct = [t for t in self._types if t.root == tag]
        if direct:
            return direct[-1]
        wrapped = [t for t in self._types if t.envelope == tag]
        payload_tags = {c.tag for c in root.iterchildren(tag=etree.Element)} if wrapped else set()
        found = _by_payload(wrapped, lambda t: t.root in payload_tags,
                            _child_text(root, "WCOTypeName") if wrapped else None)
        if found is not None:
            return found
        raise self._undetected(f"root element {tag}", lambda t: t.root)

    def detect_json(self, data: Any) -> MessageType:
        """The message type of a JSON message (tradestd convention): its one top-level
        member names the root element, by local name or ``{namespace}local``."""
        members = [k for k in data if k != "$ns"] if isinstance(data, dict) else []
        key = members[0] if len(members) == 1 else None
        if isinstance(key, str):
            direct = [t for t in self._types if key in (t.root, t.root_local)]
            if direct:
                return direct[-1]
            wrapped = [t for t in self._types
                       if t.envelope and key in (t.envelope, etree.QName(t.envelope).localname)]
            body = data[key] if isinstance(data[key], dict) else {}
            type_name = body.get("WCOTypeName")
            found = _by_payload(wrapped, lambda t: t.root_local in body or t.root in body,
                                type_name if isinstance(type_name, str) else None)
            if found is not None:
                return found
        raise self._undetected(_json_subject(data, key), lambda t: t.root_local)

    def _undetected(self, subject: str, name: Callable[[MessageType], str]) -> DetectionError:
        candidates = tuple(f"{t.key} ({name(t)})" for t in self._types)
        return DetectionError(
            f"cannot tell the message type of {subject}; known types: "
            + ("; ".join(candidates) or "none")
            + ". Name one with --schema ID or give the XSDs with --xsd", candidates)


def _json_subject(data: Any, key: object) -> str:
    """How to name an undetected JSON document in the error message."""
    if isinstance(key, str):
        return f"a JSON message whose top-level member is {key!r}"
    if isinstance(data, dict):
        names = ", ".join(repr(k) for k in list(data)[:5]) + (", ..." if len(data) > 5 else "")
        return (f"a JSON object with {len(data)} top-level members ({names or 'none'}); a "
                "message has exactly one, named after its root element")
    return (f"a JSON {type(data).__name__.replace('dict', 'object').replace('list', 'array')}; "
            "a message is an object with one member named after its root element")


def _by_payload(wrapped: list[MessageType], carries: Callable[[MessageType], bool],
                type_name: str | None) -> MessageType | None:
    """Among types sharing an envelope, the one whose payload (or WCOTypeName) fits."""
    found = [t for t in wrapped if carries(t)]
    if type_name:
        found = [t for t in found or wrapped if t.type_name in (None, type_name)]
    return found[-1] if found else None


def _child_text(root: etree._Element, local: str) -> str | None:
    for child in root.iterchildren(tag=etree.Element):
        if etree.QName(child).localname == local:
            return (child.text or "").strip() or None
    return None


_BUNDLED: Registry | None = None
_BUNDLED_LOCK = threading.Lock()


def bundled_registry() -> Registry:
    """The message types shipped in ``schemas/`` (read once)."""
    global _BUNDLED
    with _BUNDLED_LOCK:
        if _BUNDLED is None:
            base = schemas_dir()
            found = sorted(base.glob("*/*/message.toml")) if base.is_dir() else []
            _BUNDLED = Registry(MessageType.from_toml(p) for p in found)
        return _BUNDLED
