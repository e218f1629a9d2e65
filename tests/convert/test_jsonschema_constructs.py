"""The derived JSON Schema on single XSD constructs: what it accepts and rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from tradestd.cli.main import cli
from tradestd.schemaset import SchemaSet, load_schema_set

HEAD = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:c" '
        'targetNamespace="urn:c" elementFormDefault="qualified">')


def _set(tmp_path: Path, body: str, name: str = "c.xsd") -> SchemaSet:
    path = tmp_path / name
    path.write_text(HEAD + body + "</xs:schema>", encoding="utf-8")
    return load_schema_set(path)


def _passes(schema_set: SchemaSet, data: Any) -> bool:
    return Draft202012Validator(schema_set.json_schema()).is_valid(data)


def _xml(body: str, attrs: str = "") -> bytes:
    return (f'<t:R xmlns:t="urn:c" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f"{attrs}>{body}</t:R>").encode()


MRN = """
<xs:simpleType name="Base"><xs:restriction base="xs:token">
  <xs:pattern value="[0-9]{2}[A-Z]{2}[0-9]{13}"/>
  <xs:pattern value="[0-9]{2}[A-Z]{2}[A-Z]{13}"/>
</xs:restriction></xs:simpleType>
<xs:simpleType name="Mrn"><xs:restriction base="t:Base">
  <xs:pattern value="2[0-9].*"/>
