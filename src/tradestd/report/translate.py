"""Reports of ``tradestd translate``: text, JSON (the contract scripts read), SARIF, HTML.

SARIF reuses the validate reporter: each translation becomes a :class:`Report` whose issues
are the result's issues plus one ``TRANSLATE_NOT_CARRIED`` warning per value left behind
(at its source line and XPath) and one ``TRANSLATE_NEEDED`` error per element the target
requires and the source cannot fill. The HTML page shows source and result side by side,
with carried, not carried and needed marked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, TextIO

from lxml import etree

from ..issues import Issue, Layer, Report, Severity, quote
from ..locate import find_element
from ..stream.convert import ConversionSummary
from ..wco.translate import Translation
from .html import _CSS
from .run import RunResult
from .sarif import SarifReporter
from .text import format_issue

__all__ = ["BatchWriter", "Outcome", "as_reports", "render"]

FORMATS = ("text", "json", "sarif", "html")
MAX_SOURCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    """One translated input: what happened, and the file written (or None)."""

    translation: Translation
    output: str | None = None
    result: bytes | None = None  #: the result as written (XML or JSON), for the HTML page


def to_dict(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The JSON report: exactly ``{"version", "results": [...]}`` (docs/translate.md)."""
    return {"version": 1, "results": [o.translation.to_dict(o.output) for o in outcomes]}


def as_reports(outcomes: Sequence[Outcome]) -> list[Report]:
    """Each translation as a validate report (see the module docs)."""
    reports = []
    for outcome in outcomes:
        done = outcome.translation
        issues = list(done.report.issues)
        for item in done.not_carried:
            issues.append(Issue("TRANSLATE_NOT_CARRIED", Severity.WARNING, Layer.SCHEMA,
                                f"value {quote(item.value)} not carried: {item.reason}",
                                item.line, None, item.path))
        for need in done.needed:
            wco = f" (WCO ID {need.wco_id})" if need.wco_id else ""
            issues.append(Issue("TRANSLATE_NEEDED", Severity.ERROR, Layer.SCHEMA,
                                f"the target requires {need.name}{wco}, which the source "
                                f"cannot fill: {need.path}", None, None, need.path))
        reports.append(Report(done.source, tuple(issues), done.report.message_type,
                              done.report.layers, done.report.rule_packs))
    return reports


