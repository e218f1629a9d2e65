"""Any JSON edit of a valid message gives XML or a ConversionError with a pointer, never
another exception; any XML edit gives JSON or a ConversionError."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradestd.convert import ConversionError
from tradestd.schemaset import load_schema_set

from .conftest import DATA

KITCHEN = load_schema_set(DATA / "kitchen.xsd")
DATA_ = KITCHEN.to_data(DATA / "shipment.xml")

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=5) | st.sampled_from(["", "\x00", "{urn:x}a", "@b", "a b"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["", "@", "@a", "$order", "$any", "value", "Name",
                                       "{bad", "{urn:q}x", "$mixed", "$content", "Item"]),
                      inner, max_size=3),
    max_leaves=8)


def _containers(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, (dict, list)):
        out.append(node)
        for child in (node.values() if isinstance(node, dict) else node):
            _containers(child, out)
    return out


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_edited_json_converts_or_is_refused_with_a_pointer(data: st.DataObject) -> None:
    edited = copy.deepcopy(DATA_)
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(_containers(edited, [])))
        value = data.draw(JSON_VALUES)
        if isinstance(target, dict):
            key = data.draw(st.sampled_from(sorted(target) + ["Extra", "@new"]))
            target[key] = value
        elif target:
            target[data.draw(st.integers(0, len(target) - 1))] = value
    try:
        KITCHEN.to_xml(edited)
    except ConversionError as exc:
        assert exc.path == "" or exc.path.startswith("/")  # a JSON Pointer


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.integers(0, 3000))
def test_edited_xml_converts_or_is_refused(noise: bytes, position: int) -> None:
    source = (DATA / "shipment.xml").read_bytes()
    position %= len(source)
    try:
        KITCHEN.to_data(source[:position] + noise + source[position:])
    except ConversionError:
        pass
