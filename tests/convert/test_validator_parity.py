"""Convert what the validator accepts (issue 24, point 5): a root that no global element
declares, valid by its ``xsi:type``; a set whose xs:ID-derived type has a fixed value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tradestd.cli.main import cli
from tradestd.convert.validate import json_validator, validate_json
from tradestd.schemaset import SchemaSet, load_schema_set

from .conftest import DATA, c14n

WILD = DATA / "wildenv"
PAY = "urn:test:wpay"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TYPED_ROOT = (f'<q:Purchase xmlns:q="{PAY}" xmlns:xsi="{XSI}" xsi:type="q:OrderType">'
              '<q:Number>7</q:Number><q:Amount>1.50</q:Amount></q:Purchase>').encode()


@pytest.fixture(scope="module")
def envpay() -> SchemaSet:
    return load_schema_set([WILD / "envelope.xsd", WILD / "payload.xsd"])


def test_a_root_typed_by_xsi_type_converts_both_ways(envpay: SchemaSet) -> None:
    assert envpay.validate(TYPED_ROOT).valid
    data = envpay.to_data(TYPED_ROOT)
    assert data == {f"{{{PAY}}}Purchase": {"@xsi:type": "q:OrderType", "Number": 7,
                                            "Amount": "1.50"}, "$ns": {"q": PAY}}
    back = envpay.to_xml(data)
    assert envpay.validate(back).valid
    assert c14n(back) == c14n(TYPED_ROOT)
    assert envpay.to_data(back) == data
    assert not list(json_validator(envpay).iter_errors(data))
    assert validate_json(json.dumps(data), envpay).valid
    wrong = {f"{{{PAY}}}Purchase": {"@xsi:type": "q:OrderType", "Number": "x"},
             "$ns": {"q": PAY}}
    assert not validate_json(json.dumps(wrong), envpay).valid  # the XSD checks it


def test_a_root_without_declaration_or_xsi_type_is_still_refused(envpay: SchemaSet) -> None:
    untyped = f'<q:Purchase xmlns:q="{PAY}"><q:Number>7</q:Number></q:Purchase>'.encode()
    assert not envpay.validate(untyped).valid
    with pytest.raises(ValueError, match="not a global element"):
        envpay.to_data(untyped)
    with pytest.raises(ValueError, match="not a global element"):
        envpay.to_xml({f"{{{PAY}}}Purchase": {"@xsi:type": "q:NoSuchType"}, "$ns": {"q": PAY}})


def test_convert_cli_takes_a_typed_root(tmp_path: Path) -> None:
    message = tmp_path / "purchase.xml"
    message.write_bytes(TYPED_ROOT)
    result = CliRunner().invoke(cli, ["convert", "--xsd", str(WILD / "envelope.xsd"), "--xsd",
                                      str(WILD / "payload.xsd"), str(message)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[f"{{{PAY}}}Purchase"]["Number"] == 7


def test_an_id_type_with_a_fixed_value_converts() -> None:
    schema_set = load_schema_set(DATA / "idfixed.xsd")
    xml = b'<c:Root xmlns:c="urn:test:idfixed" key="k1"><c:Ref>r1</c:Ref></c:Root>'
    assert schema_set.validate(xml).valid
    data = schema_set.to_data(xml)
    assert data == {"Root": {"@key": "k1", "Ref": "r1"}}
    assert c14n(schema_set.to_xml(data)) == c14n(xml)
    assert not list(json_validator(schema_set).iter_errors(data))
    # the fixed values still hold, in both engines and in the JSON Schema
    assert not schema_set.validate(xml.replace(b">r1<", b">r2<")).valid
    assert list(json_validator(schema_set).iter_errors({"Root": {"Ref": "r2"}}))
