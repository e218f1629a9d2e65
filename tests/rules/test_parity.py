"""Parity: a message as XML and as JSON gets the same rule issues (ids and paths).

The JSON form is made by the converter; rules run on its XML form, and each issue's path
maps to a JSON Pointer that exists in the JSON message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

import tradestd
from tradestd.pointers import json_pointer
from tradestd.registry import bundled_registry


def _bare(path: str | None) -> str:
    return re.sub(r"/[^/:\[]+:", "/", path or "")


def test_xpath_maps_to_json_pointer() -> None:
    data = {"MetaData": {"WCOTypeName": "DEC", "$any": [{"{urn:d}Declaration": {
        "GoodsItemQuantity": 2,
        "GovernmentAgencyGoodsItem": [{"SequenceNumeric": 1}, {"SequenceNumeric": 2,
                                                               "a/b": {"value": "1"}}]}}]}}
    assert json_pointer(data, "/md:MetaData/Declaration/GoodsItemQuantity") == \
        "/MetaData/$any/0/{urn:d}Declaration/GoodsItemQuantity"
    assert json_pointer(data, "/MetaData/Declaration/GovernmentAgencyGoodsItem[2]/a/b") is None
    assert json_pointer(data, "/MetaData/Declaration/GovernmentAgencyGoodsItem[2]") == \
        "/MetaData/$any/0/{urn:d}Declaration/GovernmentAgencyGoodsItem/1"
    assert json_pointer(data, "/MetaData/Declaration/GovernmentAgencyGoodsItem[3]") is None
    assert json_pointer({"x": {"a~b": 1}}, "/x/a~b") == "/x/a~0b"


def _failing_fixtures() -> list[object]:
    cases = []
    for manifest in sorted(FIXTURES.glob("*/rules/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for rule_id, entry in data["rules"].items():
            cases.append(pytest.param(manifest.parent / entry["fail"], data["message_type"],
                                      id=f"{manifest.parent.parent.name}/{rule_id}"))
    return cases


@pytest.mark.parametrize(("path", "message_type"), _failing_fixtures())
def test_xml_and_json_get_the_same_rule_issues(path: Path, message_type: str) -> None:
    pytest.importorskip("tradestd.convert", reason="the XML/JSON converter is not installed")
    kind = bundled_registry().get(message_type)
    schema_set = kind.schema_set()
    as_json = schema_set.to_json(path)
    back = schema_set.to_xml(as_json)
    original = tradestd.validate(path, kind)
    converted = tradestd.validate(back, kind)
    assert {(i.rule_id, _bare(i.path)) for i in original.issues} == \
        {(i.rule_id, _bare(i.path)) for i in converted.issues}
    data = json.loads(as_json)
    for issue in converted.issues:
        assert issue.path is not None and json_pointer(data, issue.path) is not None, issue


@pytest.mark.parametrize(("path", "message_type"), _failing_fixtures())
def test_json_validation_reports_the_rule_issues_at_json_pointers(
        path: Path, message_type: str, tmp_path: Path) -> None:
    kind = bundled_registry().get(message_type)
    as_json = kind.schema_set().to_json(path)
    target = tmp_path / (path.stem + ".json")
    target.write_text(as_json, encoding="utf-8")
    from_xml = tradestd.validate(path, kind)
    from_json = tradestd.validate(target)  # detected from the top-level member
    assert from_json.message_type == kind.key
    data = json.loads(as_json)
    expected = {(i.rule_id, json_pointer(data, i.path or "")) for i in from_xml.issues
                if i.rule_id}
    got = {(i.rule_id, i.path) for i in from_json.issues if i.rule_id}
    assert got == expected
    assert expected, "a failing rule fixture must raise its rule"
    assert from_json.rule_packs == from_xml.rule_packs
    for issue in from_json.issues:
        assert issue.line is not None and issue.column is not None, issue
