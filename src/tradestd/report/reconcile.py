"""Reports of ``tradestd reconcile``: text, JSON (the contract), CSV, HTML, SARIF.

SARIF reuses the validate reporter: each exported shipment that is overdue or in
discrepancy, and each unannounced import, is a ``RECONCILE_*`` error at the message's
line; pending shipments are notes. The HTML page has the table of shipments and an inline
SVG chart of statuses by week of dispatch (no network).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from html import escape
from typing import Any, TextIO

from ..issues import Issue, Layer, Report, Severity
from ..reconcile import Reconciliation
from ..reconcile.core import STATUSES
from ..reconcile.extract import Shipment
from .html import _CSS
from .run import RunResult
from .sarif import SarifReporter

__all__ = ["FORMATS", "render", "summary_line"]

FORMATS = ("text", "json", "csv", "html", "sarif")
_COLOURS = {"arrived": "#2e7d32", "discrepancy": "#ef6c00", "overdue": "#c62828",
            "pending": "#757575", "unannounced": "#6a1b9a"}
CSV_COLUMNS = ("status", "side", "file", "line", "kind", "reference", "consignor",
               "consignee", "dispatch_country", "destination_country", "dispatch_date",
               "arrival_date", "goods", "matched_files", "method", "discrepancies", "reason")


def summary_line(rec: Reconciliation) -> str:
    s = rec.summary
    return (f"{len(rec.shipments)} exported shipments: {s['arrived']} arrived, "
            f"{s['discrepancy']} in discrepancy, {s['overdue']} overdue, {s['pending']} "
            f"pending; {s['unannounced']} unannounced imports; {s['excluded']} inputs "
            f"excluded; {s['merged']} duplicates merged")


def render(rec: Reconciliation, fmt: str, out: TextIO, tool_version: str = "") -> None:
    if fmt == "json":
        json.dump(rec.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        _csv(rec, out)
    elif fmt == "html":
        out.write(_html(rec))
    elif fmt == "sarif":
        SarifReporter().render(RunResult(_reports(rec), tool_version=tool_version), out)
    else:
        _text(rec, out)


def _party(pair: tuple[Any, Any]) -> str:
    return " / ".join(f.value for f in pair if f is not None)


def _value(s: Shipment, name: str) -> str:
    fact = s.fact(name)
    return fact.value if fact is not None else ""


def _goods(s: Shipment) -> str:
    return "; ".join(f"{ln.substance_name or ln.goods_key} "
                     f"{'' if ln.amount is None else f'{ln.amount:g}'} {ln.unit or ''}".strip()
                     for ln in s.lines)


def _rows(rec: Reconciliation) -> list[dict[str, Any]]:
    rows = []
    for item in rec.shipments:
        e = item.export
        start = e.start_date
        arrival = max((d.value for s, _ in item.imports if (d := s.arrival_date)), default="")
        rows.append({
            "status": item.status, "side": "export", "file": e.file, "line": e.line,
            "kind": e.kind, "reference": e.message_id or "",
            "consignor": _party(e.consignor), "consignee": _party(e.consignee),
            "dispatch_country": _value(e, "dispatch_country"),
            "destination_country": _value(e, "destination_country"),
            "dispatch_date": start.value if start else "", "arrival_date": arrival,
            "goods": _goods(e), "matched_files": " ".join(s.file for s, _ in item.imports),
            "method": " ".join(sorted({h["method"] for _, h in item.imports})),
            "discrepancies": "; ".join(d["field"] for d in item.discrepancies),
            "reason": item.reason})
    for s in rec.unannounced:
        arrived = s.arrival_date
        rows.append({
            "status": "unannounced", "side": "import", "file": s.file, "line": s.line,
            "kind": s.kind, "reference": s.message_id or "", "consignor": _party(s.consignor),
            "consignee": _party(s.consignee),
            "dispatch_country": _value(s, "dispatch_country"),
            "destination_country": _value(s, "destination_country"), "dispatch_date": "",
            "arrival_date": arrived.value if arrived else "", "goods": _goods(s),
            "matched_files": "", "method": "", "discrepancies": "",
            "reason": "no exported shipment or notification matches it"})
    return rows


def _csv(rec: Reconciliation, out: TextIO) -> None:
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _rows(rec):
        writer.writerow(row)


def _text(rec: Reconciliation, out: TextIO) -> None:
    for row in _rows(rec):
        if row["status"] == "arrived" and "late" not in row["reason"]:
            continue
        where = f"{row['file']}:{row['line']}" if row["line"] else row["file"]
        out.write(f"{where}: {row['status']}: {row['kind']} {row['reference']}".rstrip()
                  + f" ({row['goods']}): {row['reason']}\n")
    out.writelines(f"{excluded.path}: excluded: {excluded.reason}\n" for excluded in rec.excluded)
    out.writelines(f"note: {note}\n" for note in rec.merged)
    out.write(summary_line(rec) + "\n")


def _reports(rec: Reconciliation) -> list[Report]:
    reports = []
    for item in rec.shipments:
        if item.status == "arrived":
            continue
        severity = Severity.INFO if item.status == "pending" else Severity.ERROR
        issue = Issue(f"RECONCILE_{item.status.upper()}", severity, Layer.RULES,
                      f"{item.status}: {item.reason}", item.export.line, None,
                      item.export.reference.path if item.export.reference else None)
        reports.append(Report(item.export.file, (issue,), None, (Layer.RULES,)))
    for s in rec.unannounced:
        issue = Issue("RECONCILE_UNANNOUNCED", Severity.ERROR, Layer.RULES,
                      "unannounced: no exported shipment or notification matches this "
                      "import", s.line, None)
        reports.append(Report(s.file, (issue,), None, (Layer.RULES,)))
    for excluded in rec.excluded:
        issue = Issue("RECONCILE_EXCLUDED", Severity.ERROR, Layer.SYNTAX,
                      f"excluded: {excluded.reason}")
        reports.append(Report(excluded.path, (issue,), None, (Layer.SYNTAX,)))
    return reports


def chart(rec: Reconciliation, width: int = 720, height: int = 220) -> str:
    """Stacked bars of statuses per week of dispatch (arrival week for unannounced)."""
    weeks: dict[str, Counter[str]] = {}
    for row in _rows(rec):
        day = row["dispatch_date"] or row["arrival_date"] or "no date"
        key = day if day == "no date" else _week(day)
        weeks.setdefault(key, Counter())[row["status"]] += 1
    keys = sorted(k for k in weeks if k != "no date") + (["no date"] if "no date" in weeks
                                                         else [])
    if not keys:
        return "<p>No shipments.</p>"
    top = max(sum(c.values()) for c in weeks.values())
    bar = max(4, (width - 60) // len(keys) - 4)
    width = max(width, 60 + len(keys) * (bar + 4))  # many weeks: a wider chart
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 60}"'
             f' role="img" aria-label="statuses by week of dispatch">')]
    for n, key in enumerate(keys):
        x = 50 + n * (bar + 4)
        y = float(height)
        for status in (*STATUSES, "unannounced"):
            count = weeks[key][status]
            if not count:
                continue
            h = count / top * (height - 20)
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                         f'fill="{_COLOURS[status]}"><title>{escape(key)}: {count} '
                         f'{status}</title></rect>')
        parts.append(f'<text x="{x}" y="{height + 14}" font-size="10" '
                     f'transform="rotate(45 {x} {height + 14})">{escape(key)}</text>')
    parts.append(f'<text x="0" y="30" font-size="11">{top}</text>'
                 f'<text x="0" y="{height}" font-size="11">0</text>')
    for n, status in enumerate((*STATUSES, "unannounced")):  # the legend, above the bars
        parts.append(f'<rect x="{50 + n * 120}" y="2" width="10" height="10" '
                     f'fill="{_COLOURS[status]}"/><text x="{64 + n * 120}" '
                     f'y="11" font-size="11">{status}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _week(day: str) -> str:
    from datetime import date

    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _html(rec: Reconciliation) -> str:
    rows = _rows(rec)
    head = "".join(f"<th>{escape(c)}</th>" for c in CSV_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(r[c]))}</td>" for c in CSV_COLUMNS)
                   + "</tr>" for r in rows)
    excluded = "".join(f"<li>{escape(e.path)}: {escape(e.reason)}</li>" for e in rec.excluded)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>tradestd reconcile</title><style>{_CSS}</style></head><body>"
            f"<h1>Reconciliation as of {rec.as_of.isoformat()}</h1>"
            f"<p>{escape(summary_line(rec))}</p><h2>Statuses by week of dispatch</h2>"
            f"{chart(rec)}<h2>Shipments</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
            + (f"<h2>Excluded inputs</h2><ul>{excluded}</ul>" if excluded else "")
            + "</body></html>\n")
