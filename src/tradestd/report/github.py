"""GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=...::message``.

Each issue becomes an annotation on the pull request's diff; the last line is the
plain summary for the job log. Values are escaped as the workflow-command syntax
requires (``%``, CR, LF everywhere; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from typing import TextIO

from ..issues import Issue, Severity
from .run import RunResult
from .sarif import artifact_uri
from .text import issue_label, summary_line

__all__ = ["GithubReporter"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(source: str, issue: Issue) -> str:
    props = []
    if artifact_uri(source) is not None:
        props.append(f"file={_property(source)}")
        if issue.line is not None:
            props.append(f"line={issue.line}")
            if issue.column is not None:
                props.append(f"col={issue.column}")
    props.append(f"title={_property(issue_label(issue))}")
    where = f" (at {issue.path})" if issue.path else ""
    stdin = f"{source}: " if artifact_uri(source) is None else ""
    return f"::{_COMMAND[issue.severity]} {','.join(props)}::{_data(stdin + issue.message + where)}"


class GithubReporter:
    name = "github"

    def render(self, run: RunResult, out: TextIO) -> None:
        for report in run.reports:
            shown = run.shown(report).issues
            out.writelines(annotation(report.source, issue) + "\n" for issue in shown)
        out.write(summary_line(run) + "\n")
