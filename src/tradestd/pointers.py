"""Where an issue found in XML sits in the JSON form of the same message.

Rules run on XML; a JSON message is converted to XML first (``SchemaSet.to_xml``), checked,
and each issue's XPath (``/dec:Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]``) is
mapped to a JSON Pointer into the original JSON (``/Declaration/GoodsShipment/
GovernmentAgencyGoodsItem/1``) following the tradestd JSON convention (docs/json-convention.md):
members named by local name (or ``{namespace}local``), repeatable elements always arrays,
wildcard content under ``$any``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["json_pointer"]

_STEP = re.compile(r"^(?:[^:\[\]]+:)?([^:\[\]]+)(?:\[(\d+)\])?$")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _matches(key: str, name: str) -> bool:
    return key == name or key.endswith("}" + name)


def _member(node: Any, name: str, position: int) -> tuple[list[str], Any] | None:
    """The pointer tokens and value of the ``position``-th element ``name`` inside ``node``."""
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        if _matches(key, name):
            if isinstance(value, list):
                index = position - 1
                return ([key, str(index)], value[index]) if 0 <= index < len(value) else None
            return ([key], value) if position == 1 else None
    wild = node.get("$any")
    if isinstance(wild, list):
        seen = 0
        for index, entry in enumerate(wild):
            key = next(iter(entry), "") if isinstance(entry, dict) else ""
            if key and _matches(key, name):
                seen += 1
                if seen == position:
                    return ["$any", str(index), key], entry[key]
    return None


def json_pointer(data: Any, xpath: str) -> str | None:
    """The JSON Pointer of the element an XPath names, or ``None`` when it cannot be mapped."""
    tokens: list[str] = []
    node = data
    for step in xpath.strip("/").split("/"):
        match = _STEP.match(step)
        if match is None:
            return None
        found = _member(node, match.group(1), int(match.group(2) or 1))
        if found is None:
            return None
        more, node = found
        tokens += more
    return "".join("/" + _escape(t) for t in tokens)
