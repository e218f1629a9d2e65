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
    CONVENTION,
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
from .valueforms import FAMILIES, equal_forms
from .values import BOOL, INT, QNAME, STR
from .xsdregex import UNCOLLAPSED, alternatives, anchored, literal, translate

__all__ = ["DRAFT", "derive_json_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
XS = "http://www.w3.org/2001/XMLSchema"
_XSI_MEMBERS = {"^@xsi:": {"type": ["string", "boolean"]}}
_PADDED = r"^[ \t\n\r]|[ \t\n\r]$"
_ANY_ITEM = {"type": "object", "minProperties": 1, "maxProperties": 1}
_INLINE_DEPTH = 24
#: ``xsi:nil`` true: ``true``, or the text ``1`` (xs:boolean, XSD 1.0 Part 2, 3.2.2)
_NIL = {"anyOf": [{"const": True},
                  {"type": "string", "pattern": r"^[ \t\n\r]*(?:true|1)[ \t\n\r]*$"}]}
_INTEGER = re.compile(r"[ \t\n\r]*[+-]?[0-9]+[ \t\n\r]*")


def _documentation(component: Any) -> str | None:
    annotation = getattr(component, "annotation", None)
    if annotation is None:
        return None
    texts = [" ".join((d.text or "").split()) for d in annotation.documentation]
    text = "\n".join(t for t in texts if t)
    return text or None


class _Facets:
    """Facets of a simple type and its bases. Single-valued facets: the nearest step
    wins (a restriction may only narrow them). Patterns: one list per derivation step
    (alternatives within a step, all steps must hold)."""

    def __init__(self, simple: Any) -> None:
        self.values: dict[str, Any] = {}
        self.steps: list[list[str]] = []
        self.enumeration: list[str] | None = None
        for node in simple_bases(simple):
            for name, facet in getattr(node, "facets", {}).items():
                if name is None:
                    continue
                local = name.rpartition("}")[2]
                if local == "pattern":
                    self.steps.append(list(facet.regexps))
                elif local == "enumeration":
                    if self.enumeration is None:
                        self.enumeration = [e.get("value") or "" for e in facet]
                else:
                    self.values.setdefault(local, getattr(facet, "value", None))

    def get(self, local: str) -> Any:
        return self.values.get(local)


def _family(simple: Any) -> str | None:
    """The :data:`~.valueforms.FAMILIES` entry of an atomic type (``integer`` apart)."""
    if _derives(simple, "integer"):
        return "integer"
    primitive = getattr(simple, "primitive_type", None)
    name = getattr(primitive, "name", None) or ""
    return FAMILIES.get(name.rpartition("}")[2])


def _whitespace(simple: Any) -> str:
    return getattr(simple, "white_space", None) or "preserve"


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


class _Constraints:
    """String keywords of one value, split by whether they hold only on the collapsed
    form (see xsdregex: a collapse type's JSON keeps inner whitespace runs)."""

    def __init__(self, collapse: bool) -> None:
        self.collapse = collapse
        self.plain: list[dict[str, Any]] = []
        self.collapsed: list[dict[str, Any]] = []

    def add(self, keyword: dict[str, Any], *, needs_collapsed: bool = False) -> None:
        (self.collapsed if self.collapse and needs_collapsed else self.plain).append(keyword)

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        clauses = list(self.plain)
        if self.collapsed:
            strict = _merge(self.collapsed)
            clauses.append({"anyOf": [{"pattern": UNCOLLAPSED}, strict]})
        merged = _merge(clauses)
        schema.update(merged)
        return schema


def _merge(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema holding every clause (``allOf`` only for repeated keywords)."""
    merged: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for clause in clauses:
        if any(k in merged for k in clause):
            extra.append(clause)
        else:
            merged.update(clause)
    if extra:
        merged["allOf"] = extra
    return merged


def _pattern_clauses(facets: _Facets, whitespace: str, version: str,
                     out: _Constraints) -> None:
    for step in facets.steps:
        translated = [translate(p, whitespace, version) for p in step]
        if any(t is None for t in translated):
            continue  # left to the XSD: looser, never stricter
        one = alternatives([t for t in translated if t is not None])
        out.add({"pattern": one.pattern}, needs_collapsed=one.spaces)


def _enum_clause(values: list[str], family: str | None, whitespace: str,
                 out: _Constraints) -> None:
    """Enumeration (or fixed value) compared in the value space."""
    if family is None:
        return
    values = list(dict.fromkeys(values))
    if family == "exact":
        spaced = any(" " in v for v in values)
        if whitespace == "replace" and spaced:
            bodies = [literal(v).replace(" ", "[ \\t\\n\\r]") for v in values]
            out.add({"pattern": anchored("|".join(bodies))})
        else:
            out.add({"enum": values}, needs_collapsed=spaced)
        return
    forms = [equal_forms(family, v) for v in values]
    if any(f is None for f in forms):
        return
    out.add({"pattern": anchored("|".join(f for f in forms if f is not None))})


def value_schema(simple: Any, codec: int, *, fixed: str | None = None,
                 version: str = "1.0") -> dict[str, Any]:
    """Schema of one value (text of a simple type) under the convention; ``fixed``: a
    value it must equal (in the value space)."""
    if simple is None:
        return {"type": "string"}
    if codec == BOOL:
        return {"anyOf": [{"type": "boolean"}, {"enum": ["1", "0"]}]}
    if codec == QNAME or simple.is_list() or simple.is_union():
        return {"type": "string"}
    facets = _Facets(simple)
    whitespace = _whitespace(simple)
    family = _family(simple)
    enumeration = [fixed] if fixed is not None else facets.enumeration
    out = _Constraints(whitespace == "collapse")
    if codec == INT:
        number: dict[str, Any] = {"type": "integer"}
        for facet, keyword in (("minInclusive", "minimum"), ("maxInclusive", "maximum"),
                               ("minExclusive", "exclusiveMinimum"),
                               ("maxExclusive", "exclusiveMaximum")):
            if facets.get(facet) is not None:
                number[keyword] = int(facets.get(facet))
        if enumeration is not None and all(_INTEGER.fullmatch(v) for v in enumeration):
            number["enum"] = list(dict.fromkeys(int(v) for v in enumeration))
        out.add({"pattern": r"^[+-]?[0-9]+$"})
        _pattern_clauses(facets, whitespace, version, out)
        if enumeration is not None:
            _enum_clause(enumeration, "integer", whitespace, out)
        return {"anyOf": [number, out.schema()]}
    if family == "decimal":
        out.add({"pattern": _decimal_pattern(facets.get("totalDigits"),
                                             facets.get("fractionDigits"))})
    if family == "exact":
        if facets.get("length") is not None:
            out.add({"minLength": int(facets.get("length"))})
            out.add({"maxLength": int(facets.get("length"))}, needs_collapsed=True)
        if facets.get("minLength") is not None:
            out.add({"minLength": int(facets.get("minLength"))})
        if facets.get("maxLength") is not None:
            out.add({"maxLength": int(facets.get("maxLength"))}, needs_collapsed=True)
    _pattern_clauses(facets, whitespace, version, out)
    if enumeration is not None:
        _enum_clause(enumeration, family, whitespace, out)
    return out.schema()


def attribute_schema(simple: Any, codec: int, *, fixed: str | None = None,
                     version: str = "1.0") -> dict[str, Any]:
    """Attribute values are carried exactly: one with surrounding whitespace stays a
    string (its facets are then checked by the XSD after conversion)."""
    schema = value_schema(simple, codec, fixed=fixed, version=version)
    if codec == STR:
        return schema
    return {"anyOf": [schema, {"type": "string", "pattern": _PADDED}]}


def _derives(simple: Any, local: str) -> bool:
    return derives_from(simple, f"{{{XS}}}{local}")


class _Deriver:
    """Builds ``$defs`` with a work list: a ``$ref`` only reserves the name, so named
    and recursive types never nest Python calls; anonymous local types are written in
    place unless they recur (or nest deeper than :data:`_INLINE_DEPTH`)."""

    def __init__(self, plan: Plan, version: str) -> None:
        self.plan = plan
        self.version = version
        self.defs: dict[str, Any] = {}
        self.names: dict[tuple[int, str], str] = {}
        self.pending: list[tuple[str, TypePlan, str, str]] = []
        self.inline: set[int] = set()
        self.shared_names: dict[Any, str] = {}
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

    def ref(self, tp: TypePlan, hint: str, form: str = "") -> dict[str, Any]:
        """``$ref`` to the definition of ``tp`` (``form`` "xsi": the object form of a
        simple type, for elements that carry attributes such as ``xsi:*``)."""
        key = (id(tp), form)
        name = self.names.get(key)
        if name is None:
            base = hint
            if tp.name:
                namespace, _, local = tp.name[1:].rpartition("}") if tp.name[0] == "{" \
                    else ("", "", tp.name)
                base = f"xs:{local}" if namespace == XS else local
            if form:
                base = f"{base}.{form}"
            name, index = base, 2
            while name in self.defs:
                prefix = self.plan.prefixes.get(_namespace(tp.name or ""), "")
                name = f"{prefix}:{base}" if prefix and index == 2 else f"{base}.{index}"
                index += 1
            self.names[key] = name
            self.defs[name] = {}
            self.pending.append((name, tp, form, hint))
        return {"$ref": "#/$defs/" + name.replace("~", "~0").replace("/", "~1")}

    def run(self) -> None:
        while self.pending:
            name, tp, form, hint = self.pending.pop()
            self.defs[name] = self.xsi_form(tp, hint) if form else self.type_schema(tp)

    # -- types and elements ----------------------------------------------------------

    def element_schema(self, element: ElementPlan, is_global: bool) -> dict[str, Any]:
        tp = element.type
        local = element.tag.rpartition("}")[2]
        xsd = element.xsd
        if tp.name or is_global or id(tp) in self.inline or len(self.inline) >= _INLINE_DEPTH:
            schema = self.ref(tp, f"{local}.element")
        else:
            self.inline.add(id(tp))
            try:
                schema = self.type_schema(tp)
            finally:
                self.inline.discard(id(tp))
        default = getattr(xsd, "default", None)
        fixed = getattr(xsd, "fixed", None)
        if tp.kind == SIMPLE:
            if fixed is not None:
                simple = tp.xsd if tp.xsd.is_simple() else tp.xsd.content
                schema = {"allOf": [schema, value_schema(simple, tp.codec, fixed=fixed,
                                                         version=self.version)]}
            # an element of simple type with attributes (xsi:* ...) becomes an object
            # (if/then/else rather than anyOf: errors then name the failing keyword)
            schema = {"if": {"type": "object"},
                      "then": self.ref(tp, f"{local}.element", "xsi"), "else": schema}
        options = [schema]
        if tp.name == f"{{{XS}}}anyType":
            options.append({"type": "object", "required": ["@xsi:type"]})
        elif self.derived.get(id(tp)):
            # the types derived from it, under xsi:type: one definition per base type
            # (a base such as xs:string may have hundreds, and many elements)
            derived = self.derived[id(tp)]
            base = (tp.name or f"{local}.element").rpartition("}")[2]
            options.append(self.shared(("derived", id(tp)), f"{base}.derived", lambda: {
                "anyOf": [{"allOf": [self.ref(d, ""), _xsi_type_named(d.name)]}
                          for d in derived]}))
        if getattr(xsd, "nillable", False):
            options.append({"type": "object", "required": ["@xsi:nil"],
                            "properties": {"@xsi:nil": _NIL}})
        if (default is not None or fixed is not None) and tp.kind in (SIMPLE, SIMPLE_ATTRS):
            # an empty element takes the default (or fixed) value
            if tp.kind == SIMPLE:
                options.append({"const": ""})
            options.append({"type": "object", "required": [VALUE_KEY],
                            "properties": {VALUE_KEY: {"const": ""}}})
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        description = _documentation(xsd)
        if description:
            schema = dict(schema, description=description)
        return schema

    def type_schema(self, tp: TypePlan) -> dict[str, Any]:
        xsd = tp.xsd
        description = _documentation(xsd)
        if tp.kind == SIMPLE:
            simple = xsd if xsd.is_simple() else xsd.content
            schema = value_schema(simple, tp.codec, version=self.version)
        else:
            schema = self.object_schema(tp)
        if description:
            schema["description"] = description
        return schema

    def xsi_form(self, tp: TypePlan, hint: str) -> dict[str, Any]:
        """``{"value": ..., "@xsi:...": ...}``: an element of simple type that carries
        attributes. Under ``xsi:type`` the value follows the named type, whose codec
        may differ (a number for an integer type...): it is then any scalar."""
        value = self.ref(tp, hint)
        return {
            "type": "object",
            "properties": {VALUE_KEY: True},
            "patternProperties": dict(_XSI_MEMBERS),
            "additionalProperties": False,
            "anyOf": [{"required": [VALUE_KEY]}, {
                "required": ["@xsi:nil"], "properties": {"@xsi:nil": _NIL}}],
            "if": {"required": ["@xsi:type"]},
            "then": {"properties": {VALUE_KEY: {"type": ["string", "integer", "boolean"]}}},
            "else": {"properties": {VALUE_KEY: value}},
        }

    def object_schema(self, tp: TypePlan) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, (key, codec) in tp.attrs.items():
            xsd_attribute = tp.xsd.attributes[name]
            properties[key] = attribute_schema(xsd_attribute.type, codec,
                                               fixed=getattr(xsd_attribute, "fixed", None),
                                               version=self.version)
        required.extend(tp.required_attrs)
        if tp.kind == SIMPLE_ATTRS:
            properties[VALUE_KEY] = value_schema(tp.xsd.content, tp.codec,
                                                 version=self.version)
            required.append(VALUE_KEY)
        elif tp.kind == MIXED:
            properties[MIXED_KEY] = {"type": "array", "items": {"anyOf": [
                {"type": "string"}, self.mixed_item(tp)]}}
            if any(m.min_items > 0 for m in tp.by_key.values()) or tp.wild_required:
                required.append(MIXED_KEY)  # else an empty element may leave it out
        else:
            for member in tp.by_key.values():
                properties[member.key] = self.member_schema(member, tp)
                if member.min_items > 0:
                    required.append(member.key)
            if tp.ambiguous:
                properties[ORDER_KEY] = {"type": "array",
                                         "items": {"enum": list(tp.by_key)}}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if tp.kind not in (SIMPLE_ATTRS, MIXED) and tp.wild_required:
            # a wildcard that must occur: its content is $any or one of its named members
            clauses = [self.one_of_members(keys) for keys in tp.wild_required]
            schema.update(clauses[0] if len(clauses) == 1 else {"allOf": clauses})
        pattern: dict[str, Any] = dict(_XSI_MEMBERS)
        if tp.any_attribute:
            declared = "|".join(literal(k[1:]) for k in tp.attr_keys)
            guard = f"(?!(?:{declared})$)" if declared else ""
            pattern[f"^@{guard}(?!xsi:)"] = {"type": "string"}
        schema["patternProperties"] = pattern
        schema["additionalProperties"] = False
        return schema

    def shared(self, key: Any, base: str, build: Any) -> dict[str, Any]:
        """``$ref`` to a definition built once for ``key`` (``build()`` makes it)."""
        name = self.shared_names.get(key)
        if name is None:
            name, index = base, 2
            while name in self.defs:
                name = f"{base}.{index}"
                index += 1
            self.shared_names[key] = name
            self.defs[name] = {}
            self.defs[name] = build()
        return {"$ref": "#/$defs/" + name.replace("~", "~0").replace("/", "~1")}

    def wild_member(self, tp: TypePlan, member: Member) -> dict[str, Any]:
        """The schema of a member a wildcard names (convention 2): a ``$ref`` to one
        definition per global element, since many wildcards take the same elements."""
        element = member.element
        assert element is not None
        if member.tag not in tp.wild_tags:
            return self.element_schema(element, element.xsd.is_global())
        local = element.tag.rpartition("}")[2]
        return self.shared(("element", id(element)), f"{local}.element",
                           lambda: self.element_schema(element, True))

    def one_of_members(self, keys: tuple[str, ...]) -> dict[str, Any]:
        """At least one of the members ``keys`` is present (few: ``anyOf`` of
        ``required``, whose errors read well; many: one shared definition, "not every
        member name is outside ``keys``")."""
        if len(keys) <= 8:
            return {"anyOf": [{"required": [key]} for key in keys]}
        return self.shared(("some", keys), "$any.some", lambda: {
            "not": {"propertyNames": {"not": {"enum": list(keys)}}}})

    def undeclared(self, tags: list[str]) -> dict[str, Any]:
        """``propertyNames`` of ``$any`` items: not one of ``tags`` (named members)."""
        return self.shared(("names", tuple(tags)), "$any.names",
                           lambda: {"not": {"enum": tags}})

    def mixed_item(self, tp: TypePlan) -> dict[str, Any]:
        properties = {m.key: self.wild_member(tp, m)
                      for m in tp.by_key.values() if m.element is not None}
        item: dict[str, Any] = {"type": "object", "minProperties": 1, "maxProperties": 1,
                                "properties": properties}
        if tp.wildcard is None:
            item["additionalProperties"] = False
        else:
            named = [t for t in tp.wild_tags if tp.children[t].key != t]
            if named:  # convention 2: named members, never in full
                item["propertyNames"] = self.undeclared(named)
        return item

    def member_schema(self, member: Member, tp: TypePlan) -> dict[str, Any]:
        if member.element is None:
            item: dict[str, Any] = dict(_ANY_ITEM)
            if tp.wild_tags:
                # what the schema set declares is a named member (convention 2): $any
                # holds only what it does not
                item["propertyNames"] = self.undeclared(list(tp.wild_tags))
        else:
            item = self.wild_member(tp, member)
        if not member.array:
            return item
        schema: dict[str, Any] = {"type": "array", "items": item}
        if member.min_items:
            schema["minItems"] = member.min_items
        if member.max_items < UNBOUNDED:
            schema["maxItems"] = member.max_items
        return schema


def _xsi_type_named(name: str | None) -> dict[str, Any]:
    """``@xsi:type`` naming the type ``name``: as written (``p:Local``, convention 2;
    the prefix's binding is in ``$ns``, so only the local name is checked here) or in
    Clark notation (convention 1)."""
    namespace, _, local = (name or "")[1:].rpartition("}") if (name or "").startswith("{") \
        else ("", "", name or "")
    clark = literal(f"{{{namespace}}}") if namespace else ""
    pattern = f"^[ \\t\\n\\r]*(?:{clark}|[^:{{}}]+:)?{literal(local)}[ \\t\\n\\r]*$"
    return {"required": ["@xsi:type"], "properties": {"@xsi:type": {"pattern": pattern}}}


def _namespace(name: str) -> str:
    return name[1:name.index("}")] if name.startswith("{") else ""


def derive_json_schema(plan: Plan, roots: Iterable[str] | None = None, *,
                       title: str | None = None, schema_id: str | None = None,
                       xsd_version: str = "1.0") -> dict[str, Any]:
    """The JSON Schema of documents whose root is one of ``roots`` (Clark names;
    default: every global element of the schema set)."""
    deriver = _Deriver(plan, xsd_version)
    tags = list(roots) if roots is not None else list(plan.globals)
    properties: dict[str, Any] = {}
    for tag in tags:
        element = plan.globals[tag]
        properties[plan.root_tags[tag]] = deriver.element_schema(element, True)
    deriver.run()
    schema: dict[str, Any] = {"$schema": DRAFT}
    if schema_id:
        schema["$id"] = schema_id
    if title:
        schema["title"] = title
    properties[NS_KEY] = {"type": "object", "additionalProperties": {"type": "string"},
                          "description": "prefix -> namespace of the prefixes that QName "
                                         "values kept as written use"}
    schema.update({
        "description": f"A message under the tradestd JSON convention {CONVENTION} "
                       "(docs/json-convention.md): one member, the root element (and "
                       "\"$ns\" where QName values need it).",
        "type": "object", "properties": properties, "minProperties": 1, "maxProperties": 2,
        "not": {"anyOf": [{"maxProperties": 1, "required": [NS_KEY]},
                          {"minProperties": 2, "not": {"required": [NS_KEY]}}]},
        # any root: one no global element declares is valid by its xsi:type (XSD 1.0
        # Part 1, 5.2), keyed by its name in full; its content is left to the XSD
        "additionalProperties": False if roots is not None else {
            "type": "object", "required": ["@xsi:type"]},
        "$defs": dict(sorted(deriver.defs.items())),
    })
    return schema
