"""locate.find_element inverts element_path (used to position a record's issues)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tradestd.intake import new_parser
from tradestd.locate import element_path, find_element

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_every_element_of_the_fixtures_is_found_by_its_path() -> None:
    checked = 0
    for path in sorted(FIXTURES.glob("*/valid/*.xml"))[:12]:
        root = etree.fromstring(path.read_bytes(), new_parser())
        for element in root.iter(tag=etree.Element):
            assert find_element(root, element_path(element)) is element, path.name
            checked += 1
    assert checked > 500


def test_attribute_paths_and_misses() -> None:
    root = etree.fromstring(b'<a:R xmlns:a="urn:a" xmlns="urn:d"><C/><C k="1"/><a:D/></a:R>')
    second = root[1]
    assert element_path(second) == "/a:R/C[2]"
    assert find_element(root, "/a:R/C[2]/@k") is second
    assert find_element(root, "/a:R/a:D") is root[2]
    assert find_element(root, "/a:R/C[3]") is None
    assert find_element(root, "/R/C") is None
    assert find_element(root, "") is None
