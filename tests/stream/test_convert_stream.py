"""Streaming conversion: XML batch -> JSON Lines -> XML batch, atomic and counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tradestd import SchemaSet, load_schema_set
from tradestd.issues import Severity
from tradestd.stream import NoRecordsError, RecordConverter
from tradestd.stream.convert import JsonLinesToXml, XmlToJsonLines, container_tags

from .batches import NS, SCHEMA, RecordDouble, batch, record, valid_batch

Q = f"{{{NS}}}"


@pytest.fixture(scope="module")
def check() -> Any:
    schema_set: SchemaSet = load_schema_set(SCHEMA)
    return schema_set.validate_document


def test_the_double_fits_the_protocol() -> None:
    assert isinstance(RecordDouble(), RecordConverter)


def test_xml_batch_to_json_lines_and_back(tmp_path: Path, check: Any) -> None:
    source = tmp_path / "day.xml"
    source.write_bytes(valid_batch(5))
    jsonl = tmp_path / "day.jsonl"
    to_json = XmlToJsonLines(source, jsonl, RecordDouble(), check, record="Declaration")
    reports = list(to_json)
    assert [r.index for r in reports] == [0, 1, 2, 3, 4] and all(r.valid for r in reports)
    s = to_json.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (5, 5, 0, True)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["ID"] for line in lines] == ["D0", "D1", "D2", "D3", "D4"]

    back = tmp_path / "back.xml"
    to_xml = JsonLinesToXml(jsonl, back, RecordDouble(), check, container="{urn:batch}Day")
    assert len(list(to_xml)) == 5 and to_xml.summary.written
    root = etree.parse(str(back)).getroot()
    assert root.tag == "{urn:batch}Day"
    assert [d.findtext(f"{Q}ID") for d in root] == ["D0", "D1", "D2", "D3", "D4"]
    assert [f.name for f in tmp_path.iterdir() if f.name.endswith(".part")] == []


def test_invalid_or_unconvertible_records_are_reported_and_nothing_is_written(
        tmp_path: Path, check: Any) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous content\n")
    invalid = "  <Declaration><ID>X</ID></Declaration>\n"
    unconvertible = record("D3").replace("goods D3", "unconvertible")
    data = batch([record("D0"), invalid, record("D2"), unconvertible])
    conversion = XmlToJsonLines(data, target, RecordDouble(), check, record="Declaration")
    reports = list(conversion)
    assert [r.valid for r in reports] == [True, False, True, False]
    assert [(i.code, i.record, i.line) for i in reports[1].issues] == [
        ("SCHEMA_MISSING_ELEMENT", 1, 10)]
    assert [(i.code, i.record, i.line) for i in reports[3].issues] == [
        ("CONVERT_FAILED", 3, 18)]
    s = conversion.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (4, 2, 2, False)
    assert s.issues[-1].code == "CONVERT_INCOMPLETE"
    assert "2 of 4 records converted" in s.issues[-1].message
    assert target.read_text() == "previous content\n"
    assert [f.name for f in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_truncated_batch_writes_nothing(tmp_path: Path, check: Any) -> None:
    target = tmp_path / "out.jsonl"
    conversion = XmlToJsonLines(valid_batch(3)[:-30], target, RecordDouble(), check,
                                record="Declaration")
    assert len(list(conversion)) == 2
    codes = [i.code for i in conversion.summary.issues]
    assert codes == ["XML_TRUNCATED", "CONVERT_INCOMPLETE"]
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_json_lines_with_a_bad_line_goes_on_and_names_it(tmp_path: Path, check: Any) -> None:
    good = json.dumps({"ID": "A", "Description": "d", "Amount": "1", "currencyID": "EUR"})
    lines = [good, '{"ID": "B", oops}', "", good, '{"nope": 1}', '{"ID":']
    text = "\n".join(lines) + "\n"
    conversion = JsonLinesToXml(text.encode(), tmp_path / "out.xml", RecordDouble(), check)
    reports = list(conversion)
    assert [(r.index, r.line, r.valid) for r in reports] == [
        (0, 1, True), (1, 2, False), (2, 4, True), (3, 5, False), (4, 6, False)]
    cut = reports[4].issues[0]
    assert (cut.code, cut.line, cut.column) == ("JSON_MALFORMED", 6, 7)
    bad_json = reports[1].issues[0]
    assert (bad_json.code, bad_json.line, bad_json.column) == ("JSON_MALFORMED", 2, 13)
    assert reports[3].issues[0].code == "CONVERT_FAILED"
    s = conversion.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (5, 2, 3, False)


def test_an_overlong_json_line_is_skipped_without_holding_it(tmp_path: Path, check: Any) -> None:
    from tradestd import Limits
    good = json.dumps({"ID": "A", "Description": "d", "Amount": "1", "currencyID": "EUR"})
    text = good + "\n" + json.dumps({"ID": "x" * 5000}) + "\n" + good + "\n"
    conversion = JsonLinesToXml(text.encode(), tmp_path / "out.xml", RecordDouble(), check,
                                limits=Limits(max_bytes=1000))
    reports = list(conversion)
    assert [(r.line, r.valid) for r in reports] == [(1, True), (2, False), (3, True)]
    assert reports[1].issues[0].code == "RECORD_TOO_LARGE"


def test_empty_json_lines_are_an_error(tmp_path: Path, check: Any) -> None:
    target = tmp_path / "out.xml"
    conversion = JsonLinesToXml(b"\n", target, RecordDouble(), check)
    with pytest.raises(NoRecordsError, match="no record was checked") as raised:
        list(conversion)
    assert not conversion.summary.written
    assert [i.code for i in raised.value.issues] == ["STREAM_EMPTY", "CONVERT_INCOMPLETE"]
    assert [i.code for i in conversion.summary.issues] == ["STREAM_EMPTY", "CONVERT_INCOMPLETE"]
    assert not target.exists()


def test_container_names() -> None:
    assert container_tags("Batch") == (b"<Batch>", b"</Batch>")
    assert container_tags("{urn:a}Day") == (b'<batch:Day xmlns:batch="urn:a">', b"</batch:Day>")
    with pytest.raises(ValueError):
        container_tags("not a name")


def test_severity_of_failures_is_error(tmp_path: Path, check: Any) -> None:
    conversion = JsonLinesToXml(b"[1]\n", tmp_path / "o.xml", RecordDouble(), check)
    (report,) = list(conversion)
    assert report.issues[0].severity is Severity.ERROR
