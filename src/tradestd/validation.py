"""The validation pipeline: intake -> syntax -> schema -> rules, one Report per message.

A :class:`Validator` is built once (schema set or registry, limits, rule layer) and
then applied to any number of messages; it holds no per-message state and is safe
to share between threads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .intake import DEFAULT_LIMITS, Limits, Source, XmlDocument, load_xml
from .issues import Issue, Layer, Report, RulePackRef, Severity
from .locate import element_path
from .registry import DetectionError, MessageType, Registry, bundled_registry
from .rules import default_rules
from .rules.runner import RuleLayer, rule_issues
from .schemaset import SchemaSet
from .stream.detect import RecordTags, record_tags_of
from .stream.schemaconverter import SchemaConverter
from .stream.source import BatchSource
from .stream.validate import RecordStream, record_candidates

__all__ = ["RuleLayer", "Validator", "validate"]


@dataclass
class Validator:
    """Validates messages against one schema set, or against the detected bundled type."""

    schema_set: SchemaSet | None = None
    message_type: MessageType | None = None
    registry: Registry = field(default_factory=bundled_registry)
    limits: Limits = DEFAULT_LIMITS
    rules: RuleLayer | None = None

    def validate(self, source: Source) -> Report:
        """One message, XML or JSON (a ``.json`` path, or text/bytes starting with ``{``)."""
        if is_json_source(source):
            return self.validate_json(source)
        return self.validate_document(load_xml(source, self.limits))

    def validate_json(self, source: Source) -> Report:
        """One JSON message in the tradestd convention, through all layers."""
        from .convert.validate import validate_json

        schema: SchemaSet | MessageType | None = self.schema_set or self.message_type
        return validate_json(source, schema, registry=self.registry, limits=self.limits,
                             rules=self.rules)

    def validate_document(self, doc: XmlDocument) -> Report:
        layers = [Layer.SYNTAX]
        if not doc.ok:
            return Report(doc.name, tuple(doc.issues), None, tuple(layers))
        assert doc.root is not None and doc.tree is not None
        schema_set, message_type, problem = self._resolve(doc)
        if problem is not None:
            return Report(doc.name, tuple(doc.issues) + (problem,), None, tuple(layers))
        assert schema_set is not None
        label = message_type.key if message_type else schema_set.name
        locator = doc.locator()
        issues = list(doc.issues)
        issues += schema_set.schema_issues(doc, locator)
        layers.append(Layer.SCHEMA)
        packs: tuple[RulePackRef, ...] = ()
        if self.rules is not None:
            packs = self.rules.packs_for(message_type)
            issues += rule_issues(self.rules, doc, locator, message_type, schema_set)
            layers.append(Layer.RULES)
        return Report(doc.name, tuple(issues), label, tuple(layers), packs)

    def iter_validate(self, source: BatchSource, *, record: str | None = None,
                      share: tuple[int, int] = (0, 1)) -> RecordStream:
        """Validate a batch file record by record in bounded memory (all layers).

        ``record`` names the record element; ``None`` detects it from the message type or
        schema set this validator has (:meth:`record_tags`). JSON Lines records go through
        the JSON convention to XML first. A batch that yields no record raises
        :class:`~tradestd.stream.results.NoRecordsError` at the end of the iteration. See
        :class:`~tradestd.stream.RecordStream` (and ``share``) and, for worker processes,
        :func:`tradestd.stream.parallel.iter_validate_parallel`.
        """
        converter = SchemaConverter(self.schema_set, self.message_type, self.registry)
        return RecordStream(source, self.validate_document, record=record,
                            candidates=self.record_tags() if record is None else (),
                            limits=self.limits, converter=converter, share=share)

    def record_tags(self) -> RecordTags:
        """The elements that may be records of a batch when none is named: the message
        type's, else the schema set's own (docs/streaming.md), else the bundled types'."""
        if self.message_type is not None:
            return RecordTags(tuple(record_candidates([self.message_type])))
        if self.schema_set is not None:
            return record_tags_of(self.schema_set)
        return RecordTags(tuple(record_candidates(self.registry)))

    def _resolve(self, doc: XmlDocument
                 ) -> tuple[SchemaSet | None, MessageType | None, Issue | None]:
        assert doc.root is not None
        if self.schema_set is not None:
            return self.schema_set, self.message_type, None
        if self.message_type is not None:
            return self.message_type.schema_set(), self.message_type, None
        try:
            detected = self.registry.detect(doc.root)
        except DetectionError as exc:
            return None, None, Issue("MESSAGE_TYPE_UNKNOWN", Severity.ERROR, Layer.SCHEMA,
                                     str(exc), doc.root.sourceline, None,
                                     element_path(doc.root))
        return detected.schema_set(), detected, None


def is_json_source(source: Source) -> bool:
    """A ``.json`` path, or JSON text or bytes (first significant character ``{`` or ``[``)."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
    if isinstance(source, str):
        if source.lstrip("\ufeff \t\r\n").startswith(("{", "[")) \
                and not os.path.exists(source):
            return True
        return source.lower().endswith(".json")
    if isinstance(source, os.PathLike):
        return os.fspath(source).lower().endswith(".json")
    return False


def validate(source: Source, schema: str | SchemaSet | MessageType | None = None, *,
             limits: Limits | None = None, registry: Registry | None = None,
             rules: RuleLayer | None = None) -> Report:
    """Validate one message.

    ``schema`` is a bundled message-type id (``"wco-declaration"`` or
    ``"wco-declaration@1.0"``), a :class:`MessageType`, a :class:`SchemaSet`, or
    ``None`` to detect the type from the message itself. ``rules`` defaults to the
    bundled rule packs of bundled message types (none for a plain :class:`SchemaSet`);
    pass ``RuleRunner(bundled=False)`` to skip them.
    """
    reg = registry or bundled_registry()
    validator = Validator(registry=reg, limits=limits or DEFAULT_LIMITS,
                          rules=rules if rules is not None else default_rules())
    if isinstance(schema, SchemaSet):
        validator.schema_set = schema
    elif isinstance(schema, MessageType):
        validator.message_type = schema
    elif isinstance(schema, str):
        validator.message_type = reg.get(schema)
    return validator.validate(source)
