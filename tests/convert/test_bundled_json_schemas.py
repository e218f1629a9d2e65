"""The committed JSON Schemas of bundled message types are those the XSDs give now."""

from __future__ import annotations

import pytest

from tradestd.convert.validate import bundled_schema_path, bundled_schema_text
from tradestd.registry import bundled_registry, schemas_dir

TYPES = list(bundled_registry())


@pytest.mark.parametrize("message_type", TYPES, ids=[t.key for t in TYPES])
def test_committed_json_schema_is_current(message_type: object) -> None:
    path = bundled_schema_path(message_type)  # type: ignore[arg-type]
    assert path.is_file(), f"missing {path}: run scripts/generate_json_schemas.py"
    assert path.read_text(encoding="utf-8") == bundled_schema_text(message_type), \
        f"{path} is stale: run scripts/generate_json_schemas.py"  # type: ignore[arg-type]


def test_no_orphan_json_schema() -> None:
    expected = {bundled_schema_path(t).resolve() for t in TYPES}
    committed = {p.resolve() for p in schemas_dir().glob("*/*/*.schema.json")}
    assert committed <= expected, f"JSON Schemas without a message type: {committed - expected}"
