"""Cargo report / advance cargo information rules: masters, houses, waybills, totals, PLACI 7+1.

The structure is ``MasterConsignment`` -> ``HouseConsignment`` -> ``GoodsItem``. Checks that
houses add up to their master are common practice rather than law, hence warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from lxml import etree

from ..codelists import identifiers
from ..engine import Finding, rule
from ..values import mass_in_kg, sequence_number, wco_datetime
from ..view import MessageView, child, child_text, children, decimal, either, text

PACK_ID = "cargo"
PACK_VERSION = "1.0.0"
PACK_EFFECTIVE_FROM = "2026-11-27"
PACK_TITLE = "Cargo report / advance cargo information rules"

FAMILY = ["cargo"]
#: UNTDID 1001 document types that are air waybills (740 air waybill, 741 master air waybill).
AIR_WAYBILL_TYPES = frozenset({"740", "741"})
#: Classification types holding an HS-based code: HS (6 digits) or TAR (a national tariff code).
HS_TYPES = frozenset({"HS", "TAR"})
#: Relative tolerance when comparing a master's gross mass with its houses'.
MASS_TOLERANCE = Decimal("0.001")


def _masters(msg: MessageView) -> list[etree._Element]:
    return msg.all("MasterConsignment")


@rule("CAR-DOC-001", "error", "House transport document numbers are unique in a filing",
      families=FAMILY,
      needs=["HouseConsignment"])
def house_documents_unique(msg: MessageView) -> Iterator[Finding]:
    """No two ``HouseConsignment/TransportDocument/ID`` are equal in one cargo report."""
    seen: dict[str, tuple[etree._Element, etree._Element]] = {}
    for master in _masters(msg):
        for house in children(master, "HouseConsignment"):
            id_el = child(either(child(house, "TransportDocument"), house), "ID")
            value = text(id_el)
            if id_el is None or value is None:
                continue
            if value in seen:
                yield Finding(id_el, f"house transport document {value} of "
                              f"{_house_name(master, house)} is also used by "
                              f"{_house_name(*seen[value])}")
            else:
                seen[value] = (master, house)


def _house_name(master: etree._Element, house: etree._Element) -> str:
    return (f"master {child_text(master, 'SequenceNumeric') or '(unnumbered)'} house "
            f"{child_text(house, 'SequenceNumeric') or '(unnumbered)'}")


@rule("CAR-AWB-001", "error", "Air waybill numbers pass the mod-7 check", families=FAMILY,
      needs=["TransportDocument"])
def air_waybill_check(msg: MessageView) -> Iterator[Finding]:
    """A transport document of type 740/741 is ``PPP-SSSSSSSC`` with C = serial mod 7."""
    for document in msg.all("TransportDocument"):
        id_el = child(document, "ID")
        value = text(id_el)
        if id_el is None or value is None:
            continue
        if text(child(document, "TypeCode")) in AIR_WAYBILL_TYPES:
            problem = identifiers.air_waybill(value)
            if problem:
                yield Finding(id_el, f"air waybill {value!r}: {problem}")


@rule("CAR-HS-001", "error", "Goods items carry an HS code of at least 6 digits",
      families=FAMILY,
      needs=["GoodsItem"])
def house_hs_codes(msg: MessageView) -> Iterator[Finding]:
    """Each ``GoodsItem`` has an HS (or TAR, national tariff) ``Classification`` of 6 to 10
    digits in an existing chapter (required at house level by EU ICS2 since 2023)."""
    for item in msg.all("GoodsItem"):
        rows = [r for r in children(item, "Classification")
                if child_text(r, "IdentificationTypeCode") in HS_TYPES]
        if not rows:
            yield Finding(item, "goods item "
                                f"{child_text(item, 'SequenceNumeric') or '(unnumbered)'}"
                                " has no HS "
                          "Classification")
        for row in rows:
            id_el = child(row, "ID")
            value = text(id_el) or ""
            problem = identifiers.hs_code(value, 6)
            if problem:
                yield Finding(either(id_el, row), f"HS code {value!r}: {problem}")


def _sum(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


Amount = Callable[[etree._Element | None], Decimal | None]


def _master_against_houses(msg: MessageView, name: str, amount: Amount, unit: str,
                           tolerance: Decimal) -> Iterator[Finding]:
    """The master's ``name`` against the sum of its houses' ``name``."""
    for master in _masters(msg):
        houses = children(master, "HouseConsignment")
        total_el = child(master, name)
        total = amount(total_el)
        summed = _sum([amount(child(h, name)) for h in houses])
        if total_el is None or total is None or summed is None:
            continue
        if abs(total - summed) > total * tolerance:
            yield Finding(total_el, f"master {name} is {total}{unit} but its {len(houses)} "
                          f"houses add up to {summed}{unit}")


@rule("CAR-PCS-001", "warning", "House package counts add up to the master's",
      families=FAMILY,
      needs=["HouseConsignment"])
def master_pieces(msg: MessageView) -> Iterator[Finding]:
    """``MasterConsignment/TotalPackageQuantity`` = sum over its houses."""
    yield from _master_against_houses(msg, "TotalPackageQuantity", decimal, "", Decimal(0))


@rule("CAR-MASS-001", "warning", "House gross masses add up to the master's", families=FAMILY,
      needs=["HouseConsignment"])
def master_mass(msg: MessageView) -> Iterator[Finding]:
    """``MasterConsignment/TotalGrossMassMeasure`` = sum over its houses (0.1 % tolerance)."""
    yield from _master_against_houses(msg, "TotalGrossMassMeasure", mass_in_kg, " kg",
                                      MASS_TOLERANCE)


@rule("CAR-HOUSE-001", "warning", "A house's package count is the sum of its goods items'",
      families=FAMILY,
      needs=["HouseConsignment"])
def house_pieces(msg: MessageView) -> Iterator[Finding]:
    """``HouseConsignment/TotalPackageQuantity`` = sum of its ``Packaging/QuantityQuantity``."""
    for house in msg.all("HouseConsignment"):
        total_el = child(house, "TotalPackageQuantity")
        total = decimal(total_el)
        counts = [decimal(child(p, "QuantityQuantity"))
                  for item in children(house, "GoodsItem") for p in children(item, "Packaging")
                  if child(p, "QuantityQuantity") is not None]
        if total_el is None or total is None or not counts:
            continue
        summed = sum((c for c in counts if c is not None), Decimal(0))
        if summed != total:
            yield Finding(total_el, "house "
                                    f"{child_text(house, 'SequenceNumeric') or '(unnumbered)'}"
                                    " "
                          f"TotalPackageQuantity is {text(total_el)} but its goods items' "
                          f"packages add up to {summed}")


def _party_complete(party: etree._Element | None) -> bool:
    return (party is not None and text(child(party, "Name")) is not None
            and child(party, "Address") is not None)


@rule("CAR-PLACI-001", "error", "Air pre-loading filings carry the 7+1 data set",
      families=FAMILY, type_codes=["PL"],
      needs=["MasterConsignment"])
def placi_seven_plus_one(msg: MessageView) -> Iterator[Finding]:
    """For air (ModeCode 4) pre-loading filings, every house (or a master without houses)
    names shipper and consignee with address, pieces, weight, goods description and its
    waybill number."""
    for master in _masters(msg):
        if child_text(master, "BorderTransportMeans", "ModeCode") != "4":
            continue
        for shipment in children(master, "HouseConsignment") or [master]:
            missing = [name for name, ok in (
                ("Consignor name and address", _party_complete(child(shipment, "Consignor"))),
                ("Consignee name and address", _party_complete(child(shipment, "Consignee"))),
                ("TotalPackageQuantity", child(shipment, "TotalPackageQuantity") is not None),
                ("TotalGrossMassMeasure", child(shipment, "TotalGrossMassMeasure") is not None),
                ("goods Description", any(text(child(i, "Description"))
                                          for i in msg.under(shipment, "GoodsItem"))),
                ("TransportDocument/ID", child_text(shipment, "TransportDocument", "ID")
                 is not None)) if not ok]
            if missing:
                yield Finding(shipment, "pre-loading (7+1) data missing: " + ", ".join(missing))


@rule("CAR-DATE-001", "error", "Departure comes before arrival", families=FAMILY,
      needs=["ArrivalDateTime"])
def departure_before_arrival(msg: MessageView) -> Iterator[Finding]:
    """``BorderTransportMeans/DepartureDateTime`` < ``ArrivalDateTime``."""
    for means in msg.all("BorderTransportMeans"):
        departure = wco_datetime(child(means, "DepartureDateTime"))
        arrival_el = child(means, "ArrivalDateTime")
        arrival = wco_datetime(arrival_el)
        if arrival_el is not None and departure and arrival and arrival <= departure:
            yield Finding(arrival_el, f"arrival {arrival.isoformat()} is not after departure "
                          f"{departure.isoformat()}")


@rule("CAR-EQ-001", "error", "Goods items refer to the master's transport equipment",
      families=FAMILY,
      needs=["TransportEquipment"])
def equipment_references(msg: MessageView) -> Iterator[Finding]:
    """``GoodsItem/TransportEquipment/SequenceNumeric`` matches a ``TransportEquipment`` of
    the same master consignment."""
    for master in _masters(msg):
        declared = {sequence_number(eq) for eq in children(master, "TransportEquipment")}
        for item in msg.under(master, "GoodsItem"):
            for ref in children(item, "TransportEquipment"):
                number = sequence_number(ref)
                if number is not None and number not in declared:
                    known = ", ".join(str(n) for n in sorted(n for n in declared if n)) or "none"
                    yield Finding(ref, f"goods item refers to TransportEquipment {number} but "
                                  "master "
                                  f"{child_text(master, 'SequenceNumeric') or '(unnumbered)'}"
                                  " declares "
                                  f"{known}")
