"""Property test: generated schema + instance pairs over the constructs that are hard to
carry through JSON (see roundtrip_strategies.py). For every generated instance the XSD
accepts, XML -> JSON -> XML is schema-valid and canonically equal (C14N 2.0, QName
values compared in the value space), and JSON -> XML -> JSON gives the same JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from tradestd.convert import ConversionError
from tradestd.convert.validate import json_validator
from tradestd.registry import bundled_registry
from tradestd.schemaset import load_schema_set

from .conftest import DATA
from .roundtrip_strategies import (
    QNAME_ATTRS,
    QNAME_TAGS,
    G,
    O,
    SchemaChoice,
    compile_choice,
    instances,
    qname_values,
    schema_choices,
)
from .strategies import XS, XSI


def _c14n(xml: bytes) -> str:
    return etree.canonicalize(etree.fromstring(xml), with_comments=False, strip_text=True,
                              rewrite_prefixes=True, qname_aware_attrs=QNAME_ATTRS,
                              qname_aware_tags=QNAME_TAGS)


def _qname_texts(xml: bytes) -> list[tuple[str, str]]:
    """The lexical form of every QName value (element text, attribute, ``xsi:type``):
    prefixes included, so a prefix the round trip changed shows (C14N 2.0 rewrites them)."""
    found = []
    for el in etree.fromstring(xml).iter(tag=etree.Element):
        if el.tag in QNAME_TAGS:
            found.append((str(el.tag), (el.text or "").strip()))
        found.extend((f"{el.tag}@{name}", el.get(name) or "") for name in QNAME_ATTRS
                     if el.get(name) is not None)
    return found


def test_generated_schemas_and_instances_round_trip(tmp_path_factory: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("rt-schemas")

    @settings(max_examples=int(os.environ.get("TRADESTD_RT_EXAMPLES", "150")), deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(st.data(), schema_choices())
    def run(data: st.DataObject, choice: Any) -> None:
        schema_set = compile_choice(choice, folder)
        xml = data.draw(instances(schema_set))
        assume(schema_set.validate(xml).valid)
        converted = schema_set.to_data(xml)
        text = json.dumps(converted, ensure_ascii=False, separators=(",", ":"))
        back = schema_set.to_xml(text)
        report = schema_set.validate(back)
        assert report.valid, (xml, text, back, report.issues)
        assert _c14n(back) == _c14n(xml), (xml, text, back)
        assert qname_values(back) == qname_values(xml), (xml, text, back)
        assert _qname_texts(back) == _qname_texts(xml), (xml, text, back)
        assert schema_set.to_json(back) == text
        # the derived JSON Schema accepts the JSON (it refuses declared wildcard content
        # in $any: convention 2 makes it a named member)
        errors = [e.message for e in json_validator(schema_set).iter_errors(converted)]
        assert not errors, (xml, text, errors)

    run()


def test_qname_lists_and_unions_keep_their_text_and_carry_bindings(
        tmp_path_factory: Any) -> None:
    schema_set = compile_choice(SchemaChoice(False, False, False, (), False, False),
                                tmp_path_factory.mktemp("rt-one"))
    xml = (f'<g:Root xmlns:g="{G}" xmlns:p="urn:p" xmlns:q="urn:q">'
           '<g:Q>p:a</g:Q><g:QL>p:a  q:b</g:QL><g:QU>q:c</g:QU><g:QU>1.5</g:QU>'
           '<g:QA q="q:d" ql="p:e"/></g:Root>').encode()
    assert schema_set.validate(xml).valid
    data = schema_set.to_data(xml)
    assert data == {"Root": {"Q": "p:a", "QL": "p:a  q:b", "QU": ["q:c", "1.5"],
                             "QA": {"@q": "q:d", "@ql": "p:e"}},
                    "$ns": {"p": "urn:p", "q": "urn:q"}}
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid
    assert qname_values(back) == qname_values(xml)
    assert schema_set.to_data(back) == data


def test_ns_member_moves_a_clashing_schema_prefix_aside(tmp_path_factory: Any) -> None:
    schema_set = compile_choice(SchemaChoice(False, False, False, (), False, False),
                                tmp_path_factory.mktemp("rt-clash"))
    data = {"Root": {"QL": "g:x o:y"}, "$ns": {"g": "urn:elsewhere", "o": O}}
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid
    assert qname_values(back) == [(f"{{{G}}}QL", [("urn:elsewhere", "x"), (O, "y")])]
    assert schema_set.to_data(back) == data


def test_one_prefix_for_two_namespaces_in_qname_text_is_refused(
        tmp_path_factory: Any) -> None:
    schema_set = compile_choice(SchemaChoice(False, False, False, (), False, False),
                                tmp_path_factory.mktemp("rt-two"))
    xml = (f'<g:Root xmlns:g="{G}"><g:QL xmlns:p="urn:1">p:a</g:QL>'
           '<g:QU xmlns:p="urn:2">p:b</g:QU></g:Root>').encode()
    assert schema_set.validate(xml).valid
    with pytest.raises(ConversionError, match="two namespaces"):
        schema_set.to_data(xml)


def test_unqualified_wildcard_attribute_beside_a_qualified_one_keeps_both(
        tmp_path_factory: Any) -> None:
    choice = SchemaChoice(False, False, False, (("##any", "lax", "##any", "lax"),), False,
                          False)
    schema_set = compile_choice(choice, tmp_path_factory.mktemp("rt-attr"))
    xml = f'<g:Root xmlns:g="{G}"><g:W0 g:ga="1" ga="text"/></g:Root>'.encode()
    assert schema_set.validate(xml).valid
    data = schema_set.to_data(xml)
    assert data["Root"]["W0"] == {f"@{{{G}}}ga": 1, "@ga": "text", "$mixed": []}
    assert _c14n(schema_set.to_xml(data)) == _c14n(xml)


def test_ns_member_is_part_of_the_document_shape() -> None:
    kitchen = load_schema_set(DATA / "kitchen.xsd")
    data = kitchen.to_data((DATA / "shipment.xml").read_bytes())
    validator = json_validator(kitchen)
    assert not list(validator.iter_errors({**data, "$ns": {"p": "urn:p"}}))
    assert list(validator.iter_errors({"$ns": {"p": "urn:p"}}))  # no root element
    assert list(validator.iter_errors({**data, "$ns": {"p": 1}}))
    message_type = next(iter(bundled_registry()))
    found = bundled_registry().detect_json({message_type.root_local: {}, "$ns": {}})
    assert found.root == message_type.root


def test_unprefixed_qnames_in_a_list_carry_the_default_namespace(
        tmp_path_factory: Any) -> None:
    schema_set = compile_choice(SchemaChoice(False, False, False, (), False, False),
                                tmp_path_factory.mktemp("rt-default"))
    xml = f'<Root xmlns="{G}"><Q>c</Q><QL>a  b</QL></Root>'.encode()
    data = schema_set.to_data(xml)
    assert data == {"Root": {"Q": "c", "QL": "a  b"}, "$ns": {"": G}}
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid
    assert qname_values(back) == qname_values(xml)
    # (lxml's C14N 2.0 leaves an unprefixed QName unrewritten: compared as written)
    assert _qname_texts(back) == _qname_texts(xml)
    assert schema_set.to_data(back) == data


_PREFIX = st.from_regex(r"[a-z][a-z0-9]{0,3}", fullmatch=True).filter(
    lambda p: not p.startswith("xml"))


@pytest.fixture(scope="module")
def plain_set(tmp_path_factory: Any) -> Any:
    return compile_choice(SchemaChoice(False, False, False, (), False, False),
                          tmp_path_factory.mktemp("rt-prefixes"))


@given(st.data())
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_qname_values_keep_the_source_prefixes(plain_set: Any, data: st.DataObject) -> None:
    """XSD 1.0 Part 2, 3.2.18 (QName): the lexical form is the prefix as written. Any
    prefixes (the schema's or not, several for one namespace, a default namespace with
    unprefixed QNames) come back as written: canonical-equal without QName rewriting."""
    schema_set = plain_set
    p_g, p_o, p_xs = data.draw(st.lists(_PREFIX, min_size=3, max_size=3, unique=True))
    default = data.draw(st.sampled_from([None, G, O]))
    bound = {p_g: G, p_o: O, p_xs: XS}
    choices = [f"{p}:{local}" for p in bound for local in ("a", "Seal")]
    if default is not None:
        choices.append("c")  # unprefixed: the default namespace
    nsmap: dict[str | None, str] = {**bound, None: default} if default else dict(bound)
    root = etree.Element(f"{{{G}}}Root", nsmap=nsmap)
    etree.SubElement(root, f"{{{G}}}Q").text = data.draw(st.sampled_from(choices))
    etree.SubElement(root, f"{{{G}}}QA", q=data.draw(st.sampled_from(choices)))
    goods = etree.SubElement(root, f"{{{G}}}Goods")
    goods.set(f"{{{XSI}}}type", f"{p_g}:ExtGoodsType" if default != G else "ExtGoodsType")
    etree.SubElement(goods, f"{{{G}}}Name").text = "n"
    etree.SubElement(goods, f"{{{G}}}Origin").text = data.draw(st.sampled_from(choices))
    etree.SubElement(goods, f"{{{G}}}Extra").text = "1"
    xml = etree.tostring(root)
    assert schema_set.validate(xml).valid
    converted = schema_set.to_data(xml)
    back = schema_set.to_xml(json.dumps(converted))
    assert schema_set.validate(back).valid
    assert _qname_texts(back) == _qname_texts(xml)
    assert _plain_c14n(back) == _plain_c14n(xml)
    assert schema_set.to_data(back) == converted
    assert not list(json_validator(schema_set).iter_errors(converted))


def _plain_c14n(xml: bytes) -> str:
    """C14N 2.0 with prefixes rewritten for names only: QName values compared as text."""
    return etree.canonicalize(etree.fromstring(xml), with_comments=False, strip_text=True,
                              rewrite_prefixes=True)
