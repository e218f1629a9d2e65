"""Property: for generated schemas and every generated document the schema set accepts,
the converter's JSON passes the JSON Schema derived from that schema set.

Schemas and documents come from tests/convert/schema_strategies.py (patterns with
alternatives and two derivation steps, regex classes, enumerations and fixed values
in other lexical forms, whitespace normalisation, unions, lists, QNames, ``xsi:*`` on
elements of simple and complex type, recursion, mixed content, defaults).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tradestd.schemaset import SchemaSet, load_schema_set

from .schema_strategies import Generated, documents, schemas

# no shrinking: each example compiles a schema set, and a failure prints its schema and
# document as drawn
SETTINGS = settings(max_examples=40, deadline=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much,
                                           HealthCheck.function_scoped_fixture])


def _schema_set(folder: Path, generated: Generated) -> SchemaSet:
    digest = hashlib.sha256(generated.xsd.encode()).hexdigest()[:16]
    path = folder / f"{digest}.xsd"
    if not path.exists():
        path.write_text(generated.xsd, encoding="utf-8")
    return load_schema_set(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated-schemas")


@SETTINGS
@given(data=st.data())
def test_valid_documents_pass_the_derived_json_schema(folder: Path, data: Any) -> None:
    generated = data.draw(schemas(), label="schema")
    schema_set = _schema_set(folder, generated)
    derived = schema_set.json_schema()
    Draft202012Validator.check_schema(derived)
    validator = Draft202012Validator(derived)
    accepted = 0
    for _ in range(4):
        xml = data.draw(documents(schema_set.xmlschema, generated.root), label="document")
        report = schema_set.validate(xml)
        if not report.valid:
            continue  # the variants aim at valid documents; the schema set decides
        accepted += 1
        converted = schema_set.to_data(xml)
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in validator.iter_errors(converted)]
        assert not errors, (xml, converted, errors)
    assume(accepted > 0)
