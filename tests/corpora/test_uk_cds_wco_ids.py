"""uk-cds: WCO IDs from a real national WCO DM 3.6 schema, and its rejection notifications'
pointer chains resolved into the declarations they reject (corpora layer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPORA

from tradestd.intake import load_xml
from tradestd.schemaset import load_schema_set
from tradestd.wco.pointers import read_chains, resolve_chains

UK = CORPORA / "uk-cds"
pytestmark = pytest.mark.corpora
if not UK.is_dir():
    pytest.skip(f"uk-cds corpus not found at {UK}", allow_module_level=True)

DECLARATION_XSD = [UK / "xsd" / "declaration" / "DocumentMetaData_2_DMS.xsd",
                   UK / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd"]

#: Each rejected case: (chain, resolved, found in the declaration, value or reason fragment).
EXPECTED = {
    "Exports/Rejected/Rejected Format": [("42A#D026", True, True, "Export_Format_REJ_LONGREF")],
    "Exports/Rejected/Rejected Obligation": [],
    # CDS points at the exit office through GoodsShipment; the schema has it on Declaration.
    "Exports/Rejected/Rejected Ref Data": [("42A/67A[1]/56A#G005", False, False,
                                            "it is at Declaration/ExitOffice")],
    # Item numbered 1000: its SequenceNumeric (006) breaks the n..3 national format.
    "Imports/Rejected/Format Rejection": [("42A/67A[1]/68A[1000]#006", True, True, "1000")],
    # The net mass the obligation asks for is missing: resolved, and not in the declaration.
    "Imports/Rejected/Obligation Rejection": [("42A/67A[1]/68A[1]/23A/65A#128", True, False,
                                               "no NetNetWeightMeasure")],
    "Imports/Rejected/Ref Data Rejection": [("42A/67A[1]/68A[1]/70A#166", True, True, "99")],
}


def _one(folder: Path, pattern: str) -> Path:
    (found,) = [p for p in folder.glob(pattern) if p.is_file()]
    return found


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_rejection_pointers_name_the_rejected_element(case: str) -> None:
    folder = UK / "messages" / case
    notification = load_xml(_one(folder, "*Notification/*.xml"))
    declaration = load_xml(_one(folder, "Declaration/*.xml"))
    assert notification.root is not None
    ids = load_schema_set(DECLARATION_XSD).wco_ids
    results = resolve_chains(read_chains(notification.root), ids, declaration)
    got = []
    for result in results:
        located = result.located
        assert located is not None
        detail = located.value if located.found else (located.reason or
                                                      result.resolution.reason or "")
        got.append((result.resolution.chain, result.resolution.resolved, located.found,
                    detail))
    expected = EXPECTED[case]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    for (_, _, _, detail), (_, _, _, fragment) in zip(got, expected, strict=True):
        assert fragment in (detail or "") or fragment in str(results[0].resolution.reason)


def test_uk_ids_give_path_name_format_and_line() -> None:
    ids = load_schema_set(DECLARATION_XSD).wco_ids
    (node,) = ids.by_id("228")
    assert (node.path, node.wco_name, node.format) == (
        "Declaration/GoodsItemQuantity", "Total number of items", "n..5")
    lines = (UK / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd").read_text().splitlines()
    assert node.line is not None and 'name="GoodsItemQuantity"' in lines[node.line - 1]
    found = ids.lookup("42A/67A/68A/03A/226")
    assert not isinstance(found, list) and found.resolved
    assert found.schema_path == ("Declaration/GoodsShipment/GovernmentAgencyGoodsItem/"
                                 "AdditionalInformation/StatementCode")
    assert len([n for n in ids if n.wco_id]) == 441  # every WCOID of WCO_DEC_2_DMS.xsd
