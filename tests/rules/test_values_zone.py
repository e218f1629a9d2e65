"""A 304 date/time whose zone offset is a day or more is a WCO-DATE-001 finding, not a crash
(found by the fixture mutants of ``test_mutants.py``)."""

from __future__ import annotations

from lxml import etree

from tradestd.rules.values import parse_datetime_string, wco_datetime


def test_a_zone_offset_of_a_day_or_more_is_a_finding_not_a_crash() -> None:
    moment, problem = parse_datetime_string("20261120164512+2800", "304")
    assert moment is None and problem is not None and "not a real date/time" in problem
    moment, problem = parse_datetime_string("20261120164512-2359", "304")
    assert moment is not None and problem is None


def test_rules_comparing_moments_skip_such_a_date() -> None:
    wrapper = etree.Element("IssueDateTime")
    string = etree.SubElement(wrapper, "DateTimeString", formatCode="304")
    string.text = "20261120164512+2800"
    assert wco_datetime(wrapper) is None


def test_un_edifact_2379_zones_and_formats() -> None:
    """304 takes Z, +hh or +hhmm (CDS writes ``20171001010000+01``); 203, 204 and 303 too."""
    hours_only, problem = parse_datetime_string("20171001010000+01", "304")
    assert problem is None and hours_only is not None
    assert hours_only == parse_datetime_string("20171001000000Z", "304")[0]
    assert parse_datetime_string("20171001010000-0530", "304")[1] is None
    for bad in ("20171001010000", "20171001010000+1", "20171001010000+011", "20171001010000z",
                "2017100101000\u0661+01".encode().decode("unicode_escape")):
        assert parse_datetime_string(bad, "304")[0] is None, bad
    assert parse_datetime_string("201710010100+01", "303")[1] is None
    assert parse_datetime_string("201710010100", "203")[1] is None
    assert parse_datetime_string("20171001010059", "204")[1] is None
    assert parse_datetime_string("20171001010059", "203")[0] is None
