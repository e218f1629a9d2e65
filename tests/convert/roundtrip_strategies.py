"""Hypothesis strategies for round-trip tests: generated schemas *and* instances.

A schema is drawn from a menu of the XSD constructs that are hard to carry through
JSON: QName values (alone, in lists, in unions, in attributes, under attribute
wildcards), lists and unions, default and fixed values on elements and attributes,
substitution groups (abstract or not, members of derived types), ``xsi:type`` on
complex and simple types, ``xsi:nil``, ``xsi:schemaLocation``, recursion, mixed
content and element/attribute wildcards with every namespace constraint and
``processContents`` value. Instances are drawn from the compiled xmlschema model by
:class:`RoundTripBuilder` (an extension of :class:`.strategies.Builder`), independent
of the converter's plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from lxml import etree
from xmlschema.validators import XsdAnyElement

from tradestd.schemaset import SchemaSet, load_schema_set

from .strategies import _TEXT, XS, XSI, Builder

G = "urn:tradestd:rt:g"
O = "urn:tradestd:rt:o"
F = "urn:tradestd:rt:foreign"  # declared nowhere
NAMESPACE_CONSTRAINTS = ("##any", "##other", "##local", "##targetNamespace", O,
                         f"##local {O}", f"##targetNamespace {F}")
PROCESS_CONTENTS = ("strict", "lax", "skip")

#: Elements whose text is one QName, and attributes holding one QName: C14N 2.0
#: rewrites their prefixes (``qname_aware_tags`` / ``qname_aware_attrs``).
QNAME_TAGS = [f"{{{G}}}Q", f"{{{G}}}Origin", f"{{{O}}}OName"]
QNAME_ATTRS = ["q", "role", f"{{{O}}}oq", f"{{{XSI}}}type"]
#: Elements and attributes holding lists or unions with QNames: compared in the value
#: space (prefix -> namespace resolved token by token), since C14N cannot.
QNAME_TEXT_TAGS = [f"{{{G}}}QL", f"{{{G}}}QU", f"{{{G}}}QLU"]
QNAME_TEXT_ATTRS = ["ql", "qu"]

OTHER_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="{XS}" xmlns:o="{O}" xmlns:g="{G}" targetNamespace="{O}"
           elementFormDefault="qualified">
  <xs:import namespace="{G}" schemaLocation="main.xsd"/>
  <xs:element name="Shipper" type="o:OPartyType" substitutionGroup="g:Party"/>
  <xs:complexType name="OPartyType">
    <xs:complexContent>
      <xs:extension base="g:PartyType">
        <xs:attribute name="oq" form="qualified" type="xs:QName"/>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:element name="OCode" type="xs:token"/>
  <xs:element name="OName" type="xs:QName"/>
  <xs:element name="OItem">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="o:OCode" minOccurs="0" maxOccurs="2"/>
      </xs:sequence>
      <xs:attribute name="n" type="xs:int" default="3"/>
    </xs:complexType>
  </xs:element>
  <xs:attribute name="oq" type="xs:QName"/>
  <xs:attribute name="on" type="xs:int"/>
</xs:schema>
"""


@dataclass(frozen=True)
class SchemaChoice:
    """What one generated schema holds (drawn by :func:`schema_choices`)."""

    abstract_head: bool
    heads_repeat: bool
    mixed_note: bool
    wildcards: tuple[tuple[str, str, str, str], ...]  # element ns, pc; attribute ns, pc
    root_any_attribute: bool
    recursion: bool

    def xsd(self) -> str:
        wildcards = "\n".join(_wildcard_element(i, *w) for i, w in enumerate(self.wildcards))
        refs = "\n".join(f'        <xs:element ref="g:W{i}" minOccurs="0"/>'
                         for i in range(len(self.wildcards)))
        node = '        <xs:element ref="g:Node" minOccurs="0"/>' if self.recursion else ""
        head_max = "unbounded" if self.heads_repeat else "1"
        abstract = "true" if self.abstract_head else "false"
        mixed = "true" if self.mixed_note else "false"
        root_attr = ('      <xs:anyAttribute namespace="##other" processContents="lax"/>'
                     if self.root_any_attribute else "")
        return _MAIN_XSD.format(XS=XS, G=G, O=O, wildcards=wildcards, refs=refs, node=node,
                                head_max=head_max, abstract=abstract, mixed=mixed,
                                root_attr=root_attr)


