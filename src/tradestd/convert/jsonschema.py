"""Derive a Draft 2020-12 JSON Schema for the JSON convention from a compiled plan.

One ``$defs`` entry per named XSD type (and per anonymous type of a global element);
closed objects; arrays with ``minItems``/``maxItems``; facets as JSON Schema keywords
(see docs/jsonschema.md for what is checked only after conversion, by the XSD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .plan import (
    MIXED,
    MIXED_KEY,
    NS_KEY,
    ORDER_KEY,
    SIMPLE,
    SIMPLE_ATTRS,
    UNBOUNDED,
    VALUE_KEY,
    ElementPlan,
    Member,
    Plan,
    TypePlan,
    derives_from,
    simple_bases,
)
from .values import BOOL, INT, QNAME, STR

__all__ = ["DRAFT", "derive_json_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
XS = "http://www.w3.org/2001/XMLSchema"
_XSI_MEMBERS = {"^@xsi:": {"type": ["string", "boolean"]}}
_PADDED = r"^[ \t\n\r]|[ \t\n\r]$"
_ANY_ITEM = {"type": "object", "minProperties": 1, "maxProperties": 1}


def _documentation(component: Any) -> str | None:
    annotation = getattr(component, "annotation", None)
    if annotation is None:
        return None
    texts = [" ".join((d.text or "").split()) for d in annotation.documentation]
    text = "\n".join(t for t in texts if t)
    return text or None


def _facets(simple: Any) -> dict[str, Any]:
    """Facets of a simple type and its bases, nearest first (first one wins)."""
    found: dict[str, Any] = {}
    patterns: list[str] = []
    for node in simple_bases(simple):
        for name, facet in getattr(node, "facets", {}).items():
            if name is None:
                continue
            local = name.rpartition("}")[2]
            if local == "pattern":
                patterns.extend(p.pattern for p in facet.patterns)
            elif local == "enumeration":
                found.setdefault(local, [e.get("value") for e in facet])
            else:
                found.setdefault(local, getattr(facet, "value", None))
    found["patterns"] = [_ecma(p) for p in patterns]
    return found


def _ecma(python_pattern: str) -> str:
    """xmlschema's translation of an XSD pattern, anchored plainly."""
    return python_pattern.replace("$(?!\\n\\Z)", "$")


def _decimal_pattern(total: int | None, fraction: int | None) -> str:
    """xs:decimal lexical space with totalDigits/fractionDigits (trailing fraction zeros
    and leading zeros do not count, as in the XSD value space)."""
    lead = r"^[+-]?(?=\.?[0-9])"
    if total is None:
        frac = "[0-9]*" if fraction is None else f"[0-9]{{0,{fraction}}}0*"
        return lead + rf"[0-9]*(?:\.{frac})?$"
    alternatives = [f"[0-9]{{0,{total}}}\\.?"]
    for before in range(total + 1):
        after = total - before if fraction is None else min(total - before, fraction)
        alternatives.append(f"[0-9]{{{before}}}\\.[0-9]{{0,{after}}}0*")
    return lead + rf"0*(?:{'|'.join(alternatives)})$"


def value_schema(simple: Any, codec: int) -> dict[str, Any]:
    """Schema of one value (text of a simple type) under the convention."""
    if simple is None:
        return {"type": "string"}
    facets = _facets(simple) if not simple.is_union() else {"patterns": []}
    string: dict[str, Any] = {"type": "string"}
    if codec == BOOL:
        return {"anyOf": [{"type": "boolean"}, {"enum": ["1", "0"]}]}
    if codec == INT:
        number: dict[str, Any] = {"type": "integer"}
        for facet, keyword in (("minInclusive", "minimum"), ("maxInclusive", "maximum"),
                               ("minExclusive", "exclusiveMinimum"),
                               ("maxExclusive", "exclusiveMaximum")):
            if facets.get(facet) is not None:
                number[keyword] = int(facets[facet])
        if facets.get("enumeration"):
            number["enum"] = [int(v) for v in facets["enumeration"]]
        return {"anyOf": [number, {"type": "string", "pattern": r"^[+-]?[0-9]+$"}]}
    if codec == QNAME or simple.is_list():
        return string
    if _is_decimal(simple):
        string["pattern"] = _decimal_pattern(facets.get("totalDigits"),
                                             facets.get("fractionDigits"))
    if _is_string(simple):
        for keyword in ("minLength", "maxLength"):
            if facets.get(keyword) is not None:
                string[keyword] = int(facets[keyword])
        if facets.get("length") is not None:
            string["minLength"] = string["maxLength"] = int(facets["length"])
    patterns = facets["patterns"]
    if patterns:
        if "pattern" in string:
            patterns = [string.pop("pattern")] + patterns
        if len(patterns) == 1:
            string["pattern"] = patterns[0]
        else:
            string["allOf"] = [{"pattern": p} for p in patterns]
    if facets.get("enumeration") is not None:
        string["enum"] = list(dict.fromkeys(facets["enumeration"]))
    return string


