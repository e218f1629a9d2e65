"""WCO IDs read from the WCO DM annotation convention of any schema set, and chains."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradestd.intake import load_xml
from tradestd.registry import bundled_registry
from tradestd.schemaset import load_schema_set
from tradestd.wco.ids import ChainStep, Resolution, WcoIds, format_chain, parse_chain
from tradestd.wco.pointers import locate, read_chains, resolve_chains

XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t"
           elementFormDefault="qualified">
  <xs:element name="Root">
    <xs:annotation>
      <xs:documentation xml:lang="EN"><WCOID>42A</WCOID><WCOName>Declaration</WCOName></xs:documentation>
      <xs:documentation><WCOUsageDeclarationIM>X</WCOUsageDeclarationIM></xs:documentation>
    </xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Count" type="CountType" minOccurs="0"/>
        <xs:element ref="Shared" minOccurs="0"/>
        <xs:element name="Item" minOccurs="0" maxOccurs="unbounded">
          <xs:annotation><xs:documentation><WCOID>68A</WCOID></xs:documentation></xs:annotation>
          <xs:complexType>
            <xs:sequence>
              <xs:element name="SequenceNumeric" type="xs:int">
                <xs:annotation><xs:documentation><WCOID>006</WCOID><WCOFormat>n..5</WCOFormat></xs:documentation>
                  <xs:documentation><TDEDUID>1050</TDEDUID><TDEDName>Sequence number</TDEDName></xs:documentation>
                </xs:annotation>
              </xs:element>
              <xs:element name="Amount" minOccurs="0">
                <xs:annotation><xs:documentation><WCOID>108</WCOID></xs:documentation></xs:annotation>
                <xs:complexType>
                  <xs:simpleContent>
                    <xs:extension base="xs:decimal">
                      <xs:attribute name="currencyID" type="xs:string">
                        <xs:annotation><xs:documentation><WCOID>135</WCOID></xs:documentation></xs:annotation>
                      </xs:attribute>
                    </xs:extension>
                  </xs:simpleContent>
                </xs:complexType>
              </xs:element>
              <xs:element name="Extra" type="xs:string" minOccurs="0">
                <xs:annotation><xs:documentation><tradestdExtension>true</tradestdExtension></xs:documentation></xs:annotation>
              </xs:element>
              <xs:element name="Nested" type="NestedType" minOccurs="0"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="Shared" type="xs:string">
    <xs:annotation><xs:documentation><WCOID>D026</WCOID></xs:documentation></xs:annotation>
  </xs:element>
  <xs:complexType name="CountType">
    <xs:annotation><xs:documentation><WCOID>228</WCOID><WCOFormat>n..5</WCOFormat></xs:documentation></xs:annotation>
    <xs:simpleContent><xs:extension base="xs:int"/></xs:simpleContent>
  </xs:complexType>
  <xs:complexType name="NestedType">
    <xs:annotation><xs:documentation><WCOID>23A</WCOID></xs:documentation></xs:annotation>
    <xs:sequence>
      <xs:element name="Inner" type="NestedType" minOccurs="0">
        <xs:annotation><xs:documentation><WCOID>24A</WCOID></xs:documentation></xs:annotation>
      </xs:element>
      <xs:element name="Text" type="xs:string" minOccurs="0">
        <xs:annotation><xs:documentation><WCOID>137</WCOID></xs:documentation></xs:annotation>
      </xs:element>
    </xs:sequence>
  </xs:complexType>
</xs:schema>
"""

DOC = """<Root xmlns="urn:t">
  <Count>2</Count>
  <Item><SequenceNumeric>5</SequenceNumeric><Amount currencyID="EUR">10</Amount></Item>
  <Item><SequenceNumeric>7</SequenceNumeric><Amount>20</Amount>
    <Nested><Text>seven</Text></Nested></Item>
</Root>
"""


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WcoIds]:
    path = tmp_path_factory.mktemp("wcoids") / "t.xsd"
    path.write_text(XSD, encoding="utf-8")
    return path, load_schema_set(path).wco_ids


def _node(ids: WcoIds, path: str):  # type: ignore[no-untyped-def]
    (node,) = [n for n in ids if n.path == path]
    return node


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_annotations_on_elements_types_references_and_attributes(
        schema: tuple[Path, WcoIds]) -> None:
    path, ids = schema
    root = _node(ids, "Root")
    assert (root.wco_id, root.kind, root.wco_name, root.usage) == \
        ("42A", "class", "Declaration", ("DeclarationIM",))
    count = _node(ids, "Root/Count")
    assert (count.wco_id, count.format, count.annotated_on) == ("228", "n..5", "type")
    assert count.file == str(path.resolve()) and count.line == _line(path, 'name="Count"')
    shared = _node(ids, "Root/Shared")
    assert (shared.wco_id, shared.annotated_on) == ("D026", "reference")
    sequence = _node(ids, "Root/Item/SequenceNumeric")
    assert (sequence.tded_uid, sequence.tded_name) == ("1050", "Sequence number")
    amount = _node(ids, "Root/Item/Amount")
    assert amount.kind == "element"  # an annotated attribute does not make it a class
    currency = _node(ids, "Root/Item/Amount/@currencyID")
    assert (currency.kind, currency.wco_id, currency.parent) == ("attribute", "135", amount.index)
    extra = _node(ids, "Root/Item/Extra")
    assert extra.extension and extra.wco_id is None
    assert _node(ids, "Root/Item").max_occurs is None
    # A type inside itself is walked once.
    assert [n.path for n in ids if n.name == "Inner"] == ["Root/Item/Nested/Inner"]


def test_the_model_is_built_once_per_schema_set(schema: tuple[Path, WcoIds]) -> None:
    path, ids = schema
    assert load_schema_set(path).wco_ids is ids


