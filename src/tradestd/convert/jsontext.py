"""JSON text of converted data: the one serializer of the XML -> JSON direction.

The data is what :func:`~tradestd.convert.to_json.element_to_data` builds: dicts with
string keys, lists, strings, integers below 2**53, booleans (decimals, dates and every
other value are strings already). orjson writes it at C speed; its text is the text
``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` writes, and with an
indent of 2 the text of ``json.dumps(data, ensure_ascii=False, indent=2)``
(tests/convert/test_jsontext.py checks both on every fixture and corpus message). The
standard library writes what orjson does not: other indents, and data nested deeper
than orjson's limit of 254 levels.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["json_bytes", "json_text"]


def json_bytes(data: Any, *, indent: int | None = None) -> bytes:
    """UTF-8 JSON text of ``data``: compact, or pretty-printed with ``indent`` spaces."""
    if indent is None or indent == 2:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
        except orjson.JSONEncodeError:
            pass  # deeper than orjson nests (or data it refuses): the standard library
    return _stdlib(data, indent).encode("utf-8")


def json_text(data: Any, *, indent: int | None = None) -> str:
    """:func:`json_bytes` as a string."""
    return json_bytes(data, indent=indent).decode("utf-8")


def _stdlib(data: Any, indent: int | None) -> str:
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)
