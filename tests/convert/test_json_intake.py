"""Malformed JSON is a located issue; JSON Pointers map to line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradestd.convert.jsonintake import load_json
from tradestd.intake import Limits


@pytest.mark.parametrize("text, code, line, column", [
    ('{"a": 1,\n "b": 2,\n "a": 3}', "JSON_DUPLICATE_KEY", 3, 2),
    ('{"a": [1,\n 2', "JSON_MALFORMED", 2, 3),
    ('{"a": NaN}', "JSON_MALFORMED", None, None),
    ("[" * 300 + "]" * 300, "JSON_LIMIT_EXCEEDED", 1, 257),
    ("  \n", "JSON_EMPTY", 1, 1),
    ('{"a": 1} x', "JSON_MALFORMED", 1, 10),
])
def test_malformed_json_is_a_located_issue(text: str, code: str, line: int | None,
                                          column: int | None) -> None:
    doc = load_json(text.encode())
    assert not doc.ok
    (issue,) = doc.issues
    assert (issue.code, issue.line, issue.column) == (code, line, column)


def test_bad_encoding_and_size_limit(tmp_path: Path) -> None:
    assert load_json(b"\xff\xfe{").issues[0].code == "JSON_BAD_ENCODING"
    big = tmp_path / "big.json"
    big.write_text('{"a": "' + "x" * 200 + '"}')
    assert load_json(big, Limits(max_bytes=100)).issues[0].code == "INPUT_TOO_LARGE"
    assert load_json(tmp_path / "missing.json").issues[0].code == "INPUT_NOT_FOUND"


def test_pointers_map_to_positions() -> None:
    doc = load_json('{"x/y": {"z": [1,\n   "q"]},\n "e~": []}')
    assert doc.ok
    assert doc.locator.position("/x~1y/z/1") == (2, 4)
    assert doc.locator.position("/e~0") == (3, 8)
    assert doc.locator.position("/x~1y/z/9") == (1, 15)  # nearest existing ancestor
    assert doc.locator.position("") == (1, 1)
    assert doc.issue("C", "m", "/x~1y/z").line == 1
