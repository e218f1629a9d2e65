"""The xsi:schemaLocation note is placed from the prolog scan, without decoding the whole
document: the position must be the one the Locator finds."""

from __future__ import annotations

import codecs

import pytest
from conftest import CORPORA
from hypothesis import given, settings
from hypothesis import strategies as st

from tradestd.intake import parse_bytes
from tradestd.locate import Locator

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'

_PROLOG_PARTS = st.sampled_from([
    "", "\n", "  \t", "<!-- a comment -->", "<!--\nlines\n-->", "<?pi data?>",
    "<?pi\n  multi?>", "\r\n",
])



@settings(max_examples=80, deadline=None)
@given(declaration=st.sampled_from(["", '<?xml version="1.0"?>',
                                    '<?xml version="1.0" encoding="UTF-8"?>\n']),
       parts=st.lists(_PROLOG_PARTS, max_size=4),
       bom=st.booleans(), split=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_note_position_is_the_locators(declaration: str, parts: list[str], bom: bool,
                                       split: bool, encoding: str) -> None:
    if encoding == "utf-16" and declaration:
        declaration = declaration.replace("UTF-8", "UTF-16")
    attrs = f"\n   {XSI}\n   xsi:schemaLocation='urn:x x.xsd'" if split else \
        f" {XSI} xsi:schemaLocation='urn:x x.xsd'"
    text = declaration + "".join(parts) + f"<é{attrs}><child/></é>"
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    doc = parse_bytes("x", data)
    assert doc.tree is not None, doc.issues
    notes = [i for i in doc.issues if i.code == "XML_SCHEMA_LOCATION_IGNORED"]
    assert len(notes) == 1
    expected = Locator(data, doc.tree).position(doc.tree.getroot())
    assert (notes[0].line, notes[0].column) == expected


def test_note_positions_on_real_declarations() -> None:
    folder = CORPORA / "uk-cds" / "messages"
    files = sorted(folder.rglob("*.xml"))[:40] if folder.is_dir() else []
    checked = 0
    for path in files:
        data = path.read_bytes()
        doc = parse_bytes(path.name, data)
        notes = [i for i in doc.issues if i.code == "XML_SCHEMA_LOCATION_IGNORED"]
        if doc.tree is None or not notes:
            continue
        expected = Locator(data, doc.tree).position(doc.tree.getroot())
        assert (notes[0].line, notes[0].column) == expected, path
        checked += 1
    if not files:
        pytest.skip(f"corpora not found at {CORPORA}")
    assert checked


def test_a_doctype_in_utf7_is_refused_by_the_prolog_scan() -> None:
    """The byte scan reads only UTF-8/ASCII prologs as bytes: in UTF-7, ``+ADw-`` is a
    ``<`` that libxml2 would decode, so such a prolog is decoded first."""
    data = (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY x '
            b'"y"+AD4-+AF0-+AD4-+ADw-r/+AD4-')
    issues = parse_bytes("x", data).issues
    assert [i.code for i in issues] == ["XML_DTD_FORBIDDEN"]
    assert issues[0].column is not None  # placed by the scan, before libxml2 read it
