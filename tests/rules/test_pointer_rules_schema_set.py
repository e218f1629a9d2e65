"""DEC-AMD-003 and RES-PTR-001 resolve chains through the WCO IDs of the schema set in use."""

from __future__ import annotations

from pathlib import Path

from tradestd.rules.catalog import bundled_pack
from tradestd.rules.runner import RuleRunner
from tradestd.schemaset import load_schema_set
from tradestd.validation import Validator

NATIONAL = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:n" targetNamespace="urn:n"
           elementFormDefault="qualified">
  <xs:element name="Declaration">
    <xs:annotation><xs:documentation><WCOID>42A</WCOID></xs:documentation></xs:annotation>
    <xs:complexType><xs:sequence>
      <xs:element name="FunctionCode" type="xs:string"/>
      <xs:element name="ID" type="xs:string" minOccurs="0"/>
      <xs:element name="TypeCode" type="xs:string" minOccurs="0"/>
      <xs:element name="Amendment" minOccurs="0" maxOccurs="unbounded">
        <xs:annotation><xs:documentation><WCOID>06A</WCOID></xs:documentation></xs:annotation>
        <xs:complexType><xs:sequence>
          <xs:element name="Pointer" minOccurs="0" maxOccurs="unbounded">
            <xs:annotation><xs:documentation><WCOID>97A</WCOID></xs:documentation></xs:annotation>
            <xs:complexType><xs:sequence>
              <xs:element name="DocumentSectionCode" type="xs:string">
                <xs:annotation><xs:documentation><WCOID>375</WCOID></xs:documentation></xs:annotation>
              </xs:element>
              <xs:element name="TagID" type="xs:string" minOccurs="0">
                <xs:annotation><xs:documentation><WCOID>381</WCOID></xs:documentation></xs:annotation>
              </xs:element>
            </xs:sequence></xs:complexType>
          </xs:element>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="GoodsShipment" minOccurs="0">
        <xs:annotation><xs:documentation><WCOID>67A</WCOID></xs:documentation></xs:annotation>
        <xs:complexType><xs:sequence>
          <xs:element name="NationalCode" type="xs:string" minOccurs="0">
            <xs:annotation><xs:documentation><WCOID>N01</WCOID></xs:documentation></xs:annotation>
          </xs:element>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
"""


def _amendment(tag: str) -> str:
    return f"""<Declaration xmlns="urn:n"><FunctionCode>13</FunctionCode><ID>MRN1</ID>
  <TypeCode>COR</TypeCode>
  <Amendment><Pointer><DocumentSectionCode>42A</DocumentSectionCode></Pointer>
    <Pointer><DocumentSectionCode>67A</DocumentSectionCode><TagID>{tag}</TagID></Pointer>
  </Amendment>
  <GoodsShipment><NationalCode>X</NationalCode></GoodsShipment>
</Declaration>"""


def test_amendment_pointers_use_the_national_schemas_ids(tmp_path: Path) -> None:
    xsd = tmp_path / "national.xsd"
    xsd.write_text(NATIONAL, encoding="utf-8")
    validator = Validator(schema_set=load_schema_set(xsd),
                          rules=RuleRunner([bundled_pack("declaration")], bundled=False))
    known = validator.validate(_amendment("N01"))  # only the national schema has N01
    assert not [i for i in known.issues if i.code == "DEC-AMD-003" or i.layer.value != "rules"]
    unknown = validator.validate(_amendment("N02"))
    (issue,) = [i for i in unknown.issues if i.code == "DEC-AMD-003"]
    assert "no element of this schema set has ID N02" in issue.message
    assert issue.line == 3
