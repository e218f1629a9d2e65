"""tradestd.translate and the translation plan, on generated WCO-annotated schema pairs.

Property: for generated schema pairs that differ by a moved class, a renamed element with
the same WCO ID, a dropped element, a narrowed length and a lowered repetition bound, and
generated messages valid under the source: carried + not carried = every source value, each
carried value is in the result at the XPath reported, and the result is valid under the
target whenever nothing is needed.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tradestd import load_schema_set, translate
from tradestd.intake import load_xml
from tradestd.locate import find_element
from tradestd.schemaset import SchemaSet
from tradestd.wco.plan import MappingError, NoWcoIds, load_mapping
from tradestd.wco.translate import Translation, translate_document

NS = "urn:example:trade"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MUTATIONS = ("move", "rename", "drop", "narrow", "bound")


# --------------------------------------------------------------------------- schemas


def _doc(wco_id: str | None, name: str = "") -> str:
    if wco_id is None:
        return ""
    named = f"<WCOName>{name}</WCOName>" if name else ""
    return (f"<xs:annotation><xs:documentation><WCOID>{wco_id}</WCOID>{named}"
            "</xs:documentation></xs:annotation>")


def _leaf(name: str, wco_id: str | None, max_length: int = 35, occurs: str = 'minOccurs="0"',
          wco_name: str = "") -> str:
    return (f'<xs:element name="{name}" {occurs}>{_doc(wco_id, wco_name)}<xs:simpleType>'
            f'<xs:restriction base="xs:string"><xs:maxLength value="{max_length}"/>'
            "</xs:restriction></xs:simpleType></xs:element>")


def _class(name: str, wco_id: str, body: str, occurs: str = 'minOccurs="0"') -> str:
    return (f'<xs:element name="{name}" {occurs}>{_doc(wco_id)}<xs:complexType><xs:sequence>'
            f"{body}</xs:sequence></xs:complexType></xs:element>")


def schema_text(mutations: frozenset[str] = frozenset()) -> str:
    """The base schema (source side) or a variant with the given mutations."""
    description = _leaf("Description" if "rename" in mutations else "Desc", "137",
                        10 if "narrow" in mutations else 70)
    mass = ('<xs:element name="Mass" minOccurs="0">' + _doc("131") +
            '<xs:complexType><xs:simpleContent><xs:extension base="xs:decimal">'
            '<xs:attribute name="unitCode" type="xs:token"/></xs:extension>'
            "</xs:simpleContent></xs:complexType></xs:element>")
    transport = _class("Transport", "T1A", _leaf("Mode", "T01", 3))
    goods_body = (_leaf("Seq", "006", 5, 'minOccurs="1"') + description
                  + _class("Measure", "G2A", mass)
                  + (transport if "move" in mutations else ""))
    party_body = _leaf("Name", "R01") + ("" if "drop" in mutations else _leaf("Role", "R02", 3))
    party_max = "1" if "bound" in mutations else "3"
    root_body = (_leaf("Ref", "D001", 35, 'minOccurs="1"')
                 + _class("Party", "R1A", party_body, f'minOccurs="0" maxOccurs="{party_max}"')
                 + _class("Goods", "G1A", goods_body, 'minOccurs="1" maxOccurs="unbounded"')
                 + ("" if "move" in mutations else transport))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}" '
            f'xmlns="{NS}" elementFormDefault="qualified">'
            f'<xs:element name="Root">{_doc("42A")}<xs:complexType><xs:sequence>{root_body}'
            "</xs:sequence></xs:complexType></xs:element></xs:schema>\n")


@functools.cache
def _base_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="tradestd-translate-"))


@functools.cache
def schema_set(mutations: frozenset[str] = frozenset()) -> SchemaSet:
    name = "-".join(sorted(mutations)) or "base"
    path = _base_dir() / f"{name}.xsd"
    path.write_text(schema_text(mutations), encoding="utf-8")
    return load_schema_set([path])


# --------------------------------------------------------------------------- messages

_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 ", min_size=1, max_size=30
                ).map(lambda s: s.strip() or "x")


@st.composite
def messages(draw: Any) -> str:
    def el(name: str, text: str, **attrs: str) -> str:
        extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<{name}{extra}>{text}</{name}>"

    body = el("Ref", draw(_TEXT))
    for _ in range(draw(st.integers(0, 3))):
        party = el("Name", draw(_TEXT))
        if draw(st.booleans()):
            party += el("Role", draw(_TEXT)[:3])
        body += el("Party", party)
    for number in range(1, draw(st.integers(1, 3)) + 1):
        goods = el("Seq", str(number))
        if draw(st.booleans()):
            goods += el("Desc", draw(st.text(alphabet="abcdefghij", min_size=1, max_size=25)))
        if draw(st.booleans()):
            mass = draw(st.decimals(min_value=0, max_value=10_000, places=2))
            attrs = {"unitCode": "KGM"} if draw(st.booleans()) else {}
            goods += el("Measure", el("Mass", str(mass), **attrs))
        body += el("Goods", goods)
    if draw(st.booleans()):
        body += el("Transport", el("Mode", draw(_TEXT)[:3]))
    return f'<?xml version="1.0"?>\n<Root xmlns="{NS}">{body}</Root>\n'


def _values(xml: bytes) -> int:
    root = etree.fromstring(xml)
    count = 0
    for element in root.iter(etree.Element):
        count += sum(1 for name in element.attrib if not name.startswith(f"{{{XSI}}}"))
        if len(element) == 0:
            count += 1
    return count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=messages(),
       mutations=st.frozensets(st.sampled_from(MUTATIONS), min_size=1))
def test_every_value_is_carried_or_listed_and_results_are_valid(message: str,
                                                                 mutations: frozenset[str]
                                                                 ) -> None:
    source, target = schema_set(), schema_set(mutations)
    data = message.encode()
    assert source.validate(data).valid, source.validate(data).issues
    done = translate(data, source, target)
    assert done.xml is not None
    assert len(done.carried) + len(done.not_carried) == _values(data)
    result = etree.fromstring(done.xml)
    for item in done.carried:
        found = find_element(result, item.target)
        assert found is not None, item
        if item.target.rpartition("/")[2].startswith("@"):
            assert found.get(item.target.rpartition("/@")[2]) == item.value
        else:
            assert (found.text or "") == item.value
    if not done.needed:
        assert done.valid, done.report.issues
    # what each mutation must leave behind
    if "drop" in mutations:
        roles = message.count("<Role>")
        assert sum(1 for n in done.not_carried if n.path.endswith("/Role")) == roles
    if "bound" in mutations and message.count("<Party>") > 1:
        assert any("more repetitions" in n.reason for n in done.not_carried)
    if "narrow" in mutations:
        for item in done.not_carried:
            if item.path.endswith("/Desc"):
                assert len(item.value) > 10 and "maxLength 10" in item.reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=messages(),
       mutations=st.frozensets(st.sampled_from(MUTATIONS), min_size=0))
def test_copying_unchanged_content_whole_gives_the_walk_s_translation(
        message: str, mutations: frozenset[str]) -> None:
    """The fast path (content that goes across unchanged copied by libxml2) and the walk
    value by value give the same result, listing and report, whatever the pair."""
    plan = schema_set().translation_plan(schema_set(mutations) if mutations else schema_set())
    fast = translate_document(load_xml(message.encode(), comments=False), plan)
    slow = translate_document(load_xml(message.encode(), comments=False), plan, copies=False)
    _same(fast, slow)


def _same(fast: Translation, slow: Translation) -> None:
    assert fast.xml == slow.xml
    assert list(fast.carried) == list(slow.carried) and len(fast.carried) == len(slow.carried)
    assert fast.not_carried == slow.not_carried and fast.needed == slow.needed
    assert fast.report.issues == slow.report.issues


def test_a_moved_class_lands_under_its_new_parent_and_comes_back() -> None:
    source, target = schema_set(), schema_set(frozenset({"move", "rename"}))
    message = (f'<Root xmlns="{NS}"><Ref>r1</Ref><Goods><Seq>1</Seq><Desc>tea</Desc></Goods>'
               "<Transport><Mode>4</Mode></Transport></Root>").encode()
    plan = source.translation_plan(target)
    statuses = {e.source: e.status for e in plan.rows()}
    assert statuses["Root/Transport"] == "moved"
    assert statuses["Root/Goods/Desc"] == "same place"
    done = translate(message, source, target)
    assert done.complete
    assert {(c.source, c.target) for c in done.carried} >= {
        ("/Root/Transport/Mode", "/Root/Goods/Transport/Mode"),
        ("/Root/Goods/Desc", "/Root/Goods/Description")}
    back = translate(done.xml or b"", target, source)
    assert back.complete
    assert {c.target: c.value for c in back.carried} == {c.source: c.value
                                                         for c in done.carried}


def test_the_plan_is_computed_once_per_pair() -> None:
    source, target = schema_set(), schema_set(frozenset({"narrow"}))
    assert source.translation_plan(target) is source.translation_plan(target)
    narrow = {e.source: e for e in source.translation_plan(target).rows()}
    assert narrow["Root/Goods/Desc"].status == "narrower type"
    assert "maxLength 10" in narrow["Root/Goods/Desc"].detail
    bound = {e.source: e for e in source.translation_plan(schema_set(frozenset({"bound"})))
             .rows()}
    assert bound["Root/Party"].status == "fewer repetitions"


# --------------------------------------------------------------------------- bad input


def test_a_message_invalid_under_the_source_is_reported_without_output() -> None:
    source, target = schema_set(), schema_set(frozenset({"rename"}))
    done = translate(f'<Root xmlns="{NS}"><Goods><Seq>1</Seq></Goods></Root>'.encode(),
                     source, target)
    assert done.xml is None and not done.valid and not done.carried
    assert "TRANSLATE_SOURCE_INVALID" in {i.code for i in done.report.issues}
    broken = translate(b"<Root", source, target)
    assert broken.xml is None and broken.report.issues


def test_a_schema_set_without_wco_ids_points_to_the_mapping_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xsd"
    plain.write_text(schema_text().replace("<WCOID>", "<Other>").replace("</WCOID>", "</Other>"),
                     encoding="utf-8")
    with pytest.raises(NoWcoIds, match="--map"):
        translate(f'<Root xmlns="{NS}"><Ref>a</Ref><Goods><Seq>1</Seq></Goods></Root>'.encode(),
                  schema_set(), load_schema_set([plain]))


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('[map]\n"Root/Nope" = "Root/Ref"\n', 2, "is not a path of the source"),
    ('[map]\n"Root/Ref" = "Root/Nope"\n', 2, "is not a path of the target"),
    ('[map]\n"Root/Ref" = "Root/Ref"\n"Root/Goods/Seq" = "Root/Ref"\n', 3, "named twice"),
    ('[map]\n"Root/A" = "Root/B"\n"Root/B" = "Root/A"\n', 2, "cycle"),
    ("[map]\n\"Root/Ref\" = 3\n", 2, "not a path"),
    ("[map\n", 1, "not TOML"),
])
def test_mapping_file_errors_are_located(tmp_path: Path, text: str, line: int,
                                         reason: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=reason) as caught:
        schema_set().translation_plan(schema_set(frozenset({"rename"})), load_mapping(path))
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


# --------------------------------------------------------------------------- annotations


def _wild(tmp_path: Path, name: str, body: str) -> SchemaSet:
    path = tmp_path / f"{name}.xsd"
    path.write_text('<?xml version="1.0"?>\n'
                    f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                    f'targetNamespace="{NS}" xmlns="{NS}" elementFormDefault="qualified">'
                    f'<xs:element name="Root">{_doc("42A")}<xs:complexType><xs:sequence>'
                    f"{body}</xs:sequence></xs:complexType></xs:element></xs:schema>",
                    encoding="utf-8")
    return load_schema_set([path])


def test_ambiguous_and_suspicious_annotations_are_flagged_and_need_a_mapping(
        tmp_path: Path) -> None:
    place = _class("Place", "L1A", _leaf("Latitude", "X01") + _leaf("Longitude", "X01")
                   + _leaf("AuthorisationReference", "X01"))
    contact = _class("Contact", "C1A", _leaf("Name", "241", wco_name="City name"))
    source = _wild(tmp_path, "a", place + contact)
    target = _wild(tmp_path, "b", place + contact)
    rows = {e.source: e for e in source.translation_plan(target).rows()}
    assert rows["Root/Place/Latitude"].status == "ambiguous"
    assert "X01 is on 3 elements" in rows["Root/Place/Latitude"].detail
    assert rows["Root/Contact/Name"].status == "suspicious"
    assert "city" in rows["Root/Contact/Name"].detail
    message = (f'<Root xmlns="{NS}"><Place><Latitude>51.5</Latitude><Longitude>-0.1'
               "</Longitude></Place><Contact><Name>Ann Smith</Name></Contact></Root>").encode()
    done = translate(message, source, target)
    assert {n.path for n in done.not_carried} == {"/Root/Place/Latitude",
                                                  "/Root/Place/Longitude",
                                                  "/Root/Contact/Name"}
    assert all(n.reason.startswith(("ambiguous", "suspicious")) for n in done.not_carried)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[map]\n"Root/Place/Latitude" = "Root/Place/Latitude"\n'
                       '"Root/Place/Longitude" = "Root/Place/Longitude"\n'
                       '"Root/Contact/Name" = "Root/Contact/Name"\n', encoding="utf-8")
    mapped = translate(message, source, target, load_mapping(mapping))
    assert mapped.complete and len(mapped.carried) == 3


def test_a_mapping_entry_can_drop_a_pair(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[map]\n"Root/Ref" = ""\n', encoding="utf-8")
    source, target = schema_set(), schema_set(frozenset({"rename"}))
    done = translate(f'<Root xmlns="{NS}"><Ref>a</Ref><Goods><Seq>1</Seq></Goods></Root>'
                     .encode(), source, target, load_mapping(mapping))
    assert [n.reason for n in done.not_carried] == ["dropped by the mapping file"]
    assert [n.path for n in done.needed] == ["/Root/Ref"]
    assert not done.valid


def test_all_mutation_combinations_compile() -> None:
    for size in range(1, len(MUTATIONS) + 1):
        for combo in itertools.combinations(MUTATIONS, size):
            assert schema_set(frozenset(combo)).wco_ids.roots


def test_content_of_a_lax_wildcard_is_listed_as_not_carried(tmp_path: Path) -> None:
    extra = ('<xs:element name="Extra" minOccurs="0">' + _doc("X9A") + '<xs:complexType>'
             '<xs:sequence><xs:any processContents="lax" maxOccurs="unbounded"/>'
             "</xs:sequence></xs:complexType></xs:element>")
    source = _wild(tmp_path, "lax", _leaf("Ref", "D001") + extra)
    target = _wild(tmp_path, "strict", _leaf("Ref", "D001"))
    message = (f'<Root xmlns="{NS}"><Ref>r</Ref><Extra><Foo a="1"><Bar>x</Bar><Bar>y</Bar>'
               "</Foo></Extra></Root>").encode()
    assert source.validate(message).valid
    done = translate(message, source, target)
    assert done.complete is False and done.valid
    assert [(n.path, n.value) for n in done.not_carried] == [
        ("/Root/Extra/Foo/@a", "1"), ("/Root/Extra/Foo/Bar[1]", "x"),
        ("/Root/Extra/Foo/Bar[2]", "y")]
    assert all("does not declare" in n.reason for n in done.not_carried)
    assert [c.target for c in done.carried] == ["/Root/Ref"]


def test_a_mapped_class_takes_its_children_along(tmp_path: Path) -> None:
    source = _wild(tmp_path, "place", _class("Place", "L1A", _leaf("Lat", "X01")
                                             + _leaf("Note", None)))
    target = _wild(tmp_path, "site", _class("Site", "L2A", _leaf("Lat", "X01")
                                            + _leaf("Note", None)))
    message = f'<Root xmlns="{NS}"><Place><Lat>51.5</Lat><Note>n</Note></Place></Root>'.encode()
    assert [n.path for n in translate(message, source, target).not_carried] == [
        "/Root/Place/Lat", "/Root/Place/Note"]
    mapping = tmp_path / "map.toml"
    mapping.write_text('[map]\n"Root/Place" = "Root/Site"\n', encoding="utf-8")
    done = translate(message, source, target, load_mapping(mapping))
    assert done.complete
    assert [(c.source, c.target) for c in done.carried] == [
        ("/Root/Place/Lat", "/Root/Site/Lat"), ("/Root/Place/Note", "/Root/Site/Note")]
    rows = {e.source: e.status for e in source.translation_plan(target, load_mapping(mapping))
            .rows()}
    assert rows["Root/Place"] == "mapped" and rows["Root/Place/Lat"] == "moved"
