"""Reports for batch streams, written as the records go by (never held in memory).

Text: one ``path:line:col: record N: severity CODE message`` line per issue, then a
summary. JSON: the shape of docs/streaming.md, written incrementally: records that
have issues (all records with ``verbose``), then each batch's summary. ``max_issues``
caps the issues written per batch (``--max-issues``); the counts still cover them all.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TextIO

from ..issues import Severity
from ..stream import RecordReport, StreamSummary
from .run import IssueCap, RunNotes
from .text import format_issue

__all__ = ["StreamJsonWriter", "StreamTextWriter", "stream_summary_line"]


def _rate(summary: StreamSummary) -> str:
    megabytes = summary.bytes_read / 1e6
    if summary.seconds <= 0:
        return f"{megabytes:,.1f} MB"
    per_second = summary.records / summary.seconds
    return f"{megabytes:,.1f} MB in {summary.seconds:,.1f} s, {per_second:,.0f} records/s"


def stream_summary_line(summary: StreamSummary, cap: IssueCap | None = None) -> str:
    records = "record" if summary.records == 1 else "records"
    if not summary.stopped:
        state = ""
    elif any(i.code == "STREAM_EMPTY" for i in summary.issues):
        state = " (FAILED: no record in the batch, nothing was checked)"
    else:
        state = " (INCOMPLETE: the batch was not read to its end)"
    cut = (f"; {cap.omitted:,} more issues not shown (--max-issues {cap.limit})"
           if cap is not None and cap.omitted else "")
    return (f"{summary.source}: {summary.records:,} {records} checked: {summary.valid:,} valid, "
            f"{summary.invalid:,} invalid; {summary.errors:,} errors, {summary.warnings:,} "
            f"warnings{cut}; {_rate(summary)}{state}")


class StreamTextWriter:
    """Compiler-style lines as records are validated; ``verbosity`` -1 quiet, 1 verbose."""

    def __init__(self, out: TextIO, verbosity: int = 0, max_issues: int | None = None) -> None:
        self.out = out
        self.verbosity = verbosity
        self.cap = IssueCap(max_issues)
        self.notes = RunNotes()

    def begin(self, source: str) -> None:
        self.cap.reset()

    def record(self, source: str, record: RecordReport) -> None:
        if self.verbosity < 0:
            return
        shown = [i for i in self.notes.take(record.issues)
                 if self.verbosity > 0 or i.severity is not Severity.INFO]
        for issue in self.cap.take(shown):
            self.out.write(format_issue(source, issue) + "\n")

    def end(self, summary: StreamSummary) -> str:
        """Write the batch's own issues and summary line; return that line."""
        if self.verbosity >= 0:
            for issue in summary.issues:
                self.out.write(format_issue(summary.source, issue) + "\n")
        line = stream_summary_line(summary, self.cap)
        self.out.write(line + "\n")
        return line

    def close(self) -> None:
        """With ``verbosity`` 1, the run-level notes, once."""
        if self.verbosity > 0:
            for note in self.notes.notes():
                self.out.write(note.text() + "\n")


class StreamJsonWriter:
    """One JSON document for all batches of a run, written piece by piece."""

    def __init__(self, out: TextIO, tool_version: str, verbose: bool = False,
                 max_issues: int | None = None) -> None:
        self.out = out
        self.verbose = verbose
        self.cap = IssueCap(max_issues)
        self.notes = RunNotes()
        self._totals = {"batches": 0, "records": 0, "valid": 0, "invalid": 0, "errors": 0,
                        "warnings": 0, "infos": 0, "complete": 0}
        self._first_result = True
        head = {"version": 1, "kind": "stream",
                "tool": {"name": "tradestd", "version": tool_version}}
        self.out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "batches": [')
        self._first_batch = True

    def begin(self, source: str) -> None:
        comma = "" if self._first_batch else ","
        self._first_batch = False
        self._first_result = True
        self.cap.reset()
        self.out.write(f'{comma}\n  {{"path": {json.dumps(source, ensure_ascii=False)}, '
                       '"results": [')

    def record(self, source: str, record: RecordReport) -> None:
        issues = self.notes.take(record.issues)
        if len(issues) < len(record.issues):
            record = replace(record, report=record.report.with_issues(issues))
        if not record.issues and not self.verbose:
            return
        shown = self.cap.take(record.issues)
        if record.issues and not shown and not self.verbose:
            return  # past --max-issues: counted in the batch summary only
        data = record.to_dict()
        if len(shown) < len(record.issues):
            data["issues"] = [issue.to_dict() for issue in shown]
            data["issues_omitted"] = len(record.issues) - len(shown)
        comma = "" if self._first_result else ","
        self._first_result = False
        self.out.write(f"{comma}\n    " + json.dumps(data, ensure_ascii=False))

    def end(self, summary: StreamSummary) -> str:
        """Close the batch with its summary; return the summary as a text line."""
        data = summary.to_dict()
        if self.cap.omitted:
            data["issues_omitted"] = self.cap.omitted
        for key in ("records", "valid", "invalid", "errors", "warnings", "infos"):
            self._totals[key] += int(data[key])
        self._totals["batches"] += 1
        self._totals["complete"] += int(not summary.stopped)
        self.out.write("],\n   \"summary\": " + json.dumps(data, ensure_ascii=False) + "}")
        return stream_summary_line(summary, self.cap)

    def close(self) -> None:
        notes = json.dumps([note.to_dict() for note in self.notes.notes()], ensure_ascii=False)
        self.out.write(f"\n],\n\"notes\": {notes},\n\"summary\": "
                       + json.dumps(self._totals) + "}\n")

