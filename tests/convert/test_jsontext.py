"""The JSON text of the XML -> JSON direction (``tradestd.convert.jsontext``).

orjson writes it; its text must be the standard library's text (compact:
``separators=(",", ":")``; ``indent=2``), byte for byte, on every bundled fixture, every
accepted uk-cds message (as published and without its comments) and generated data. What
orjson does not write (other indents, nesting deeper than 254 levels) the standard library
writes. The walk itself must give the same data whether the tree kept its comments or not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tradestd.convert import element_to_json_data, to_json
from tradestd.convert.jsontext import json_bytes, json_text
from tradestd.intake import load_xml
from tradestd.registry import bundled_registry
from tradestd.schemaset import SchemaSet, load_schema_set

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: every bundled message that is valid under its schema (the rule fixtures are too)
FILES = sorted(FIXTURES.glob("*/valid/*.xml")) + sorted(FIXTURES.glob("*/rules/*.xml"))
UKCDS = CORPORA / "uk-cds"


def _stdlib(data: Any, indent: int | None = None) -> str:
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)


def _same_text(data: Any) -> None:
    assert json_text(data) == _stdlib(data)
    assert json_text(data, indent=2) == _stdlib(data, 2)
    assert json_bytes(data) == _stdlib(data).encode("utf-8")


def _ukcds_cases() -> list[Any]:
    if not (UKCDS / "cases.json").is_file():
        return []
    cases = json.loads((UKCDS / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=c["xml"].rpartition("/")[2], marks=pytest.mark.corpora)
            for c in cases if c["expect"] == "valid"]


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.parent.name}/{p.parent.name}/{p.name}"
                                             for p in FILES])
def test_fixture_json_is_the_standard_librarys_text(path: Path) -> None:
    doc = load_xml(path)
    assert doc.root is not None
    schema_set = bundled_registry().detect(doc.root).schema_set()
    source = etree.tostring(doc.root)  # the message inside a SOAP envelope, if any
    data = schema_set.to_data(source)
    _same_text(data)
    assert schema_set.to_json(source) == _stdlib(data)
    assert schema_set.to_json(source, indent=2) == _stdlib(data, 2)
    assert schema_set.to_json(source, indent=4) == _stdlib(data, 4)


_SETS: dict[tuple[str, ...], SchemaSet] = {}


@pytest.mark.parametrize("case", _ukcds_cases())
def test_ukcds_json_is_the_standard_librarys_text_with_and_without_comments(
        case: dict[str, Any]) -> None:
    xsd = tuple(case["xsd"])
    if xsd not in _SETS:
        _SETS[xsd] = load_schema_set([UKCDS / x for x in xsd])
    schema_set = _SETS[xsd]
    source = (UKCDS / case["xml"]).read_bytes()
    data = schema_set.to_data(source)
    _same_text(data)
    assert to_json(schema_set, source) == _stdlib(data)
    # the declarations carry about 100 comments each: the walk over a tree that kept them
    # and over the same message without them gives the same data
    commented = etree.fromstring(source, etree.XMLParser(resolve_entities=False))
    assert any(isinstance(e, etree._Comment) for e in commented.iter()) == (b"<!--" in source)
    assert element_to_json_data(schema_set, commented) == data
    stripped = etree.tostring(
        etree.fromstring(source, etree.XMLParser(remove_comments=True,
                                                 resolve_entities=False)).getroottree(),
        xml_declaration=True, encoding="UTF-8")
    assert b"<!--" not in stripped
    assert schema_set.to_json(stripped) == _stdlib(data)


# what the converter puts in JSON: strings (any character XML allows), integers below
# 2**53, booleans; objects with string keys and arrays
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUES = st.recursive(
    st.one_of(_TEXT, st.integers(-(2**53) + 1, 2**53 - 1), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([None, 0, 1, 2, 3, 8]))
def test_generated_data_gets_the_standard_librarys_text(data: Any, indent: int | None) -> None:
    assert json_text(data, indent=indent) == _stdlib(data, indent)
    assert json.loads(json_bytes(data, indent=indent)) == data


def test_escapes_and_characters_are_written_as_the_standard_library_writes_them() -> None:
    tricky = "\x00\x01\x1f\x7f\t\n\r\b\f\"\\/ é€\u2028\u2029\ufeff\U0001f600 </script>"
    data = {tricky: [tricky, {"": tricky}], "n": -(2**53) + 1, "t": True, "f": False,
            "empty": {}, "none": []}
    _same_text(data)
    assert json.loads(json_text(data)) == data


def test_deeper_than_orjson_goes_is_written_by_the_standard_library() -> None:
    data: Any = "leaf"
    for depth in range(600):
        data = {"Child": data} if depth % 2 else [data]
    text = json_text(data)
    assert text == _stdlib(data)
    assert json_text(data, indent=2) == _stdlib(data, 2)
    assert json.loads(text) == data
