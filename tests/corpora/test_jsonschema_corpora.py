"""The JSON Schema derived from each corpus case's XSDs accepts the JSON tradestd makes
from the case (every valid case of ../shared/corpora), and every ``pattern`` in it is
ECMA 262 (checked with the ``regress`` package where it is installed).

Skipped when the corpora folder is absent; TRADESTD_CORPORA_SAMPLE=1 keeps a sample
(every 6th case), as tests/corpora/test_convert_corpora.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA
from jsonschema import Draft202012Validator

from tradestd.convert.validate import json_validator
from tradestd.schemaset import load_schema_set

pytestmark = pytest.mark.corpora

if not CORPORA.is_dir():
    pytest.skip(f"corpora not found at {CORPORA}", allow_module_level=True)

STEP = 6 if os.environ.get("TRADESTD_CORPORA_SAMPLE") == "1" else 1


def _cases() -> list[Any]:
    params = []
    for manifest in sorted(CORPORA.glob("*/cases.json")):
        valid = [c for c in json.loads(manifest.read_text(encoding="utf-8"))["cases"]
                 if c["expect"] == "valid"]
        params.extend(pytest.param(manifest.parent, case,
                                   id=f"{manifest.parent.name}:{case['xml']}")
                      for case in valid[::STEP])
    return params


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            elif key == "patternProperties" and isinstance(value, dict):
                yield from value
                yield from _patterns(list(value.values()))
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


_CHECKED: dict[str, list[Any]] = {}


def _check_against_the_meta_schema(derived: dict[str, Any]) -> None:
    """Draft 2020-12's meta-schema check of ``derived``; each definition, and each
    document element's subschema, is checked once.

    The schema sets of one corpus share most definitions (UBL's 65 document types share
    its common components), and checking a 3.6 MB derived schema whole takes ~13 s; a
    subschema is the same wherever it appears, so one already checked (same name, same
    content) is left out of the next check. Its ``pattern`` values are ECMA 262.
    """
    fresh: dict[str, dict[str, Any]] = {"$defs": {}, "properties": {}}
    for part, names in fresh.items():  # definitions, and the document elements
        for name, subschema in derived.get(part, {}).items():
            seen = _CHECKED.setdefault(part + "/" + name, [])
            if not any(subschema is old or subschema == old for old in seen):
                seen.append(subschema)
                names[name] = subschema
    left = {**derived, **fresh}
    Draft202012Validator.check_schema(left)
    regress = _regress()
    if regress is not None:
        for pattern in set(_patterns(left)):
            regress.Regex(pattern, "u")  # raises on anything but ECMA 262


@pytest.mark.parametrize(("folder", "case"), _cases())
def test_corpus_json_passes_its_derived_schema(folder: Path, case: dict[str, Any]) -> None:
    schema_set = load_schema_set([folder / x for x in case["xsd"]])
    derived = schema_set.json_schema()
    _check_against_the_meta_schema(derived)
    data = schema_set.to_data((folder / case["xml"]).read_bytes())
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}"
              for e in json_validator(schema_set).iter_errors(data)]
    assert not errors


def _regress() -> Any:
    try:
        import regress
    except ImportError:
        return None
    return regress
