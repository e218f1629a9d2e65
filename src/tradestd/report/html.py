"""One self-contained HTML page: summary, repeated issues, and every input's issues with
the source lines around each, filterable by severity in the browser.

No external assets: CSS and the few lines of JavaScript are inline, so the page can
be attached to a CI run and opened anywhere. Everything that comes from a message or a
path is escaped. Source lines are read from the files (not for stdin); very long lines
are cut to a window around the column.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TextIO

from ..issues import Issue, Report, Severity
from .run import RunResult
from .text import group_issues, issue_label

__all__ = ["HtmlReporter"]

CONTEXT_LINES = 2
MAX_LINE_CHARS = 200
MAX_SOURCE_BYTES = 20 * 1024 * 1024

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header,main{max-width:1100px;margin:0 auto;padding:12px 20px}
header{border-bottom:1px solid #d0d7de;background:#fff;max-width:none}
h1{font-size:20px;margin:4px 0 8px}h2{font-size:15px;margin:0;word-break:break-all}
table.summary{border-collapse:collapse;margin:6px 0}
table.summary td,table.summary th{border:1px solid #d0d7de;padding:3px 10px;text-align:right}
table.summary td.label{text-align:left}
nav.toc{columns:2;font-size:13px;margin:6px 0}nav.toc a{display:block;word-break:break-all}
.filters label{margin-right:14px;cursor:pointer}
section.file{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:12px 0;
padding:10px 14px}
section.valid h2::before{content:"\\2714  ";color:#1a7f37}
section.invalid h2::before{content:"\\2716  ";color:#cf222e}
.meta{color:#57606a;font-size:12px}
ol.issues{padding-left:22px;margin:8px 0 0}li.issue{margin:8px 0}
.sev{display:inline-block;min-width:58px;font-weight:600;text-transform:uppercase;font-size:11px}
.sev-error .sev{color:#cf222e}.sev-warning .sev{color:#9a6700}.sev-info .sev{color:#0969da}
code.code{font-weight:600}.loc{color:#57606a}
.xpath{color:#57606a;font-size:12px;word-break:break-all}
pre.src{background:#f6f8fa;border:1px solid #d8dee4;border-radius:4px;margin:4px 0 0;padding:4px 0;
overflow-x:auto;font-size:12px}
pre.src span{display:block;padding:0 8px}pre.src span.hit{background:#ffebe9}
pre.src i{font-style:normal;color:#8c959f;display:inline-block;min-width:48px;user-select:none}
.omitted{color:#57606a;font-style:italic}
.hide-error .sev-error,.hide-warning .sev-warning,.hide-info .sev-info,
.hide-valid section.valid{display:none}
"""

_JS = """
document.querySelectorAll('.filters input').forEach(function (box) {
  var apply = function () { document.body.classList.toggle('hide-' + box.value, !box.checked); };
  box.addEventListener('change', apply); apply();
});
"""


#: The source lines of a report's input, or ``None`` when they are not at hand.
SourceLines = Callable[[Report], "list[str] | None"]


class HtmlReporter:
    """``source_lines`` supplies the text of inputs that are not files (the default reads
    ``report.source`` from disk; a server passes the uploaded text instead)."""

    name = "html"

    def __init__(self, source_lines: SourceLines | None = None) -> None:
        self._lines = source_lines or _source_lines

    def render(self, run: RunResult, out: TextIO) -> None:
        out.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  f"<title>tradestd report</title><style>{_CSS}</style></head><body>\n")
        out.write(_header(run))
        out.write("<main>\n")
        out.write(_groups(run))
        out.write(_contents(run))
        out.writelines(_file_section(run, report, index, self._lines)
                       for index, report in enumerate(run.reports))
        out.write(f"</main><script>{_JS}</script></body></html>\n")


