"""Property tests: for generated schema-valid documents, both round trips hold and
the JSON is valid under the derived JSON Schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from tradestd.convert.plan import plan_for
from tradestd.convert.validate import json_validator
from tradestd.registry import MessageType, bundled_registry
from tradestd.schemaset import SchemaSet, load_schema_set

from .conftest import DATA, c14n
from .strategies import documents

CASES = [
    ("kitchen.xsd", "{urn:tradestd:test:kitchen}Shipment", ["{urn:tradestd:test:kitchen}Kind"]),
    ("edge.xsd", "{urn:tradestd:test:edge}Envelope", []),
]
SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(schema_set: SchemaSet, xml: bytes, qname_tags: list[str]) -> None:
    report = schema_set.validate(xml)
    assert report.valid, (xml, report.issues)  # the generator only builds valid documents
    data = schema_set.to_data(xml)
    assert json.loads(json.dumps(data)) == data
    back = schema_set.to_xml(data)
    assert schema_set.validate(back).valid, back
    assert c14n(back, qname_tags) == c14n(xml, qname_tags)
    # identical JSON, and the text the standard library writes
    assert schema_set.to_json(back) == json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    errors = list(json_validator(schema_set).iter_errors(data))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("xsd, root, qname_tags", CASES, ids=[c[0] for c in CASES])
def test_generated_documents_round_trip(xsd: str, root: str, qname_tags: list[str]) -> None:
    schema_set = load_schema_set(DATA / xsd)
    plan_for(schema_set)

    @SETTINGS
    @given(documents(schema_set.xmlschema, root))
    def run(xml: bytes) -> None:
        _check(schema_set, xml, qname_tags)

    run()


BUNDLED = [(t, root) for t in bundled_registry()
           for root in (t.root, t.envelope) if root is not None]


@pytest.mark.parametrize("message_type, root", BUNDLED,
                         ids=[f"{t.key}:{r.rpartition('}')[2]}" for t, r in BUNDLED])
def test_generated_bundled_messages_round_trip(message_type: MessageType, root: str) -> None:
    schema_set = message_type.schema_set()

    @settings(SETTINGS, max_examples=40)
    @given(documents(schema_set.xmlschema, root))
    def run(xml: bytes) -> None:
        _check(schema_set, xml, [])

    run()
