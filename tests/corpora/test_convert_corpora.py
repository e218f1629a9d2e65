"""Round trips over the valid cases of ../shared/corpora (UBL, CII, eFTI), and the
JSON is valid under the JSON Schema derived from the case's XSDs.

Skipped when the corpora folder is absent. Every valid case runs (about two minutes on
two cores); for a quick local run, TRADESTD_CORPORA_SAMPLE=1 keeps a deterministic sample
(every eFTI case, every 6th UBL and CII case).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tradestd.convert.validate import json_validator
from tradestd.schemaset import load_schema_set

# As tests/conftest.py's CORPORA; TRADESTD_CORPORA_DIR points elsewhere (e.g. from a
# git worktree, whose parent folder holds no shared/).
CORPORA = Path(os.environ.get("TRADESTD_CORPORA_DIR") or
               Path(__file__).resolve().parents[2].parent / "shared" / "corpora")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
FULL = os.environ.get("TRADESTD_CORPORA_SAMPLE") != "1"
EVERY = {"efti": 1}


def _cases() -> list[Any]:
    if not CORPORA.is_dir():
        return []
    found = []
    for manifest in sorted(CORPORA.glob("*/cases.json")):
        corpus = manifest.parent
        valid = [c for c in json.loads(manifest.read_text())["cases"] if c["expect"] == "valid"]
        step = 1 if FULL else EVERY.get(corpus.name, 6)
        for case in valid[::step]:
            found.append(pytest.param(corpus, case, id=f"{corpus.name}:{case['xml']}"))
    return found


def _c14n(xml: bytes) -> str:
    return etree.canonicalize(etree.fromstring(xml), with_comments=False, strip_text=True,
                              rewrite_prefixes=True, qname_aware_attrs=[XSI_TYPE])


pytestmark = [pytest.mark.corpora,
              pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")]


@pytest.mark.parametrize("corpus, case", _cases())
def test_corpus_case_round_trips(corpus: Path, case: dict[str, Any]) -> None:
    schema_set = load_schema_set([corpus / x for x in case["xsd"]])
    source = (corpus / case["xml"]).read_bytes()
    data = schema_set.to_data(source)
    back = schema_set.to_xml(json.dumps(data))
    assert schema_set.validate(back).valid
    assert _c14n(back) == _c14n(source)
    assert schema_set.to_json(back) == json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    assert not [e.message for e in json_validator(schema_set).iter_errors(data)]
