"""Registry and detection: by root element, through an envelope, and failing helpfully."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from lxml import etree

import tradestd
from tradestd import DetectionError, MessageType, Registry, UnknownMessageType

MESSAGES = DATA / "messages"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(MessageType.from_toml(p)
                    for p in sorted((DATA / "registry").glob("*/*/message.toml")))


def _payload(path: Path) -> bytes:
    root = etree.parse(str(path)).getroot()
    return etree.tostring(root[-1])


def test_enveloped_message_is_detected_and_validated(registry: Registry) -> None:
    report = tradestd.validate(MESSAGES / "enveloped-valid.xml", registry=registry)
    assert report.valid, report.issues
    assert report.message_type == "test-declaration@1.0"


def test_bare_payload_is_detected_by_its_root(registry: Registry) -> None:
    report = tradestd.validate(_payload(MESSAGES / "enveloped-valid.xml"), registry=registry)
    assert report.valid and report.message_type == "test-declaration@1.0"


def test_detected_type_still_reports_errors(registry: Registry) -> None:
    report = tradestd.validate(MESSAGES / "enveloped-errors.xml", registry=registry)
    assert report.message_type == "test-declaration@1.0"
    assert len(report.errors) == 5


def test_envelope_type_name_must_fit(registry: Registry) -> None:
    data = (MESSAGES / "enveloped-valid.xml").read_bytes().replace(b">DEC<", b">RES<")
    report = tradestd.validate(data, registry=registry)
    [issue] = report.errors
    assert issue.code == "MESSAGE_TYPE_UNKNOWN"


def test_failed_detection_names_the_candidates(registry: Registry) -> None:
    report = tradestd.validate(b'<Invoice xmlns="urn:else"/>', registry=registry)
    [issue] = report.issues
    assert issue.code == "MESSAGE_TYPE_UNKNOWN"
    assert (issue.line, issue.path) == (1, "/Invoice")
    assert "test-declaration@1.0" in issue.message and "test-stamp@1.0" in issue.message
    with pytest.raises(DetectionError) as caught:
        registry.detect(etree.fromstring(b"<x/>"))
    assert caught.value.candidates == (
        "test-declaration@1.0 ({urn:test:declaration}Declaration)",
        "test-stamp@1.0 ({urn:test:stamp}Stamp)")


def test_named_type_and_unknown_id(registry: Registry) -> None:
    report = tradestd.validate(MESSAGES / "enveloped-valid.xml", "test-declaration@1.0",
                               registry=registry)
    assert report.valid
    with pytest.raises(UnknownMessageType, match="known: test-declaration@1.0, test-stamp@1.0"):
        tradestd.validate(MESSAGES / "enveloped-valid.xml", "nope", registry=registry)


def test_registry_refuses_duplicates(registry: Registry) -> None:
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("test-stamp"))
