"""XML -> JSON data: walk an lxml tree with a compiled :class:`~.plan.Plan`."""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..locate import tag_of
from .plan import (
    ANY_KEY,
    MIXED,
    MIXED_KEY,
    NS_KEY,
    ORDER_KEY,
    SIMPLE,
    SIMPLE_ATTRS,
    VALUE_KEY,
    Plan,
    TypePlan,
    order_is_default,
)
from .values import (
    BOOL,
    QNAME,
    QNAME_TEXT,
    STR,
    TOKEN,
    XSI_NS,
    ConversionError,
    attribute_key,
    decode,
    decode_attribute,
    is_nil,
)

__all__ = ["element_to_data"]

_XSI_TYPE = f"{{{XSI_NS}}}type"
_XSI = f"{{{XSI_NS}}}"
_WS = " \t\n\r"
#: codecs of values that hold QNames: kept as written (convention 2)
_QNAMES = (QNAME, QNAME_TEXT)

#: prefix ("" for the default namespace) -> namespace, of the prefixes QName-bearing text
#: kept as written uses (the root object's "$ns")
Bindings = dict[str, str]


def element_to_data(plan: Plan, root: etree._Element) -> dict[str, Any]:
    """``{"<RootKey>": ...}`` for a root element declared globally in the plan's schema set."""
    tag = tag_of(root)
    key = plan.root_tags.get(tag)
    if key is None:
        # XSD 1.0 Part 1, 5.2 (assessment starting from a type definition): a root with
        # no global declaration is valid by the type its xsi:type names; its key is its
        # name in full
        xsi_type = root.get(_XSI_TYPE)
        if xsi_type is None:
            raise ConversionError(f"the root element {tag} is not a global element of the "
                                  "schema set", line=root.sourceline)
        root_type = _typed(plan, root, xsi_type)
        key = tag
    else:
        root_type = plan.globals[tag].type
    ns: Bindings = {}
    try:
        value = _value(plan, root, root_type, ns)
    except ConversionError as exc:
        raise exc.under(key, line=root.sourceline) from None
    if ns.get("") == "":
        del ns[""]  # unprefixed QNames of no namespace: no default namespace to declare
    if ns:
        return {key: value, NS_KEY: dict(sorted(ns.items()))}
    return {key: value}


def _value(plan: Plan, el: etree._Element, tp: TypePlan, ns: Bindings) -> Any:
    nil = False
    if el.keys():  # cheaper than testing el.attrib
        attrib = el.attrib
        xsi_type = attrib.get(_XSI_TYPE)
        if xsi_type is not None:
            tp = _typed(plan, el, xsi_type)
        obj = _attributes(plan, el, attrib, tp, ns)
        nil = is_nil(obj.get("@xsi:nil"))
    elif tp.kind == SIMPLE:
        return _text(el, tp.codec, ns)
    else:
        obj = {}
    kind = tp.kind
    if kind == SIMPLE or kind == SIMPLE_ATTRS:
        if not nil:
            obj[VALUE_KEY] = _text(el, tp.codec, ns)
        return obj
    if nil:
        return obj
    if kind == MIXED:
        obj[MIXED_KEY] = _mixed(plan, el, tp, ns)
    else:
        _children(plan, el, tp, obj, ns)
    return obj


def _typed(plan: Plan, el: etree._Element, lexical: str) -> TypePlan:
    name = _qname(el, lexical)
    tp = plan.types.get(name)
    if tp is None:
        raise ConversionError(f"xsi:type {lexical!r} names no type of the schema set",
                              line=el.sourceline)
    return tp


def _text(el: etree._Element, codec: int, ns: Bindings) -> Any:
    text = el.text or ""
    if len(el):  # comments or processing instructions split the text
        stray = next((c for c in el if isinstance(c.tag, str)), None)
        if stray is not None:
            raise ConversionError(f"element {tag_of(stray)} inside a simple value",
                                  line=stray.sourceline)
        text += "".join(child.tail or "" for child in el)
    if codec in _QNAMES:  # as written, the bindings of their prefixes in $ns
        _bind(el, text, ns)
    return text if codec == STR else decode(codec, text)


def _bind(el: etree._Element, text: str, ns: Bindings) -> None:
    """Record the namespaces of the prefixes in QName-bearing text kept as written
    (an unprefixed QName outside any default namespace records ``"" -> ""``, so that a
    document using both kinds of unprefixed QName is refused rather than misread)."""
    nsmap = el.nsmap
    for token in text.split():
        prefix, colon, _ = token.rpartition(":")
        namespace = nsmap.get(prefix if colon else None)
        if namespace is None:
            if colon:
                continue  # an undeclared prefix: not a QName the XSD accepted
            namespace = ""
        prefix = prefix if colon else ""
        known = ns.setdefault(prefix, namespace)
        if known != namespace:
            raise ConversionError(
                f"the prefix {prefix or '(default)'!r} names two namespaces ({known or 'none'} "
                f"and {namespace or 'none'}) in QName values of one document; JSON carries "
                "one binding per prefix", line=el.sourceline)


def _qname(el: etree._Element, lexical: str) -> str:
    value = lexical.strip(" \t\r\n")
    prefix, colon, local = value.rpartition(":")
    namespace = el.nsmap.get(prefix if colon else None)
    return f"{{{namespace}}}{local}" if namespace else value