</xs:restriction></xs:simpleType>
<xs:element name="R" type="t:Mrn"/>
"""


@pytest.mark.parametrize("value, expected", [
    ("24GB1234567890123", True),      # first pattern of the base step only
    ("24GBABCDEFGHIJKLM", True),      # second pattern of the base step only
    ("14GB1234567890123", False),     # fails the derived step (AND across steps)
    ("24GB12345ABCDEFGH", False),     # fails both alternatives of the base step
])
def test_patterns_or_within_a_step_and_across_steps(tmp_path: Path, value: str,
                                                    expected: bool) -> None:
    schema_set = _set(tmp_path, MRN)
    assert schema_set.validate(_xml(value)).valid == expected
    assert _passes(schema_set, {"R": value}) == expected


@pytest.mark.parametrize("base, enumeration, good, bad", [
    ("xs:decimal", ["1.0", "2.50"], ["01.00", "+1", "2.5000", "1."], ["1.01", "12.5"]),
    ("xs:dateTime", ["2021-01-01T10:00:00.50"], ["2021-01-01T10:00:00.5000"],
     ["2021-01-01T10:00:00.51"]),
    ("xs:hexBinary", ["0A"], ["0a", "0A"], ["0B"]),
    ("xs:token", ["A B"], ["A B", "A  B", "A\tB"], ["AB", "A B C"]),
    ("xs:normalizedString", ["a b"], ["a b", "a\tb"], ["a  b", "ab"]),
])
def test_enumerations_compare_in_the_value_space(tmp_path: Path, base: str,
                                                  enumeration: list[str], good: list[str],
                                                  bad: list[str]) -> None:
    facets = "".join(f'<xs:enumeration value="{v}"/>' for v in enumeration)
    schema_set = _set(tmp_path, f'<xs:simpleType name="E"><xs:restriction base="{base}">'
                                f'{facets}</xs:restriction></xs:simpleType>'
                                '<xs:element name="R" type="t:E"/>')
    for text in good:
        xml = _xml(text.replace("\t", "&#9;"))
        assert schema_set.validate(xml).valid, text
        data = schema_set.to_data(xml)
        assert _passes(schema_set, data), (text, data)
    for text in bad:
        assert not schema_set.validate(_xml(text)).valid, text
        assert not _passes(schema_set, {"R": text}), text


def test_timezoned_enumerations_are_left_to_the_xsd(tmp_path: Path) -> None:
    schema_set = _set(tmp_path, '<xs:simpleType name="E"><xs:restriction base="xs:dateTime">'
                                '<xs:enumeration value="2020-01-01T00:00:00Z"/>'
                                '</xs:restriction></xs:simpleType>'
                                '<xs:element name="R" type="t:E"/>')
    for text in ("2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00-00:00",
                 "2020-01-01T01:00:00+01:00"):
        assert schema_set.validate(_xml(text)).valid
        assert _passes(schema_set, schema_set.to_data(_xml(text)))


def test_xsi_attributes_on_elements_of_simple_and_complex_type(tmp_path: Path) -> None:
    schema_set = _set(tmp_path, '<xs:element name="R"><xs:complexType><xs:sequence>'
                                '<xs:element name="Code" type="xs:int"/>'
                                '<xs:element name="N" type="xs:decimal" nillable="true"/>'
                                '</xs:sequence></xs:complexType></xs:element>')
    xml = _xml('<t:Code xsi:schemaLocation="urn:c c.xsd">5</t:Code>'
               '<t:N xsi:type="xs:integer" xmlns:xs="http://www.w3.org/2001/XMLSchema">7</t:N>',
               ' xsi:schemaLocation="urn:c c.xsd"')
    assert schema_set.validate(xml).valid
    data = schema_set.to_data(xml)
    assert data["R"]["Code"] == {"@xsi:schemaLocation": "urn:c c.xsd", "value": 5}
    assert _passes(schema_set, data)
    nil = _xml('<t:Code>5</t:Code><t:N xsi:nil="true"/>')
    assert schema_set.validate(nil).valid
    assert _passes(schema_set, schema_set.to_data(nil))
    assert not _passes(schema_set, {"R": {"Code": {"@xsi:schemaLocation": "x", "value": "a"},
                                          "N": "1"}})
    assert not _passes(schema_set, {"R": {"Code": {"@other": "x", "value": 1}, "N": "1"}})


def test_defaults_fixed_and_empty_mixed_content(tmp_path: Path) -> None:
    schema_set = _set(tmp_path, '<xs:element name="R"><xs:complexType><xs:sequence>'
                                '<xs:element name="D" type="xs:int" default="5"/>'
                                '<xs:element name="F" type="xs:decimal" fixed="1.50"/>'
                                '<xs:element name="M"><xs:complexType mixed="true">'
                                '<xs:sequence><xs:element name="B" type="xs:string" '
                                'minOccurs="0"/></xs:sequence></xs:complexType></xs:element>'
                                '</xs:sequence><xs:attribute name="a" type="xs:decimal" '
                                'fixed="2"/></xs:complexType></xs:element>')
    for body, attrs in (("<t:D/><t:F/><t:M/>", ""), ("<t:D>7</t:D><t:F>01.5</t:F><t:M/>",
                                                        ' a="2.00"')):
        xml = _xml(body, attrs)
        assert schema_set.validate(xml).valid
        assert _passes(schema_set, schema_set.to_data(xml))
    assert _passes(schema_set, {"R": {"D": 1, "F": "1.5", "M": {}}})  # $mixed may be absent
    assert not _passes(schema_set, {"R": {"D": 1, "F": "1.6", "M": {}}})
    assert not _passes(schema_set, {"R": {"@a": "3", "D": 1, "F": "1.5", "M": {}}})


def test_recursive_and_deep_schemas_derive(tmp_path: Path) -> None:
    chain = "".join(f'<xs:complexType name="T{i}"><xs:sequence><xs:element name="C" '
                    f'type="t:T{i + 1}" minOccurs="0"/></xs:sequence></xs:complexType>'
                    for i in range(1500))
    recursive = ('<xs:group name="G"><xs:sequence><xs:element name="P"><xs:complexType>'
                 '<xs:sequence><xs:group ref="t:G" minOccurs="0"/></xs:sequence>'
                 '</xs:complexType></xs:element></xs:sequence></xs:group>'
                 '<xs:element name="R"><xs:complexType><xs:sequence><xs:group ref="t:G"/>'
                 '<xs:element name="Chain" type="t:T0"/></xs:sequence></xs:complexType>'
                 '</xs:element><xs:complexType name="T1500"/>')
    schema_set = _set(tmp_path, chain + recursive)
    derived = schema_set.json_schema()
    Draft202012Validator.check_schema(derived)
    xml = _xml("<t:P><t:P><t:P/></t:P></t:P><t:Chain><t:C><t:C/></t:C></t:Chain>")
    assert schema_set.validate(xml).valid
    assert Draft202012Validator(derived).is_valid(schema_set.to_data(xml))
    assert not Draft202012Validator(derived).is_valid({"R": {"P": {"P": {"X": 1}},
                                                             "Chain": {}}})


def test_json_schema_method_is_the_cli_output(tmp_path: Path) -> None:
    schema_set = _set(tmp_path, MRN)
    result = CliRunner().invoke(cli, ["jsonschema", "--xsd", str(tmp_path / "c.xsd")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == schema_set.json_schema()
