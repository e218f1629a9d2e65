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
