"""The cargo report and precursor notification schemas, and what their valid fixtures promise.

The schemas must compile on their own in both engines. The valid fixtures must also keep the
identifier checks and totals that docs/messages/cargo.md and precursor.md say they satisfy,
so the rules layer can rely on them as clean input.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES
from lxml import etree
from stdnum import casrn, imo, iso6346

from tradestd.intake import load_xml

BULK_OR_UNPACKED = {"VG", "VL", "VO", "VQ", "VR", "VS", "VY", "NE", "NF", "NG"}


def _payload(path: Path) -> etree._Element:
    doc = load_xml(path)
    assert doc.root is not None, doc.issues
    root = doc.root
    if etree.QName(root).localname == "MetaData":
        root = root[-1]
    return root


def _valid(family: str) -> list[Path]:
    return sorted((FIXTURES / family / "valid").glob("*.xml"))


def _text(element: etree._Element, path: str) -> str:
    found = element.find("{*}" + path.replace("/", "/{*}"))
    assert found is not None and found.text, (element.tag, path)
    return found.text


def _count(element: etree._Element, path: str) -> int | None:
    found = element.find("{*}" + path)
    return None if found is None else int(found.text or "")


def _awb_ok(number: str) -> bool:
    digits = number.replace("-", "")
    return len(digits) == 11 and digits.isdigit() and int(digits[3:10]) % 7 == int(digits[10])


@pytest.mark.parametrize("awb", ["020-12345675", "001-76543213", "176-87654324"])
def test_awb_check_accepts_good_numbers(awb: str) -> None:
    assert _awb_ok(awb)


@pytest.mark.parametrize("awb", ["020-12345670", "020-1234567", "02A-12345675"])
def test_awb_check_refuses_bad_numbers(awb: str) -> None:
    assert not _awb_ok(awb)


@pytest.mark.parametrize("path", _valid("cargo"), ids=lambda p: p.name)
def test_cargo_fixture_identifiers_pass_their_checks(path: Path) -> None:
    root = _payload(path)
    for master in root.iterfind("{*}MasterConsignment"):
        document = master.find("{*}TransportDocument")
        assert document is not None
        if _text(document, "TypeCode") in ("740", "741"):
            assert _awb_ok(_text(document, "ID")), _text(document, "ID")
        means = master.find("{*}BorderTransportMeans")
        assert means is not None
        if _text(means, "IdentificationTypeCode") == "10":
            assert imo.is_valid(_text(means, "ID"))
        for equipment in master.iterfind("{*}TransportEquipment"):
            assert iso6346.is_valid(_text(equipment, "ID"))
        houses = [_text(h, "TransportDocument/ID") for h in master.iterfind("{*}HouseConsignment")]
        assert len(set(houses)) == len(houses)


def _house_totals(house: etree._Element) -> tuple[Decimal, int | None]:
    gross = Decimal(0)
    counts: list[int] = []
    for item in house.iterfind("{*}GoodsItem"):
        gross += Decimal(_text(item, "GrossMassMeasure"))
        net = item.find("{*}NetNetWeightMeasure")
        assert net is None or Decimal(net.text or "") <= Decimal(_text(item, "GrossMassMeasure"))
        for packaging in item.iterfind("{*}Packaging"):
            count = _count(packaging, "QuantityQuantity")
            assert (count is None) == (_text(packaging, "TypeCode") in BULK_OR_UNPACKED)
            if count is not None:
                counts.append(count)
    return gross, (sum(counts) if counts else None)


@pytest.mark.parametrize("path", _valid("cargo"), ids=lambda p: p.name)
def test_cargo_fixture_totals_add_up(path: Path) -> None:
    for master in _payload(path).iterfind("{*}MasterConsignment"):
        master_gross, master_counts = Decimal(0), []
        for house in master.iterfind("{*}HouseConsignment"):
            gross, count = _house_totals(house)
            assert Decimal(_text(house, "TotalGrossMassMeasure")) == gross
            assert _count(house, "TotalPackageQuantity") == count
            master_gross += gross
            if count is not None:
                master_counts.append(count)
        assert Decimal(_text(master, "TotalGrossMassMeasure")) == master_gross
        assert _count(master, "TotalPackageQuantity") == (sum(master_counts) if master_counts
                                                           else None)


@pytest.mark.parametrize("path", _valid("precursor"), ids=lambda p: p.name)
def test_precursor_fixture_identifiers_pass_their_checks(path: Path) -> None:
    root = _payload(path)
    for chemical in root.iterfind("{*}Chemical"):
        assert casrn.is_valid(_text(chemical, "CASRNID"))
    for equipment in root.iterfind("{*}Transport/{*}TransportEquipment"):
        assert iso6346.is_valid(_text(equipment, "ID"))
    updates = [_text(u, "StatusCode") for u in root.iterfind("{*}StatusUpdate")]
    assert _text(root, "StatusCode") == (updates[-1] if updates else "NOT")
