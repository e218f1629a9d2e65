"""Intake: every kind of source, encodings, limits, SOAP unwrapping, positions."""

from __future__ import annotations

import io
import select
import socket
import sys
from pathlib import Path

import pytest
from conftest import DATA
from lxml import etree

from tradestd import Limits
from tradestd.intake import load_xml, new_parser
from tradestd.locate import Locator, element_path

VALID = DATA / "messages" / "enveloped-valid.xml"
DOC = '<?xml version="1.0" encoding="{enc}"?>\n<r>\n  <a>caf\u00e9</a>\n  <b x="1"/>\n</r>\n'


def _positions(source: object) -> list[tuple[str, int | None, int | None]]:
    doc = load_xml(source)  # type: ignore[arg-type]
    assert doc.ok, doc.issues
    assert doc.root is not None
    return [(etree.QName(e).localname, *doc.locator().position(e)) 
            for e in doc.root.iter(tag=etree.Element)]


EXPECTED = [("r", 2, 1), ("a", 3, 3), ("b", 4, 3)]


def test_every_kind_of_source_gives_the_same_document(monkeypatch: pytest.MonkeyPatch) -> None:
    data = VALID.read_bytes()
    text = data.decode("utf-8")
    sources: list[object] = [str(VALID), VALID, data, bytearray(data), io.BytesIO(data),
                             io.StringIO(text), text]
    roots = {etree.tostring(load_xml(s).root) for s in sources}  # type: ignore[arg-type]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    stdin = load_xml("-")
    assert stdin.name == "<stdin>"
    roots.add(etree.tostring(stdin.root))
    assert len(roots) == 1


@pytest.mark.parametrize(("codec", "bom"), [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b""), ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b""), ("utf-16-be", b"\xfe\xff"), ("iso-8859-1", b""),
])
def test_encodings_keep_text_lines_and_columns(codec: str, bom: bytes) -> None:
    declared = "UTF-16" if codec.startswith("utf-16") else codec.upper()
    data = bom + DOC.format(enc=declared).encode(codec)
    doc = load_xml(data)
    assert doc.ok, doc.issues
    assert doc.root is not None and doc.root.findtext("a") == "caf\u00e9"
    assert _positions(data) == EXPECTED


def test_one_line_document_has_columns() -> None:
    data = b'<r><a>1</a><b><c/></b><c/></r>'
    assert _positions(data) == [("r", 1, 1), ("a", 1, 4), ("b", 1, 12), ("c", 1, 15),
                                ("c", 1, 23)]


def test_start_tag_over_several_lines_is_located_where_it_begins() -> None:
    data = b'<r>\n  <a\n     x="1"\n     y="2">t</a>\n</r>'
    assert _positions(data) == [("r", 1, 1), ("a", 2, 3)]


def test_comments_cdata_and_pis_do_not_shift_columns() -> None:
    data = b'<?xml version="1.0"?>\n<!-- <x> -->\n<r><?pi <y>?><![CDATA[<z>]]><a/></r>'
    assert _positions(data) == [("r", 3, 1), ("a", 3, 29)]


def test_declared_encoding_in_text_input_is_not_trusted() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><r>\u20ac</r>'
    doc = load_xml(io.StringIO(text))
    assert doc.ok and doc.root is not None and doc.root.text == "\u20ac"


def test_unknown_declared_encoding_is_an_issue() -> None:
    doc = load_xml(b'<?xml version="1.0" encoding="x-no-such"?><r/>')
    assert not doc.ok
    assert doc.issues[0].code == "XML_BAD_ENCODING" and doc.issues[0].line == 1


def test_limits_on_size_and_depth(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"<r>" + b"x" * 2000 + b"</r>")
    for source in (big, big.read_bytes(), io.BytesIO(big.read_bytes())):
        issue = load_xml(source, Limits(max_bytes=1000)).issues[0]
        assert issue.code == "INPUT_TOO_LARGE" and "1,000-byte" in issue.message
    deep = load_xml(b"<a>" * 11 + b"</a>" * 11, Limits(max_depth=10))
    assert [(i.code, i.line) for i in deep.issues] == [("XML_LIMIT_EXCEEDED", 1)]
    assert load_xml(b"<a>" * 10 + b"</a>" * 10, Limits(max_depth=10)).ok
    with pytest.raises(ValueError):
        Limits(max_depth=1000)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert load_xml(tmp_path / "nope.xml").issues[0].code == "INPUT_NOT_FOUND"
    assert load_xml(tmp_path).issues[0].code == "INPUT_UNREADABLE"


def test_syntax_errors_are_all_reported_once() -> None:
    doc = load_xml(b"<r>\n  <a></b>\n  <c x='1' x='2'/>\n</r>")
    found = [(i.code, i.line) for i in doc.issues]
    assert found[0] == ("XML_TAG_MISMATCH", 2)
    assert len(found) == len(set(found))
    # a second parse must not carry the first one's errors along
    other = load_xml(b"<r><x></r>")
    assert all(i.line == 1 for i in other.issues)


@pytest.mark.parametrize("soap_ns", ["http://schemas.xmlsoap.org/soap/envelope/",
                                     "http://www.w3.org/2003/05/soap-envelope"])
def test_soap_body_is_unwrapped_and_paths_start_at_the_envelope(soap_ns: str) -> None:
    body = VALID.read_bytes().split(b"?>", 1)[1]
    data = (f'<s:Envelope xmlns:s="{soap_ns}"><s:Header/><s:Body>'.encode() + body
            + b"</s:Body></s:Envelope>")
    doc = load_xml(data)
    assert doc.ok and doc.root is not None
    assert doc.envelope in ("soap11", "soap12")
    assert etree.QName(doc.root).localname == "MetaData"
    assert element_path(doc.root) == "/s:Envelope/s:Body/md:MetaData"
    empty = load_xml(f'<s:Envelope xmlns:s="{soap_ns}"><s:Body/></s:Envelope>'.encode())
    assert [i.code for i in empty.issues] == ["SOAP_EMPTY_BODY"]


def test_element_path_gives_positions_only_among_same_named_siblings() -> None:
    root = etree.fromstring(b'<p:r xmlns:p="urn:p" xmlns="urn:d"><a/><b/><a><c/></a></p:r>')
    assert element_path(root[2][0]) == "/p:r/a[2]/c"
    assert element_path(root[1]) == "/p:r/b"


@pytest.mark.allow_loopback_server
def test_parser_itself_refuses_external_resources(tmp_path: Path) -> None:
    """Second line of defence: even a DOCTYPE past the prolog scan fetches nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-abc", encoding="utf-8")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        data = (f'<!DOCTYPE r [<!ENTITY a SYSTEM "{secret.as_uri()}">'
                f'<!ENTITY b SYSTEM "http://127.0.0.1:{port}/b">]><r>&a;&b;</r>').encode()
        root = etree.fromstring(data, new_parser())
        assert "SECRET" not in etree.tostring(root).decode()
        padded = b"<!--" + b"x" * (1 << 20) + b"-->\n" + data
        doc = load_xml(padded)
        assert [(i.code, i.line, i.column) for i in doc.issues] == [("XML_DTD_FORBIDDEN", 2, 1)]
        assert not select.select([server], [], [], 0.1)[0]
    finally:
        server.close()


def test_locator_for_element_of_another_tree_has_no_column() -> None:
    doc = load_xml(b"<r><a/></r>")
    assert doc.tree is not None
    stranger = etree.fromstring(b"<x/>")
    assert Locator(doc.data, doc.tree).position(stranger) == (1, None)
