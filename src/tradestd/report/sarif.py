"""SARIF 2.1.0, the format code-scanning services read (GitHub, GitLab, Azure DevOps).

One run; every distinct rule id (or issue code when no rule id) is a rule of the
driver; every issue a result with its level, message, file region (1-based line and
column) and, when known, the XPath as a logical location. Inputs read from stdin have
no file, so their results carry no physical location.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from ..issues import Issue, Report, Severity
from .run import RunResult

__all__ = ["SARIF_SCHEMA", "SarifReporter", "artifact_uri"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(source: str) -> str | None:
    """A relative or absolute URI for a file path; ``None`` for stdin or in-memory input."""
    if source.startswith("<") and source.endswith(">"):
        return None
    path = PurePath(source)
    text = quote(path.as_posix(), safe="/:")
    return "file://" + text if path.is_absolute() else text


def _rule_id(issue: Issue) -> str:
    return issue.rule_id or issue.code


class SarifReporter:
    name = "sarif"

    def render(self, run: RunResult, out: TextIO) -> None:
        rules: dict[str, dict[str, Any]] = {}
        results: list[dict[str, Any]] = []
        order: dict[str, int] = {}
        for report in run.reports:
            for issue in run.shown(report).issues:
                rules.setdefault(_rule_id(issue), _rule(issue))
                index = order.setdefault(_rule_id(issue), len(order))
                results.append(_result(report, issue, index))
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "tradestd", "version": run.tool_version or "0",
                                    "rules": list(rules.values())}},
                "invocations": [_invocation(run)],
                "results": results,
            }],
        }
        json.dump(log, out, ensure_ascii=False, indent=2)
        out.write("\n")


def _invocation(run: RunResult) -> dict[str, Any]:
    """The run, with its run-level notes as tool execution notifications (SARIF 2.1.0
    section 3.20.21), said once rather than as a result on every file."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if run.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "descriptor": {"id": note.code},
             "message": {"text": f"{note.message} ({note.messages} messages)"}}
            for note in run.notes]
    return invocation


def _rule(issue: Issue) -> dict[str, Any]:
    return {
        "id": _rule_id(issue),
        "name": issue.code,
        "shortDescription": {"text": f"{issue.layer.value} check {issue.code}"},
        "defaultConfiguration": {"level": _LEVEL[issue.severity]},
        "properties": {"layer": issue.layer.value},
    }


def _result(report: Report, issue: Issue, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": _rule_id(issue),
        "ruleIndex": rule_index,
        "level": _LEVEL[issue.severity],
        "message": {"text": issue.message},
    }
    location: dict[str, Any] = {}
    uri = artifact_uri(report.source)
    if uri is not None:
        region = {"startLine": issue.line or 1}
        if issue.column is not None:
            region["startColumn"] = issue.column
        location["physicalLocation"] = {"artifactLocation": {"uri": uri}, "region": region}
    if issue.path:
        location["logicalLocations"] = [{"fullyQualifiedName": issue.path, "kind": "element"}]
    if location:
        result["locations"] = [location]
    if issue.record is not None:
        result["properties"] = {"record": issue.record}
    return result
