"""SARIF 2.1.0: the log validates against the structure the specification requires, and
every shown issue is a result with rule id, level, file and region."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
from conftest import DATA
from sample_runs import sample_run

from tradestd.report import RunResult
from tradestd.report.sarif import SarifReporter, artifact_uri

SCHEMA = json.loads((DATA / "sarif" / "sarif-2.1.0-subset.schema.json").read_text("utf-8"))


def _render(run: RunResult) -> dict[str, Any]:
    out = io.StringIO()
    SarifReporter().render(run, out)
    log: dict[str, Any] = json.loads(out.getvalue())
    return log


def test_log_validates_against_the_sarif_structure(tmp_path: Path) -> None:
    log = _render(sample_run(tmp_path))
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    assert log["$schema"].endswith("sarif-2.1.0.json")


def test_schema_subset_rejects_what_the_specification_forbids() -> None:
    validator = jsonschema.Draft7Validator(SCHEMA)
    bad_level = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                               "results": [{"message": {"text": "m"},
                                                            "level": "fatal"}]}]}
    bad_line = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a.xml"}, "region": {"startLine": 0}}}]}]}]}
    assert not validator.is_valid(bad_level)
    assert not validator.is_valid(bad_line)
    assert not validator.is_valid({"version": "2.0.0", "runs": []})


def test_every_issue_is_a_located_result(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    sarif_run = _render(run)["runs"][0]
    results = sarif_run["results"]
    assert len(results) == sum(len(r.issues) for r in run.reports)
    rules = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    assert {"SCHEMA_PATTERN", "CN-004", "CN-010", "INPUT_NOT_FOUND"} <= set(rules)
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    first = results[0]
    assert first["level"] == "error"
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == artifact_uri(run.reports[0].source)
    assert physical["region"] == {"startLine": 8, "startColumn": 5}
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "/Consignment/Item[1]/OriginCountry"
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["CN-004"] == "warning" and levels["CN-010"] == "note"


def test_stdin_has_no_file_location(tmp_path: Path) -> None:
    results = _render(sample_run(tmp_path))["runs"][0]["results"]
    stdin = [r for r in results if r["message"]["text"] == "bad value on stdin"]
    assert len(stdin) == 1
    assert "physicalLocation" not in stdin[0]["locations"][0]


def test_uris_are_relative_or_file_urls() -> None:
    assert artifact_uri("dir/a b.xml") == "dir/a%20b.xml"
    assert artifact_uri("/tmp/x#1.xml") == "file:///tmp/x%231.xml"
    assert artifact_uri("<stdin>") is None
