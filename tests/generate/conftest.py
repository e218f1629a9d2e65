"""Shared fixtures for the generation tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tradestd.schemaset import SchemaSet, load_schema_set

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def constructs() -> SchemaSet:
    return load_schema_set([DATA / "constructs.xsd"])


@pytest.fixture(scope="session")
def wide() -> SchemaSet:
    """An envelope whose extension wildcard takes any of 24 library globals."""
    return load_schema_set([DATA / "wide.xsd"])
