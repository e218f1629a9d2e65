"""Code lists (provenance, extensions) and identifier checks."""

from __future__ import annotations

import pytest
from stdnum import casrn

from tradestd.rules.codelists import DEFAULT_COUNTRY_EXTENSIONS, code_lists, data_file
from tradestd.rules.codelists import identifiers as ids
from tradestd.rules.values import parse_datetime_string


def test_countries_and_currencies_come_from_pycountry_with_extensions() -> None:
    lists = code_lists()
    assert {"DE", "CN", *DEFAULT_COUNTRY_EXTENSIONS} <= lists.countries.codes
    assert "XU" not in lists.countries and "XU" in code_lists({"country": ["xu"]}).countries
    assert {"EUR", "USD", "JPY"} <= lists.currencies.codes and "EUX" not in lists.currencies
    assert code_lists({"country": ["XU"]}) is code_lists({"country": ["XU"]})


@pytest.mark.parametrize("name", ["rec19.json", "rec20.json", "rec21.json", "precursors.json"])
def test_shipped_lists_name_source_and_version(name: str) -> None:
    data = data_file(name)
    assert data["source"] and data["version"] and data["title"]


def test_unece_lists() -> None:
    lists = code_lists()
    assert lists.modes.codes == frozenset("0123456789")
    assert {"KGM", "TNE", "LTR", "MTQ", "C62", "NAR", "P1"} <= lists.units.codes
    assert len(lists.units.codes) > 1500 and "05" not in lists.units  # 05 is deleted (X)
    assert {"CT", "PX", "BG", "VR", "NE"} <= lists.packages.codes and "XQ" not in lists.packages
    assert lists.bulk_packages == frozenset({"VG", "VL", "VO", "VQ", "VR", "VS", "VY"})
    assert lists.unpacked_packages == frozenset({"NE", "NF", "NG"})


def test_precursor_list_is_consistent() -> None:
    substances = code_lists().substances
    assert len(substances) == 19
    for s in substances:
        assert casrn.is_valid(s.cas), s
        assert s.hs6 and all(len(h) == 6 and h.isdigit() for h in s.hs6), s
    assert code_lists().by_cas["6484-52-2"].name == "Ammonium nitrate"


@pytest.mark.parametrize(("value", "ok"), [("020-12345675", True), ("02012345675", True),
                                           ("020-12345670", False), ("20-1234567", False)])
def test_air_waybill(value: str, ok: bool) -> None:
    assert (ids.air_waybill(value) is None) is ok


def test_formats_and_check_digits() -> None:
    countries = code_lists().countries
    assert ids.eori("DE4729183650123", countries) is None
    assert "country prefix" in str(ids.eori("QQ123", countries))
    assert "not an EORI" in str(ids.eori("DE-1", countries))
    assert ids.locode("NLRTM", countries) is None and ids.locode("NL RTM", countries) is None
    assert ids.locode("NLRT1", countries) and ids.locode("QQRTM", countries)
    assert ids.hs_code("310230") is None and ids.hs_code("8517.13.00", 8) is None
    assert "chapter 77" in str(ids.hs_code("770100")) and "chapter 98" in str(ids.hs_code("980100"))
    assert "6 to 10 digits" in str(ids.hs_code("3102")) and ids.hs_code("31023A")
    assert ids.container("CSQU3054383") is None and ids.container("CSQU3054384")
    assert ids.imo_number("9321483") is None and ids.imo_number("9321484")
    assert ids.cas_number("7732-18-5") is None and ids.cas_number("7732-18-4")
    assert ids.lei_code("5493001KJTIIGC8Y1R12") is None and ids.lei_code("5493001KJTIIGC8Y1R13")


def test_wco_date_strings() -> None:
    moment, problem = parse_datetime_string("20261127101500-0130", "304")
    assert problem is None and moment is not None and moment.utcoffset() is not None
    assert moment.isoformat() == "2026-11-27T10:15:00-01:30"
    assert "8 digits" in str(parse_datetime_string("2026112710", "102")[1])
    assert "zone" in str(parse_datetime_string("20261127101500", "304")[1])
    assert "not a real date" in str(parse_datetime_string("20260231", "102")[1])
    assert "not a UN/EDIFACT 2379" in str(parse_datetime_string("20260231", "999")[1])
    assert "12 digits" in str(parse_datetime_string("20260231", "203")[1])
