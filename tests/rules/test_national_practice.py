"""Generic packs on national WCO DM practice: what a national implementation legitimately does
is no error; the defect next to it still is (issue 11, docs/rules.md "Generic rules and
national choices").

Each case is a small national declaration (a user's schema set: no bundled message type),
run through ``wco`` + ``declaration`` as ``--rules wco --rules declaration`` would.
"""

from __future__ import annotations

import pytest

from tradestd.intake import load_xml
from tradestd.locate import Locator
from tradestd.rules import RuleRunner, bundled_pack

NS = "urn:example:national:dec"


def errors(body: str, function_code: str = "9", severity: str = "error") -> list[tuple[str, int]]:
    """(rule id, line) of the findings of that severity; ``body`` starts on line 3 (a goods
    item is added after it when it has none)."""
    if "GovernmentAgencyGoodsItem" not in body:
        body += ("\n<GoodsShipment><GovernmentAgencyGoodsItem><SequenceNumeric>1"
                 "</SequenceNumeric></GovernmentAgencyGoodsItem></GoodsShipment>")
    xml = (f'<Declaration xmlns="{NS}">\n<FunctionCode>{function_code}</FunctionCode>\n'
           f"{body}\n</Declaration>")
    doc = load_xml(xml.encode())
    runner = RuleRunner([bundled_pack("wco"), bundled_pack("declaration")], bundled=False)
    issues = runner.check(doc, Locator(doc.data, doc.tree), None)
    return sorted((str(i.rule_id), i.line or 0) for i in issues if i.severity.value == severity)


@pytest.mark.parametrize("value", ["20171001010000+01", "20171001010000+0100",
                                   "20171001010000Z", "20171001010000-05"])
def test_2379_zones_are_fine(value: str) -> None:
    body = f'<IssueDateTime><DateTimeString formatCode="304">{value}</DateTimeString></IssueDateTime>'
    assert errors(body) == []


def test_a_304_without_zone_is_still_an_error() -> None:
    body = '<IssueDateTime><DateTimeString formatCode="304">20171001010000</DateTimeString></IssueDateTime>'
    assert errors(body) == [("WCO-DATE-001", 3)]


def test_measures_without_units_are_information_and_read_as_kilograms() -> None:
    ok = ("<GoodsMeasure><GrossMassMeasure>150</GrossMassMeasure>"
          "<NetNetWeightMeasure>140</NetNetWeightMeasure></GoodsMeasure>")
    assert errors(ok) == []
    assert errors(ok, severity="info") == [("WCO-UNIT-001", 3), ("WCO-UNIT-001", 3)]
    bad = ("<GoodsMeasure>\n<GrossMassMeasure>150</GrossMassMeasure>\n"
           '<NetNetWeightMeasure unitCode="KGM#G">151</NetNetWeightMeasure></GoodsMeasure>')
    assert errors(bad) == [("WCO-MASS-001", 4)]


def test_national_unit_qualifiers_name_their_base_unit() -> None:
    assert errors('<WriteOff><QuantityQuantity unitCode="KGM#G">10</QuantityQuantity></WriteOff>') == []
    assert errors('<WriteOff><QuantityQuantity unitCode="kg#G">10</QuantityQuantity></WriteOff>') \
        == [("WCO-UNIT-002", 3)]


@pytest.mark.parametrize("unit", ["GBP", "ASV", "GP1", "KTC", "XYZ#G"])
def test_national_units_are_a_national_choice(unit: str) -> None:
    """Tariff measurement units and a currency as a duty's base are no error unless a unit
    list is in force (see tests/corpora/test_national_conventions.py for that)."""
    body = (f'<GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric><Commodity>'
            f'<DutyTaxFee><SpecificTaxBaseQuantity unitCode="{unit}">2'
            "</SpecificTaxBaseQuantity></DutyTaxFee></Commodity></GovernmentAgencyGoodsItem>")
    assert errors(f"<GoodsShipment>{body}</GoodsShipment>") == []
    assert errors(f"<GoodsShipment>{body.replace(unit, 'G P')}</GoodsShipment>") == [
        ("WCO-UNIT-002", 3)]


