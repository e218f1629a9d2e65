"""Schema sets libxml2 cannot compile but XSD 1.0 allows: xmlschema validates them alone,
with an info issue saying so; verdicts, conversion and the refusals that stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tradestd.convert import ConversionError
from tradestd.issues import Severity
from tradestd.schemaset import SchemaError, load_schema_set

DATA = Path(__file__).resolve().parents[1] / "data" / "secondengine"
KINDS = ["maxoccurs", "names5", "iri"]


@pytest.mark.parametrize("kind", KINDS)
def test_libxml2_refuses_and_xmlschema_validates_alone(kind: str) -> None:
    schema_set = load_schema_set(DATA / f"{kind}.xsd")
    assert schema_set.libxml2_refusal is not None

    valid = schema_set.validate(DATA / f"{kind}-valid.xml")
    assert valid.valid, valid.issues
    notes = [i for i in valid.issues if i.code == "SCHEMA_SECOND_ENGINE_ONLY"]
    assert len(notes) == 1 and notes[0].severity is Severity.INFO
    assert "libxml2 cannot compile" in notes[0].message

    invalid = schema_set.validate(DATA / f"{kind}-invalid.xml")
    assert not invalid.valid
    errors = [i for i in invalid.issues if i.severity is Severity.ERROR]
    assert errors and all(i.layer.value == "schema" for i in errors)
    assert errors[0].line is not None and errors[0].path


@pytest.mark.parametrize("kind", ["maxoccurs", "names5"])
def test_second_engine_sets_convert_both_ways(kind: str) -> None:
    schema_set = load_schema_set(DATA / f"{kind}.xsd")
    source = (DATA / f"{kind}-valid.xml").read_bytes()
    data = schema_set.to_data(source)
    back = schema_set.to_xml(json.dumps(data))
    assert schema_set.validate(back).valid
    canonical = [etree.canonicalize(etree.fromstring(x, etree.XMLParser(recover=True)),
                                    strip_text=True, rewrite_prefixes=True)
                 for x in (source, back)]
    assert canonical[0] == canonical[1]
    assert schema_set.to_data(back) == data


def test_iri_namespaces_convert_to_json_and_say_why_not_back() -> None:
    schema_set = load_schema_set(DATA / "iri.xsd")
    data = schema_set.to_data(DATA / "iri-valid.xml")
    assert data == {"Anmeldung": {"Menge": [3, 4]}}
    # lxml builds no element in a namespace that is not an ASCII URI: a clear error,
    # never a wrong document
    with pytest.raises(ConversionError, match="namespace URI"):
        schema_set.to_xml(data)


def test_a_schema_both_engines_refuse_keeps_libxml2s_reason() -> None:
    with pytest.raises(SchemaError, match="does not compile") as caught:
        load_schema_set(DATA / "broken.xsd")
    assert caught.value.file is not None and caught.value.file.endswith("broken.xsd")


def test_a_namespace_name_with_white_space_stays_malformed(tmp_path: Path) -> None:
    schema_set = load_schema_set(DATA / "iri.xsd")
    report = schema_set.validate(b'<Anmeldung xmlns="urn:a b"><Menge>3</Menge></Anmeldung>')
    assert [i.code for i in report.issues] == ["XML_MALFORMED"]
