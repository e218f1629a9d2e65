"""National choices on real declarations (uk-cds, uk-cds-2.12): what the generic and Union
packs must accept, and what the national pack and a closed code list still catch.

Each case is an accepted CDS declaration, changed the way HMRC's own accepted messages
differ from it (issue 24): tariff measurement units on a duty's tax base, requests
(FunctionCode 13) without a declarant, exports without a TSP row, an EU member state's
declaration type written as ``IM`` alone. Run with the national schema set, as
``--xsd ... --rules PACK`` would. Skipped when the corpora are absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CORPORA
from lxml import etree

import tradestd
from tradestd.cli.main import main
from tradestd.codelistfiles import UserCodeList, load_code_list
from tradestd.config import RuleSettings
from tradestd.rules import RuleRunner, bundled_pack

pytestmark = pytest.mark.corpora

UKCDS = CORPORA / "uk-cds"
UNITS = CORPORA / "uk-cds-2.12" / "code-lists" / "measure-unit-types.json"
if not (UKCDS / "cases.json").is_file() or not UNITS.is_file():
    pytest.skip(f"uk-cds corpora not found at {UKCDS}", allow_module_level=True)

XSD = [UKCDS / "xsd" / "declaration" / "DocumentMetaData_2_DMS.xsd",
       UKCDS / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd"]
MESSAGES = UKCDS / "messages"
#: An import whose duty has a specific tax base: ``SpecificTaxBaseQuantity unitCode="DTN"``.
TAX_BASE = (MESSAGES / "Trade Test 4.2 Sample Messages" /
            "TTM4_2_TC021_RPA_Licensing_Value_Available_On_License.xml")
EXPORT = MESSAGES / "Exports" / "Accepted" / "Declaration" / "TT1_EX_v2.02_Accepted.xml"
IMPORT = MESSAGES / "Imports" / "Accepted" / "Declaration" / "TT1_IM_v2.02_Accepted.xml"

Tree = etree._ElementTree


def _all(tree: Tree, name: str) -> list[etree._Element]:
    return [e for e in tree.iter() if isinstance(e.tag, str) and etree.QName(e).localname == name]


def _changed(path: Path, change: Callable[[Tree], None]) -> bytes:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    change(tree)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _errors(data: bytes, packs: tuple[str, ...],
            lists: tuple[UserCodeList, ...] = ()) -> list[tuple[str | None, str]]:
    runner = RuleRunner([bundled_pack(p) for p in packs], settings=RuleSettings(codelists=lists))
    report = tradestd.validate(data, tradestd.load_schema_set(XSD), rules=runner)
    assert [i for i in report.errors if not i.rule_id] == [], "the change broke the schema"
    return [(i.rule_id, i.message) for i in report.errors]


def _tax_base_unit(unit: str) -> bytes:
    def change(tree: Tree) -> None:
        (quantity,) = _all(tree, "SpecificTaxBaseQuantity")
        quantity.set("unitCode", unit)
    return _changed(TAX_BASE, change)


@pytest.mark.parametrize("unit", ["GBP", "ASV", "GP1", "KTC", "ASV#X"])
def test_national_tariff_units_are_no_error_on_a_national_schema(unit: str) -> None:
    assert _errors(_tax_base_unit(unit), ("wco",)) == []


def test_a_unit_list_closes_the_units() -> None:
    units = (load_code_list("unit", UNITS),)
    for known in ("GBP", "ASV", "GP1", "DTN"):
        assert _errors(_tax_base_unit(known), ("wco",), units) == []
    errors = _errors(_tax_base_unit("KTC"), ("wco",), units)  # not in HMRC's 2019 list
    assert [rule for rule, _ in errors] == ["WCO-UNIT-002"]
    assert "'KTC'" in errors[0][1] and str(UNITS) in errors[0][1]


def test_what_cannot_be_a_unit_code_is_an_error_without_a_list() -> None:
    errors = _errors(_tax_base_unit("kg"), ("wco",))
    assert [rule for rule, _ in errors] == ["WCO-UNIT-002"]
    assert "'kg'" in errors[0][1] and "2 or 3 upper-case letters or digits" in errors[0][1]


def test_the_cli_reads_hmrcs_unit_list(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    message = tmp_path / "ktc.xml"
    message.write_bytes(_tax_base_unit("KTC"))
    args = ["validate", "--no-config", *(f"--xsd={x}" for x in XSD), "--rules", "wco"]
    assert main([*args, str(message)]) == 0
    assert main([*args, "--codelist", f"unit={UNITS}", str(message)]) == 1
    assert main([*args, "--codelist", f"unit={UNITS}#value", str(TAX_BASE)]) == 0
    assert "WCO-UNIT-002" in capsys.readouterr().out


def _request(type_code: str) -> Callable[[Tree], None]:
    """The declaration as a FunctionCode 13 request on itself: no Declarant."""
    def change(tree: Tree) -> None:
        (function,) = _all(tree, "FunctionCode")[:1]
        function.text = "13"
        (kind,) = [t for t in _all(tree, "TypeCode") if t.getparent() is function.getparent()]
        kind.text = type_code
        for declarant in _all(tree, "Declarant"):
            declarant.getparent().remove(declarant)
    return change


@pytest.mark.parametrize("type_code", ["COR", "INV", "GPR"])
def test_requests_name_no_declarant(type_code: str) -> None:
    data = _changed(IMPORT, _request(type_code))
    found = {rule for rule, _ in _errors(data, ("eu-ucc", "uk-cds"))}
    assert found == set()


def test_an_unknown_request_type_is_still_caught() -> None:
    data = _changed(IMPORT, _request("XYZ"))
    assert {rule for rule, _ in _errors(data, ("eu-ucc", "uk-cds"))} == {"DEC-TYPE-001"}


def _without_declarant(tree: Tree) -> None:
    for declarant in _all(tree, "Declarant"):
        declarant.getparent().remove(declarant)


def test_an_original_declaration_without_declarant_is_a_uk_error_only() -> None:
    data = _changed(IMPORT, _without_declarant)
    assert {rule for rule, _ in _errors(data, ("uk-cds",))} == {"DEC-PARTY-001"}
    assert _errors(data, ("eu-ucc",)) == []  # the importer is named


def _without_tsp(tree: Tree) -> None:
    for code in _all(tree, "IdentificationTypeCode"):
        row = code.getparent()
        if code.text == "TSP" and etree.QName(row).localname == "Classification":
            row.getparent().remove(row)


def test_exports_may_leave_out_the_tsp_row_imports_may_not() -> None:
    assert _errors(_changed(EXPORT, _without_tsp), ("eu-ucc", "uk-cds")) == []
    errors = _errors(_changed(IMPORT, _without_tsp), ("eu-ucc", "uk-cds"))
    assert {rule for rule, _ in errors} == {"DEC-CLS-002"}
    assert "has 0 TSP Classification rows, not 1" in errors[0][1]


def test_a_member_states_own_mapping_passes_eu_ucc() -> None:
    """Declaration type 1/1 alone (``IM``), no Declarant element, no TSP rows: how a member
    state maps those is its own choice; only the UK pack objects."""
    def change(tree: Tree) -> None:
        _without_declarant(tree)
        _without_tsp(tree)
        (kind,) = [t for t in _all(tree, "TypeCode") if t.text == "IMZ"]
        kind.text = "IM"
    data = _changed(IMPORT, change)
    assert _errors(data, ("wco", "declaration", "eu-ucc")) == []
    assert {rule for rule, _ in _errors(data, ("uk-cds",))} == {
        "DEC-PARTY-001", "DEC-TYPE-001", "DEC-CLS-002"}


def test_eu_ucc_still_wants_importer_and_procedure() -> None:
    def change(tree: Tree) -> None:
        _without_declarant(tree)
        for name in ("Importer", "GovernmentProcedure"):
            for element in _all(tree, name):
                element.getparent().remove(element)
    found = {rule for rule, _ in _errors(_changed(IMPORT, change), ("eu-ucc",))}
    assert found == {"DEC-PARTY-003", "DEC-PROC-001"}