def _attributes(plan: Plan, el: etree._Element, attrib: Any, tp: TypePlan,
                ns: Bindings) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    attrs = tp.attrs
    for name, value in attrib.items():
        spec = attrs.get(name)
        if spec is not None:
            key, codec = spec
            if codec in _QNAMES:
                _bind(el, value, ns)
            obj[key] = decode_attribute(codec, value)
        elif name.startswith(_XSI):
            local = name[len(_XSI):]
            if local == "type":
                _bind(el, value, ns)
                obj["@xsi:type"] = value
            elif local == "nil":
                obj["@xsi:nil"] = decode_attribute(BOOL, value)
            else:
                obj["@xsi:" + local] = value
        else:
            if tp.any_attribute_typed and name in plan.qname_attrs:
                _bind(el, value, ns)  # a wildcard attribute declared with QNames
            obj[attribute_key(name)] = value
    return obj


def _children(plan: Plan, el: etree._Element, tp: TypePlan, obj: dict[str, Any],
              ns: Bindings) -> None:
    member_of = tp.children.get
    order: list[str] | None = [] if tp.ambiguous else None
    text = el.text
    if text and not text.isspace():
        raise ConversionError(f"text {text.strip()[:20]!r} in element-only content",
                              line=el.sourceline)
    for child in el:
        text = child.tail
        if text and not text.isspace():
            raise ConversionError(f"text {text.strip()[:20]!r} in element-only content",
                                  line=child.sourceline)
        tag: Any = child.tag  # a str, or lxml's factory for a comment: no member either way
        member = member_of(tag)
        if member is None:
            if not isinstance(tag, str):
                continue  # comment or processing instruction
            if tp.wildcard is None:
                raise ConversionError(f"element {tag} is not allowed here",
                                      line=child.sourceline)
            found = obj.get(ANY_KEY)
            if found is None:
                obj[ANY_KEY] = found = []
            found.append(_wild(plan, child, tp.wildcard_typed, ns))
            key = ANY_KEY
        else:
            key = member.key
            leaf = member.leaf
            if leaf >= 0 and not len(child) and not child.keys():
                # the common case, a plain value: no call, no attribute map
                value: Any = child.text
                if value is None:
                    value = ""
                elif leaf != STR:
                    value = value.strip(_WS) if leaf == TOKEN else decode(leaf, value)
                if member.boxed:
                    value = {VALUE_KEY: value}
            elif member.nested and not child.keys():
                value = {}
                assert member.type is not None
                try:
                    _children(plan, child, member.type, value, ns)
                except ConversionError as exc:
                    raise exc.under(key, line=child.sourceline) from None
            else:
                assert member.type is not None
                try:
                    value = _value(plan, child, member.type, ns)
                except ConversionError as exc:
                    raise exc.under(key, line=child.sourceline) from None
            if member.array:
                items = obj.get(key)
                if items is None:
                    obj[key] = [value]
                else:
                    items.append(value)
            elif key in obj:
                raise ConversionError(f"element {tag} occurs more than once",
                                      line=child.sourceline)
            else:
                obj[key] = value
        if order is not None:
            order.append(key)
    if order is not None and not order_is_default(tp, order):
        obj[ORDER_KEY] = order


def _add_text(items: list[Any], text: str | None) -> None:
    """Append text, merged with a text just before (comments between them are gone)."""
    if text:
        if items and isinstance(items[-1], str):
            items[-1] += text
        else:
            items.append(text)


def _mixed(plan: Plan, el: etree._Element, tp: TypePlan, ns: Bindings) -> list[Any]:
    items: list[Any] = []
    _add_text(items, el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            member = tp.children.get(tag)
            if member is not None and member.element is not None:
                items.append({member.key: _value(plan, child, member.element.type, ns)})
            elif tp.wildcard is not None:
                items.append(_wild(plan, child, tp.wildcard_typed, ns))
            else:
                raise ConversionError(f"element {tag} is not allowed here",
                                      line=child.sourceline)
        _add_text(items, child.tail)
    return items


def _wild(plan: Plan, el: etree._Element, typed: bool, ns: Bindings) -> dict[str, Any]:
    tag = el.tag
    assert isinstance(tag, str)
    if typed:
        declared = plan.globals.get(tag)
        if declared is not None:
            return {tag: _value(plan, el, declared.type, ns)}
    return {tag: generic(el, ns)}


def generic(el: etree._Element, ns: Bindings) -> Any:
    """Schema-less lossless form of wildcard (``skip``/undeclared) content."""
    attrib = el.attrib
    elements = [c for c in el if isinstance(c.tag, str)]
    if not attrib and not elements:
        return _text(el, STR, ns)
    obj: dict[str, Any] = {attribute_key(name): value for name, value in attrib.items()}
    xsi_type = attrib.get(_XSI_TYPE)
    if xsi_type is not None:
        _bind(el, xsi_type, ns)  # a QName even where no schema checks the content
    content: list[Any] = []
    _add_text(content, el.text)
    for child in el:
        if isinstance(child.tag, str):
            content.append({child.tag: generic(child, ns)})
        _add_text(content, child.tail)
    if elements:
        content = [c for c in content if not isinstance(c, str) or c.strip()]
    if content:
        obj["$content"] = content
    return obj
