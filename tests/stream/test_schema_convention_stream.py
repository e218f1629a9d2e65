"""Streams with tradestd's own JSON convention: SchemaSet.iter_to_json / iter_to_xml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tradestd import SchemaSet, load_schema_set

from .batches import NS, SCHEMA, batch, record, valid_batch


@pytest.fixture(scope="module")
def schema_set() -> SchemaSet:
    return load_schema_set(SCHEMA)


def _shape(element: etree._Element) -> tuple[object, ...]:
    """What a lossless round trip keeps (prefixes and indentation are free)."""
    children = tuple(_shape(child) for child in element)
    text = element.text if not children else (element.text or "").strip() or None
    return element.tag, sorted(element.attrib.items()), text, children


def test_round_trip_through_json_lines_is_lossless(schema_set: SchemaSet, tmp_path: Path) -> None:
    source = tmp_path / "day.xml"
    source.write_bytes(valid_batch(4))
    jsonl, back = tmp_path / "day.jsonl", tmp_path / "back.xml"
    to_json = schema_set.iter_to_json(source, jsonl, record="Declaration")
    assert all(r.valid for r in to_json) and to_json.summary.written
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == ["Declaration"]
    to_xml = schema_set.iter_to_xml(jsonl, back, container="Batch")
    assert all(r.valid for r in to_xml) and to_xml.summary.written
    assert (to_xml.summary.records_in, to_xml.summary.records_out) == (4, 4)
    original = etree.parse(str(source)).getroot()
    again = etree.parse(str(back)).getroot()
    assert [_shape(e) for e in original] == [_shape(e) for e in again]


def test_json_lines_validate_with_the_schema_sets_convention(
        schema_set: SchemaSet, tmp_path: Path) -> None:
    source = tmp_path / "day.xml"
    source.write_bytes(valid_batch(2))
    jsonl = tmp_path / "day.jsonl"
    list(schema_set.iter_to_json(source, jsonl, record="Declaration"))
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    lines.insert(1, lines[0].replace('"1.50"', '"lots"'))
    lines.insert(2, '{"Unknown": {}}')
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stream = schema_set.iter_validate(jsonl)
    reports = list(stream)
    assert [(r.line, r.valid) for r in reports] == [(1, True), (2, False), (3, False),
                                                   (4, True)]
    assert reports[2].issues[0].code == "CONVERT_FAILED"
    assert stream.summary.invalid == 2


def test_invalid_record_is_not_converted(schema_set: SchemaSet, tmp_path: Path) -> None:
    target = tmp_path / "day.jsonl"
    conversion = schema_set.iter_to_json(
        batch([record("D0"), record("D1", currency=None)]), target, record=f"{{{NS}}}Declaration")
    reports = list(conversion)
    assert [r.valid for r in reports] == [True, False]
    assert reports[1].issues[0].code == "SCHEMA_MISSING_ATTRIBUTE"
    assert not conversion.summary.written and not target.exists()
