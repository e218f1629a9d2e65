"""Validating XML batches record by record: verdicts, positions, stops and limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from tradestd import Limits, SchemaSet, Severity, load_schema_set
from tradestd.stream import RecordReport, RecordStream

from .batches import NS, SCHEMA, batch, drain, record, valid_batch


@pytest.fixture(scope="module")
def schema_set() -> SchemaSet:
    return load_schema_set(SCHEMA)


def run(schema_set: SchemaSet, data: bytes, record_name: str | None = "Declaration",
        limits: Limits | None = None) -> tuple[list[RecordReport], RecordStream]:
    stream = schema_set.iter_validate(data, record=record_name, limits=limits)
    return drain(stream), stream


def test_valid_batch_counts_every_record(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, valid_batch(5))
    assert [r.index for r in reports] == [0, 1, 2, 3, 4]
    assert [r.line for r in reports] == [3, 10, 17, 24, 31]
    assert all(r.valid for r in reports)
    summary = stream.summary
    assert (summary.records, summary.valid, summary.invalid) == (5, 5, 0)
    assert summary.ok and not summary.stopped and summary.issues == []
    assert summary.record_tag == "{*}Declaration"


def test_invalid_record_in_the_middle_is_reported_and_the_stream_goes_on(
        schema_set: SchemaSet) -> None:
    records = [record("D0"), record("D1", amount="abc"), record("D2", currency=None),
               record("D3")]
    reports, stream = run(schema_set, batch(records))
    assert [r.valid for r in reports] == [True, False, False, True]
    bad = reports[1].issues
    assert [(i.code, i.line, i.column, i.record, i.path) for i in bad] == [
        ("SCHEMA_INVALID_VALUE", 14, 7, 1, "/Declaration/Item/Amount")]
    missing = reports[2].issues[0]
    assert (missing.code, missing.line, missing.record) == ("SCHEMA_MISSING_ATTRIBUTE", 21, 2)
    summary = stream.summary
    assert (summary.records, summary.valid, summary.invalid, summary.errors) == (4, 2, 2, 2)
    assert not summary.stopped and not summary.ok


def test_not_well_formed_record_ends_the_stream_with_position_and_count(
        schema_set: SchemaSet) -> None:
    broken = record("D2").replace("</Item>", "</Itm>")
    reports, stream = run(schema_set, batch([record("D0"), record("D1"), broken, record("D3")]))
    assert len(reports) == 2
    (issue,) = stream.summary.issues
    assert issue.code == "XML_TAG_MISMATCH"
    assert (issue.line, issue.column, issue.record) == (22, 11, 2)
    assert "after 2 complete records" in issue.message
    assert "record 2, which starts at line 17" in issue.message
    assert stream.summary.stopped and stream.summary.records == 2


def test_truncated_batch_names_the_end_and_the_records_done(schema_set: SchemaSet) -> None:
    data = valid_batch(3)[:-40]
    reports, stream = run(schema_set, data)
    assert len(reports) == 2
    (issue,) = stream.summary.issues
    assert issue.code == "XML_TRUNCATED"
    assert issue.line == data.count(b"\n") + 1
    assert issue.record == 2 and "after 2 complete records" in issue.message


def test_truncated_after_the_last_record(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, batch([record("D0")], tail=""))
    assert len(reports) == 1 and reports[0].valid
    (issue,) = stream.summary.issues
    assert issue.code == "XML_TRUNCATED" and issue.record is None
    assert "after 1 complete record)" in issue.message


def test_empty_file_is_an_error(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, b"")
    assert reports == []
    assert [i.code for i in stream.summary.issues] == ["XML_EMPTY"]
    assert stream.summary.stopped


def test_container_without_records_is_an_error(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, batch([]))
    assert reports == []
    (issue,) = stream.summary.issues
    assert (issue.code, issue.severity, issue.line) == ("STREAM_EMPTY", Severity.ERROR, 2)
    assert "is --record right?" in issue.message
    assert not stream.summary.ok and stream.summary.records == 0


def test_one_record(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, batch([record("ONLY")]))
    assert [(r.index, r.line, r.valid) for r in reports] == [(0, 3, True)]
    assert stream.summary.records == 1


def test_a_single_message_is_a_batch_of_one(schema_set: SchemaSet) -> None:
    data = record("ONE").replace("<Declaration>", f'<Declaration xmlns="{NS}">', 1)
    reports, stream = run(schema_set, data.encode())
    assert [(r.index, r.line, r.valid) for r in reports] == [(0, 1, True)]
    assert stream.summary.issues == []


def test_container_content_is_reported_not_silently_skipped(schema_set: SchemaSet) -> None:
    data = batch([record("D0"), "  <Note>x</Note>\n", record("D1")],
                 head="  <Header><Sent>today</Sent></Header>\n", tail="  <Trailer/>\n</Batch>\n")
    reports, stream = run(schema_set, data)
    assert len(reports) == 2
    (issue,) = stream.summary.issues
    assert issue.code == "STREAM_CONTAINER_CONTENT"
    assert issue.message.startswith("3 element(s)") and "Header" in issue.message
    assert issue.line == 3


def test_lines_beyond_65535_are_exact(schema_set: SchemaSet) -> None:
    filler = "  <!-- padding -->\n" * 70_000
    data = batch([record("D0"), filler, record("D1", amount="x")])
    reports, _ = run(schema_set, data)
    (issue,) = reports[1].issues
    assert reports[1].line == 70_010 and issue.line == 70_014
    assert issue.column == 7


def test_columns_on_the_record_line_skip_inherited_namespace_declarations(
        schema_set: SchemaSet) -> None:
    flat = ("  <Declaration><ID>D0</ID><Item><Description>d</Description>"
            "<Amount>1</Amount></Item></Declaration>\n")
    reports, _ = run(schema_set, batch([flat]))
    (issue,) = reports[0].issues
    assert (issue.line, issue.column) == (3, flat.index("<Amount>") + 1)


def test_start_tag_over_several_lines_keeps_lines(schema_set: SchemaSet) -> None:
    spread = record("D0").replace("<Item>", '<Item\n      >').replace(
        "<Amount currencyID", "<Amount\n        currencyID").replace(">1.50<", ">x<")
    data = batch([record("D1"), spread])
    reports, _ = run(schema_set, data)
    (issue,) = reports[1].issues
    whole = etree.fromstring(data)
    amount = whole.findall(f".//{{{NS}}}Amount")[1]
    assert issue.code == "SCHEMA_INVALID_VALUE" and issue.line == amount.sourceline == 16


def test_doctype_is_refused(schema_set: SchemaSet) -> None:
    data = valid_batch(2).replace(b"<Batch", b'<!DOCTYPE Batch [<!ENTITY e "x">]>\n<Batch', 1)
    reports, stream = run(schema_set, data)
    assert reports == []
    assert [i.code for i in stream.summary.issues] == ["XML_DTD_FORBIDDEN"]


def test_undeclared_entity_stops_at_once(schema_set: SchemaSet) -> None:
    data = batch([record("D0"), record("&oops;"), record("D2")])
    reports, stream = run(schema_set, data)
    assert len(reports) == 1
    (issue,) = stream.summary.issues
    assert (issue.code, issue.line, issue.record) == ("XML_UNDECLARED_ENTITY", 11, 1)


def test_each_record_is_bounded_not_the_batch(schema_set: SchemaSet) -> None:
    limits = Limits(max_bytes=70_000)
    reports, stream = run(schema_set, valid_batch(2_000), limits=limits)
    assert len(reports) == 2_000 and stream.summary.ok
    huge = record("BIG").replace("goods BIG", "y" * 300_000)
    reports, stream = run(schema_set, batch([record("D0"), huge]), limits=limits)
    assert len(reports) == 1
    assert [i.code for i in stream.summary.issues] == ["RECORD_TOO_LARGE"]


def test_wrong_record_name_is_bounded_too(schema_set: SchemaSet) -> None:
    reports, stream = run(schema_set, valid_batch(2_000), record_name="Nope",
                          limits=Limits(max_bytes=70_000))
    assert reports == []
    assert [i.code for i in stream.summary.issues] == ["STREAM_NO_RECORD"]


def test_clark_name_selects_the_namespace(schema_set: SchemaSet) -> None:
    reports, _ = run(schema_set, valid_batch(2), record_name=f"{{{NS}}}Declaration")
    assert len(reports) == 2
    reports, stream = run(schema_set, valid_batch(2), record_name="{urn:other}Declaration")
    assert reports == [] and stream.summary.issues[0].code == "STREAM_EMPTY"
    assert "{urn:other}Declaration" in stream.summary.issues[0].message


def test_reads_paths_and_streams(schema_set: SchemaSet, tmp_path: Path) -> None:
    path = tmp_path / "day.xml"
    path.write_bytes(valid_batch(3))
    stream = schema_set.iter_validate(path, record="Declaration")
    assert len(list(stream)) == 3
    assert stream.summary.source == str(path) and stream.summary.size == path.stat().st_size
    assert len(list(schema_set.iter_validate(io.BytesIO(valid_batch(2)),
                                             record="Declaration"))) == 2
    missing = schema_set.iter_validate(tmp_path / "nope.xml", record="Declaration")
    assert drain(missing) == []
    assert [i.code for i in missing.summary.issues] == ["INPUT_NOT_FOUND"]


def _elements_in_tree(report_element: object) -> int:
    from lxml import etree as et
    assert isinstance(report_element, et._Element)
    return sum(1 for _ in report_element.getroottree().getroot().iter(tag=et.Element))


def test_the_batch_tree_never_holds_more_than_the_current_record(schema_set: SchemaSet) -> None:
    """Records, and groups of records at any depth, are dropped once handled."""
    from tradestd.stream import XmlRecordReader, record_pattern
    groups = "".join(f"  <Group>\n  <Note>n</Note>\n{record(f'D{i}')}  </Group>\n"
                     for i in range(200))
    data = batch([groups])
    reader = XmlRecordReader(io.BytesIO(data), "day.xml", record=record_pattern("Declaration"),
                             chunk_size=512)
    sizes = [_elements_in_tree(r.element) for r in reader]
    assert len(sizes) == 200
    # The current group and what the parser has read ahead in the current chunk; never
    # the 200 groups already handled.
    assert max(sizes) < 40, sizes
    (issue,) = reader.issues
    assert issue.code == "STREAM_CONTAINER_CONTENT" and issue.message.startswith("200 ")


def test_validator_detects_the_record_from_message_types(tmp_path: Path) -> None:
    from tradestd import MessageType, Registry, Validator
    toml = tmp_path / "message.toml"
    toml.write_text(f'id = "test-record"\nversion = "1.0"\nroot = "{{{NS}}}Declaration"\n'
                    f'xsd = ["{SCHEMA.as_posix()}"]\nrecord = "{{{NS}}}Declaration"\n')
    validator = Validator(registry=Registry([MessageType.from_toml(toml)]))
    data = batch([record("D0"), record("D1", currency=None)],
                 head='  <Declaration xmlns="urn:elsewhere"/>\n')
    stream = validator.iter_validate(data)
    reports = list(stream)
    assert [(r.index, r.valid, r.report.message_type) for r in reports] == [
        (0, True, "test-record@1.0"), (1, False, "test-record@1.0")]
    assert stream.summary.record_tag == f"{{{NS}}}Declaration"
    assert stream.summary.issues[0].code == "STREAM_CONTAINER_CONTENT"


def test_json_lines_are_validated_through_the_converter(schema_set: SchemaSet,
                                                        tmp_path: Path) -> None:
    from tradestd.stream import RecordStream

    from .batches import RecordDouble
    good = '{"ID": "A", "Description": "d", "Amount": "1", "currencyID": "EUR"}'
    lines = [good, "not json", good.replace('"1"', '"x"'), "", '{"no": "id"}', good]
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(lines) + "\n")
    stream = RecordStream(path, schema_set.validate_document, record="Declaration",
                          converter=RecordDouble())
    reports = list(stream)
    assert [(r.index, r.line, r.valid) for r in reports] == [
        (0, 1, True), (1, 2, False), (2, 3, False), (3, 5, False), (4, 6, True)]
    assert [i.code for r in reports for i in r.issues] == [
        "JSON_MALFORMED", "SCHEMA_INVALID_VALUE", "CONVERT_FAILED"]
    invalid = reports[2].issues[0]
    assert (invalid.line, invalid.column, invalid.record, invalid.path) == (
        3, None, 2, "/Declaration/Item/Amount")
    assert (stream.summary.records, stream.summary.invalid) == (5, 3)
    assert not stream.summary.stopped


def test_json_lines_without_a_converter_are_refused(schema_set: SchemaSet) -> None:
    stream = RecordStream(b'{"ID": "A"}\n', schema_set.validate_document, record="Declaration")
    assert drain(stream) == []
    assert [i.code for i in stream.summary.issues] == ["STREAM_JSON_UNSUPPORTED"]
