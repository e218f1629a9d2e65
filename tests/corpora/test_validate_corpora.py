"""Real third-party corpora (../shared/corpora): tradestd gives every expected verdict.

Each corpus's ``cases.json`` names an XML file, the XSDs to validate it with and the
verdict libxml2 and xmlschema agree on. Skipped when the corpora are absent (a fresh
checkout has none). Schema sets are compiled once each (``load_schema_set`` caches).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA

import tradestd

pytestmark = pytest.mark.corpora

if not CORPORA.is_dir():
    pytest.skip(f"corpora not found at {CORPORA}", allow_module_level=True)


def _cases() -> list[Any]:
    params = []
    for cases_file in sorted(CORPORA.glob("*/cases.json")):
        corpus = json.loads(cases_file.read_text(encoding="utf-8"))
        for case in corpus["cases"]:
            params.append(pytest.param(cases_file.parent, case,
                                       id=f"{corpus['corpus']}/{case['xml']}"))
    return params


@pytest.mark.parametrize(("folder", "case"), _cases())
def test_expected_verdict(folder: Path, case: dict[str, Any]) -> None:
    schema_set = tradestd.load_schema_set([folder / x for x in case["xsd"]])
    report = schema_set.validate(folder / case["xml"])
    assert report.valid == (case["expect"] == "valid"), [i.to_dict() for i in report.errors]
    for issue in report.errors:
        assert issue.line is not None and issue.path is not None, issue