def test_sequence_numbers_may_have_gaps_but_not_twins() -> None:
    items = "".join(f"<GovernmentAgencyGoodsItem><SequenceNumeric>{n}</SequenceNumeric>"
                    "<StatisticalValueAmount>1</StatisticalValueAmount>"
                    "</GovernmentAgencyGoodsItem>\n" for n in (1000, 3, 7))
    assert errors(f"<GoodsItemQuantity>3</GoodsItemQuantity>\n{items}") == []
    twins = items.replace(">7<", ">3<")
    assert errors(f"<GoodsItemQuantity>3</GoodsItemQuantity>\n{twins}") == [("WCO-SEQ-001", 6)]


def test_parties_by_role_or_name_but_not_by_nothing() -> None:
    assert errors("<Agent><FunctionCode>2</FunctionCode></Agent>") == []
    assert errors("<Submitter><Name>Issuing authority</Name></Submitter>") == []
    assert errors("<Agent><Address><CityName>Dover</CityName><CountryCode>GB</CountryCode>"
                  "</Address></Agent>") == [("WCO-PARTY-001", 3)]


def test_national_location_codes_are_not_taken_for_un_locodes() -> None:
    body = ("<GoodsShipment><Consignment><LoadingLocation><ID>GBAUCBRLHRXAD</ID>"
            "</LoadingLocation></Consignment></GoodsShipment>")
    assert errors(body) == []
    declared = body.replace("<ID>", '<ID schemeID="UN/LOCODE">')
    assert errors(declared) == [("WCO-LOC-001", 3)]


def test_equipment_at_commodity_level_counts() -> None:
    body = ("<GoodsShipment><Consignment><ContainerCode>1</ContainerCode></Consignment>\n"
            "<GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric><Commodity>"
            "<TransportEquipment><SequenceNumeric>1</SequenceNumeric><ID>DM1234</ID>"
            "</TransportEquipment></Commodity></GovernmentAgencyGoodsItem>\n"
            "<GovernmentAgencyGoodsItem><SequenceNumeric>2</SequenceNumeric><Commodity>"
            "<TransportEquipment><SequenceNumeric>{ref}</SequenceNumeric></TransportEquipment>"
            "</Commodity></GovernmentAgencyGoodsItem></GoodsShipment>")
    assert errors(body.format(ref=1)) == []
    assert errors(body.format(ref=2)) == [("DEC-EQ-001", 5)]
    no_container = body.format(ref=1).replace("<ID>DM1234</ID>", "")
    assert ("DEC-CONT-001", 3) in errors(no_container)


def test_totals_wherever_they_are_and_only_for_full_declarations() -> None:
    body = ("<GoodsShipment><Consignment>\n<TotalGrossMassMeasure>5</TotalGrossMassMeasure>\n"
            "<TotalPackageQuantity>9</TotalPackageQuantity></Consignment>\n"
            "<GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric><Commodity>"
            "<GoodsMeasure><GrossMassMeasure>10</GrossMassMeasure></GoodsMeasure></Commodity>"
            "<Packaging><SequenceNumeric>1</SequenceNumeric><QuantityQuantity>2</QuantityQuantity>"
            "</Packaging></GovernmentAgencyGoodsItem></GoodsShipment>")
    assert errors(body) == [("DEC-MASS-001", 4)]
    assert errors(body, severity="warning") == [("DEC-PKG-001", 5)]
    assert errors(body, function_code="13") == [("DEC-AMD-001", 1)]  # no MRN: nothing else
    assert errors(body, function_code="13", severity="warning") == []
    uncounted = body.replace("<QuantityQuantity>2</QuantityQuantity>", "")
    assert errors(uncounted, severity="warning") == []


def test_a_lone_rate_converts_the_invoice_currency() -> None:
    lone = ('<InvoiceAmount currencyID="USD">5</InvoiceAmount>'
            "<CurrencyExchange><RateNumeric>1.2</RateNumeric></CurrencyExchange>")
    assert errors(lone) == []
    two = lone + "\n<CurrencyExchange><RateNumeric>0.9</RateNumeric></CurrencyExchange>"
    assert errors(two) == [("WCO-CUR-003", 3), ("WCO-CUR-003", 4)]
