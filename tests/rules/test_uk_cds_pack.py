"""The ``uk-cds`` pack on small CDS-shaped declarations (a user's schema set: no bundled
message type): what HMRC's accepted declarations do passes, the defect next to it fails."""

from __future__ import annotations

import pytest

from tradestd.intake import load_xml
from tradestd.locate import Locator
from tradestd.rules import RuleRunner, bundled_pack

NS = "urn:wco:datamodel:WCO:DEC-DMS:2"


def errors(type_code: str, items: str, function_code: str = "9",
           parties: str = "<Declarant><ID>GB123456789000</ID></Declarant>") -> set[str]:
    xml = (f'<Declaration xmlns="{NS}"><FunctionCode>{function_code}</FunctionCode>'
           f"<TypeCode>{type_code}</TypeCode>{parties}<GoodsShipment>{items}</GoodsShipment>"
           "</Declaration>")
    doc = load_xml(xml.encode())
    runner = RuleRunner([bundled_pack("uk-cds")], bundled=False)
    return {str(i.rule_id) for i in runner.check(doc, Locator(doc.data, doc.tree), None)
            if i.severity.value == "error"}


def item(*rows: tuple[str, str]) -> str:
    classes = "".join(f"<Classification><ID>{code}</ID><IdentificationTypeCode>{kind}"
                      "</IdentificationTypeCode></Classification>" for code, kind in rows)
    return (f"<GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric>"
            f"<Commodity>{classes}</Commodity></GovernmentAgencyGoodsItem>")


@pytest.mark.parametrize("code", ["85171300", "970200", "4818209900", "99500000"])
def test_commodity_codes_of_6_8_or_10_digits_and_cn_special_chapters(code: str) -> None:
    assert errors("IMA", item((code, "TSP"))) == set()


@pytest.mark.parametrize("code", ["8517130", "77010000", "85A71300"])
def test_other_tsp_codes_are_errors(code: str) -> None:
    assert errors("IMA", item((code, "TSP"))) == {"DEC-CLS-001"}


def test_classified_import_items_need_their_tsp_row() -> None:
    assert errors("IMJ", item()) == set()  # HMRC's IMJ/IMK/IMQ give no commodity code
    assert errors("EXA", item(("00", "TRC"))) == set()
    assert errors("IMA", item(("00", "TRC"))) == {"DEC-CLS-002"}
    two = item(("85171300", "TSP"), ("85171200", "TSP"))
    assert errors("EXA", two) == {"DEC-CLS-002"}


@pytest.mark.parametrize("type_code", ["COR", "INV", "GPR"])
def test_requests_need_no_declarant(type_code: str) -> None:
    assert errors(type_code, "", function_code="13", parties="") == set()


def test_originals_need_a_declarant_and_a_full_type_code() -> None:
    assert errors("IMA", item(("85171300", "TSP")), parties="") == {"DEC-PARTY-001"}
    assert errors("IM", item(("85171300", "TSP"))) == {"DEC-TYPE-001"}
    assert errors("GPR", item(("85171300", "TSP"))) == {"DEC-TYPE-001"}
    assert errors("IMA", "", function_code="5") == {"DEC-TYPE-001"}
