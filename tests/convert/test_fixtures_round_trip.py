"""Every valid bundled fixture round-trips and fits the derived JSON Schema (skipped
when no family is bundled yet)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from tradestd.convert.validate import json_schema_for
from tradestd.intake import load_xml
from tradestd.registry import bundled_registry

from .conftest import c14n

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILES = sorted(FIXTURES.glob("*/valid/*.xml"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.parent.name}/{p.name}" for p in FILES])
def test_bundled_fixture_round_trips(path: Path) -> None:
    doc = load_xml(path)
    assert doc.root is not None
    message_type = bundled_registry().detect(doc.root)
    schema_set = message_type.schema_set()
    source = etree.tostring(doc.root)  # the message inside a SOAP envelope, if any
    data = schema_set.to_data(source)
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid
    assert c14n(back) == c14n(source)
    assert schema_set.to_data(back) == data
    validator = jsonschema.Draft202012Validator(json_schema_for(schema_set, message_type))
    assert not [e.message for e in validator.iter_errors(data)]
