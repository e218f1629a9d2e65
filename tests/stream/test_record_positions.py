"""Issues of a batch record placed from the record's own text give the positions that
parsing the record again gives, and the shortcut is what answers in the usual case."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from tradestd import SchemaSet, load_schema_set
from tradestd.stream import RecordReport, XmlRecord

from .batches import NS, SCHEMA, batch, record

BAD = record("D1", amount="x", currency=None)  # two issues on one element
SPREAD = record("D2", amount="y").replace("<Item>", "<Item\n      >").replace(
    "<Amount currencyID", "<Amount\n        currencyID")
FLAT = ("  <Declaration><ID>D3</ID><Item><Description>d</Description>"
        "<Amount>1</Amount></Item></Declaration>\n")
PREFIXED = ('  <b:Declaration xmlns:b="' + NS + '">\n    <b:ID>toolongidentifier</b:ID>\n'
            "    <b:Item>\n      <b:Description>d</b:Description>\n"
            '      <b:Amount currencyID="EUR">1</b:Amount>\n    </b:Item>\n'
            "  </b:Declaration>\n")
JOINED = ("  <Declaration>\n    <ID\n      >toolongidentifier</ID>\n      <Item>\n"
          "      <Description>d</Description>\n"
          '      <Amount currencyID="EUR">1</Amount>\n    </Item>\n  </Declaration>\n')
COMMENTED = record("D4", amount="z").replace("<Item>", "<Item><!-- <Amount> -->")
HIGH = "  <!-- padding -->\n" * 66_000

BATCHES = {
    "pretty": batch([record("D0"), BAD, record("D9", amount="1e")]),
    "tags over several lines": batch([BAD, SPREAD]),
    "a joined tag above the issue": batch([BAD, JOINED]),
    "one line": batch([FLAT, BAD]),
    "prefixed, own declaration": batch([PREFIXED, BAD]),
    "comment in a record": batch([COMMENTED, BAD]),
    "past line 65535": batch([BAD, HIGH, BAD]),
}


@pytest.fixture(scope="module")
def schema_set() -> SchemaSet:
    return load_schema_set(SCHEMA)


def _reports(schema_set: SchemaSet, data: bytes) -> list[RecordReport]:
    return list(schema_set.iter_validate(data, record="{*}Declaration"))


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_positions_match_parsing_the_record_again(name: str, schema_set: SchemaSet,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shortcut = _reports(schema_set, BATCHES[name])
    assert any(r.issues for r in shortcut)
    assert all(i.line is not None for r in shortcut for i in r.issues)
    monkeypatch.setattr(XmlRecord, "text_position", lambda self, path: None)
    assert _reports(schema_set, BATCHES[name]) == shortcut


def test_pretty_printed_records_are_not_parsed_again(schema_set: SchemaSet,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(self: XmlRecord, *args: object) -> None:
        raise AssertionError("the record was parsed again")

    monkeypatch.setattr(XmlRecord, "document", no_parse)
    reports = _reports(schema_set, BATCHES["pretty"])
    assert [(i.code, i.line, i.column) for r in reports for i in r.issues] == [
        ("SCHEMA_MISSING_ATTRIBUTE", 14, 7), ("SCHEMA_INVALID_VALUE", 14, 7),
        ("SCHEMA_INVALID_VALUE", 21, 7)]


def test_a_record_whose_tags_were_joined_is_parsed_again(
        schema_set: SchemaSet, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    document = XmlRecord.document

    def counted(self: XmlRecord, *args: Any) -> Any:
        parsed.append(self.index)
        return document(self, *args)

    monkeypatch.setattr(XmlRecord, "document", counted)
    data = BATCHES["tags over several lines"]
    reports = _reports(schema_set, data)
    assert parsed == [1]  # the serializer joins SPREAD's tags: its own lines cannot tell
    amount = etree.fromstring(data).findall(f".//{{{NS}}}Amount")[1]
    (issue,) = reports[1].issues
    assert issue.line == amount.sourceline == 16