def test_chains_resolve_or_say_where_and_why(schema: tuple[Path, WcoIds]) -> None:
    _, ids = schema
    found = ids.resolve(parse_chain("42A/68A[7]#006"))
    assert found.resolved and found.schema_path == "Root/Item/SequenceNumeric"
    assert ids.resolve(parse_chain("42A/68A[1]#135")).schema_path == "Root/Item/Amount/@currencyID"
    unknown = ids.resolve(parse_chain("42A/68A[1]#999"))
    assert (unknown.resolved, unknown.failed_step) == (False, 2)
    assert "no element of this schema set has ID 999" in (unknown.reason or "")
    misplaced = ids.resolve(parse_chain("42A/23A#137"))
    assert "is not inside 42A (Root)" in (misplaced.reason or "")
    assert "Root/Item/Nested" in (misplaced.reason or "")
    data = ids.resolve(parse_chain("42A/68A/006"))
    assert not data.resolved and "names a data element" in (data.reason or "")
    assert "root class" in (ids.resolve(parse_chain("68A")).reason or "")


def test_lookup_takes_an_id_or_a_chain_ending_in_an_element(schema: tuple[Path, WcoIds]) -> None:
    _, ids = schema
    by_id = ids.lookup("228")
    assert isinstance(by_id, list) and [n.path for n in by_id] == ["Root/Count"]
    chain = ids.lookup("42A/68A/23A/137")
    assert isinstance(chain, Resolution) and chain.schema_path == "Root/Item/Nested/Text"
    assert ids.lookup("42A/68A/23A/137").chain == "42A/68A/23A#137"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        parse_chain("42A#1/68A")


def test_chains_locate_elements_attributes_and_missing_ones(schema: tuple[Path, WcoIds],
                                                            tmp_path: Path) -> None:
    _, ids = schema
    path = tmp_path / "d.xml"
    path.write_text(DOC, encoding="utf-8")
    doc = load_xml(path)
    item7 = locate(ids.resolve(parse_chain("42A/68A[7]/23A#137")), doc)
    assert (item7.found, item7.value, item7.line) == (True, "seven", 5)
    assert item7.xpath is not None and item7.xpath.endswith("Item[2]/Nested/Text")
    currency = locate(ids.resolve(parse_chain("42A/68A[5]#135")), doc)
    assert (currency.found, currency.value, currency.line) == (True, "EUR", 3)
    no_item = locate(ids.resolve(parse_chain("42A/68A[9]#006")), doc)
    assert not no_item.found and "no Item has SequenceNumeric 9" in (no_item.reason or "")
    no_text = locate(ids.resolve(parse_chain("42A/68A[5]/23A#137")), doc)
    assert not no_text.found and no_text.line == 3  # placed at the deepest element there


_IDS = st.sampled_from(["42A", "67A", "68A", "70A", "23A", "21A", "99Z", "", "166", "137"])
_STEPS = st.lists(st.builds(ChainStep, _IDS.map(lambda s: s or None),
                            st.none() | st.integers(1, 1000)), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(_STEPS, st.none() | _IDS)
def test_any_chain_resolves_or_gives_a_reason_never_an_exception(steps: list[ChainStep],
                                                                 tag: str | None) -> None:
    ids = bundled_registry().get("wco-declaration").schema_set().wco_ids
    last = steps[-1]
    steps[-1] = ChainStep(last.section, last.occurrence, tag or None)
    found = ids.resolve(steps)
    assert found.resolved or (found.reason and found.failed_step is not None)
    if all(s.section for s in steps):
        assert parse_chain(format_chain(steps)) == tuple(steps)


def test_read_chains_finds_error_and_amendment_pointers() -> None:
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    response = load_xml(fixtures / "response" / "valid" / "rejected-03-de-pointers.xml")
    assert response.root is not None
    chains = read_chains(response.root)
    assert [c.chain for c in chains] == ["42A/67A/68A[1]/70A[1]#166",
                                         "42A/67A/68A[3]/23A/21A[1]#145", "42A#131"]
    assert [c.code for c in chains] == ["E0166", "E0145", "E0131"]
    results = resolve_chains(chains, None)
    assert all(r.resolution.resolved for r in results)


_TEXT = st.sampled_from(["42A", "67A", "68A", "23A", "70A", "166", "137", "x", "", " 1 ", "-3",
                         "99999999999999999999", "<", "&amp;", "\u00b2"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.tuples(_TEXT, _TEXT, _TEXT), max_size=6), max_size=4))
def test_any_pointer_message_gives_one_result_per_holder(errors: list[list[tuple[str, str, str]]]
                                                         ) -> None:
    """Whatever the Pointer steps hold, reading and resolving them (and locating them in a
    declaration) reports, never raises."""
    from xml.sax.saxutils import escape

    body = "".join(
        "<Error><ValidationCode>E</ValidationCode>" + "".join(
            f"<Pointer><SequenceNumeric>{escape(n)}</SequenceNumeric>"
            f"<DocumentSectionCode>{escape(s)}</DocumentSectionCode><TagID>{escape(t)}</TagID>"
            "</Pointer>" for s, n, t in steps) + "</Error>" for steps in errors)
    doc = load_xml(f"<Response xmlns='urn:r'>{body}</Response>")
    declaration = load_xml(Path(__file__).resolve().parents[2] / "fixtures" / "declaration"
                           / "valid" / "import-de-sea-containers.xml")
    assert doc.root is not None
    chains = read_chains(doc.root)
    assert len(chains) == sum(1 for steps in errors if steps)
    for result in resolve_chains(chains, None, declaration):
        assert result.resolution.resolved or result.resolution.reason
        assert result.located is not None
        assert result.located.found or result.located.reason
