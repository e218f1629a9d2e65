"""Validating JSON messages: JSON Schema derived from the XSD, then the XSD itself.

Layers: syntax (well-formed JSON, limits), then schema: the derived JSON Schema
(Draft 2020-12) with JSON Pointer paths and line/column in the JSON text; a message
that passes is converted to XML and checked by the XSD too, so constraints JSON
Schema cannot express (choices across members, identity constraints...) are still
enforced.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import weakref
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from lxml import etree

from ..intake import DEFAULT_LIMITS, Limits, Source, XmlDocument, parse_bytes
from ..issues import Issue, Layer, Report, Severity, plain_lists, quote, shorten_quoted
from ..pointers import json_pointer
from ..registry import DetectionError, MessageType, Registry, bundled_registry
from ..rules.runner import rule_issues
from ..schemaset import SchemaSet
from .jsonintake import JsonDocument, load_json, pointer
from .jsonschema import derive_json_schema
from .plan import CONVENTION, plan_for
from .to_xml import convention_1_item, data_to_element
from .values import ConversionError

if TYPE_CHECKING:
    from ..rules.runner import RuleLayer

__all__ = [
    "bundled_schema_path",
    "bundled_schema_text",
    "check_and_convert",
    "json_issues",
    "json_schema_for",
    "validate_json",
]

_CACHE: weakref.WeakKeyDictionary[SchemaSet, dict[tuple[str, ...], Any]] = \
    weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_MAX_MESSAGE = 400
#: JSON Schema issues reported per message at most; more only say there were more.
MAX_SCHEMA_ISSUES = 1000


def _roots(schema_set: SchemaSet, message_type: MessageType | None) -> tuple[str, ...]:
    if message_type is None:
        return ()
    plan = plan_for(schema_set)
    roots = [message_type.root]
    if message_type.envelope and message_type.envelope in plan.globals:
        roots.append(message_type.envelope)
    return tuple(roots)


def json_schema_for(schema_set: SchemaSet, message_type: MessageType | None = None,
                    *, schema_id: str | None = None) -> dict[str, Any]:
    """The derived JSON Schema (roots: the message type's root, else every global
    element of the set)."""
    roots = _roots(schema_set, message_type)
    title = message_type.title if message_type else schema_set.name
    return derive_json_schema(plan_for(schema_set), roots or None, title=title,
                              schema_id=schema_id,
                              xsd_version=getattr(schema_set.xmlschema, "XSD_VERSION", "1.0"))


def bundled_schema_path(message_type: MessageType) -> Path:
    """Where the committed JSON Schema of a bundled type lives."""
    return message_type.directory / f"{message_type.id}.schema.json"


def bundled_schema_text(message_type: MessageType) -> str:
    """The JSON Schema text committed for a bundled type (see scripts/)."""
    schema = json_schema_for(message_type.schema_set(), message_type,
                             schema_id=f"urn:tradestd:jsonschema:{message_type.key}")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def json_validator(schema_set: SchemaSet, message_type: MessageType | None = None) -> Any:
    """A Draft 2020-12 validator for the derived schema (built once per schema set)."""
    roots = _roots(schema_set, message_type)
    with _LOCK:
        cached = _CACHE.setdefault(schema_set, {})
        found = cached.get(roots)
    if found is None:
        schema = json_schema_for(schema_set, message_type)
        found = Draft202012Validator(schema)
        with _LOCK:
            cached[roots] = found
    return found


def _json_text(value: Any) -> str:
    """A JSON value as a message names it: a string quoted (cut), null, true, false and
    numbers as JSON writes them, an array or an object by its size (never a Python repr)."""
    if isinstance(value, str):
        return quote(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, Mapping)):
        kind, part = ("an array", "item") if isinstance(value, list) else ("an object", "member")
        return f"{kind} of {len(value)} {part}" + ("" if len(value) == 1 else "s")
    return quote(str(value))


def _message(error: ValidationError) -> str:
    text = str(error.message)
    shown = repr(error.instance)
    if text.startswith(shown):  # jsonschema starts with the Python repr of the value
        text = _json_text(error.instance) + text[len(shown):]
    if error.validator == "additionalProperties":
        instance, schema = error.instance, error.schema
        assert isinstance(instance, Mapping) and isinstance(schema, Mapping)
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        text = "member(s) not allowed here: " + ", ".join(quote(k) for k in extra
                                                           if not str(k).startswith("@xsi:"))
    elif error.validator == "pattern" and len(str(error.validator_value)) > 80:
        text = f"{quote(error.instance)} is not a valid value here (digits or format)"
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        text = f"{text} ({_message(deepest)})"
    text = plain_lists(shorten_quoted(text))  # jsonschema quotes the whole value
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "..."


def json_issues(doc: JsonDocument, schema_set: SchemaSet,
                message_type: MessageType | None = None) -> list[Issue]:
    """The schema layer for a parsed JSON message."""
    return check_and_convert(doc, schema_set, message_type)[0]


def check_and_convert(doc: JsonDocument, schema_set: SchemaSet,
                      message_type: MessageType | None = None
                      ) -> tuple[list[Issue], XmlDocument | None]:
    """Schema-layer issues of a parsed JSON message, and its parsed XML form when it
    converts (the XSD and the rules layer both work on that one document)."""
    validator = json_validator(schema_set, message_type)
    # jsonschema yields lazily: past the cap, the verdict is settled and no more is looked for.
    errors = list(islice(validator.iter_errors(doc.data), MAX_SCHEMA_ISSUES + 1))
    issues = doc.issues_at((f"JSON_SCHEMA_{str(error.validator).upper()}", _message(error),
                            pointer(error.absolute_path)) for error in errors[:MAX_SCHEMA_ISSUES])
    if len(errors) > MAX_SCHEMA_ISSUES:
        issues.append(Issue("JSON_SCHEMA_ISSUES_CUT", Severity.INFO, Layer.SCHEMA,
                            f"more than {MAX_SCHEMA_ISSUES:,} JSON Schema issues: the first "
                            f"{MAX_SCHEMA_ISSUES:,} found are reported, the rest not looked for",
                            path="/"))
    plan = plan_for(schema_set)
    old = convention_1_item(plan, doc.data) if issues else None
    if old is not None:
        # the shape of convention 1: read as such, the XSD checks it (the JSON Schema is
        # convention 2's); say so, with the way to upgrade the file
        issues = [doc.issue("JSON_CONVENTION_1", _convention_1(doc.data, old), old,
                            severity=Severity.WARNING)]
    elif issues:
        return sorted(issues, key=lambda i: i.sort_key), None
    try:
        root = data_to_element(plan, doc.data)
    except ConversionError as exc:
        return issues + [doc.issue("JSON_CONVERSION", exc.reason, exc.path)], None
    xml = parse_bytes(doc.name, etree.tostring(root), schema_set.limits, unwrap_soap=False)
    issues += [Issue(code=i.code, severity=i.severity, layer=i.layer,
                     message=f"after conversion to XML: {i.message}", path=i.path)
               for i in schema_set.schema_issues(xml)]
    return issues, xml


def _convention_1(data: Any, ptr: str) -> str:
    entry: Any = data
    for part in ptr.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        entry = entry[int(part)] if isinstance(entry, list) else entry[part]
    tag = next(iter(entry))
    return (f"this JSON has the shape of JSON convention 1, where the element {tag} is an "
            f"$any entry; since convention {CONVENTION} it is a member of its own "
            f"({quote(tag.rpartition('}')[2])}). The file is read as convention 1 and checked "
            "by the XSD only; upgrade it with: tradestd convert FILE --to xml | "
            "tradestd convert - --to json")


def validate_json(source: Source, schema: str | SchemaSet | MessageType | None = None, *,
                  registry: Registry | None = None, limits: Limits = DEFAULT_LIMITS,
                  rules: RuleLayer | None = None) -> Report:
    """Validate one JSON message (the tradestd convention); never raises for bad input.

    ``schema`` as for :func:`tradestd.validate`: a bundled id, a message type, a schema
    set, or ``None`` to detect the type from the top-level member. ``rules`` is the rules
    layer: it runs on the XML form of a schema-valid message, and each of its issues is
    located back in the JSON text (JSON Pointer, line, column).
    """
    doc = load_json(source, limits)
    if not doc.ok:
        return Report(doc.name, tuple(doc.issues), None, (Layer.SYNTAX,))
    registry = registry or bundled_registry()
    message_type = registry.get(schema) if isinstance(schema, str) else (
        schema if isinstance(schema, MessageType) else None)
    schema_set = schema if isinstance(schema, SchemaSet) else None
    if schema_set is None and message_type is None:
        try:
            message_type = registry.detect_json(doc.data)
        except DetectionError as exc:
            problem = doc.issue("MESSAGE_TYPE_UNKNOWN", str(exc), "")
            return Report(doc.name, (problem,), None, (Layer.SYNTAX,))
    if schema_set is None:
        assert message_type is not None
        schema_set = message_type.schema_set()
    label = message_type.key if message_type else schema_set.name
    issues, xml = check_and_convert(doc, schema_set, message_type)
    if rules is None:
        return Report(doc.name, tuple(issues), label, (Layer.SYNTAX, Layer.SCHEMA))
    if xml is not None:
        issues += _rule_issues(doc, xml, message_type, rules, schema_set)
    return Report(doc.name, tuple(issues), label, (Layer.SYNTAX, Layer.SCHEMA, Layer.RULES),
                  rules.packs_for(message_type))


def _rule_issues(doc: JsonDocument, xml: XmlDocument, message_type: MessageType | None,
                 rules: RuleLayer, schema_set: SchemaSet | None = None) -> list[Issue]:
    """Rules on the XML form of a JSON message, located back in the JSON text."""

    found = [(issue, json_pointer(doc.data, issue.path) if issue.path else None)
             for issue in rule_issues(rules, xml, xml.locator(), message_type, schema_set)]
    where = doc.locator.positions(ptr for _, ptr in found if ptr is not None)
    return [dataclasses.replace(issue, path=ptr if ptr is not None else issue.path,
                                line=where[ptr][0] if ptr is not None else None,
                                column=where[ptr][1] if ptr is not None else None)
            for issue, ptr in found]
