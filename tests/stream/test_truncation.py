"""A batch cut short: a record counts only when its end is in the input, under every libxml2.

The oracle is the input text itself (how many record end tags, how many JSON lines lie
wholly inside the bytes read), never the parser's idea of where the input ended.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tradestd import SchemaSet, load_schema_set
from tradestd.stream import RecordStream
from tradestd.stream.convert import JsonLinesToXml
from tradestd.stream.jsonlines import JsonLinesReader, ends_inside_a_value
from tradestd.stream.xmlrecords import XmlRecordReader

from .batches import NS, SCHEMA, RecordDouble, batch, drain, record, valid_batch

FULL = valid_batch(3)
END_TAG = b"</Declaration>"
START_TAG = b"<Declaration>"


@pytest.fixture(scope="module")
def schema_set() -> SchemaSet:
    return load_schema_set(SCHEMA)


def _read(data: bytes, chunk_size: int) -> tuple[XmlRecordReader, list[int]]:
    reader = XmlRecordReader(io.BytesIO(data), "cut.xml", record="{*}Declaration",
                             chunk_size=chunk_size)
    return reader, [r.index for r in reader]


def test_libxml2_reports_an_end_when_its_end_tag_is_fed() -> None:
    """The property the reader stands on: fed byte by byte, the end of each record arrives
    exactly with the ``>`` of its end tag, never earlier and never only at close()."""
    parser = etree.XMLPullParser(events=("end",), tag=f"{{{NS}}}Declaration")
    arrived = []
    for offset in range(len(FULL)):
        parser.feed(FULL[offset:offset + 1])
        arrived += [offset + 1 for _ in parser.read_events()]
    parser.close()
    expected = []
    start = 0
    while (found := FULL.find(END_TAG, start)) >= 0:
        start = found + len(END_TAG)
        expected.append(start)
    assert arrived == expected and len(expected) == 3


@pytest.mark.parametrize("chunk_size", [1 << 16, 7, 1])
def test_every_cut_counts_the_end_tags_read(chunk_size: int) -> None:
    for cut in range(len(FULL)):
        data = FULL[:cut]
        reader, seen = _read(data, chunk_size)
        complete = data.count(END_TAG)
        assert seen == list(range(complete)), cut
        if b"</Batch>" in data:
            assert reader.issues == [], cut
            continue
        (issue,) = reader.issues
        if not data.strip():
            assert issue.code == "XML_EMPTY"
            continue
        assert issue.code in ("XML_TRUNCATED", "XML_EMPTY"), (cut, issue)
        if issue.code == "XML_TRUNCATED":
            assert issue.line == data.count(b"\n") + 1
            inside = data.count(START_TAG) > complete
            assert issue.record == (complete if inside else None), (cut, issue)
            assert f"after {complete} complete record" in issue.message


def test_the_record_cut_short_is_never_reported_valid(schema_set: SchemaSet) -> None:
    cut_in_last_end_tag = FULL[:FULL.rindex(END_TAG) + 4]  # ends in "</De"
    stream = schema_set.iter_validate(cut_in_last_end_tag, record="Declaration")
    reports = list(stream)
    assert [(r.index, r.valid) for r in reports] == [(0, True), (1, True)]
    (issue,) = stream.summary.issues
    assert (issue.code, issue.record) == ("XML_TRUNCATED", 2)
    assert "in record 2, which starts at line 17" in issue.message
    assert stream.summary.stopped and not stream.summary.ok


# -- JSON Lines ----------------------------------------------------------------------------

GOOD = {"ID": "A", "Description": "d\u00e9 \"q\" \\u", "Amount": "-1.5e+3",
        "currencyID": "EUR"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False,
                                                          allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8)


def _json_reader(data: bytes) -> tuple[JsonLinesReader, list[int]]:
    reader = JsonLinesReader(io.BytesIO(data), "cut.jsonl")
    return reader, [line.index for line in reader]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=5), JSON_VALUES, min_size=1, max_size=4),
       st.booleans())
def test_every_proper_prefix_of_a_json_object_ends_inside_a_value(
        value: dict[str, object], ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    for cut in range(1, len(text)):
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(text[:cut])
        assert ends_inside_a_value(text[:cut], caught.value), text[:cut]


@pytest.mark.parametrize("text", ['{"ID": "B", oops}', '{"a": 1 2', '{"a": tx', '{"a": 1]',
                                  '{"a": 1}}'])
def test_malformed_json_is_not_taken_for_a_cut(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    assert not ends_inside_a_value(text, caught.value)


def test_every_cut_of_a_json_lines_batch() -> None:
    line = json.dumps(GOOD, ensure_ascii=False).encode("utf-8")
    full = b"\n".join([line, line, line]) + b"\n"
    for cut in range(1, len(full) + 1):
        data = full[:cut]
        reader, seen = _json_reader(data)
        whole_lines = data.count(b"\n")
        last = data.rsplit(b"\n", 1)[-1]
        if last == line:  # the last line is complete JSON without its newline: a record
            assert seen == list(range(whole_lines + 1)) and reader.issues == [], cut
        elif last:
            assert seen == list(range(whole_lines)), cut
            (issue,) = reader.issues
            assert (issue.code, issue.record, issue.line) == (
                "JSON_TRUNCATED", whole_lines, whole_lines + 1), (cut, issue)
            assert f"after {whole_lines} complete record" in issue.message
        else:
            assert seen == list(range(whole_lines)) and reader.issues == [], cut


def test_a_malformed_last_line_without_newline_stays_a_malformed_record() -> None:
    reader, seen = _json_reader(b'{"ID": "A"}\n{"ID": "B", oops}')
    assert seen == [0, 1] and reader.issues == []


def test_a_cut_json_lines_batch_is_incomplete_and_converts_nothing(
        schema_set: SchemaSet, tmp_path: Path) -> None:
    line = json.dumps(GOOD)
    data = (line + "\n" + line[:-7]).encode()
    stream = RecordStream(data, schema_set.validate_document, converter=RecordDouble())
    reports = list(stream)
    assert [r.index for r in reports] == [0]
    (issue,) = stream.summary.issues
    assert (issue.code, issue.record, issue.line, issue.column) == (
        "JSON_TRUNCATED", 1, 2, len(line) - 6)
    assert stream.summary.stopped and stream.summary.to_dict()["complete"] is False
    target = tmp_path / "out.xml"
    conversion = JsonLinesToXml(data, target, RecordDouble(), schema_set.validate_document)
    list(conversion)
    assert [i.code for i in conversion.summary.issues] == ["JSON_TRUNCATED",
                                                           "CONVERT_INCOMPLETE"]
    assert not target.exists()


def test_a_truncated_single_record_batch(schema_set: SchemaSet) -> None:
    data = batch([record("D0")])[:-25]
    stream = schema_set.iter_validate(data, record="Declaration")
    assert drain(stream) == []
    (issue,) = stream.summary.issues
    assert (issue.code, issue.record) == ("XML_TRUNCATED", 0)
