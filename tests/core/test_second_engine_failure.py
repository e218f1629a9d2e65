"""When the second engine (xmlschema) itself fails on a message, the verdict still stands.

An ``xsi:type`` naming a type that does not exist makes xmlschema raise instead of
reporting; libxml2 has already rejected the message, so its findings are reported and an
information issue says they were not cross-checked. Nothing raises.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tradestd

XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x"
 xmlns="urn:x" elementFormDefault="qualified">
 <xs:element name="R"><xs:complexType><xs:sequence>
  <xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:int"/>
 </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


@pytest.mark.parametrize("xsi_type", ["::bad", "nope:T", "T", "xs:noSuchType"])
def test_unknown_xsi_type_is_reported_not_raised(tmp_path: Path, xsi_type: str) -> None:
    xsd = tmp_path / "x.xsd"
    xsd.write_text(XSD, encoding="utf-8")
    message = (f'<R xmlns="urn:x" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
               f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
               f'<A xsi:type="{xsi_type}">x</A><B>7</B></R>').encode()
    report = tradestd.load_schema_set(xsd).validate(message)
    assert not report.valid
    errors = [i for i in report.issues if i.severity.value == "error"]
    assert errors and all(i.path == "/R/A/@xsi:type" or i.path == "/R/A" for i in errors), errors
    assert all("xsi:type" in i.message for i in errors)
    notes = [i for i in report.issues if i.code == "SCHEMA_NOT_CROSS_CHECKED"]
    assert len(notes) == 1 and "xmlschema" in notes[0].message
