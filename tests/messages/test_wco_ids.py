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
RESPONSE_NS = "urn:tradestd:wco:response:1.0"
COMMON_NS = "urn:tradestd:wco:common:1.0"
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


def _pointer_chains(path: Path) -> list[tuple[str, list[tuple[str, int]], str | None]]:
    doc = load_xml(path)
    assert doc.root is not None
    ns = {"r": RESPONSE_NS, "c": COMMON_NS}
    chains = []
    for error in doc.root.iter(f"{{{RESPONSE_NS}}}Error"):
        chain: list[tuple[str, int]] = []
        tag = None
        for pointer in error.findall("r:Pointer", ns):
            chain.append((pointer.findtext("c:DocumentSectionCode", "", ns),
                          int(pointer.findtext("c:SequenceNumeric", "0", ns))))
            tag = pointer.findtext("c:TagID", None, ns) or tag
        if chain:
            chains.append((error.findtext("r:ValidationCode", "", ns), chain, tag))
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


def _response_cases() -> list[Any]:
    cases = []
    for path in sorted((FIXTURES / "response" / "valid").glob("*.xml")):
        for code, chain, tag in _pointer_chains(path):
            cases.append(pytest.param(path, chain, tag, id=f"{path.name}:{code}"))
    return cases


def test_some_response_fixture_has_a_pointer_chain() -> None:
    assert _response_cases()


@pytest.mark.parametrize(("path", "chain", "tag"), _response_cases())
def test_response_pointer_resolves_in_the_declaration(path: Path, chain: list[tuple[str, int]],
                                                      tag: str | None) -> None:
    located = resolve(_table("declaration"), chain, tag)
    doc = load_xml(path)
    assert doc.root is not None
    lrn = doc.root.findtext(f"{{{RESPONSE_NS}}}Declaration/{{{RESPONSE_NS}}}FunctionalReferenceID")
    declaration = _original_declaration(lrn or "")
    if declaration is None:
        pytest.skip(f"no declaration fixture with reference {lrn}")
    # Children of shared common types (party, address, pointer) are in the common namespace.
    xpath = "/".join(f"*[local-name()='{name}']" + (f"[{rest}" if rest else "")
                     for name, _, rest in (step.partition("[") for step in located.split("/")[1:]))
    hits = declaration.xpath(xpath)
    assert len(hits) == 1, (located, xpath)


def test_resolve_follows_the_documented_example() -> None:
    chain = [("42A", 0), ("67A", 0), ("68A", 1), ("70A", 1)]
    assert resolve(_table("declaration"), chain, "166") == (
        "Declaration/GoodsShipment/GovernmentAgencyGoodsItem[1]/GovernmentProcedure[1]/CurrentCode")


def test_resolve_refuses_unknown_steps() -> None:
    with pytest.raises(LookupError):
        resolve(_table("declaration"), [("42A", 0), ("99Z", 1)], None)
    with pytest.raises(LookupError):
        resolve(_table("declaration"), [("67A", 0)], None)