def _wildcard_element(index: int, ns: str, pc: str, attr_ns: str, attr_pc: str) -> str:
    # W0 is mixed; both declare the qualified attribute g:ga, whose local name an
    # unqualified wildcard attribute may share
    mixed = ' mixed="true"' if index == 0 else ""
    return (f'  <xs:element name="W{index}">\n    <xs:complexType{mixed}>\n'
            '      <xs:sequence>\n'
            f'        <xs:any namespace="{ns}" processContents="{pc}" minOccurs="0" '
            'maxOccurs="unbounded"/>\n      </xs:sequence>\n'
            '      <xs:attribute ref="g:ga"/>\n'
            f'      <xs:anyAttribute namespace="{attr_ns}" processContents="{attr_pc}"/>\n'
            "    </xs:complexType>\n  </xs:element>")


_MAIN_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="{XS}" xmlns:g="{G}" xmlns:o="{O}" targetNamespace="{G}"
           elementFormDefault="qualified">
  <xs:import namespace="{O}" schemaLocation="other.xsd"/>

  <xs:simpleType name="QNameList"><xs:list itemType="xs:QName"/></xs:simpleType>
  <xs:simpleType name="IntList"><xs:list itemType="xs:int"/></xs:simpleType>
  <xs:simpleType name="QNameOrDecimal">
    <xs:union memberTypes="xs:QName xs:decimal"/>
  </xs:simpleType>
  <xs:simpleType name="IntOrQNames">
    <xs:union memberTypes="xs:int g:QNameList"/>
  </xs:simpleType>
  <xs:simpleType name="IntOrCode">
    <xs:union memberTypes="xs:int">
      <xs:simpleType>
        <xs:restriction base="xs:token">
          <xs:enumeration value="NONE"/>
          <xs:enumeration value="ALL"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:union>
  </xs:simpleType>

  <xs:element name="Root">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Q" type="xs:QName" minOccurs="0"/>
        <xs:element name="QL" type="g:QNameList" minOccurs="0"/>
        <xs:element name="QU" type="g:QNameOrDecimal" minOccurs="0" maxOccurs="2"/>
        <xs:element name="QLU" type="g:IntOrQNames" minOccurs="0"/>
        <xs:element name="QA" minOccurs="0">
          <xs:complexType>
            <xs:attribute name="q" type="xs:QName"/>
            <xs:attribute name="ql" type="g:QNameList"/>
            <xs:attribute name="qu" type="g:QNameOrDecimal"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="IL" type="g:IntList" minOccurs="0"/>
        <xs:element name="U" type="g:IntOrCode" minOccurs="0" maxOccurs="2"/>
        <xs:element name="Def" type="xs:int" default="5" minOccurs="0"/>
        <xs:element name="DefS" type="xs:string" default="d e f" minOccurs="0"/>
        <xs:element name="Fix" type="xs:token" fixed="F1" minOccurs="0"/>
        <xs:element name="Defaults" minOccurs="0">
          <xs:complexType>
            <xs:attribute name="d" type="xs:int" default="7"/>
            <xs:attribute name="b" type="xs:boolean" default="true"/>
            <xs:attribute name="s" type="xs:string" default=" padded "/>
            <xs:attribute name="f" type="xs:token" fixed="FX"/>
            <xs:attribute name="u" type="g:IntOrCode" default="ALL"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="Amount" type="xs:decimal" minOccurs="0" nillable="true"/>
        <xs:element name="Measure" minOccurs="0" nillable="true">
          <xs:complexType>
            <xs:simpleContent>
              <xs:extension base="xs:decimal">
                <xs:attribute name="unit" type="xs:token" default="KGM"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
        </xs:element>
        <xs:element name="Goods" type="g:GoodsType" minOccurs="0" maxOccurs="2"/>
        <xs:element ref="g:Party" minOccurs="0" maxOccurs="{head_max}"/>
        <xs:element name="Note" type="g:NoteType" minOccurs="0"/>
{node}
{refs}
      </xs:sequence>
{root_attr}
    </xs:complexType>
  </xs:element>

  <xs:complexType name="GoodsType">
    <xs:sequence>
      <xs:element name="Name" type="xs:string"/>
      <xs:element name="Count" type="xs:int" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="code" type="xs:token"/>
  </xs:complexType>
  <xs:complexType name="ExtGoodsType">
    <xs:complexContent>
      <xs:extension base="g:GoodsType">
        <xs:sequence>
          <xs:element name="Origin" type="xs:QName" minOccurs="0"/>
          <xs:element name="Extra" type="g:IntList"/>
        </xs:sequence>
        <xs:attribute name="grade" type="xs:int" default="1"/>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:complexType name="ShortGoodsType">
    <xs:complexContent>
      <xs:restriction base="g:GoodsType">
        <xs:sequence>
          <xs:element name="Name" type="xs:string"/>
        </xs:sequence>
      </xs:restriction>
    </xs:complexContent>
  </xs:complexType>

  <xs:element name="Party" type="g:PartyType" abstract="{abstract}"/>
  <xs:element name="Shipper" type="g:PartyType" substitutionGroup="g:Party"/>
  <xs:element name="Agent" type="g:AgentType" substitutionGroup="g:Party"/>
  <xs:element name="SubAgent" substitutionGroup="g:Agent">
    <xs:complexType>
      <xs:complexContent>
        <xs:extension base="g:AgentType">
          <xs:attribute name="level" type="xs:int" fixed="2"/>
        </xs:extension>
      </xs:complexContent>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="PartyType">
    <xs:sequence>
      <xs:element name="ID" type="xs:token"/>
    </xs:sequence>
    <xs:attribute name="role" type="xs:QName"/>
  </xs:complexType>
  <xs:complexType name="AgentType">
    <xs:complexContent>
      <xs:extension base="g:PartyType">
        <xs:sequence>
          <xs:element name="Licence" type="xs:token" default="L0"/>
        </xs:sequence>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>

  <xs:complexType name="NoteType" mixed="{mixed}">
    <xs:sequence>
      <xs:element name="Em" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>

  <xs:element name="Node">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Label" type="xs:string" default="n"/>
        <xs:element ref="g:Node" minOccurs="0" maxOccurs="2"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="Loose" type="xs:int"/>
  <xs:attribute name="ga" type="xs:int"/>
{wildcards}
</xs:schema>
"""


@st.composite
def schema_choices(draw: Any) -> SchemaChoice:
    wildcards = draw(st.lists(st.tuples(st.sampled_from(NAMESPACE_CONSTRAINTS),
                                        st.sampled_from(PROCESS_CONTENTS),
                                        st.sampled_from(NAMESPACE_CONSTRAINTS),
                                        st.sampled_from(PROCESS_CONTENTS)),
                              min_size=0, max_size=2))
    return SchemaChoice(abstract_head=draw(st.booleans()), heads_repeat=draw(st.booleans()),
                        mixed_note=draw(st.booleans()), wildcards=tuple(wildcards),
                        root_any_attribute=draw(st.booleans()), recursion=draw(st.booleans()))


_COMPILED: dict[str, SchemaSet] = {}


def compile_choice(choice: SchemaChoice, folder: Path) -> SchemaSet:
    """The schema set of a choice, written under ``folder`` and compiled once."""
    text = choice.xsd()
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    found = _COMPILED.get(key)
    if found is None:
        target = folder / key
        target.mkdir(parents=True, exist_ok=True)
        (target / "other.xsd").write_text(OTHER_XSD, encoding="utf-8")
        (target / "main.xsd").write_text(text, encoding="utf-8")
        found = _COMPILED[key] = load_schema_set([target / "main.xsd"])
    return found


_GENERIC_NAMES = (f"{{{F}}}Thing", "Loose", f"{{{G}}}Stray", f"{{{O}}}Stray", f"{{{O}}}OCode",
                  f"{{{G}}}Loose")
_WILD_ATTRS = (f"{{{F}}}extra", "plain", "ga", f"{{{O}}}oq", f"{{{O}}}on", f"{{{G}}}gx",
               "{http://www.w3.org/XML/1998/namespace}lang")


class RoundTripBuilder(Builder):
    """Builder that also draws lists, unions, default/fixed values, xsi attributes
    and wildcard content under any namespace constraint."""

    def __init__(self, schema: Any, draw: Any) -> None:
        super().__init__(schema, draw)
        self.prefixes[F] = "fr"

    def value(self, xsd_type: Any) -> str:
        if xsd_type is not None and xsd_type.is_list():
            count = self.draw(st.integers(0, 3))
            items = [super(RoundTripBuilder, self).value(xsd_type.item_type)
                     for _ in range(count)]
            return self.draw(st.sampled_from([" ", "  ", "\n"])).join(items)
        if xsd_type is not None and xsd_type.is_union():
            member = self.draw(st.sampled_from(list(xsd_type.member_types)))
            return self.value(member)
        return super().value(xsd_type)

    def document(self, root: Any) -> etree._Element:
        element = super().document(root)
        location = self.draw(st.sampled_from(["", "schemaLocation", "noNamespaceSchemaLocation"]))
        if location == "schemaLocation":
            element.set(f"{{{XSI}}}schemaLocation", f"{G} main.xsd")
        elif location:
            element.set(f"{{{XSI}}}noNamespaceSchemaLocation", "none.xsd")
        return element

    def fill(self, element: etree._Element, declaration: Any, depth: int) -> None:
        xsd_type = declaration.type
        constraint = getattr(declaration, "fixed", None)
        default = getattr(declaration, "default", None)
        if xsd_type.is_simple() and (constraint is not None or default is not None) \
                and (constraint is not None or self.draw(st.booleans())):
            # an empty element takes the default / fixed value
            element.text = self.draw(st.sampled_from(["", constraint or default]))
            return
        if xsd_type.is_simple() and xsd_type.name == f"{{{XS}}}decimal" \
                and self.draw(st.booleans()):
            element.set(f"{{{XSI}}}type", "xs:integer")
            if getattr(declaration, "nillable", False) and self.draw(st.booleans()):
                element.set(f"{{{XSI}}}nil", self.draw(st.sampled_from(["true", "1"])))
                return
            element.text = str(self.draw(st.integers(-99, 10 ** 20)))
            return
        super().fill(element, declaration, depth)

    def attributes(self, element: etree._Element, xsd_type: Any) -> None:
        for name, attribute in xsd_type.attributes.items():
            if name is None:
                self.wild_attributes(element, attribute)
            elif attribute.fixed is not None:
                if attribute.use == "required" or self.draw(st.booleans()):
                    element.set(name, attribute.fixed)
            elif attribute.use == "required" or self.draw(st.booleans()):
                default = attribute.default
                if default is not None and self.draw(st.booleans()):
                    element.set(name, default)  # present and equal to the default
                else:
                    element.set(name, self.value(attribute.type))

    def wild_attributes(self, element: etree._Element, wildcard: Any) -> None:
        for name in self.draw(st.lists(st.sampled_from(_WILD_ATTRS), max_size=3, unique=True)):
            if not wildcard.is_matching(name) or element.get(name) is not None:
                continue
            declared = self.schema.maps.attributes.get(name)
            if wildcard.process_contents == "strict" and declared is None \
                    and not name.startswith("{http://www.w3.org/XML/1998/namespace}"):
                continue
            if declared is not None and wildcard.process_contents != "skip":
                element.set(name, self.value(declared.type))
            elif name.endswith("lang"):
                element.set(name, "en")
            elif name.endswith("oq"):  # C14N takes it as a QName: only where one is
                continue
            else:
                element.set(name, str(self.draw(st.text(_TEXT, max_size=5))))

    def particle(self, element: etree._Element, particle: Any, depth: int, mixed: bool) -> None:
        if not isinstance(particle, XsdAnyElement):
            super().particle(element, particle, depth, mixed)
            return
        for _ in range(self.count(particle, depth)):
            before = len(element)
            self.wildcard(element, particle, depth)
            if mixed and len(element) > before:
                element[-1].tail = str(self.draw(st.text(_TEXT, max_size=6)))

    def wildcard(self, element: etree._Element, particle: Any, depth: int) -> None:
        names = [n for n in _GENERIC_NAMES if particle.is_matching(n)]
        declared = [g for g in self.globals if particle.is_matching(g.name)
                    and g.name != element.tag]
        if particle.process_contents == "strict" or not names:
            if not declared:
                return  # nothing this wildcard takes
            chosen = self.draw(st.sampled_from(declared))
            self.fill(etree.SubElement(element, chosen.name), chosen, depth + 1)
            return
        if declared and particle.process_contents == "lax" and self.draw(st.booleans()):
            chosen = self.draw(st.sampled_from(declared))
            self.fill(etree.SubElement(element, chosen.name), chosen, depth + 1)
            return
        name = self.draw(st.sampled_from(names))
        declaration = self.schema.maps.elements.get(name)
        if declaration is not None and particle.process_contents == "lax":
            self.fill(etree.SubElement(element, name), declaration, depth + 1)
            return
        self.skipped(etree.SubElement(element, name), depth,
                     particle.process_contents == "skip")

    def skipped(self, child: etree._Element, depth: int, skip: bool) -> None:
        """Content nobody checks (``skip``, or ``lax`` without a declaration)."""
        if self.draw(st.booleans()):
            child.set("code", str(self.draw(st.text(_TEXT, max_size=5))))
        if skip and self.draw(st.booleans()):
            child.set(f"{{{XSI}}}type", self.draw(st.sampled_from(["o:Any", "g:Other", "xs:int"])))
        child.text = str(self.draw(st.text(_TEXT, max_size=6)))
        if depth < 4 and self.draw(st.booleans()):
            sub = etree.SubElement(child, f"{{{F}}}Sub")
            self.skipped(sub, depth + 1, skip)
            sub.tail = str(self.draw(st.text(_TEXT, max_size=4)))


@st.composite
def instances(draw: Any, schema_set: SchemaSet) -> bytes:
    """A document for ``{G}Root`` of a generated schema set (usually valid: callers
    keep only those the XSD accepts)."""
    builder = RoundTripBuilder(schema_set.xmlschema, draw)
    element = builder.document(schema_set.xmlschema.maps.elements[f"{{{G}}}Root"])
    return bytes(etree.tostring(element, encoding="UTF-8"))


def qname_values(xml: bytes) -> list[tuple[str, list[tuple[str | None, str]]]]:
    """Every list/union value that may hold QNames, with each token resolved."""
    root = etree.fromstring(xml)
    found: list[tuple[str, list[tuple[str | None, str]]]] = []
    for el in root.iter(tag=etree.Element):
        texts: list[tuple[str, str]] = []
        if el.tag in QNAME_TEXT_TAGS:
            texts.append((str(el.tag), el.text or ""))
        texts.extend((f"{el.tag}@{a}", el.get(a) or "") for a in QNAME_TEXT_ATTRS
                     if el.get(a) is not None)
        for where, text in texts:
            tokens = []
            for token in text.split():
                prefix, colon, local = token.rpartition(":")
                tokens.append((el.nsmap.get(prefix) if colon else None, local))
            found.append((where, tokens))
    return found
