"""Every bundled family's schema compiles on its own in both engines and is registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradestd.registry import bundled_registry
from tradestd.schemaset import SchemaSet

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
FAMILIES = {"declaration": ("wco-declaration", "Declaration", "DEC"),
            "response": ("wco-response", "Response", "RES"),
            "cargo": ("wco-cargo", "CargoReport", "CAR"),
            "precursor": ("wco-precursor", "PrecursorNotification", "NOT")}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_schema_compiles_standalone_in_lxml_and_xmlschema(family: str) -> None:
    schema_set = SchemaSet([SCHEMAS / family / "1.0" / f"{family}.xsd"])  # compiles with libxml2
    assert schema_set.xsd_version == "1.0"
    root = f"{{urn:tradestd:wco:{family}:1.0}}{FAMILIES[family][1]}"
    assert root in schema_set.xmlschema.maps.elements
    assert {p.name for p in schema_set.all_files} == {f"{family}.xsd", "common-types.xsd"}


def test_every_bundled_family_is_covered_here() -> None:
    assert {t.family for t in bundled_registry()} == set(FAMILIES)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_message_type_is_registered_with_its_envelope(family: str) -> None:
    ident, root, type_name = FAMILIES[family]
    message_type = bundled_registry().get(f"{ident}@1.0")
    assert message_type.root_local == root
    assert message_type.record == message_type.root
    assert message_type.envelope == "{urn:tradestd:wco:envelope:1.0}MetaData"
    assert message_type.type_name == type_name
    # its TypeCodes and classification type codes are the UK CDS's, on EU UCC categories
    national = ("eu-ucc", "uk-cds") if family == "declaration" else ()
    assert message_type.rule_packs == ("wco", family, *national)
    assert [p.name for p in message_type.xsd] == ["envelope.xsd", f"{family}.xsd"]
