"""A batch of the bundled declaration fixtures gives, record by record, the same verdicts
and issues as validating each fixture as a file of its own (all layers, type detected)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tradestd.batch import ValidatorOptions
from tradestd.intake import new_parser
from tradestd.issues import Issue
from tradestd.registry import bundled_registry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "declaration"


def _bare_records() -> list[tuple[Path, etree._Element]]:
    """Fixtures whose root is the declaration record itself (not enveloped, not SOAP)."""
    record_tag = bundled_registry().get("wco-declaration").record
    found = []
    for path in sorted(FIXTURES.glob("*/*.xml")):
        root = etree.fromstring(path.read_bytes(), new_parser())
        if root.tag == record_tag:
            found.append((path, root))
    return found


def _key(issue: Issue, offset: int) -> tuple[object, ...]:
    """An issue without its column, its line moved by ``offset``."""
    line = issue.line + offset if issue.line else None
    return (issue.code, issue.severity, issue.layer, issue.message, line, issue.path)


def _columns(issues: tuple[Issue, ...], offset: int, first_line: int) -> set[tuple[object, ...]]:
    """Columns of issues below the record's first line (that line's indentation differs)."""
    return {(_key(i, offset), i.column) for i in issues if i.line and i.line + offset > first_line}


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="no bundled declaration fixtures")
def test_stream_verdicts_equal_single_file_verdicts(tmp_path: Path) -> None:
    records = _bare_records()
    assert len(records) >= 5
    feed = tmp_path / "day.xml"
    feed.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<Day>\n'
                     + b"".join(etree.tostring(root) + b"\n" for _, root in records)
                     + b"</Day>\n")
    validator = ValidatorOptions().build()
    stream = validator.iter_validate(feed)
    reports = list(stream)
    assert stream.summary.records == len(records) and stream.summary.issues == []
    assert stream.summary.invalid > 0 and stream.summary.valid > 0
    for report, (path, root) in zip(reports, records, strict=True):
        alone = validator.validate(path)
        assert report.report.message_type == alone.message_type == "wco-declaration@1.0"
        assert report.report.layers == alone.layers and "rules" in {x.value for x in alone.layers}
        offset = report.line - (root.sourceline or 0)
        assert sorted(map(str, (_key(i, 0) for i in report.issues))) == \
            sorted(map(str, (_key(i, offset) for i in alone.issues))), path.name
        assert _columns(report.issues, 0, report.line) == \
            _columns(alone.issues, offset, report.line), path.name
        assert all(i.column is not None for i in report.issues if i.line == report.line)
        assert all(i.record == report.index for i in report.issues)


def test_json_lines_records_get_the_rule_issues_of_the_json_form(tmp_path: Path) -> None:
    """A JSON Lines batch of the rule fixtures: each record gets the same rule ids at the
    same JSON Pointers and columns as validating that record as a one-line JSON file."""
    import tradestd

    kind = bundled_registry().get("wco-declaration")
    schema_set = kind.schema_set()
    rule_fixtures = sorted((FIXTURES / "rules").glob("*.xml"))
    records = [schema_set.to_json(p) for p in rule_fixtures]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(records) + "\n", encoding="utf-8")
    streamed = list(ValidatorOptions(schema_id=kind.key).build().iter_validate(feed))
    assert len(streamed) == len(records)
    for number, (record, text) in enumerate(zip(streamed, records, strict=True)):
        single = tmp_path / f"r{number}.json"
        single.write_text(text, encoding="utf-8")
        alone = tradestd.validate(single)
        expected = {(i.rule_id, i.path, i.column) for i in alone.issues if i.rule_id}
        got = {(i.rule_id, i.path, i.column) for i in record.report.issues if i.rule_id}
        assert got == expected, rule_fixtures[number].name
        assert all(i.line == number + 1 for i in record.report.issues)
