"""The bundled XSDs speak WCO DM: official IDs in the official annotation convention, local
extensions marked, derived tables in step, and fixture pointer chains resolve."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from conftest import CORPORA
from lxml import etree

from tradestd.intake import load_xml
from tradestd.registry import MessageType, bundled_registry
from tradestd.schemaset import load_schema_set
from tradestd.wco.ids import EXTENSION_MARKER, ChainStep
from tradestd.wco.pointers import locate, read_chains, resolve_chains

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "fixtures"
TABLES = sorted(SCHEMAS.glob("*/1.0/wco-ids.json"))
XSDS = sorted(SCHEMAS.glob("*/1.0/*.xsd"))
XS = "{http://www.w3.org/2001/XMLSchema}"
#: WCO DM IDs: three digits (131), a letter and three digits (D026, R123, T006), or a class
#: ID of two digits and a letter (42A). No tradestd-invented form (Z101, TSC01A).
OFFICIAL = re.compile(r"^(\d{3}|[A-Z]\d{3}|\d{2}[A-Z])$")
#: UN/CEFACT syntax children that are not WCO data elements.
SYNTAX = {"DateTimeString"}
UK = CORPORA / "uk-cds" / "xsd"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wco_id_table", ROOT / "scripts" / "wco_id_table.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("table", TABLES, ids=[p.parent.parent.name for p in TABLES])
def test_committed_table_is_derived_from_the_xsd(table: Path) -> None:
    script = _script()
    fresh = script.render(script.wco_id_table(MessageType.from_toml(table.parent / "message.toml")))
    assert table.read_text(encoding="utf-8") == fresh, (
        f"regenerate with: python scripts/wco_id_table.py {table.parent.relative_to(ROOT)} --write")


@pytest.mark.parametrize("message_type", list(bundled_registry()), ids=lambda t: t.key)
def test_ids_are_official_and_unique_among_siblings(message_type: MessageType) -> None:
    ids = message_type.schema_set().wco_ids
    assert len(ids) > 10
    invented = [(n.path, n.wco_id) for n in ids if n.wco_id and not OFFICIAL.match(n.wco_id)]
    assert invented == []
    counts = Counter((n.parent, n.wco_id) for n in ids if n.wco_id)
    assert [key for key, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("xsd", XSDS, ids=[p.name for p in XSDS])
def test_every_declaration_names_its_wco_id_or_is_a_marked_extension(xsd: Path) -> None:
    """No home-made ``xs:appinfo`` form left, and each element declaration carries a WCOID,
    the extension marker, or takes both from its annotated type."""
    tree = etree.parse(str(xsd))
    assert tree.getroot().find(f".//{XS}appinfo") is None
    annotated_types = {t.get("name") for t in tree.iter(f"{XS}complexType")
                       if _marks(t)}
    common = etree.parse(str(SCHEMAS / "common" / "1.0" / "common-types.xsd"))
    annotated_types |= {t.get("name") for t in common.iter(f"{XS}complexType") if _marks(t)}
    bare = [f"{el.get('name')} (line {el.sourceline})" for el in tree.iter(f"{XS}element")
            if el.get("name") and not _marks(el) and el.get("name") not in SYNTAX
            and el.get("type") not in annotated_types
            and xsd.parent.parent.name != "envelope"]
    assert bare == []


def _marks(component: etree._Element) -> bool:
    names = {etree.QName(child).localname
             for doc in component.iterfind(f"{XS}annotation/{XS}documentation")
             for child in doc if isinstance(child.tag, str)}
    return bool(names & {"WCOID", EXTENSION_MARKER})


def test_goods_item_quantity_is_228_with_its_wco_name() -> None:
    ids = bundled_registry().get("wco-declaration").schema_set().wco_ids
    (node,) = [n for n in ids if n.path == "Declaration/GoodsItemQuantity"]
    assert (node.wco_id, node.wco_name, node.format) == ("228", "Total number of items", "n..5")
    assert node.file is not None and node.file.endswith("declaration.xsd") and node.line


@pytest.mark.corpora
def test_bundled_ids_agree_with_uk_cds_where_it_has_the_element() -> None:
    if not UK.is_dir():
        pytest.skip("uk-cds corpus not present")
    reference = {n.path: n.wco_id for xsd in ("declaration/WCO_DEC_2_DMS.xsd",
                                             "notification/WCO_RES_2_DMS.xsd")
                 for n in load_schema_set(UK / xsd).wco_ids}
    compared = 0
    for key in ("wco-declaration", "wco-response"):
        for node in bundled_registry().get(key).schema_set().wco_ids:
            if node.path in reference:
                compared += 1
                assert node.wco_id == reference[node.path], node.path
    assert compared > 150


# --------------------------------------------------------------------------- pointers


def _original_declaration(lrn: str) -> etree._Element | None:
    dec = "{urn:tradestd:wco:declaration:1.0}"
    for path in sorted((FIXTURES / "declaration" / "valid").glob("*.xml")):
        doc = load_xml(path)
        assert doc.root is not None
        for declaration in doc.root.iter(f"{dec}Declaration"):
            if (declaration.findtext(f"{dec}FunctionalReferenceID") == lrn
                    and declaration.findtext(f"{dec}FunctionCode") == "9"):
                return declaration
    return None


def _valid_with_pointers() -> list[Path]:
    return [p for family in ("response", "declaration")
            for p in sorted((FIXTURES / family / "valid").glob("*.xml"))
            if read_chains(load_xml(p).root)]  # type: ignore[arg-type]


def test_fixtures_hold_pointer_chains() -> None:
    assert sum(len(read_chains(load_xml(p).root)) for p in _valid_with_pointers()) >= 4  # type: ignore[arg-type]


@pytest.mark.parametrize("path", _valid_with_pointers(), ids=lambda p: p.name)
def test_valid_fixture_chains_resolve_into_the_original_declaration(path: Path) -> None:
    doc = load_xml(path)
    assert doc.root is not None
    refs = doc.root.xpath("//*[local-name()='Declaration']/*[local-name()='FunctionalReferenceID']"
                          "/text()")
    original = _original_declaration(str(refs[0]))
    assert original is not None, f"no original declaration fixture with reference {refs[0]}"
    target = load_xml(etree.tostring(original))
    for result in resolve_chains(read_chains(doc.root), None, target):
        assert result.resolution.resolved, result.resolution.reason
        assert result.located is not None and result.located.found, result.located


def test_resolve_follows_the_documented_example() -> None:
    ids = bundled_registry().get("wco-declaration").schema_set().wco_ids
    found = ids.resolve([ChainStep("42A"), ChainStep("67A"), ChainStep("68A", 1),
                         ChainStep("70A", 1, "166")])
    assert found.resolved
    assert found.schema_path == "Declaration/GoodsShipment/GovernmentAgencyGoodsItem/" \
                                "GovernmentProcedure/CurrentCode"


def test_a_chain_locates_the_item_by_its_sequence_number() -> None:
    declaration = load_xml(FIXTURES / "declaration" / "valid" / "export-it-sea-many-items.xml")
    assert declaration.root is not None
    ids = bundled_registry().get("wco-declaration").schema_set().wco_ids
    found = ids.resolve([ChainStep("42A"), ChainStep("67A"), ChainStep("68A", 3),
                         ChainStep("23A", None, "137")])
    where = locate(found, declaration)
    assert where.found and where.element is not None
    item = where.element.getparent().getparent()  # Description -> Commodity -> item
    assert item is not None
    assert item.findtext("{urn:tradestd:wco:declaration:1.0}SequenceNumeric") == "3"
    assert where.value == (where.element.text or "").strip()
    assert where.line == where.element.sourceline and where.column is not None


def test_resolve_refuses_unknown_steps_with_a_reason() -> None:
    ids = bundled_registry().get("wco-declaration").schema_set().wco_ids
    wrong = ids.resolve([ChainStep("42A"), ChainStep("99Z", 1)])
    assert not wrong.resolved and wrong.failed_step == 2 and "99Z" in (wrong.reason or "")
    not_root = ids.resolve([ChainStep("67A")])
    assert not not_root.resolved and "root class" in (not_root.reason or "")
