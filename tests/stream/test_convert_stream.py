"""Streaming conversion: XML batch -> JSON Lines -> XML batch, atomic and counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tradestd.issues import Severity
from tradestd.stream.convert import JsonLinesToXml, RecordConverter, XmlToJsonLines, container_tags

from .batches import NS, batch, record, valid_batch

Q = f"{{{NS}}}"


class RecordDouble:
    """A hand-written converter for the test record (the real one is schema-driven)."""

    def to_data(self, element: etree._Element) -> Any:
        item = element.find(f"{Q}Item")
        if item is None:
            raise ValueError("a Declaration needs an Item")
        amount = item.find(f"{Q}Amount")
        return {"ID": element.findtext(f"{Q}ID"),
                "Description": item.findtext(f"{Q}Description"),
                "Amount": amount.text, "currencyID": amount.get("currencyID")}

    def to_element(self, data: Any) -> etree._Element:
        if not isinstance(data, dict) or "ID" not in data:
            raise ValueError("a record needs an ID")
        root = etree.Element(f"{Q}Declaration", nsmap={None: NS})
        etree.SubElement(root, f"{Q}ID").text = data["ID"]
        item = etree.SubElement(root, f"{Q}Item")
        etree.SubElement(item, f"{Q}Description").text = data["Description"]
        amount = etree.SubElement(item, f"{Q}Amount", currencyID=data["currencyID"])
        amount.text = data["Amount"]
        return root


def test_the_double_fits_the_protocol() -> None:
    assert isinstance(RecordDouble(), RecordConverter)


def test_xml_batch_to_json_lines_and_back(tmp_path: Path) -> None:
    source = tmp_path / "day.xml"
    source.write_bytes(valid_batch(5))
    jsonl = tmp_path / "day.jsonl"
    to_json = XmlToJsonLines(source, jsonl, RecordDouble(), record="Declaration")
    reports = list(to_json)
    assert [r.index for r in reports] == [0, 1, 2, 3, 4] and all(r.valid for r in reports)
    s = to_json.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (5, 5, 0, True)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["ID"] for line in lines] == ["D0", "D1", "D2", "D3", "D4"]

    back = tmp_path / "back.xml"
    to_xml = JsonLinesToXml(jsonl, back, RecordDouble(), container="{urn:batch}Day")
    assert len(list(to_xml)) == 5 and to_xml.summary.written
    root = etree.parse(str(back)).getroot()
    assert root.tag == "{urn:batch}Day"
    assert [d.findtext(f"{Q}ID") for d in root] == ["D0", "D1", "D2", "D3", "D4"]
    assert [f.name for f in tmp_path.iterdir() if f.name.endswith(".part")] == []


def test_a_record_that_does_not_convert_is_reported_and_nothing_is_written(
        tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous content\n")
    broken = "  <Declaration><ID>X</ID></Declaration>\n"
    data = batch([record("D0"), broken, record("D2")])
    conversion = XmlToJsonLines(data, target, RecordDouble(), record="Declaration")
    reports = list(conversion)
    assert [r.valid for r in reports] == [True, False, True]
    (issue,) = reports[1].issues
    assert (issue.code, issue.record, issue.line) == ("CONVERT_FAILED", 1, 10)
    s = conversion.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (3, 2, 1, False)
    assert s.issues[-1].code == "CONVERT_INCOMPLETE"
    assert target.read_text() == "previous content\n"
    assert [f.name for f in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_truncated_batch_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    conversion = XmlToJsonLines(valid_batch(3)[:-30], target, RecordDouble(),
                                record="Declaration")
    assert len(list(conversion)) == 2
    codes = [i.code for i in conversion.summary.issues]
    assert codes == ["XML_TRUNCATED", "CONVERT_INCOMPLETE"]
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_json_lines_with_a_bad_line_goes_on_and_names_it(tmp_path: Path) -> None:
    good = json.dumps({"ID": "A", "Description": "d", "Amount": "1", "currencyID": "EUR"})
    lines = [good, '{"ID": "B", oops}', "", good, '{"nope": 1}', good]
    text = "\n".join(lines) + "\n"
    conversion = JsonLinesToXml(text.encode(), tmp_path / "out.xml", RecordDouble())
    reports = list(conversion)
    assert [(r.index, r.line, r.valid) for r in reports] == [
        (0, 1, True), (1, 2, False), (2, 4, True), (3, 5, False), (4, 6, True)]
    bad_json = reports[1].issues[0]
    assert (bad_json.code, bad_json.line, bad_json.column) == ("JSON_MALFORMED", 2, 13)
    assert reports[3].issues[0].code == "CONVERT_FAILED"
    s = conversion.summary
    assert (s.records_in, s.records_out, s.failed, s.written) == (5, 3, 2, False)


def test_an_overlong_json_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    from tradestd import Limits
    good = json.dumps({"ID": "A", "Description": "d", "Amount": "1", "currencyID": "EUR"})
    text = good + "\n" + json.dumps({"ID": "x" * 5000}) + "\n" + good + "\n"
    conversion = JsonLinesToXml(text.encode(), tmp_path / "out.xml", RecordDouble(),
                                limits=Limits(max_bytes=1000))
    reports = list(conversion)
    assert [(r.line, r.valid) for r in reports] == [(1, True), (2, False), (3, True)]
    assert reports[1].issues[0].code == "RECORD_TOO_LARGE"


def test_empty_json_lines_make_an_empty_container(tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    conversion = JsonLinesToXml(b"", target, RecordDouble())
    assert list(conversion) == [] and conversion.summary.written
    assert etree.parse(str(target)).getroot().tag == "Batch"


def test_container_names() -> None:
    assert container_tags("Batch") == (b"<Batch>", b"</Batch>")
    assert container_tags("{urn:a}Day") == (b'<batch:Day xmlns:batch="urn:a">', b"</batch:Day>")
    with pytest.raises(ValueError):
        container_tags("not a name")


def test_severity_of_failures_is_error(tmp_path: Path) -> None:
    conversion = JsonLinesToXml(b"[1]\n", tmp_path / "o.xml", RecordDouble())
    (report,) = list(conversion)
    assert report.issues[0].severity is Severity.ERROR