def attribute_schema(simple: Any, codec: int) -> dict[str, Any]:
    """Attribute values are carried exactly: one with surrounding whitespace stays a
    string (its facets are then checked by the XSD after conversion)."""
    schema = value_schema(simple, codec)
    if codec == STR:
        return schema
    return {"anyOf": [schema, {"type": "string", "pattern": _PADDED}]}


def _derives(simple: Any, local: str) -> bool:
    return derives_from(simple, f"{{{XS}}}{local}")


def _is_decimal(simple: Any) -> bool:
    return _derives(simple, "decimal")


def _is_string(simple: Any) -> bool:
    return _derives(simple, "string") or _derives(simple, "anyURI")


class _Deriver:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.defs: dict[str, Any] = {}
        self.names: dict[int, str] = {}
        self.derived: dict[int, list[TypePlan]] = {}
        for tp in plan.types.values():
            node = getattr(tp.xsd, "base_type", None)
            while node is not None and tp.kind != SIMPLE:
                base = self._plan_of(node)
                if base is not None and base is not tp:
                    self.derived.setdefault(id(base), []).append(tp)
                parent = getattr(node, "base_type", None)
                node = parent if parent is not node else None

    def _plan_of(self, xsd_type: Any) -> TypePlan | None:
        return self.plan.types.get(xsd_type.name) if xsd_type.name else None

    # -- naming --------------------------------------------------------------------

    def def_name(self, tp: TypePlan, hint: str) -> str:
        name = self.names.get(id(tp))
        if name is not None:
            return name
        base = hint
        if tp.name:
            namespace, _, local = tp.name[1:].rpartition("}") if tp.name[0] == "{" \
                else ("", "", tp.name)
            base = local
            if namespace == XS:
                base = f"xs:{local}"
        name, index = base, 2
        while name in self.defs:
            prefix = self.plan.prefixes.get(_namespace(tp.name or ""), "")
            name = f"{prefix}:{base}" if prefix and index == 2 else f"{base}.{index}"
            index += 1
        self.names[id(tp)] = name
        self.defs[name] = {}
        self.defs[name] = self.type_schema(tp)
        return name

    def ref(self, tp: TypePlan, hint: str) -> dict[str, Any]:
        name = self.def_name(tp, hint)
        return {"$ref": "#/$defs/" + name.replace("~", "~0").replace("/", "~1")}

    # -- types and elements ----------------------------------------------------------

    def element_schema(self, element: ElementPlan, is_global: bool) -> dict[str, Any]:
        tp = element.type
        local = element.tag.rpartition("}")[2]
        if tp.name or is_global:
            schema = self.ref(tp, f"{local}.element")
        else:
            schema = self.type_schema(tp)
        derived = self.derived.get(id(tp), [])
        if derived:
            options = [schema] + [{"allOf": [self.ref(d, ""), {
                "required": ["@xsi:type"], "properties": {"@xsi:type": {"const": d.name}}}]}
                for d in derived]
            schema = {"anyOf": options}
        if getattr(element.xsd, "nillable", False):
            schema = {"anyOf": [schema, {"type": "object", "required": ["@xsi:nil"],
                                         "properties": {"@xsi:nil": {"const": True}}}]}
        description = _documentation(element.xsd)
        if description:
            schema = dict(schema, description=description)
        return schema

    def type_schema(self, tp: TypePlan) -> dict[str, Any]:
        xsd = tp.xsd
        description = _documentation(xsd)
        if tp.kind == SIMPLE:
            simple = xsd if xsd.is_simple() else xsd.content
            schema = value_schema(simple, tp.codec)
        else:
            schema = self.object_schema(tp)
        if description:
            schema["description"] = description
        return schema

    def object_schema(self, tp: TypePlan) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, (key, codec) in tp.attrs.items():
            xsd_attribute = tp.xsd.attributes[name]
            properties[key] = attribute_schema(xsd_attribute.type, codec)
        required.extend(tp.required_attrs)
        if tp.kind == SIMPLE_ATTRS:
            properties[VALUE_KEY] = value_schema(tp.xsd.content, tp.codec)
            required.append(VALUE_KEY)
        elif tp.kind == MIXED:
            properties[MIXED_KEY] = {"type": "array", "items": {"anyOf": [
                {"type": "string"}, self.mixed_item(tp)]}}
            required.append(MIXED_KEY)
        else:
            for member in tp.by_key.values():
                properties[member.key] = self.member_schema(member)
                if member.min_items > 0:
                    required.append(member.key)
            if tp.ambiguous:
                properties[ORDER_KEY] = {"type": "array",
                                         "items": {"enum": list(tp.by_key)}}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        pattern: dict[str, Any] = dict(_XSI_MEMBERS)
        if tp.any_attribute:
            declared = "|".join(re.escape(k[1:]) for k in tp.attr_keys)
            guard = f"(?!(?:{declared})$)" if declared else ""
            pattern[f"^@{guard}(?!xsi:)"] = {"type": "string"}
        schema["patternProperties"] = pattern
        schema["additionalProperties"] = False
        return schema

    def mixed_item(self, tp: TypePlan) -> dict[str, Any]:
        properties = {m.key: self.element_schema(m.element, False)
                      for m in tp.by_key.values() if m.element is not None}
        item: dict[str, Any] = {"type": "object", "minProperties": 1, "maxProperties": 1,
                                "properties": properties}
        if tp.wildcard is None:
            item["additionalProperties"] = False
        return item

    def member_schema(self, member: Member) -> dict[str, Any]:
        if member.element is None:
            item: dict[str, Any] = dict(_ANY_ITEM)
        else:
            item = self.element_schema(member.element, member.element.xsd.is_global())
        if not member.array:
            return item
        schema: dict[str, Any] = {"type": "array", "items": item}
        if member.min_items:
            schema["minItems"] = member.min_items
        if member.max_items < UNBOUNDED:
            schema["maxItems"] = member.max_items
        return schema