def render(fmt: str, outcomes: Sequence[Outcome], out: TextIO, version: str = "") -> None:
    if fmt == "json":
        json.dump(to_dict(outcomes), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        SarifReporter().render(RunResult(as_reports(outcomes), tool_version=version), out)
    elif fmt == "html":
        _html(outcomes, out, version)
    else:
        _text(outcomes, out)


def summary(outcomes: Sequence[Outcome]) -> str:
    complete = sum(1 for o in outcomes if o.translation.complete)
    carried = sum(len(o.translation.carried) for o in outcomes)
    left = sum(len(o.translation.not_carried) for o in outcomes)
    needed = sum(len(o.translation.needed) for o in outcomes)
    valid = sum(1 for o in outcomes if o.translation.valid)
    return (f"{len(outcomes)} message{'s' if len(outcomes) != 1 else ''}: {valid} translated "
            f"and valid under the target, {complete} complete; {carried} values carried, "
            f"{left} not carried, {needed} needed")


def _text(outcomes: Sequence[Outcome], out: TextIO) -> None:
    for outcome in outcomes:
        done = outcome.translation
        verdict = "valid" if done.valid else ("not translated" if done.xml is None
                                              else "invalid under the target")
        where = f" -> {outcome.output}" if outcome.output else ""
        out.write(f"{done.source}{where}: {verdict}; {len(done.carried)} carried, "
                  f"{len(done.not_carried)} not carried, {len(done.needed)} needed\n")
        for item in done.not_carried:
            line = f"line {item.line}: " if item.line else ""
            out.write(f"  not carried: {line}{item.path} = {quote(item.value)}: "
                      f"{item.reason}\n")
        for need in done.needed:
            wco = f" (WCO ID {need.wco_id})" if need.wco_id else ""
            out.write(f"  needed: {need.path}{wco}\n")
        # the issues of the result (under the target), or of the source when it was refused
        where, label = (done.source, "") if done.xml is None else \
            (outcome.output, "result: ") if outcome.output else ("result", "")
        out.writelines(f"  {label}{format_issue(where, issue)}\n"
                       for issue in sorted(done.report.issues, key=lambda i: i.sort_key))
    out.write(summary(outcomes) + "\n")


# --------------------------------------------------------------------------- HTML

_MORE_CSS = """
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.pair h3{font-size:13px;margin:6px 0 2px}
pre.src span.carried{background:#dafbe1}pre.src span.left{background:#ffebe9}
pre.src span.needed{background:#fff8c5}
.legend span{padding:1px 6px;margin-right:8px;border-radius:3px}
"""


def _lines_of(data: bytes | None) -> list[str]:
    if data is None or len(data) > MAX_SOURCE_BYTES:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def _read(source: str) -> bytes | None:
    try:
        path = Path(source)
        if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES:
            return path.read_bytes()
    except OSError:
        return None
    return None


def _result_lines(outcome: Outcome) -> tuple[set[int], set[int]]:
    """Result lines holding carried values, and the lines of elements with needed children."""
    done = outcome.translation
    if done.xml is None:
        return set(), set()
    try:
        root = etree.fromstring(done.xml, etree.XMLParser(resolve_entities=False,
                                                          no_network=True))
    except etree.XMLSyntaxError:
        return set(), set()
    carried: set[int] = set()
    for item in done.carried:
        found = find_element(root, item.target)
        if found is not None and found.sourceline:
            carried.add(found.sourceline)
    needed: set[int] = set()
    for need in done.needed:
        found = find_element(root, need.path.rpartition("/")[0])
        if found is not None and found.sourceline:
            needed.add(found.sourceline)
    return carried, needed


def _pre(lines: list[str], marks: dict[int, str]) -> str:
    if not lines:
        return '<p class="omitted">not shown</p>'
    body = "".join(
        f'<span class="{marks.get(n, "")}"><i>{n}</i>{escape(text[:400])}</span>'
        for n, text in enumerate(lines, 1))
    return f'<pre class="src">{body}</pre>'


def _html(outcomes: Sequence[Outcome], out: TextIO, version: str) -> None:
    out.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f"<title>tradestd translate</title><style>{_CSS}{_MORE_CSS}</style></head><body>\n")
    out.write(f"<header><h1>tradestd translate</h1><div class=\"meta\">tradestd "
              f"{escape(version)}</div><p>{escape(summary(outcomes))}</p>"
              '<p class="legend"><span style="background:#dafbe1">carried</span>'
              '<span style="background:#ffebe9">not carried</span>'
              '<span style="background:#fff8c5">needed here</span></p></header><main>\n')
    for outcome in outcomes:
        done = outcome.translation
        state = "valid" if done.complete else "invalid"
        source_marks: dict[int, str] = {}
        for item in done.carried:
            if item.line:
                source_marks.setdefault(item.line, "carried")
        for left in done.not_carried:
            if left.line:
                source_marks[left.line] = "left"
        carried, needed = _result_lines(outcome)
        result_marks = {n: "carried" for n in carried}
        result_marks.update({n: "needed" for n in needed})
        items = "".join(f'<li class="issue sev-warning"><span class="sev">not carried</span> '
                        f'line {n.line}: <code>{escape(n.path)}</code> = '
                        f'{escape(quote(n.value))}: {escape(n.reason)}</li>'
                        for n in done.not_carried)
        items += "".join(f'<li class="issue sev-error"><span class="sev">needed</span> '
                         f'<code>{escape(n.path)}</code> ({escape(n.wco_id or "no WCO ID")})</li>'
                         for n in done.needed)
        where = done.source if done.xml is None else "result"
        items += "".join(f'<li class="issue sev-{i.severity.value}"><span class="sev">'
                         f'{i.severity.value}</span> {escape(format_issue(where, i))}</li>'
                         for i in done.report.issues)
        output = escape(outcome.output or "not written")
        out.write(f'<section class="file {state}"><h2>{escape(done.source)}</h2>'
                  f'<div class="meta">-> {output}; {len(done.carried)} carried, '
                  f"{len(done.not_carried)} not carried, {len(done.needed)} needed</div>"
                  f'<ol class="issues">{items}</ol><div class="pair"><div><h3>source</h3>'
                  f"{_pre(_lines_of(_read(done.source)), source_marks)}</div><div><h3>result"
                  f"</h3>{_pre(_lines_of(done.xml), result_marks)}</div></div></section>\n")
    out.write("</main></body></html>\n")


