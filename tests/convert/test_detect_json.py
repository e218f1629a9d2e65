"""Message-type detection from a JSON message's top-level member, and validate_json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradestd.convert.validate import validate_json
from tradestd.registry import DetectionError, MessageType, Registry

from .conftest import DATA


def _type(ident: str, root: str, envelope: str | None = None,
          type_name: str | None = None) -> MessageType:
    return MessageType(id=ident, version="1.0", title=ident, root=root, directory=DATA,
                       xsd=(DATA / "kitchen.xsd",), envelope=envelope, type_name=type_name)


REGISTRY = Registry([
    _type("shipment", "{urn:tradestd:test:kitchen}Shipment"),
    _type("dec", "{urn:w:dec}Declaration", "{urn:w:env}MetaData", "DEC"),
    _type("inv", "{urn:w:inv}Inventory", "{urn:w:env}MetaData", "INV"),
])


@pytest.mark.parametrize("data, expected", [
    ({"Shipment": {}}, "shipment"),
    ({"{urn:tradestd:test:kitchen}Shipment": {}}, "shipment"),
    ({"MetaData": {"Declaration": {}}}, "dec"),
    ({"MetaData": {"WCOTypeName": "INV", "Inventory": {}}}, "inv"),
])
def test_top_level_member_names_the_type(data: object, expected: str) -> None:
    assert REGISTRY.detect_json(data).id == expected


@pytest.mark.parametrize("data", [{"Unknown": {}}, [], {"a": 1, "b": 2}])
def test_unknown_json_names_the_candidates(data: object) -> None:
    with pytest.raises(DetectionError) as caught:
        REGISTRY.detect_json(data)
    assert "shipment@1.0 (Shipment)" in str(caught.value)


def test_validate_json_detects_and_locates(tmp_path: Path) -> None:
    from tradestd import load_schema_set
    data = load_schema_set(DATA / "kitchen.xsd").to_data(DATA / "shipment.xml")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data, indent=1))
    report = validate_json(good, registry=REGISTRY)
    assert report.valid and report.message_type == "shipment@1.0"
    data["Shipment"]["Item"][1]["Sequence"] = -1
    report = validate_json(json.dumps(data, indent=1), registry=REGISTRY)
    (issue,) = report.issues
    assert issue.path == "/Shipment/Item/1/Sequence"
    assert issue.line is not None and issue.column == 17
    assert validate_json('{"Nope": 1}', registry=REGISTRY).issues[0].code == \
        "MESSAGE_TYPE_UNKNOWN"


def test_json_text_and_bytes_are_told_from_xml_and_paths(tmp_path: Path) -> None:
    from tradestd.validation import is_json_source

    assert is_json_source(b' {"A": 1}') and is_json_source(b"[1]")
    assert is_json_source('{"A": 1}') and not is_json_source("<A/>")
    odd = tmp_path / "[2026] batch.xml"
    odd.write_text("<A/>")
    assert not is_json_source(str(odd))  # an existing path is a path, whatever its name
    assert is_json_source(str(tmp_path / "m.JSON")) and is_json_source(tmp_path / "m.json")
