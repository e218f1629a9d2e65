"""Locator: line and column of start tags, checked against where generated text put them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tradestd.intake import load_xml
from tradestd.locate import Locator

NAMES = ["a", "b", "p:c"]
BETWEEN = ["", "\n", "\n  ", " ", "\n\n    "]
IN_TAG = [" ", "\n    ", "  "]
VALUES = ["1", "x>y", "'", "a b", "", "&gt;"]
TEXTS = ["", "t", "x &gt; y", "a>b", "&lt;c", "\n"]
MARKUP = ["<!-- <a> -->", "<?pi <b>?>", "<![CDATA[<a>]]>", "<!--\n<b x='1'>\n-->"]


class ScanOnly(Locator):
    """The locator without its same-line shortcut: every column comes from the scan."""

    def _on_own_line(self, element: etree._Element, line: int) -> tuple[int, int] | None:
        return None


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """Well-formed text and, in document order, the line and column of each start tag."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    markup_in_body = draw(st.booleans())
    parts: list[str] = []
    starts: list[int] = []
    size = 0

    def emit(piece: str) -> None:
        nonlocal size
        piece = piece.replace("\n", newline)
        parts.append(piece)
        size += len(piece)

    def element(depth: int) -> None:
        name = "r" if depth == 0 else draw(st.sampled_from(NAMES))
        starts.append(size)
        emit("<" + name + (' xmlns:p="urn:p"' if depth == 0 else ""))
        for i in range(draw(st.integers(0, 2))):
            emit(f'{draw(st.sampled_from(IN_TAG))}k{i}="{draw(st.sampled_from(VALUES))}"')
        emit(draw(st.sampled_from(["", " ", "\n"])))
        count = draw(st.integers(0, 3)) if depth < 3 else 0
        if count == 0 and draw(st.booleans()):
            emit("/>")
            return
        emit(">")
        for _ in range(count):
            emit(draw(st.sampled_from(BETWEEN)))
            if markup_in_body and draw(st.booleans()):
                emit(draw(st.sampled_from(MARKUP)))
            emit(draw(st.sampled_from(TEXTS)))
            element(depth + 1)
        emit(draw(st.sampled_from(BETWEEN)) + f"</{name}>")

    if draw(st.booleans()):
        emit('<?xml version="1.0"?>' + draw(st.sampled_from(BETWEEN)))
    for piece in draw(st.lists(st.sampled_from(MARKUP[:2] + ["<?pi x?>"]), max_size=2)):
        emit(piece + draw(st.sampled_from(BETWEEN)))
    element(0)
    text = "".join(parts)
    expected = []
    for offset in starts:
        line_start = text.rfind("\n", 0, offset) + 1
        expected.append((text.count("\n", 0, offset) + 1, offset - line_start + 1))
    return text, expected


def _positions(locator_type: type[Locator], text: str) -> list[tuple[int | None, int | None]]:
    doc = load_xml(text.encode("utf-8"))
    assert doc.ok and doc.root is not None and doc.tree is not None, doc.issues
    locator = locator_type(doc.data, doc.tree)
    return [locator.position(e) for e in doc.root.iter(etree.Element)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_columns_are_where_the_start_tags_begin(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, expected = case
    assert _positions(Locator, text) == expected
    assert _positions(ScanOnly, text) == expected


def test_pretty_printed_lines_are_read_without_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '<?xml version="1.0"?>\n<!-- made by hand -->\n<r>\n  <a k="x>y">1</a>\n  <b/>\n</r>\n'

    def no_scan(self: Locator, index: int) -> tuple[int, int] | None:
        raise AssertionError("the scan ran")

    monkeypatch.setattr(Locator, "_start_tag", no_scan)
    assert _positions(Locator, text) == [(3, 1), (4, 3), (5, 3)]


@pytest.mark.parametrize("text", [
    "<r><a/><b/></r>",                      # several start tags on one line
    "<r>\n  <a\n   k='1'><b/>\n  </a></r>",  # a tag that begins earlier ends on b's line
    "<r>\n<!-- c -->\n  <a/>\n</r>",        # a comment after the prolog
])
def test_doubtful_lines_fall_back_to_the_scan(text: str) -> None:
    doc = load_xml(text.encode())
    assert doc.root is not None and doc.tree is not None
    locator = Locator(doc.data, doc.tree)
    doubtful = [e for e in doc.root.iter(etree.Element)
                if e.sourceline is not None and locator._on_own_line(e, e.sourceline) is None]
    assert doubtful
    assert _positions(Locator, text) == _positions(ScanOnly, text)
