"""The JSON Schema derived from the kitchen-sink XSD."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from tradestd.convert.validate import json_schema_for
from tradestd.schemaset import SchemaSet

from .conftest import DATA


@pytest.fixture(scope="module")
def schema(kitchen: SchemaSet) -> dict[str, Any]:
    derived = json_schema_for(kitchen)
    jsonschema.Draft202012Validator.check_schema(derived)
    return derived


@pytest.fixture(scope="module")
def data(kitchen: SchemaSet) -> dict[str, Any]:
    return kitchen.to_data(DATA / "shipment.xml")


def test_types_facets_and_arrays_are_derived(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    shipment = defs["ShipmentType"]
    assert shipment["additionalProperties"] is False
    assert shipment["required"] == ["@version", "ID", "Item"]
    assert shipment["properties"]["Item"] == {"type": "array", "items":
                                              {"$ref": "#/$defs/ItemType"}, "minItems": 1}
    assert shipment["properties"]["Consignee"]["maxItems"] == 3
    # an element of simple type: the value, or the object form an xsi:* attribute gives
    assert shipment["properties"]["Mode"] == {"if": {"type": "object"},
                                              "then": {"$ref": "#/$defs/ModeCode.xsi"},
                                              "else": {"$ref": "#/$defs/ModeCode"}}
    assert defs["ModeCode"]["enum"] == ["1", "3", "4"]
    assert defs["AmountType"]["properties"]["@currencyID"] == {
        "type": "string", "minLength": 3, "maxLength": 3}
    assert defs["xs:int"]["anyOf"][0] == {"type": "integer", "minimum": -2147483648,
                                          "maximum": 2147483647}
    assert "ItemType" in defs and "$order" in defs["ItemType"]["properties"]
    assert schema["properties"]["Shipment"]["description"].startswith("A test shipment")


def test_converted_json_is_valid(schema: dict[str, Any], data: dict[str, Any]) -> None:
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data))


@pytest.mark.parametrize("path, value, keyword", [
    (("Total", "value"), "1.2345", "pattern"),  # fractionDigits 3
    (("Total", "value"), "12345678901234567890", "pattern"),  # totalDigits 18
    (("Mode",), "2", "enum"),
    (("Count",), 2 ** 31, "anyOf"),
    (("Item",), [], "minItems"),
    (("Urgent",), "yes", "anyOf"),
    (("Total", "@currencyID"), "EURO", "maxLength"),
])
def test_violations_are_caught(schema: dict[str, Any], data: dict[str, Any],
                               path: tuple[str, ...], value: Any, keyword: str) -> None:
    edited = copy.deepcopy(data)
    target = edited["Shipment"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(edited))
    assert errors and keyword in {e.validator for e in errors}, [e.message for e in errors]
