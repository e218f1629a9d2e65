"""The committed WCO ID tables match the XSDs, and response pointers resolve through them."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

from tradestd.intake import load_xml
from tradestd.registry import MessageType

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "fixtures"
TABLES = sorted(SCHEMAS.glob("*/1.0/wco-ids.json"))
# CommunicationType in common-types.xsd gives ID and TypeCode the same WCO ID (240);
# reported to the lead, and common types may only be added to, not changed, here.
KNOWN_AMBIGUOUS = {("Communication", "240")}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wco_id_table", ROOT / "scripts" / "wco_id_table.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def _table(family: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(
        (SCHEMAS / family / "1.0" / "wco-ids.json").read_text(encoding="utf-8"))
    return rows


@pytest.mark.parametrize("table", TABLES, ids=[p.parent.parent.name for p in TABLES])
def test_committed_table_equals_fresh_generation(table: Path) -> None:
    script = _script()
    fresh = script.render(script.wco_id_table(MessageType.from_toml(table.parent / "message.toml")))
    assert table.read_text(encoding="utf-8") == fresh, (
        f"regenerate with: python scripts/wco_id_table.py {table.parent.relative_to(ROOT)} --write")


@pytest.mark.parametrize("table", TABLES, ids=[p.parent.parent.name for p in TABLES])
def test_ids_are_unique_among_siblings(table: Path) -> None:
    rows = json.loads(table.read_text(encoding="utf-8"))
    counts = Counter((r["path"].rpartition("/")[0], r["wco_id"]) for r in rows)
    clashes = {(parent.rpartition("/")[2], wco_id) for (parent, wco_id), n in counts.items()
               if n > 1}
    assert clashes <= KNOWN_AMBIGUOUS, clashes - KNOWN_AMBIGUOUS


def resolve(rows: list[dict[str, str]], chain: list[tuple[str, int]],
            tag: str | None) -> str:
    """A path (``A/B[2]/C``) for a pointer chain, or raise ``LookupError``.

    ``chain`` holds (class ID, occurrence) steps from the root, occurrence 0 meaning "not
    given"; ``tag`` is the element ID of the last step.
    """
    root = next(r for r in rows if "/" not in r["path"])
    if chain[0][0] != root["wco_id"]:
        raise LookupError(f"chain starts at {chain[0][0]}, not at the root class {root['wco_id']}")
    path, located = root["path"], root["path"]
    steps = [(wco_id, n, "class") for wco_id, n in chain[1:]]
    steps += [(tag, 0, "element")] if tag else []
    for wco_id, occurrence, kind in steps:
        match = [r for r in rows if r["path"].rpartition("/")[0] == path
                 and r["wco_id"] == wco_id and r["kind"] == kind]
        if len(match) != 1:
            raise LookupError(f"{kind} {wco_id} under {path}: {len(match)} matches")
        path = match[0]["path"]
        located += "/" + match[0]["name"] + (f"[{occurrence}]" if occurrence else "")
    return located


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def _child_text(element: etree._Element, local: str) -> str | None:
    found = element.xpath(f"{_local(local)}/text()")
    return str(found[0]) if found else None


def _pointer_chains(root: etree._Element) -> list[tuple[str, list[tuple[str, int]], str | None]]:
    """(label, chain, tag) for every Error or Amendment that holds Pointer steps."""
    chains = []
    holders = root.xpath(f"//{_local('Error')} | //{_local('Amendment')}")
    for number, holder in enumerate(holders, 1):
        chain: list[tuple[str, int]] = []
        tag = None
        for pointer in holder.xpath(_local("Pointer")):
            chain.append((_child_text(pointer, "DocumentSectionCode") or "",
                          int(_child_text(pointer, "SequenceNumeric") or "0")))
            tag = _child_text(pointer, "TagID") or tag
        if chain:
            chains.append((f"{etree.QName(holder).localname}{number}", chain, tag))
    return chains


def _original_declaration(lrn: str) -> etree._Element | None:
    """The original (FunctionCode 9) declaration fixture with this reference."""
    dec = "{urn:tradestd:wco:declaration:1.0}"
    for path in sorted((FIXTURES / "declaration" / "valid").glob("*.xml")):
        doc = load_xml(path)
        assert doc.root is not None
        for declaration in doc.root.iter(f"{dec}Declaration"):
            if (declaration.findtext(f"{dec}FunctionalReferenceID") == lrn
                    and declaration.findtext(f"{dec}FunctionCode") == "9"):
                return declaration
    return None


def _pointer_cases() -> list[Any]:
    cases = []
    for family in ("response", "declaration"):
        for path in sorted((FIXTURES / family / "valid").glob("*.xml")):
            doc = load_xml(path)
            assert doc.root is not None
            for label, chain, tag in _pointer_chains(doc.root):
                cases.append(pytest.param(doc.root, chain, tag, id=f"{path.name}:{label}"))
    return cases


def test_fixtures_hold_pointer_chains() -> None:
    assert len(_pointer_cases()) >= 4


@pytest.mark.parametrize(("root", "chain", "tag"), _pointer_cases())
def test_pointer_resolves_in_the_original_declaration(root: etree._Element,
                                                      chain: list[tuple[str, int]],
                                                      tag: str | None) -> None:
    located = resolve(_table("declaration"), chain, tag)
    refs = root.xpath(f"//{_local('Declaration')}/{_local('FunctionalReferenceID')}/text()")
    declaration = _original_declaration(str(refs[0]))
    assert declaration is not None, f"no original declaration fixture with reference {refs[0]}"
    # Children of shared common types (party, address, pointer) are in the common namespace.
    xpath = "/".join(_local(name) + (f"[{rest}" if rest else "")
                     for name, _, rest in (step.partition("[") for step in located.split("/")[1:]))
    assert len(declaration.xpath(xpath)) == 1, (located, xpath)


def test_resolve_follows_the_documented_example() -> None:
    chain = [("42A", 0), ("67A", 0), ("68A", 1), ("70A", 1)]
    assert resolve(_table("declaration"), chain, "166") == (
        "Declaration/GoodsShipment/GovernmentAgencyGoodsItem[1]/GovernmentProcedure[1]/CurrentCode")


def test_resolve_refuses_unknown_steps() -> None:
    with pytest.raises(LookupError):
        resolve(_table("declaration"), [("42A", 0), ("99Z", 1)], None)
    with pytest.raises(LookupError):
        resolve(_table("declaration"), [("67A", 0)], None)