def _namespace(name: str) -> str:
    return name[1:name.index("}")] if name.startswith("{") else ""


def derive_json_schema(plan: Plan, roots: Iterable[str] | None = None, *,
                       title: str | None = None, schema_id: str | None = None
                       ) -> dict[str, Any]:
    """The JSON Schema of documents whose root is one of ``roots`` (Clark names;
    default: every global element of the schema set)."""
    deriver = _Deriver(plan)
    tags = list(roots) if roots is not None else list(plan.globals)
    properties: dict[str, Any] = {}
    for tag in tags:
        element = plan.globals[tag]
        properties[plan.root_tags[tag]] = deriver.element_schema(element, True)
    schema: dict[str, Any] = {"$schema": DRAFT}
    if schema_id:
        schema["$id"] = schema_id
    if title:
        schema["title"] = title
    properties[NS_KEY] = {"type": "object", "additionalProperties": {"type": "string"},
                          "description": "prefix -> namespace of the prefixes that QName "
                                         "values kept as written use"}
    schema.update({
        "description": "A message under the tradestd JSON convention "
                       "(docs/json-convention.md): one member, the root element (and "
                       "\"$ns\" where QName values need it).",
        "type": "object", "properties": properties, "minProperties": 1, "maxProperties": 2,
        "not": {"anyOf": [{"maxProperties": 1, "required": [NS_KEY]},
                          {"minProperties": 2, "not": {"required": [NS_KEY]}}]},
        "additionalProperties": False,
        "$defs": dict(sorted(deriver.defs.items())),
    })
    return schema
