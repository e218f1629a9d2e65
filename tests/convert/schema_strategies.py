"""Hypothesis strategies for generated XSD schemas and documents valid under them.

A schema is drawn from a small grammar over the constructs the derived JSON Schema
must get right: pattern facets (several per restriction step: alternatives; two
steps: both hold), regex classes (``\\i``, ``\\c``, ``\\p{..}``, subtraction, ``^``/``$``
as characters), enumerations and fixed values compared in the value space, whiteSpace
``replace``/``collapse``, unions, lists, QNames, defaults, nillable elements, mixed
content, a named type that contains itself, an anonymous type that recurs through a
group, and derived types for ``xsi:type``.

Documents come from :class:`tests.convert.strategies.Builder`, extended here to write
the lexical forms the converter must carry: other spellings of enumerated and fixed
values (``01.50`` for ``1.5``, ``+00:00`` for ``Z``, ``0a`` for ``0A``), whitespace the
type normalises away, empty elements taking their default, ``xsi:*`` attributes on
elements of simple and complex type, ``xsi:type`` on elements of simple type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from .strategies import XSI, Builder, _facet

NS = "urn:tradestd:test:generated"
XS = "http://www.w3.org/2001/XMLSchema"

#: base type -> pattern steps to choose from (each step: alternatives, nearest last)
PATTERNS: dict[str, list[list[list[str]]]] = {
    "xs:token": [
        [[r"[A-Z]{2}[0-9]{2}", r"\d{6}"], [r"[A-Z]+\d+", r"\d+"]],  # an MRN-like type
        [[r"\i\c*"], [r"[a-z-[aeiou]]+", r"X\c"]],
        [[r"\p{Lu}\p{Ll}*( \p{Lu}\p{Ll}*)?"]],
        [[r"[^\s]{1,4}", r"\w\W"]],
        [[r"(ab|cd)+", r"^\$"]],
        [[r"\p{IsBasicLatin}{1,3}", r"[\p{L}-[a-z]]+"]],
        [[r"[+\-]?\d{1,3}( \d{3})*"]],
    ],
    "xs:decimal": [[[r"\d+\.\d{2}", r"\d{1,3}"], [r"\d\.\d\d", r"[1-9]"]],
                   [[r"-?\d{1,2}(\.\d)?"]]],
    "xs:string": [[[r"a.b", r"[\s-[\n]]x"]], [[r"\S+( \S+)*", r"\d"]]],
    "xs:normalizedString": [[[r"a b", r"[a-c ]{1,3}"]]],
    "xs:date": [[[r"\d{4}-\d{2}-\d{2}", r"\d{4}-\d{2}-\d{2}Z"]]],
}

ENUMERATIONS: dict[str, list[str]] = {
    "xs:token": ["A B", "XY", "x"],
    "xs:normalizedString": ["a b", "c"],
    "xs:string": ["a", " b ", "c d"],
    "xs:decimal": ["1.0", "2.50", "-0", "100"],
    "xs:integer": ["1", "-2", "30"],
    "xs:dateTime": ["2020-01-01T00:00:00Z", "2020-06-01T12:30:00+02:00",
                    "2021-01-01T10:00:00.50"],
    "xs:time": ["10:00:00", "23:30:00.5"],
    "xs:date": ["2020-01-01", "2020-02-02Z"],
    "xs:hexBinary": ["0A", "ff"],
    "xs:anyURI": ["urn:a", "http://example.org/x"],
}

FIXED = [("xs:decimal", "1.50"), ("xs:integer", "7"), ("xs:token", "OK"),
         ("xs:dateTime", "2020-01-01T00:00:00Z"), ("xs:hexBinary", "0a"),
         ("xs:boolean", "true"), ("xs:string", "x")]
SCALARS = ["xs:string", "xs:token", "xs:normalizedString", "xs:decimal", "xs:integer",
           "xs:int", "xs:boolean", "xs:date", "xs:dateTime", "xs:QName", "xs:anyURI",
           "xs:hexBinary", "xs:double"]


@dataclass
class Generated:
    """One drawn schema: its text and the name of its root element."""

    xsd: str
    root: str = f"{{{NS}}}Root"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@st.composite
def simple_types(draw: Any) -> tuple[list[str], list[str]]:
    """Named simple types S0, S1...: restrictions with patterns (one or two steps),
    enumerations, lengths; a list and a union."""
    out: list[str] = []
    count = draw(st.integers(1, 4))
    for index in range(count):
        kind = draw(st.sampled_from(["pattern", "pattern", "enumeration", "length"]))
        name = f"S{index}"
        if kind == "pattern":
            base = draw(st.sampled_from(sorted(PATTERNS)))
            steps = draw(st.sampled_from(PATTERNS[base]))
            steps = steps[:draw(st.integers(1, len(steps)))]
            parent = base
            for number, step in enumerate(steps):
                step_name = name if number == len(steps) - 1 else f"{name}base{number}"
                facets = "".join(f'<xs:pattern value="{_attr(p)}"/>' for p in step)
                out.append(f'<xs:simpleType name="{step_name}"><xs:restriction base='
                           f'"{parent}">{facets}</xs:restriction></xs:simpleType>')
                parent = f"t:{step_name}"
        elif kind == "enumeration":
            base = draw(st.sampled_from(sorted(ENUMERATIONS)))
            values = ENUMERATIONS[base]
            chosen = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
            facets = "".join(f'<xs:enumeration value="{_attr(v)}"/>' for v in chosen)
            out.append(f'<xs:simpleType name="{name}"><xs:restriction base="{base}">'
                       f"{facets}</xs:restriction></xs:simpleType>")
        else:
            base = draw(st.sampled_from(["xs:token", "xs:string", "xs:normalizedString"]))
            high = draw(st.integers(1, 4))
            out.append(f'<xs:simpleType name="{name}"><xs:restriction base="{base}">'
                       f'<xs:minLength value="1"/><xs:maxLength value="{high}"/>'
                       f"</xs:restriction></xs:simpleType>")
    out.append('<xs:simpleType name="IntList"><xs:list itemType="xs:int"/></xs:simpleType>')
    out.append('<xs:simpleType name="IntOrDate"><xs:union memberTypes="xs:int xs:date '
               't:S0"/></xs:simpleType>')
    return out, [f"t:S{i}" for i in range(count)]


@st.composite
def schemas(draw: Any) -> Generated:
    """A schema text whose root element ``Root`` holds every construct once."""
    types, names = draw(simple_types())
    simple = names + ["t:IntList", "t:IntOrDate"] + SCALARS
    children: list[str] = []
    for index in range(draw(st.integers(2, 6))):
        type_name = draw(st.sampled_from(simple))
        extra = ""
        choice = draw(st.sampled_from(["", "", "default", "nillable", "many"]))
        if choice == "default" and type_name in ("xs:string", "xs:token", "xs:int"):
            extra = ' default="5"' if type_name == "xs:int" else ' default="d"'
        elif choice == "nillable":
            extra = ' nillable="true"'
        elif choice == "many":
            extra = ' maxOccurs="3"'
        children.append(f'<xs:element name="E{index}" type="{type_name}" minOccurs="0"'
                        f"{extra}/>")
    fixed_type, fixed_value = draw(st.sampled_from(FIXED))
    children.append(f'<xs:element name="Fixed" type="{fixed_type}" minOccurs="0" '
                    f'fixed="{fixed_value}"/>')
    attributes = [f'<xs:attribute name="a{i}" type="{draw(st.sampled_from(simple))}"/>'
                  for i in range(draw(st.integers(0, 2)))]
    attr_fixed_type, attr_fixed = draw(st.sampled_from(FIXED))
    attributes.append(f'<xs:attribute name="f" type="{attr_fixed_type}" '
                      f'fixed="{attr_fixed}"/>')
    attributes.append('<xs:attribute name="d" type="xs:decimal" default="1.0"/>')
    xsd = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="{NS}"
    targetNamespace="{NS}" elementFormDefault="qualified">
  {"".join(types)}
  <xs:complexType name="Node">
    <xs:sequence>
      <xs:element name="Label" type="xs:token"/>
      <xs:element name="Node" type="t:Node" minOccurs="0" maxOccurs="2"/>
    </xs:sequence>
    <xs:attribute name="id" type="t:S0"/>
  </xs:complexType>
  <xs:complexType name="SpecialNode">
    <xs:complexContent><xs:extension base="t:Node">
      <xs:sequence><xs:element name="Extra" type="xs:int" minOccurs="0"/></xs:sequence>
    </xs:extension></xs:complexContent>
  </xs:complexType>
  <xs:group name="Parts">
    <xs:sequence>
      <xs:element name="Part">
        <xs:complexType><xs:sequence>
          <xs:element name="Code" type="t:S0"/>
          <xs:group ref="t:Parts" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:group>
  <xs:complexType name="Text" mixed="true">
    <xs:sequence>
      <xs:element name="Em" type="xs:string" minOccurs="0" maxOccurs="2"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="Amount">
    <xs:simpleContent><xs:extension base="t:S0">
      <xs:attribute name="unit" type="xs:token"/>
    </xs:extension></xs:simpleContent>
  </xs:complexType>
  <xs:element name="Root">
    <xs:complexType>
      <xs:sequence>
        {"".join(children)}
        <xs:element name="Ref" type="xs:QName" minOccurs="0"/>
        <xs:element name="Tree" type="t:Node" minOccurs="0"/>
        <xs:group ref="t:Parts" minOccurs="0"/>
        <xs:element name="Note" type="t:Text" minOccurs="0"/>
        <xs:element name="Amount" type="t:Amount" minOccurs="0"/>
        <xs:element name="Anything" type="xs:anySimpleType" minOccurs="0"/>
      </xs:sequence>
      {"".join(attributes)}
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
    return Generated(xsd)


# --------------------------------------------------------------------------- documents

_DECIMAL = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?$")


def _other_spelling(draw: Any, xsd_type: Any, text: str) -> str:
    """Another lexical form of the same value (value space equality)."""
    primitive = getattr(getattr(xsd_type, "primitive_type", None), "local_name", "") or ""
    if primitive == "decimal":
        match = _DECIMAL.match(text)
        if match:
            sign, whole, fraction = match.groups()
            zeros = "0" * draw(st.integers(0, 2))
            tail = (fraction or "") + "0" * draw(st.integers(0, 2))
            sign = "+" if sign == "" and draw(st.booleans()) else sign
            return f"{sign}{zeros}{whole or '0'}" + (f".{tail}" if tail else "")
    if primitive == "hexBinary":
        return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    if primitive in ("dateTime", "time") and text.endswith(("Z", "+00:00", "-00:00")):
        stem = re.sub(r"(Z|[+-]00:00)$", "", text)
        return stem + draw(st.sampled_from(["Z", "+00:00", "-00:00"]))
    if primitive == "dateTime" and re.search(r"[+-]\d\d:\d\d$", text):
        moment = dt.datetime.fromisoformat(text)
        shift = draw(st.sampled_from([-120, 0, 60, 330]))
        zone = dt.timezone(dt.timedelta(minutes=shift))
        return moment.astimezone(zone).isoformat()
    if primitive in ("dateTime", "time") and not re.search(r"(Z|[+-]\d\d:\d\d)$", text):
        return text + ("" if "." in text else ".") + "0" * draw(st.integers(1, 2)) \
            if draw(st.booleans()) else text
    return text


def _whitespace_variant(draw: Any, xsd_type: Any, text: str) -> str:
    """The same value with whitespace the type normalises away."""
    mode = getattr(xsd_type, "white_space", None)
    if mode == "collapse" and draw(st.booleans()):
        inner = re.sub(" ", lambda _: draw(st.sampled_from([" ", "  ", "\t", " \n "])), text)
        return draw(st.sampled_from(["", " ", "\n"])) + inner + draw(st.sampled_from(["", " "]))
    if mode == "replace" and draw(st.booleans()):
        return re.sub(" ", lambda _: draw(st.sampled_from([" ", "\t", "\n"])), text)
    return text


class VariantBuilder(Builder):
    """:class:`Builder` writing the lexical variants listed in the module docstring."""

    def value(self, xsd_type: Any) -> str:
        draw = self.draw
        if xsd_type is not None and xsd_type.is_union():
            return self.value(draw(st.sampled_from(list(xsd_type.member_types))))
        if xsd_type is not None and xsd_type.is_list():
            items = draw(st.lists(st.integers(-99, 99), max_size=3))
            return draw(st.sampled_from([" ", "  ", "\n"])).join(str(i) for i in items)
        primitive = getattr(getattr(xsd_type, "primitive_type", None), "local_name", None)
        if primitive in _SPELLINGS and _facet(xsd_type, "enumeration") is None:
            return str(draw(st.sampled_from(_SPELLINGS[primitive])))
        patterns = []
        for node in _bases(xsd_type):
            facet = getattr(node, "patterns", None)
            if facet is not None and node.facets.get(f"{{{XS}}}pattern") is not None:
                patterns = list(facet.patterns)
                break
        if patterns:
            chosen = draw(st.sampled_from(patterns)).pattern
            inner = chosen[len("^(?:"):chosen.rindex(")$")]
            text = str(draw(st.from_regex(inner, fullmatch=True).filter(
                lambda t: _valid(xsd_type, t))))
        else:
            text = super().value(xsd_type)
        text = _other_spelling(draw, xsd_type, text)
        return _whitespace_variant(draw, xsd_type, text)

    def fill(self, element: etree._Element, declaration: Any, depth: int) -> None:
        draw = self.draw
        fixed = getattr(declaration, "fixed", None)
        default = getattr(declaration, "default", None)
        xsd_type = declaration.type
        if xsd_type.is_simple() and (fixed is not None or default is not None) \
                and draw(st.booleans()):
            element.text = None  # an empty element takes the default (or fixed) value
        elif xsd_type.is_simple() and fixed is not None:
            element.text = _whitespace_variant(draw, xsd_type,
                                               _other_spelling(draw, xsd_type, fixed))
        elif xsd_type.is_simple() and xsd_type.name in _SUBTYPES and draw(st.booleans()):
            local, value = draw(st.sampled_from(_SUBTYPES[xsd_type.name]))
            element.set(f"{{{XSI}}}type", f"{self.prefixes[XS]}:{local}")
            element.text = value
        else:
            super().fill(element, declaration, depth)
        if getattr(declaration, "nillable", False) and element.get(f"{{{XSI}}}nil") is None \
                and draw(st.booleans()):
            element.set(f"{{{XSI}}}nil", draw(st.sampled_from(["false", "0"])))
        if draw(st.integers(0, 4)) == 0:
            element.set(f"{{{XSI}}}schemaLocation", f"{NS} generated.xsd")
        elif draw(st.integers(0, 6)) == 0:
            element.set(f"{{{XSI}}}noNamespaceSchemaLocation", "other.xsd")

    def attributes(self, element: etree._Element, xsd_type: Any) -> None:
        super().attributes(element, xsd_type)
        for name, attribute in xsd_type.attributes.items():
            fixed = getattr(attribute, "fixed", None) if name is not None else None
            if fixed is not None and element.get(name) is not None:
                element.set(name, _other_spelling(self.draw, attribute.type, fixed))


_SPELLINGS = {"double": ["1.5E3", "INF", "-0", "NaN", "1", " 2.5 "],
              "hexBinary": ["0A", "ff00", "", "Ab"],
              "anyURI": ["urn:x", "http://example.org/a b", "rel/path"]}
_SUBTYPES = {
    f"{{{XS}}}decimal": [("integer", "12"), ("int", "-3"), ("decimal", "1.5")],
    f"{{{XS}}}anySimpleType": [("integer", "4"), ("boolean", "true"), ("date", "2020-01-01")],
    f"{{{XS}}}string": [("token", " a  b "), ("string", "x")],
}


def _bases(xsd_type: Any) -> list[Any]:
    out = []
    node = xsd_type
    while node is not None and node not in out and node.is_simple():
        out.append(node)
        node = getattr(node, "base_type", None)
    return out


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _valid(xsd_type: Any, text: str) -> bool:
    if _NOT_XML.search(text):
        return False
    try:
        return bool(xsd_type.is_valid(text))
    except Exception:  # noqa: BLE001 - a value the engine cannot judge is not drawn
        return False


@st.composite
def documents(draw: Any, schema: Any, root: str) -> bytes:
    """A document for the global element ``root`` of an xmlschema model; the caller
    checks it against the schema set (the variants are meant valid, the check decides)."""
    builder = VariantBuilder(schema, draw)
    builder.prefixes.setdefault(XS, "xs")
    element = builder.document(schema.maps.elements[root])
    return bytes(etree.tostring(element, encoding="UTF-8"))
