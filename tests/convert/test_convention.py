"""The JSON convention on the kitchen-sink schema: shapes, values, order, errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from lxml import etree

from tradestd.convert import ConversionError
from tradestd.convert.plan import plan_for
from tradestd.convert.to_json import element_to_data
from tradestd.convert.to_xml import _Writer
from tradestd.intake import load_xml
from tradestd.schemaset import SchemaSet, load_schema_set

from .conftest import DATA, c14n

KIND = "{urn:tradestd:test:kitchen}Kind"
SOURCE = (DATA / "shipment.xml").read_bytes()


@pytest.fixture(scope="module")
def data(kitchen: SchemaSet) -> dict[str, Any]:
    return kitchen.to_data(SOURCE)


def test_round_trip_is_canonically_equal_and_valid(kitchen: SchemaSet,
                                                   data: dict[str, Any]) -> None:
    xml = kitchen.to_xml(data)
    assert kitchen.validate(xml).valid
    assert c14n(xml, [KIND]) == c14n(SOURCE, [KIND])
    assert kitchen.to_data(xml) == data
    assert kitchen.to_json(xml) == json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_values_are_typed_from_the_schema(data: dict[str, Any]) -> None:
    shipment = data["Shipment"]
    assert shipment["@lines"] == 2
    assert shipment["ID"] == "GB123"  # token: surrounding whitespace is not part of the value
    assert shipment["Count"] == "007"  # non-canonical integer keeps its text
    assert shipment["Urgent"] is True
    assert shipment["Total"] == {"@currencyID": "GBP", "value": "1234567890123456.78"}
    assert shipment["Item"][0]["Quantity"]["value"] == "12.50"
    assert shipment["Item"][0]["Value"] == ["9007199254740993"]  # beyond 2**53: a string
    assert shipment["Item"][1]["Sequence"] == 2
    assert shipment["Kind"] == "x:Seal"  # a QName as written; its prefix in $ns
    assert data["$ns"]["x"] == "urn:tradestd:test:extra"
    assert json.loads(json.dumps(data)) == data


def test_arrays_follow_max_occurs_not_the_data(data: dict[str, Any]) -> None:
    shipment = data["Shipment"]
    assert shipment["Item"][0]["Description"] == ["Widgets"]
    assert shipment["Mark"] == ["M1"]
    assert isinstance(shipment["Consignee"], list)
    assert isinstance(shipment["Rail"], str)


def test_nil_type_mixed_and_wildcards(data: dict[str, Any]) -> None:
    shipment = data["Shipment"]
    assert shipment["Weight"] == {"@xsi:nil": True}
    assert shipment["Consignor"][0]["@xsi:type"] == "k:TraderType"
    assert data["$ns"]["k"] == "urn:tradestd:test:kitchen"
    assert shipment["Consignor"][0]["EORI"] == "GB1"
    assert shipment["Remark"]["$mixed"] == ["Handle ", {"Em": "with"}, " care ",
                                            {"Em": "please"}]
    extension = shipment["Extension"]
    # declared in the schema set: a named member (convention 2), typed by its declaration
    assert extension["Strict"]["Seal"]["Number"] == "77"
    assert extension["Strict"]["Seal"]["Intact"] == "1"
    assert "$any" not in extension["Strict"]
    assert extension["Note"] == ["lax known"]
    # not declared: $any
    assert extension["$any"][0] == {"{urn:other}Thing": {
        "@a": "1", "$content": ["text", {"{urn:other}Sub": "deep"}, "tail"]}}
    assert extension["Raw"]["$any"][1] == {"{urn:q}z": ""}
    assert shipment["Consignee"][0]["@{urn:tradestd:test:extra}origin"] == "test"


def test_order_is_recorded_only_where_the_schema_cannot_restore_it(
        data: dict[str, Any]) -> None:
    shipment = data["Shipment"]
    assert shipment["$order"][8:12] == ["Item", "Seal", "Mark", "Seal"]
    assert shipment["Item"][0]["$order"][3:] == ["Code", "Code", "Value"]
    assert "$order" not in shipment["Item"][1]
    assert "$order" not in shipment["Extension"]


def test_json_without_order_gets_a_valid_order(kitchen: SchemaSet,
                                               data: dict[str, Any]) -> None:
    edited = copy.deepcopy(data)
    del edited["Shipment"]["$order"]
    del edited["Shipment"]["Item"][0]["$order"]
    edited["Shipment"]["Item"][0]["Value"] = [1, 2]
    xml = kitchen.to_xml(edited)
    assert kitchen.validate(xml).valid
    assert b"<k:Code>A</k:Code><k:Value>1</k:Value><k:Code>B</k:Code><k:Value>2" in xml
    assert kitchen.to_data(xml) == edited


def test_decimal_numbers_are_refused_with_a_pointer(kitchen: SchemaSet,
                                                    data: dict[str, Any]) -> None:
    edited = copy.deepcopy(data)
    edited["Shipment"]["Item"][0]["Quantity"]["value"] = 12.5
    with pytest.raises(ConversionError) as caught:
        kitchen.to_xml(edited)
    assert caught.value.path == "/Shipment/Item/0/Quantity/value"
    assert "decimals are JSON strings" in caught.value.reason


@pytest.mark.parametrize("edit, path", [
    (lambda s: s.__setitem__("Bogus", 1), "/Shipment/Bogus"),
    (lambda s: s.__setitem__("Item", {"Sequence": 1}), "/Shipment/Item"),
    (lambda s: s.__setitem__("Count", None), "/Shipment/Count"),
    (lambda s: s["$order"].append("Nope"), "/Shipment/$order/18"),
    (lambda s: s["Remark"]["$mixed"].append(7), "/Shipment/Remark/$mixed/4"),
    (lambda s: s["Extension"]["$any"].append({"a": 1, "b": 2}), "/Shipment/Extension/$any/1"),
])
def test_structure_errors_name_the_json_pointer(kitchen: SchemaSet, data: dict[str, Any],
                                                edit: Any, path: str) -> None:
    edited = copy.deepcopy(data)
    edit(edited["Shipment"])
    with pytest.raises(ConversionError) as caught:
        kitchen.to_xml(edited)
    assert caught.value.path == path


def test_wildcard_content_errors_are_located(kitchen: SchemaSet, data: dict[str, Any]) -> None:
    edited = copy.deepcopy(data)
    edited["Shipment"]["Extension"]["$any"][0]["{urn:other}Thing"]["$content"].append(5)
    with pytest.raises(ConversionError) as caught:
        kitchen.to_xml(edited)
    assert caught.value.path == "/Shipment/Extension/$any/0/{urn:other}Thing/$content/3"


def test_xml_that_does_not_fit_is_refused_with_its_line(kitchen: SchemaSet) -> None:
    bad = SOURCE.replace(b"<k:Mode>3</k:Mode>", b"<k:Mode>3</k:Mode><k:Stray/>")
    with pytest.raises(ConversionError) as caught:
        kitchen.to_data(bad)
    assert caught.value.line == 10
    with pytest.raises(ConversionError):
        kitchen.to_data(b"<k:Other xmlns:k='urn:tradestd:test:kitchen'/>")
    with pytest.raises(ConversionError):
        kitchen.to_data(b"<unclosed>")


@pytest.mark.parametrize("name, expected", [
    ("anytype", {"Free": [{"@x": "1", "$mixed": ["text ", {"{urn:a}Root": {"L": "1 2"}},
                                                  " more", {"b": "bold"}]}, {"$mixed": []}],
                 "Untyped": {"$mixed": ["plain"]}, "L": "1  2 3", "U": "2026-01-01",
                 "Lang": {"@lang": "en", "value": "hi"}}),
    ("open11", {"$any": [{"{urn:z}x": "1"}, {"{urn:z}y": ""}, {"{urn:z}w": "t"}], "A": "a",
                "B": [1, 2], "$order": ["$any", "A", "$any", "B", "B", "$any"]}),
    ("wildsib", {"A": [1, 2], "B": ["b"], "$any": [{"{urn:w}C": "c"}],
                 "$order": ["A", "B", "A", "$any"]}),
])
def test_any_type_lists_unions_open_content_and_wildcards_matching_members(name: str, expected: Any) -> None:
    schema_set = load_schema_set(DATA / f"{name}.xsd")
    source = (DATA / f"{name}.xml").read_bytes()
    data = schema_set.to_data(source)
    assert data == {"Root": expected}
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid
    assert c14n(back) == c14n(source)
    assert schema_set.to_data(back) == data


def test_qname_namespaces_outside_the_root_map_get_one_prefix(kitchen: SchemaSet) -> None:
    # convention 1's Clark form of a QName is still read: it gets a prefix
    data = {"Shipment": {"@version": "1", "ID": "GB1", "Item": [{"Sequence": 1}],
                         "Kind": "{urn:elsewhere}Thing"}}
    xml = kitchen.to_xml(data)
    assert b'xmlns:q0="urn:elsewhere"' in xml and b">q0:Thing<" in xml
    assert kitchen.to_data(xml) == {"Shipment": {**data["Shipment"], "Kind": "q0:Thing"},
                                    "$ns": {"q0": "urn:elsewhere"}}
    writer = _Writer(plan_for(kitchen), {})
    assert [writer.qname("{urn:elsewhere}A"), writer.qname("{urn:elsewhere}B")] == \
        ["q0:A", "q0:B"]
    data["Shipment"]["Consignor"] = [{"@xsi:type": "{urn:elsewhere}T", "Name": "A"}]
    with pytest.raises(ConversionError, match="names no type"):
        kitchen.to_xml(data)


@pytest.mark.parametrize("edit", [
    (b"<k:ID> GB123 </k:ID>", b"<k:ID> GB<k:X/>123 </k:ID>"),
    (b"<k:Mode>3</k:Mode>", b"<k:Mode>3</k:Mode>stray text"),
    (b"<k:Item><k:Sequence>2", b"<k:Item>lost<k:Sequence>2"),
])
def test_content_the_convention_cannot_hold_is_refused(kitchen: SchemaSet,
                                                      edit: tuple[bytes, bytes]) -> None:
    with pytest.raises(ConversionError):
        kitchen.to_data(SOURCE.replace(*edit))


def _commented(xml: bytes) -> bytes:
    """``xml`` with a comment and a processing instruction in every element: before its
    text, between its children (splitting text too) and after its last child."""
    root = etree.fromstring(xml)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        first, last = etree.Comment(" c "), etree.ProcessingInstruction("pi", "x")
        text = element.text or ""
        element.text = text[:len(text) // 2]
        first.tail = text[len(text) // 2:]
        element.insert(0, first)
        element.append(last)
    return etree.tostring(root)


def test_comments_and_processing_instructions_are_not_data(kitchen: SchemaSet,
                                                           data: dict[str, Any]) -> None:
    commented = _commented(SOURCE)
    assert commented.count(b"<!-- c -->") > 20
    assert kitchen.to_data(commented) == data
    # the tree the validator sees keeps them: the walk skips them itself, with the same result
    doc = load_xml(commented)
    assert doc.root is not None and next(doc.root.iter(etree.Comment), None) is not None
    assert element_to_data(plan_for(kitchen), doc.root) == data
    converted = load_xml(commented, comments=False)
    assert converted.root is not None
    assert next(converted.root.iter(etree.Comment, etree.PI), None) is None