def _header(run: RunResult) -> str:
    s = run.summary()
    cells = [("files", s.files), ("valid", s.valid), ("invalid", s.invalid),
             ("errors", s.errors), ("warnings", s.warnings), ("infos", s.infos)]
    head = "".join(f"<th>{name}</th>" for name, _ in cells)
    body = "".join(f'<td class="count-{name}">{value}</td>' for name, value in cells)
    boxes = "".join(
        f'<label><input type="checkbox" value="{sev.value}"'
        f'{"" if sev is Severity.INFO else " checked"}> {sev.value}</label>' for sev in Severity)
    boxes += '<label><input type="checkbox" value="valid" checked> valid files</label>'
    verdict = "passed" if run.ok else "failed"
    notes = "".join(f'<div class="meta note">{escape(note.text())}</div>' for note in run.notes)
    return (f"<header><h1>tradestd validation report: {verdict}</h1>"
            f'<div class="meta">tradestd {escape(run.tool_version)}; fails on '
            f"{run.fail_on.value}</div>"
            f'<table class="summary"><tr>{head}</tr><tr>{body}</tr></table>{notes}'
            f'<div class="filters">Show: {boxes}</div></header>\n')


def _groups(run: RunResult) -> str:
    groups = group_issues(run)
    if not groups:
        return ""
    rows = "".join(
        f'<tr class="sev-{g.severity.value}"><td><span class="sev">{g.severity.value}</span></td>'
        f'<td class="label"><code class="code">{escape(g.label)}</code></td><td>{g.count}</td>'
        f"<td>{len(g.files)}</td></tr>" for g in groups)
    return ('<section class="groups"><h2>Repeated issues</h2><table class="summary">'
            "<tr><th>severity</th><th>code</th><th>issues</th><th>files</th></tr>"
            f"{rows}</table></section>\n")


def _contents(run: RunResult) -> str:
    links = "".join(f'<a href="#file-{index}">{escape(report.source)}</a>'
                    for index, report in enumerate(run.reports) if report.failed(run.fail_on))
    if not links:
        return ""
    return ('<section class="contents"><h2>Invalid files</h2>'
            f'<nav class="toc">{links}</nav></section>\n')


def _file_section(run: RunResult, report: Report, index: int, source_lines: SourceLines) -> str:
    state = "invalid" if report.failed(run.fail_on) else "valid"
    shown = run.shown(report)
    lines = source_lines(report) if any(i.line for i in shown.issues) else None
    kind = f"{escape(report.message_type)}; " if report.message_type else ""
    items = "".join(_issue_item(issue, lines) for issue in shown.issues)
    if shown.omitted:
        items += (f'<li class="omitted">{_count(shown.omitted, "more issue")} not shown '
                  f"({escape(run.max_issues_note())})</li>")
    listing = f'<ol class="issues">{items}</ol>' if items else ""
    return (f'<section class="file {state}" id="file-{index}"><h2>{escape(report.source)}</h2>'
            f'<div class="meta">{kind}{_count(len(report.issues), "issue")}</div>{listing}'
            "</section>\n")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _issue_item(issue: Issue, lines: list[str] | None) -> str:
    where = ""
    if issue.line is not None:
        where = f"line {issue.line}" + (f", column {issue.column}" if issue.column else "")
    record = f" record {issue.record}" if issue.record is not None else ""
    xpath = f'<div class="xpath">{escape(issue.path)}</div>' if issue.path else ""
    source = _excerpt(lines, issue) if lines is not None and issue.line else ""
    return (f'<li class="issue sev-{issue.severity.value}"><span class="sev">'
            f'{issue.severity.value}</span> <code class="code">{escape(issue_label(issue))}</code>'
            f' <span class="loc">{where}{record}</span> '
            f'<span class="msg">{escape(issue.message)}</span>{xpath}{source}</li>')


def _source_lines(report: Report) -> list[str] | None:
    path = Path(report.source)
    try:
        if report.source.startswith("<") or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None


def _excerpt(lines: list[str], issue: Issue) -> str:
    assert issue.line is not None
    first = max(1, issue.line - CONTEXT_LINES)
    last = min(len(lines), issue.line + CONTEXT_LINES)
    rows = []
    for number in range(first, last + 1):
        text = _window(lines[number - 1], issue.column if number == issue.line else None)
        hit = ' class="hit"' if number == issue.line else ""
        rows.append(f"<span{hit}><i>{number}</i>{escape(text)}</span>")
    return f'<pre class="src">{"".join(rows)}</pre>' if rows else ""


def _window(line: str, column: int | None) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    start = max(0, (column or 1) - 1 - MAX_LINE_CHARS // 2)
    cut = line[start:start + MAX_LINE_CHARS]
    more = start + MAX_LINE_CHARS < len(line)
    return ("\u2026" if start else "") + cut + ("\u2026" if more else "")
