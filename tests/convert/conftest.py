"""Helpers for the conversion tests: canonical XML equality and the test schema set."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from lxml import etree

from tradestd.schemaset import SchemaSet, load_schema_set

DATA = Path(__file__).resolve().parents[1] / "data" / "convert"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def c14n(xml: bytes, qname_tags: Iterable[str] = ()) -> str:
    """C14N 2.0: no comments, whitespace trimmed, prefixes rewritten (QName values too)."""
    return etree.canonicalize(etree.fromstring(xml), with_comments=False, strip_text=True,
                              rewrite_prefixes=True, qname_aware_attrs=[XSI_TYPE],
                              qname_aware_tags=list(qname_tags))


@pytest.fixture(scope="session")
def kitchen() -> SchemaSet:
    return load_schema_set(DATA / "kitchen.xsd")