# --------------------------------------------------------------------------- batches


class BatchWriter:
    """The report of ``translate --record``, written as the records go by (never held in
    memory): text (a line per record that lost something or has no valid result, with
    what was not carried and why, then the batch's summary line) or JSON (the contract's
    ``results``, one per record with its ``record`` index and batch ``line``, then
    ``batches``: each batch's counts)."""

    def __init__(self, fmt: str, out: TextIO, version: str, quiet: bool = False) -> None:
        self.fmt, self.out, self.quiet = fmt, out, quiet
        self.results = 0
        self.batches: list[dict[str, Any]] = []
        self.totals = {"carried": 0, "not_carried": 0, "needed": 0}
        if fmt == "json":
            out.write('{"version": 1, "results": [')

    def record(self, source: str, index: int, line: int, done: Translation,
               output: str | None) -> None:
        self.totals["carried"] += len(done.carried)
        self.totals["not_carried"] += len(done.not_carried)
        self.totals["needed"] += len(done.needed)
        if self.fmt == "json":
            entry = {"path": source, "record": index, "line": line, **done.to_dict(output)}
            entry["path"] = source  # the batch (the record's own name is the batch's too)
            self.out.write(("\n  " if not self.results else ",\n  ")
                           + json.dumps(entry, ensure_ascii=False))
            self.results += 1
            return
        if self.quiet or done.complete:
            return
        verdict = "valid" if done.valid else ("not translated" if done.xml is None
                                              else "invalid under the target")
        self.out.write(f"{source}:{line}: record {index}: {verdict}; {len(done.carried)} "
                       f"carried, {len(done.not_carried)} not carried, "
                       f"{len(done.needed)} needed\n")
        for item in done.not_carried:
            at = f"line {item.line}: " if item.line else ""
            self.out.write(f"  not carried: {at}{item.path} = {quote(item.value)}: "
                           f"{item.reason}\n")
        for need in done.needed:
            wco = f" (WCO ID {need.wco_id})" if need.wco_id else ""
            self.out.write(f"  needed: {need.path}{wco}\n")
        label = "" if done.xml is None else "result: "
        self.out.writelines(f"  {label}{format_issue(source, issue)}\n"
                            for issue in sorted(done.report.issues, key=lambda i: i.sort_key))

    def end(self, done: ConversionSummary) -> str:
        """A batch is done: write its own issues and its summary line (text), or keep its
        counts for ``batches`` (JSON); return the summary line."""
        totals = self.totals
        if done.target == "-":
            outcome = "all written to standard output" if done.written else \
                "the output on standard output is INCOMPLETE"
        else:
            outcome = f"written to {done.target}" if done.written else "nothing written"
        if done.rejects is not None and done.written:
            outcome += f", the rejected records to {done.rejects}"
            failed = f"{done.rejected:,} rejected"
        else:
            failed = f"{done.failed:,} failed"
        line = (f"{done.source}: {done.records_in:,} records read, {done.records_out:,} "
                f"translated and written, {failed}; {totals['carried']:,} values carried, "
                f"{totals['not_carried']:,} not carried, {totals['needed']:,} needed; "
                f"{outcome}")
        if self.fmt == "json":
            self.batches.append({**done.to_dict(), **totals})
        else:
            self.out.writelines(format_issue(done.source, issue) + "\n"
                                for issue in done.issues)
            self.out.write(line + "\n")
        self.totals = dict.fromkeys(totals, 0)
        return line

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write(("\n  " if self.results else "") + '],\n "batches": '
                           + json.dumps(self.batches, ensure_ascii=False) + "}\n")
