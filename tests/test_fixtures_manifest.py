"""Every bundled fixture behaves as its family's manifest says.

``fixtures/<family>/manifest.json``::

    {"message_type": "wco-declaration@1.0",
     "invalid": [{"file": "invalid/x.xml", "defect": "what is wrong",
                  "expect": [{"code": "SCHEMA_MISSING_ELEMENT", "path": "/dec:Declaration"}]}]}

Each file in ``valid/`` must be valid and detected as ``message_type`` without
``--schema``; each invalid file must be invalid and produce every expected
(code, path) pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

import tradestd


def _manifests() -> list[tuple[Path, dict[str, Any]]]:
    return [(p.parent, json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(FIXTURES.glob("*/manifest.json"))]


def _valid_cases() -> list[Any]:
    cases = []
    for folder, manifest in _manifests():
        for path in sorted((folder / "valid").glob("*.xml")):
            cases.append(pytest.param(path, manifest["message_type"],
                                      id=f"{folder.name}/{path.name}"))
    return cases


def _invalid_cases() -> list[Any]:
    cases = []
    for folder, manifest in _manifests():
        for case in manifest.get("invalid", []):
            cases.append(pytest.param(folder / case["file"], manifest["message_type"], case,
                                      id=f"{folder.name}/{case['file']}"))
    return cases


@pytest.mark.parametrize(("path", "message_type"), _valid_cases())
def test_valid_fixture(path: Path, message_type: str) -> None:
    report = tradestd.validate(path)
    assert report.message_type == message_type
    assert report.valid, [i.to_dict() for i in report.issues]


@pytest.mark.parametrize(("path", "message_type", "case"), _invalid_cases())
def test_invalid_fixture(path: Path, message_type: str, case: dict[str, Any]) -> None:
    assert path.is_file(), f"manifest names a missing file: {path}"
    report = tradestd.validate(path)
    assert not report.valid
    found = {(i.code, i.path) for i in report.issues}
    for expected in case["expect"]:
        key = (expected["code"], expected.get("path"))
        if expected.get("path") is None:
            assert expected["code"] in {c for c, _ in found}, (expected, found)
        else:
            assert key in found, (expected, sorted(found, key=str))
    for issue in report.issues:
        assert issue.line is not None or issue.layer.value == "intake", issue


def test_every_invalid_file_is_in_a_manifest() -> None:
    listed = {(folder / c["file"]).resolve() for folder, m in _manifests()
              for c in m.get("invalid", [])}
    on_disk = {p.resolve() for p in FIXTURES.glob("*/invalid/*.xml")}
    assert on_disk <= listed, sorted(str(p) for p in on_disk - listed)
