"""JSON data -> XML: build an lxml tree in schema order with a compiled plan."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .plan import (
    ANY_KEY,
    MIXED,
    MIXED_KEY,
    NS_KEY,
    ORDER_KEY,
    SIMPLE,
    SIMPLE_ATTRS,
    VALUE_KEY,
    ElementPlan,
    Plan,
    TypePlan,
    walk_model,
)
from .values import QNAME, XML_NS, XSI_NS, ConversionError, encode, is_nil, key_to_name

__all__ = ["convention_1_item", "data_to_element"]

_XSI_TYPE = f"{{{XSI_NS}}}type"


class _Writer:
    """Builds one document; holds the prefixes in scope at the root."""

    def __init__(self, plan: Plan, nsmap: dict[str | None, str]) -> None:
        self.plan = plan
        self.nsmap = nsmap
        self.prefix_of = {ns: p for p, ns in nsmap.items() if p is not None}
        self.prefix_of[XML_NS] = "xml"
        self.extra: dict[str, str] = {}  # namespaces only QName values use

    # -- values ----------------------------------------------------------------------

    def qname(self, value: Any) -> str:
        """XML text of a QName value: as written (convention 2: ``"p:local"``, ``p``
        bound in ``$ns``), or ``"{namespace}local"`` (convention 1), given a prefix."""
        if not isinstance(value, str):
            raise ConversionError("a QName must be a string, \"prefix:local\"")
        if not value.startswith("{"):
            written, colon, _ = value.strip(" \t\n\r").rpartition(":")
            if colon and written not in self.nsmap and written != "xml":
                raise ConversionError(f"the prefix of the QName {value!r} is not declared: "
                                      "give its namespace in \"$ns\"")
            return value
        namespace, _, local = value[1:].partition("}")
        prefix = self.prefix_of.get(namespace)
        if prefix is None:
            prefix = f"q{len(self.extra)}"
            while prefix in self.nsmap:
                prefix += "_"
            self.extra[prefix] = namespace
            self.prefix_of[namespace] = prefix
        return f"{prefix}:{local}"

    def resolve(self, value: Any) -> str:
        """The Clark name of a QName value (as written, or already Clark)."""
        if not isinstance(value, str) or value.startswith("{"):
            return value if isinstance(value, str) else ""
        prefix, colon, local = value.strip(" \t\n\r").rpartition(":")
        namespace = XML_NS if prefix == "xml" else self.nsmap.get(prefix if colon else None)
        return f"{{{namespace}}}{local}" if namespace else local

    def finish(self, root: etree._Element) -> etree._Element:
        """Declare on the root the namespaces that only QName values name (a new root
        element takes the content: lxml cannot add declarations to an element)."""
        if not self.extra:
            return root
        nsmap: dict[str | None, str] = dict(self.nsmap)
        nsmap.update(self.extra)
        top = etree.Element(root.tag, root.attrib, nsmap=nsmap)
        top.text = root.text
        top.extend(list(root))
        return top

    def text(self, el: etree._Element, codec: int, value: Any) -> None:
        el.text = self.qname(value) if codec == QNAME else encode(value)

    # -- elements ------------------------------------------------------------------

    def fill(self, el: etree._Element, tp: TypePlan, value: Any) -> None:
        if not isinstance(value, dict):
            if tp.kind != SIMPLE:
                raise ConversionError(f"expected an object, got {_kind(value)}")
            self.text(el, tp.codec, value)
            return
        xsi_type = value.get("@xsi:type")
        if xsi_type is not None:
            found = self.plan.types.get(self.resolve(xsi_type))
            if found is None:
                raise ConversionError(f"@xsi:type {xsi_type!r} names no type of the schema set")
            tp = found
        handled = self.attributes(el, tp, value)
        kind = tp.kind
        if kind == SIMPLE or kind == SIMPLE_ATTRS:
            if VALUE_KEY in value:
                handled += 1
                try:
                    self.text(el, tp.codec, value[VALUE_KEY])
                except ConversionError as exc:
                    raise exc.under(VALUE_KEY) from None
        elif kind == MIXED:
            if MIXED_KEY in value:
                handled += 1
                self.mixed(el, tp, value[MIXED_KEY])
        else:
            handled += self.children(el, tp, value)
        if handled != len(value):
            _unknown(tp, value)

    def attributes(self, el: etree._Element, tp: TypePlan, value: dict[str, Any]) -> int:
        count = 0
        attr_keys = tp.attr_keys
        for key, item in value.items():
            if not key.startswith("@"):
                continue
            count += 1
            spec = attr_keys.get(key)
            try:
                if spec is not None:
                    name, codec = spec
                    el.set(name, self.qname(item) if codec == QNAME else encode(item))
                elif key == "@xsi:type":
                    el.set(_XSI_TYPE, self.qname(item))
                else:
                    el.set(key_to_name(key[1:]), encode(item))
            except ValueError as exc:
                raise _conversion(exc).under(key) from None
        return count

    def children(self, el: etree._Element, tp: TypePlan, value: dict[str, Any]) -> int:
        if is_nil(value.get("@xsi:nil")):
            return 0
        if tp.ambiguous and ORDER_KEY in value:
            return self.in_recorded_order(el, tp, value) + 1
        if tp.ambiguous:
            assert tp.model is not None
            return self.in_default_order(el, tp, value)
        count = 0
        for key in tp.order:
            item = value.get(key)
            if item is None:
                continue
            count += 1
            if tp.by_key[key].array:
                if not isinstance(item, list):
                    raise ConversionError(f"expected an array, got {_kind(item)}").under(key)
                for index, entry in enumerate(item):
                    self.child(el, tp, key, entry, (key, index))
            else:
                self.child(el, tp, key, item, (key,))
        return count

    def child(self, el: etree._Element, tp: TypePlan, key: str, item: Any,
              step: tuple[str | int, ...]) -> None:
        try:
            if key == ANY_KEY:
                self.wild(el, item, tp.wildcard_typed)
                return
            member = tp.by_key[key]
            assert member.element is not None
            child = etree.SubElement(el, member.tag)
            self.fill(child, member.element.type, item)
        except ValueError as exc:
            raise _conversion(exc).under(*step) from None

    def wild(self, el: etree._Element, item: Any, typed: bool) -> None:
        if not isinstance(item, dict) or len(item) != 1:
            raise ConversionError("wildcard content is an object with one member, "
                                  "{\"{namespace}Local\": ...}")
        ((tag, content),) = item.items()
        declared = self.plan.globals.get(tag) if typed else None
        try:
            child = etree.SubElement(el, tag)
            if declared is not None:
                self.fill(child, declared.type, content)
            else:
                generic(child, content)
        except ValueError as exc:
            raise _conversion(exc).under(tag) from None

    # -- order ---------------------------------------------------------------------

    def in_recorded_order(self, el: etree._Element, tp: TypePlan, value: dict[str, Any]) -> int:
        order = value[ORDER_KEY]
        if not isinstance(order, list):
            raise ConversionError("$order must be an array of member names").under(ORDER_KEY)
        used: dict[str, int] = {}
        for position, key in enumerate(order):
            member = tp.by_key.get(key) if isinstance(key, str) else None
            if member is None or key not in value:
                raise ConversionError(f"$order names {key!r}, which is not a member here"
                                      ).under(ORDER_KEY, position)
            index = used.get(key, 0)
            used[key] = index + 1
            item = value[key]
            if member.array:
                if not isinstance(item, list):
                    raise ConversionError(f"expected an array, got {_kind(item)}").under(key)
                if index >= len(item):
                    raise ConversionError(f"$order names {key!r} more often than it has items"
                                          ).under(ORDER_KEY, position)
                self.child(el, tp, key, item[index], (key, index))
            else:
                if index:
                    raise ConversionError(f"$order names {key!r} twice"
                                          ).under(ORDER_KEY, position)
                self.child(el, tp, key, item, (key,))
        for key, count in used.items():
            item = value[key]
            if tp.by_key[key].array and len(item) != count:
                raise ConversionError(f"$order names {key!r} {count} times but it has "
                                      f"{len(item)} items").under(ORDER_KEY)
        missing = [k for k in tp.by_key if k in value and k not in used]
        if missing:
            raise ConversionError(f"$order does not name {missing[0]!r}").under(ORDER_KEY)
        return len(used)

    def in_default_order(self, el: etree._Element, tp: TypePlan, value: dict[str, Any]) -> int:
        queues: dict[str, list[tuple[Any, tuple[str | int, ...]]]] = {}
        for key, member in tp.by_key.items():
            if key in value:
                item = value[key]
                if member.array:
                    if not isinstance(item, list):
                        raise ConversionError(f"expected an array, got {_kind(item)}").under(key)
                    queues[key] = [(entry, (key, i)) for i, entry in reversed(list(enumerate(item)))]
                else:
                    queues[key] = [(item, (key,))]
        count = len(queues)
        assert tp.model is not None
        walk_model(tp.model, queues, lambda key, entry: self.child(el, tp, key, *entry))
        for key in tp.order:  # whatever the model could not place keeps schema order
            for item, step in reversed(queues.get(key, [])):
                self.child(el, tp, key, item, step)
        return count

    # -- mixed content ---------------------------------------------------------------

    def mixed(self, el: etree._Element, tp: TypePlan, items: Any) -> None:
        if not isinstance(items, list):
            raise ConversionError("$mixed must be an array of strings and elements"
                                  ).under(MIXED_KEY)
        last: etree._Element | None = None
        for index, item in enumerate(items):
            try:
                if isinstance(item, str):
                    if last is None:
                        el.text = (el.text or "") + item
                    else:
                        last.tail = (last.tail or "") + item
                    continue
                if not isinstance(item, dict) or len(item) != 1:
                    raise ConversionError("a $mixed entry is a string or an object with one "
                                          "member")
                ((key, content),) = item.items()
                member = tp.by_key.get(key)
                if member is not None and member.element is not None:
                    last = etree.SubElement(el, member.tag)
                    self.fill(last, member.element.type, content)
                elif tp.wildcard is not None:
                    self.wild(el, item, tp.wildcard_typed)
                    last = el[-1]
                else:
                    raise ConversionError(f"{key!r} is not allowed here")
            except ValueError as exc:
                raise _conversion(exc).under(MIXED_KEY, index) from None


def generic(el: etree._Element, content: Any) -> None:
    """Inverse of :func:`.to_json.generic`."""
    if isinstance(content, str):
        el.text = content
        return
    if not isinstance(content, dict):
        raise ConversionError(f"wildcard content must be a string or an object, got "
                              f"{_kind(content)}")
    for key, item in content.items():
        if key.startswith("@"):
            el.set(key_to_name(key[1:]), encode(item))
        elif key != "$content":
            raise ConversionError(f"unknown member {key!r} in wildcard content")
    items = content.get("$content", [])
    if not isinstance(items, list):
        raise ConversionError("$content must be an array of strings and elements"
                              ).under("$content")
    last: etree._Element | None = None
    for index, item in enumerate(items):
        if isinstance(item, str):
            if last is None:
                el.text = (el.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        elif isinstance(item, dict) and len(item) == 1:
            ((tag, sub),) = item.items()
            try:
                last = etree.SubElement(el, tag)
                generic(last, sub)
            except ValueError as exc:
                raise _conversion(exc).under("$content", index) from None
        else:
            raise ConversionError("a $content entry is a string or an object with one member"
                                  ).under("$content", index)


def _unknown(tp: TypePlan, value: dict[str, Any]) -> None:
    for key, item in value.items():
        if item is None:
            raise ConversionError("null is not a value in this convention: leave the member "
                                  "out").under(key)
    known = set(tp.by_key) | {ORDER_KEY, MIXED_KEY, VALUE_KEY}
    for key in value:
        if not key.startswith("@") and key not in known or (key == ORDER_KEY and not tp.ambiguous) \
                or (key == VALUE_KEY and tp.kind not in (SIMPLE, SIMPLE_ATTRS)) \
                or (key == MIXED_KEY and tp.kind != MIXED):
            raise ConversionError(f"unknown member {key!r} here").under(key)
    raise ConversionError("the object has members that are not allowed here")


def _conversion(exc: ValueError) -> ConversionError:
    """lxml refuses names and characters XML cannot hold: say so as a ConversionError."""
    if isinstance(exc, ConversionError):
        return exc
    return ConversionError(f"cannot be written as XML: {exc}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return f"the {type(value).__name__} {value!r}"


def _declare(nsmap: dict[str | None, str], bindings: Any) -> None:
    """Add the prefixes of ``"$ns"`` to the root's declarations; a schema prefix that
    clashes with one of them moves aside (element names do not depend on prefixes)."""
    if not isinstance(bindings, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in bindings.items()):
        raise ConversionError("$ns must be an object of prefix -> namespace strings")
    for prefix, namespace in bindings.items():
        name = prefix or None
        moved = nsmap.get(name)
        if moved is not None and moved != namespace:
            spare = f"{prefix or 'ns'}_"
            while spare in nsmap or spare in bindings:
                spare += "_"
            nsmap[spare] = moved
        try:
            nsmap[name] = namespace
            etree.QName(namespace, prefix or "x")  # lxml's checks of names
        except ValueError as exc:
            raise _conversion(exc) from None


def convention_1_item(plan: Plan, data: Any) -> str | None:
    """JSON Pointer of the first ``$any`` entry written in the shape of convention 1:
    a global element that convention 2 carries as a named member (``None``: none).

    ``to_xml`` reads such entries as before (they name the element in full); the derived
    JSON Schema, written for convention 2, refuses them.
    """
    if not plan.wild_tags:
        return None
    pending: list[tuple[Any, str]] = [(data, "")]
    while pending:
        node, where = pending.pop()
        if isinstance(node, dict):
            items = list(node.items())
            for key, item in items:
                if key == ANY_KEY and isinstance(item, list):
                    for index, entry in enumerate(item):
                        if isinstance(entry, dict) and len(entry) == 1 \
                                and next(iter(entry)) in plan.wild_tags:
                            return f"{where}/$any/{index}"
            pending.extend((item, where + "/" + key.replace("~", "~0").replace("/", "~1"))
                           for key, item in reversed(items))
        elif isinstance(node, list):
            pending.extend((item, f"{where}/{index}")
                           for index, item in reversed(list(enumerate(node))))
    return None


def _typed_root(plan: Plan, key: str, value: Any, bindings: Any) -> ElementPlan | None:
    """A root element no global declaration names, typed by its ``@xsi:type`` (see
    :func:`.to_json.element_to_data`); ``None`` when ``value`` names no such type."""
    xsi_type = value.get("@xsi:type") if isinstance(value, dict) else None
    if not isinstance(xsi_type, str) or not key or key.startswith("$"):
        return None
    name = xsi_type.strip(" \t\n\r")
    if not name.startswith("{"):
        prefix, colon, local = name.rpartition(":")
        namespaces = dict(bindings) if isinstance(bindings, dict) else {}
        namespaces.update((p, ns) for ns, p in plan.prefixes.items() if p not in namespaces)
        namespace = namespaces.get(prefix if colon else "")
        name = f"{{{namespace}}}{local}" if namespace else local
    found = plan.types.get(name)
    return ElementPlan(tag=key, type=found) if found is not None else None


def data_to_element(plan: Plan, data: Any) -> etree._Element:
    """The root element for ``{"<RootKey>": ...}``."""
    bindings = data.get(NS_KEY) if isinstance(data, dict) else None
    if bindings is not None:
        data = {k: v for k, v in data.items() if k != NS_KEY}
    if not isinstance(data, dict) or len(data) != 1:
        raise ConversionError("a document is a JSON object with exactly one member, the root "
                              "element (and \"$ns\" where QName values need it)")
    ((key, value),) = data.items()
    element = plan.root_keys.get(key) or _typed_root(plan, key, value, bindings)
    if element is None:
        known = ", ".join(sorted(plan.root_keys)[:12])
        raise ConversionError(f"{key!r} is not a global element of the schema set "
                              f"(known: {known})")
    nsmap: dict[str | None, str] = {}
    nsmap.update(plan.namespaces_of(element))
    if bindings is not None:
        try:
            _declare(nsmap, bindings)
        except ConversionError as exc:
            raise exc.under(NS_KEY) from None
    writer = _Writer(plan, nsmap)
    try:
        root = etree.Element(element.tag, nsmap=nsmap)
        writer.fill(root, element.type, value)
        root = writer.finish(root)
    except ValueError as exc:
        raise _conversion(exc).under(key) from None
    return root
