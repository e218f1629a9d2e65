"""Schema sets: combining XSDs, readable located findings, verdicts, cache, threads."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import DATA

import tradestd
from tradestd import Severity, schemaset

ENVPAY = DATA / "envpay"
ENVELOPE = ENVPAY / "envelope.xsd"
DECLARATION = ENVPAY / "declaration.xsd"
MESSAGES = DATA / "messages"
SCHEMAS = DATA / "schemas"
ITEMS = "/md:MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"


def test_envelope_alone_cannot_validate_the_payload() -> None:
    report = tradestd.load_schema_set(ENVELOPE).validate(MESSAGES / "enveloped-valid.xml")
    assert not report.valid
    [issue] = report.errors
    assert issue.code == "SCHEMA_WILDCARD_UNKNOWN"
    assert "no matching global element declaration for Declaration" in issue.message
    assert "urn:test:declaration" in issue.message
    assert (issue.line, issue.column, issue.path) == (5, 3, "/md:MetaData/Declaration")


@pytest.mark.parametrize("paths", [[ENVELOPE, DECLARATION], [DECLARATION, ENVELOPE], [ENVPAY]],
                         ids=["envelope-first", "payload-first", "directory"])
def test_envelope_plus_payload_validates(paths: list[Path]) -> None:
    schema_set = tradestd.load_schema_set(paths)
    report = schema_set.validate(MESSAGES / "enveloped-valid.xml")
    assert report.valid, report.issues
    assert report.issues == ()


def test_directory_is_searched_recursively() -> None:
    files = {p.name for p in tradestd.load_schema_set(ENVPAY).files}
    assert files == {"envelope.xsd", "declaration.xsd", "types.xsd"}


def test_every_error_is_reported_with_line_column_and_path() -> None:
    report = tradestd.load_schema_set([ENVELOPE, DECLARATION]).validate(
        MESSAGES / "enveloped-errors.xml")
    found = [(i.code, i.line, i.column, i.path) for i in report.issues]
    assert found == [
        ("SCHEMA_PATTERN", 5, 5, "/md:MetaData/Declaration/FunctionCode"),
        ("SCHEMA_INVALID_VALUE", 12, 9, f"{ITEMS}[2]/SequenceNumeric"),
        ("SCHEMA_MISSING_ATTRIBUTE", 15, 11, f"{ITEMS}[2]/Commodity/GrossMassMeasure"),
        ("SCHEMA_INVALID_VALUE", 15, 11, f"{ITEMS}[2]/Commodity/GrossMassMeasure"),
        ("SCHEMA_UNEXPECTED_ELEMENT", 20, 20, f"{ITEMS}[3]/Commodity/Colour"),
    ]
    messages = [i.message for i in report.issues]
    assert messages[0] == "FunctionCode: 'ABCD' does not match the required pattern [0-9]{1,3}"
    assert messages[4] == "unexpected element Colour; expected Description"
    assert all("{urn:" not in m for m in messages)


def test_soap_wrapped_message_is_validated_with_full_paths() -> None:
    body = (MESSAGES / "enveloped-errors.xml").read_bytes().split(b"?>", 1)[1]
    data = (b'<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">\n'
            b"<soap:Body>" + body + b"</soap:Body></soap:Envelope>")
    report = tradestd.load_schema_set([ENVELOPE, DECLARATION]).validate(data)
    assert not report.valid
    paths = [i.path for i in report.issues]
    assert paths[0] == "/soap:Envelope/soap:Body/md:MetaData/Declaration/FunctionCode"
    assert all(i.line and i.column for i in report.issues)


def test_unknown_root_is_named() -> None:
    report = tradestd.load_schema_set([ENVELOPE, DECLARATION]).validate(
        b'<Other xmlns="urn:test:other"/>')
    [issue] = report.issues
    assert issue.code == "SCHEMA_UNKNOWN_ROOT" and "Other" in issue.message
    assert "urn:test:other" in issue.message


def test_datetime_with_whitespace_is_valid_but_noted() -> None:
    schema_set = tradestd.load_schema_set(SCHEMAS / "datetime.xsd")
    report = schema_set.validate(
        b'<Stamp xmlns="urn:test:stamp">\n  <At> 2026-11-27T10:00:00Z </At>\n</Stamp>')
    assert report.valid
    [note] = report.issues
    assert note.code == "SCHEMA_ENGINE_DISAGREEMENT" and note.severity is Severity.INFO
    assert (note.line, note.column, note.path) == (2, 3, "/Stamp/At")
    mixed = schema_set.validate(b'<Stamp xmlns="urn:test:stamp"><At> 2026-11-27T10:00:00Z </At>'
                                b"<At>yesterday</At></Stamp>")
    assert [(i.code, i.severity, i.path) for i in mixed.issues] == [
        ("SCHEMA_INVALID_VALUE", Severity.ERROR, "/Stamp/At[2]"),
        ("SCHEMA_ENGINE_DISAGREEMENT", Severity.INFO, "/Stamp/At[1]"),
    ]


def test_xsd11_assertion_is_enforced() -> None:
    schema_set = tradestd.load_schema_set(SCHEMAS / "assert11.xsd")
    assert schema_set.xsd_version == "1.1"
    ok = schema_set.validate(b'<Period xmlns="urn:test:period"><Start>2026-01-01</Start>'
                             b"<End>2026-01-02</End></Period>")
    assert ok.valid
    bad = schema_set.validate(b'<Period xmlns="urn:test:period">\n<Start>2026-01-02</Start>'
                              b"<End>2026-01-01</End></Period>")
    [issue] = bad.issues
    assert issue.code == "SCHEMA_ASSERTION" and "End ge Start" in issue.message
    assert (issue.line, issue.column, issue.path) == (1, 1, "/Period")
    wrong_type = schema_set.validate(b'<Period xmlns="urn:test:period"><Start>x</Start>'
                                     b"<End>2026-01-01</End></Period>")
    assert not wrong_type.valid


def test_import_over_http_is_refused() -> None:
    with pytest.raises(tradestd.SchemaError) as caught:
        tradestd.load_schema_set(SCHEMAS / "http-import.xsd")
    error = caught.value
    assert error.file is not None and error.file.endswith("http-import.xsd")
    assert error.line == 5
    assert "http://127.0.0.1:9/remote.xsd" in str(error) and "never fetches" in str(error)


def test_schema_that_does_not_compile_names_file_line_and_reason() -> None:
    with pytest.raises(tradestd.SchemaError) as caught:
        tradestd.load_schema_set([ENVELOPE, SCHEMAS / "broken.xsd"])
    error = caught.value
    assert error.file is not None and error.file.endswith("broken.xsd")
    assert error.line == 6
    assert "NoSuchType" in str(error) and "broken.xsd:6" in str(error)


def test_missing_import_and_missing_file_are_schema_errors(tmp_path: Path) -> None:
    lonely = tmp_path / "lonely.xsd"
    lonely.write_text(DECLARATION.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(tradestd.SchemaError, match="no such file"):
        tradestd.load_schema_set(lonely)
    with pytest.raises(tradestd.SchemaError, match="no such schema file"):
        tradestd.load_schema_set(tmp_path / "absent.xsd")


def test_compiled_once_and_rebuilt_when_an_import_changes(tmp_path: Path) -> None:
    copy = tmp_path / "envpay"
    shutil.copytree(ENVPAY, copy)
    first = tradestd.load_schema_set([copy / "envelope.xsd", copy / "declaration.xsd"])
    assert tradestd.load_schema_set([copy / "envelope.xsd", copy / "declaration.xsd"]) is first
    types = copy / "common" / "types.xsd"
    types.write_text(types.read_text(encoding="utf-8").replace("{1,3}", "{1,5}"),
                     encoding="utf-8")
    stat = types.stat()
    os.utime(types, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = tradestd.load_schema_set([copy / "envelope.xsd", copy / "declaration.xsd"])
    assert second is not first
    message = (MESSAGES / "enveloped-valid.xml").read_bytes().replace(
        b"<FunctionCode>9<", b"<FunctionCode>12345<")
    assert second.validate(message).valid
    with pytest.raises(tradestd.SchemaError, match="changed on disk"):
        first.validate(message)  # a second engine must not read the new files


def _fingerprint(report: tradestd.Report) -> tuple[object, ...]:
    return (report.valid, tuple((i.code, i.line, i.column, i.path, i.message)
                                for i in report.issues))


def test_one_set_shared_by_eight_threads_matches_serial_use() -> None:
    schema_set = tradestd.load_schema_set([ENVELOPE, DECLARATION, SCHEMAS / "datetime.xsd"])
    messages = [
        (MESSAGES / "enveloped-valid.xml").read_bytes(),
        (MESSAGES / "enveloped-errors.xml").read_bytes(),
        b'<Stamp xmlns="urn:test:stamp"><At> 2026-11-27T10:00:00Z </At><At>x</At></Stamp>',
        b"<broken>",
    ] * 16
    serial = [_fingerprint(schema_set.validate(m)) for m in messages]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda m: _fingerprint(schema_set.validate(m)), messages))
    assert parallel == serial
    assert {s[0] for s in serial} == {True, False}


def test_cached_directory_set_notices_a_new_file(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(SCHEMAS / "datetime.xsd", folder)
    first = tradestd.load_schema_set(folder)
    assert tradestd.load_schema_set(folder) is first
    shutil.copy(SCHEMAS / "assert11.xsd", folder)
    second = tradestd.load_schema_set(folder)
    assert second is not first and len(second.files) == 2


def test_cache_keeps_the_most_recently_used_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemaset, "CACHE_SIZE", 2)
    a = tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="a")
    b = tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="b")
    assert tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="a") is a
    tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="c")  # evicts b, the oldest
    assert tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="a") is a
    assert tradestd.load_schema_set(SCHEMAS / "datetime.xsd", name="b") is not b


def test_big_messages_are_not_cross_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemaset, "CONFIRM_MAX_BYTES", 10)
    schema_set = tradestd.load_schema_set(SCHEMAS / "datetime.xsd")
    report = schema_set.validate(b'<Stamp xmlns="urn:test:stamp"><At> 2026-11-27T10:00:00Z </At>'
                                 b"</Stamp>")
    assert [(i.code, i.severity) for i in report.issues] == [
        ("SCHEMA_INVALID_VALUE", Severity.ERROR), ("SCHEMA_NOT_CROSS_CHECKED", Severity.INFO)]


def test_component_level_min_version_makes_the_set_xsd11() -> None:
    schema_set = tradestd.load_schema_set(SCHEMAS / "conditional11.xsd")
    assert schema_set.xsd_version == "1.1"
    assert schema_set.validate(b'<Code xmlns="urn:test:conditional">ABC</Code>').valid
    [issue] = schema_set.validate(b'<Code xmlns="urn:test:conditional">ABCD</Code>').issues
    assert (issue.code, issue.path) == ("SCHEMA_LENGTH", "/Code")


def test_comments_change_no_finding(tmp_path: Path) -> None:
    """The validator parses without comments and processing instructions: the same
    findings, at the same lines, columns and paths, as the message without them."""
    schema_set = tradestd.load_schema_set([ENVELOPE, DECLARATION])
    for name in ("enveloped-errors.xml", "enveloped-valid.xml"):
        text = (MESSAGES / name).read_text(encoding="utf-8")
        commented = tmp_path / name
        # at every line end: columns before it stay, and so do line numbers
        commented.write_text(text.replace("\n", "<!-- c --><?pi x?>\n"), encoding="utf-8")
        plain, other = schema_set.validate(MESSAGES / name), schema_set.validate(commented)
        assert text.count("\n") > 10
        assert [(i.code, i.line, i.column, i.path, i.message) for i in other.issues] == \
            [(i.code, i.line, i.column, i.path, i.message) for i in plain.issues]
        assert other.valid == plain.valid
