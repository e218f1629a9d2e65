"""Resource refusals read the same whatever libxml2 release reports them.

The messages below are those of libxml2 2.12 (lxml 5.2), 2.13 (lxml 5.4, which names the
new error code ``unknown``) and 2.14 (lxml 6); CI runs the hostile-input tests under the
lowest and the newest lxml as well.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tradestd.intake import _error_type

DEPTH = {
    "2.12": ("ERR_INTERNAL_ERROR", "Excessive depth in document: 256 use XML_PARSE_HUGE option"),
    "2.13": ("unknown", "Excessive depth in document: 257 use XML_PARSE_HUGE option"),
    "2.14": ("ERR_RESOURCE_LIMIT", "Excessive depth in document: 256, use XML_PARSE_HUGE option"),
}
TEXT = {
    "2.12": ("ERR_NO_MEMORY", "xmlSAX2Characters: huge text node"),
    "2.13": ("unknown", "Resource limit exceeded: Text node too long, try XML_PARSE_HUGE"),
    "2.14": ("ERR_RESOURCE_LIMIT",
             "Resource limit exceeded: Text node too long, try XML_PARSE_HUGE"),
}


@pytest.mark.parametrize("release", ["2.12", "2.13", "2.14"])
def test_a_resource_refusal_is_one_type_in_every_release(release: str) -> None:
    for type_name, message in (DEPTH[release], TEXT[release]):
        entry = SimpleNamespace(type_name=type_name, message=message)
        assert _error_type(entry) == "ERR_RESOURCE_LIMIT"


def test_other_errors_keep_their_type() -> None:
    entry = SimpleNamespace(type_name="ERR_TAG_NAME_MISMATCH",
                            message="Opening and ending tag mismatch: a line 1 and b")
    assert _error_type(entry) == "ERR_TAG_NAME_MISMATCH"
