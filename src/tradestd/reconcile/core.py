"""``tradestd.reconcile``: which announced precursor shipments arrived, short, elsewhere or never.

:func:`reconcile` extracts the shipments of both sides (:mod:`.extract`), merges duplicate
notifications, adds what an earlier run kept (``state``), runs the join (:mod:`.engine`)
and returns a :class:`Reconciliation`: one status per exported shipment with its
evidence, the unannounced imports and the excluded inputs. Counts in equal counts out:
every input is a shipment, a merged duplicate or an excluded input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..atomicfile import open_atomic
from ..inputs import expand_inputs
from ..screen.options import ScreenOptions
from .engine import Engine, MatchOptions, id_key, name_key
from .extract import EXPORT, IMPORT, Excluded, Extractor, Shipment, recipe

__all__ = [
    "FORMAT_VERSION",
    "STATUSES",
    "Item",
    "ReconcileOptions",
    "Reconciliation",
    "StateError",
    "describe",
    "reconcile",
]

FORMAT_VERSION = 1
STATUSES = ("arrived", "discrepancy", "overdue", "pending")
_ID_NAMES = {"reference": "notification reference", "ucr": "UCR",
             "transport_document": "transport document", "container": "container"}


class StateError(ValueError):
    """The state file cannot be read (a usage error)."""


@dataclass(frozen=True)
class ReconcileOptions:
    """How to read and match. ``as_of`` defaults to today (UTC)."""

    as_of: date | None = None
    window_days: int = 30
    tolerance: float = 5.0
    assume_dispatch: date | None = None
    all_goods: bool = False
    export_xsd: tuple[str, ...] = ()
    import_xsd: tuple[str, ...] = ()
    watchlists: tuple[str, ...] = ()
    bundled_list: bool = True
    max_bytes: int | None = None
    state: str | None = None
    memory_limit: str = "1GB"
    temp_directory: str | None = None

    def match_options(self) -> MatchOptions:
        return MatchOptions(self.as_of or date.today(), self.window_days, self.tolerance,
                            self.assume_dispatch, self.memory_limit, self.temp_directory)


@dataclass
class Item:
    """One exported shipment's outcome, with its evidence."""

    status: str
    export: Shipment
    imports: list[tuple[Shipment, dict[str, Any]]] = field(default_factory=list)
    discrepancies: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    late: bool = False
    window_end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "export": self.export.to_dict(),
                "imports": [s.to_dict() | {"matched_by": how} for s, how in self.imports],
                "discrepancies": self.discrepancies, "reason": self.reason}


@dataclass
class Reconciliation:
    """The outcome of one run (the JSON contract of ``tradestd reconcile``)."""

    as_of: date
    options: ReconcileOptions
    shipments: list[Item]
    unannounced: list[Shipment]
    excluded: list[Excluded]
    merged: list[str] = field(default_factory=list)  #: notes on merged duplicates
    inputs: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        """Statuses, then the counts that balance: files read (this run) = shipments read
        + excluded + merged duplicates (less the state's earlier shipments); exports =
        the four statuses; imports = matched + unannounced."""
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.shipments:
            counts[item.status] += 1
        counts["unannounced"] = len(self.unannounced)
        counts["excluded"] = len(self.excluded)
        counts["merged"] = len(self.merged)
        counts["late"] = sum(1 for i in self.shipments if i.late)
        counts["files"] = self.inputs.get("export_files", 0) + \
            self.inputs.get("import_files", 0)
        counts["exports"] = len(self.shipments)
        counts["imports"] = self.inputs.get("imports", len(self.unannounced))
        return counts

    @property
    def failed(self) -> bool:
        s = self.summary
        return bool(s["overdue"] or s["discrepancy"] or s["unannounced"]
                    or any(e.problem for e in self.excluded))

    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "as_of": self.as_of.isoformat(),
                "summary": self.summary,
                "shipments": [i.to_dict() for i in self.shipments],
                "unannounced": [s.to_dict() | {"status": "unannounced",
                                               "reason": _UNANNOUNCED}
                                for s in self.unannounced],
                "excluded": [e.to_dict() for e in self.excluded]}


_UNANNOUNCED = ("no exported shipment or notification matches it, by identifier or by "
                "parties, goods and dates")


#: Reads one side's files: (side, screening recipe, all_goods, files) -> one result per file,
#: in order. The default reads them here; ``tradestd reconcile --dask`` reads on a cluster.
Reader = Callable[[str, ScreenOptions, bool, list[str]], list["Shipment | Excluded"]]


def read_here(side: str, options: ScreenOptions, all_goods: bool, files: list[str]
              ) -> list[Shipment | Excluded]:
    """The shipments of one side's files, read in this process."""
    extractor = Extractor.from_recipe(side, options, all_goods)
    return [extractor.read(path) for path in files]


def reconcile(exports: Sequence[str | Path], imports: Sequence[str | Path],
              options: ReconcileOptions | None = None, *,
              read: Reader = read_here) -> Reconciliation:
    """Reconcile export-side messages with import-side ones (files, folders, globs).

    Raises :class:`~tradestd.inputs.NoInputsError` when a side names no file,
    :class:`~tradestd.reconcile.engine.DuckDBMissing` without the ``reconcile`` extra,
    :class:`StateError` for an unreadable state file and
    :class:`~tradestd.schemaset.SchemaError` for a schema set that does not compile.
    """
    options = options or ReconcileOptions()
    found: dict[str, list[Shipment]] = {EXPORT: [], IMPORT: []}
    excluded: list[Excluded] = []
    inputs = {"export_files": 0, "import_files": 0}
    for side, paths, xsd in ((EXPORT, exports, options.export_xsd),
                             (IMPORT, imports, options.import_xsd)):
        files = expand_inputs([str(p) for p in paths]) if paths else []
        inputs[f"{side}_files"] = len(files)
        if not files:
            continue
        side_recipe = recipe(xsd, options.watchlists, options.bundled_list, options.max_bytes)
        for result in read(side, side_recipe, options.all_goods, files):
            if isinstance(result, Excluded):
                excluded.append(result)
            else:
                found[side].append(result)
    earlier = _load_state(options.state) if options.state else {EXPORT: [], IMPORT: []}
    merged: list[str] = []
    sides = {side: _merge(earlier[side] + found[side], merged) for side in (EXPORT, IMPORT)}
    if options.state:
        _save_state(options.state, sides)
    return match(sides[EXPORT], sides[IMPORT], options, excluded, merged, inputs)


def match(exports: list[Shipment], imports: list[Shipment], options: ReconcileOptions,
          excluded: list[Excluded] | None = None, merged: list[str] | None = None,
          inputs: dict[str, int] | None = None) -> Reconciliation:
    """The join over shipments already extracted."""
    mopts = options.match_options()
    with Engine(mopts) as engine:
        return _join(engine, exports, imports, options, mopts, excluded, merged, inputs)


def _join(engine: Engine, exports: list[Shipment], imports: list[Shipment],
          options: ReconcileOptions, mopts: MatchOptions, excluded: list[Excluded] | None,
          merged: list[str] | None, inputs: dict[str, int] | None) -> Reconciliation:
    for side_no, shipments in ((0, exports), (1, imports)):
        engine.add((_row(side_no, sid, s) for sid, s in enumerate(shipments)),
                   ((sid, side_no, kind, key) for sid, s in enumerate(shipments)
                    for kind, fact in s.identifiers if (key := id_key(fact.value))),
                   ((sid, side_no, ln.goods_key, ln.amount, ln.unit)
                    for sid, s in enumerate(shipments) for ln in s.lines))
    engine.run()
    items = _items(engine, exports, imports, mopts)
    leftover = [imports[r[0]] for r in engine.fetch("SELECT isid FROM unannounced ORDER BY 1")]
    counts = {**(inputs or {}), "imports": len(imports)}
    return Reconciliation(mopts.as_of, options, items, leftover, list(excluded or []),
                          list(merged or []), counts)


def _row(side: int, sid: int, s: Shipment) -> tuple[Any, ...]:
    cid, cname = s.consignee
    oid, oname = s.consignor
    start = s.start_date if side == 0 else None
    expected = s.fact("expected_date") if side == 0 else None
    arrival = s.arrival_date if side == 1 else None
    dest = s.fact("destination_country")
    return (sid, side, _date(start), _date(expected), _date(arrival),
            id_key(cid.value) if cid else None, name_key(cname.value) if cname else None,
            id_key(oid.value) if oid else None, name_key(oname.value) if oname else None,
            dest.value.upper() if dest else None)


def _date(fact: Any) -> date | None:
    return date.fromisoformat(fact.value) if fact is not None else None


def _items(engine: Engine, exports: list[Shipment], imports: list[Shipment],
           o: MatchOptions) -> list[Item]:
    pairs: dict[int, list[tuple[int, str, int | None]]] = {}
    for esid, isid, method, score in engine.fetch(
            "SELECT esid, isid, method, score FROM pairs ORDER BY esid, isid"):
        pairs.setdefault(esid, []).append((isid, method, score))
    found: dict[int, list[dict[str, Any]]] = {}
    for esid, fld, goods, unit, e_amount, i_amount in engine.fetch(
            "SELECT esid, field, goods, unit, e_amount, i_amount FROM discrepancies "
            "ORDER BY esid, field, goods"):
        found.setdefault(esid, []).append(_discrepancy(exports[esid], [
            imports[p[0]] for p in pairs.get(esid, [])], fld, goods, unit, e_amount,
            i_amount, o.tolerance))
    items = []
    for esid, status, method, last, late, start, end, no_date in engine.fetch(
            "SELECT esid, status, method, last_arrival, late, window_start, window_end, "
            "no_date FROM status ORDER BY esid"):
        export = exports[esid]
        matched = [(imports[isid], _how(export, imports[isid], method_, score))
                   for isid, method_, score in pairs.get(esid, [])]
        reason = _reason(status, method, last, bool(late), start, end, bool(no_date), o,
                         matched, found.get(esid, []))
        items.append(Item(status, export, matched, found.get(esid, []), reason, bool(late),
                          end))
    return items


def _how(export: Shipment, imported: Shipment, method: str,
         score: int | None) -> dict[str, Any]:
    """How a pair was made; for identifiers, the ones both sides carry (where on the
    import)."""
    if method == "identifier":
        mine = {(k, id_key(f.value)) for k, f in export.identifiers}
        used = [{"kind": k, "value": f.value, "line": f.line, "path": f.path}
                for k, f in imported.identifiers if (k, id_key(f.value)) in mine]
        return {"method": method, "identifiers": used}
    return {"method": method, "score": score, "identifiers": []}


def _amount(value: float | None, unit: str | None) -> str | None:
    if value is None:
        return None
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def _discrepancy(export: Shipment, imports: list[Shipment], fld: str, goods: str | None,
                 unit: str | None, e_amount: float | None, i_amount: float | None,
                 tolerance: float) -> dict[str, Any]:
    if fld in ("quantity", "goods"):
        label = next((ln.substance_name or ln.goods_key for ln in
                      [*export.lines, *(x for s in imports for x in s.lines)]
                      if ln.goods_key == goods), goods)
        out: dict[str, Any] = {"field": fld, "goods": label,
                               "export": _amount(e_amount, unit),
                               "import": _amount(i_amount, unit)}
        if fld == "quantity" and e_amount:
            change = (float(i_amount or 0) - e_amount) / e_amount * 100
            out["difference"] = f"{'short' if change < 0 else 'over'} by {abs(change):.1f} %"
            out["tolerance"] = f"{tolerance:g} %"
        elif e_amount is None:
            out["export"] = "not in the export"
        else:
            out["import"] = "not in the imports"
        out["lines"] = {"export": [ln.line for ln in export.lines if ln.goods_key == goods],
                        "import": [f"{s.file}:{ln.line}" for s in imports for ln in s.lines
                                   if ln.goods_key == goods]}
        return out
    if fld == "consignee":
        cid, cname = export.consignee
        mine = " / ".join(f.value for f in (cid, cname) if f)
        theirs = sorted({" / ".join(f.value for f in s.consignee if f) for s in imports})
        return {"field": fld, "export": mine, "import": "; ".join(theirs)}
    dest = export.fact("destination_country")
    theirs = sorted({f.value for s in imports if (f := s.fact("destination_country"))})
    return {"field": fld, "export": dest.value if dest else None, "import": "; ".join(theirs)}


def _reason(status: str, method: str | None, last: date | None, late: bool,
            start: Any, end: Any, no_date: bool, o: MatchOptions,
            matched: list[tuple[Shipment, dict[str, Any]]],
            found: list[dict[str, Any]]) -> str:
    end_day = end.date() if hasattr(end, "date") else end
    if status in ("arrived", "discrepancy"):
        if method == "identifier":
            used = sorted({f"{_ID_NAMES.get(u['kind'], u['kind'])} {u['value']}"
                           for _, how in matched for u in how["identifiers"]})
            how_text = "matched by " + ", ".join(used)
        else:
            score = max((how.get("score") or 0) for _, how in matched)
            how_text = (f"matched by the fallback (score {score} of 9: parties, goods, "
                        "quantities and destination, inside the date window)")
        arrival = f"; arrived {last.isoformat()}" if last else ""
        if late and end_day is not None and last is not None:
            arrival += (f", {(last - end_day).days} days after the window closed on "
                        f"{end_day.isoformat()} (late)")
        if status == "arrived":
            return f"{how_text}{arrival}; consistent within {o.tolerance:g} %"
        what = "; ".join(describe(d) for d in found)
        return f"{how_text}{arrival}; {what}"
    if status == "overdue":
        return (f"no arrival found; the {o.window_days}-day window closed on "
                f"{end_day.isoformat()}, before {o.as_of.isoformat()}")
    if no_date and end_day is None:
        return "no date"
    basis = " (assumed dispatch date)" if no_date else ""
    return f"no arrival yet; the window is open until {end_day.isoformat()}{basis}"


def describe(d: dict[str, Any]) -> str:
    """One discrepancy as a phrase (reasons, follow-up drafts)."""
    if d["field"] == "quantity":
        return f"{d['goods']} {d['difference']} ({d['import']} arrived of {d['export']})"
    if d["field"] == "goods":
        return f"{d['goods']}: {d['export'] if 'not' in str(d['export']) else d['import']}"
    return f"different {d['field'].replace('_', ' ')}: {d['import']} instead of {d['export']}"


def _merge(shipments: list[Shipment], notes: list[str]) -> list[Shipment]:
    """One shipment per notification reference: the latest version wins, the others are
    merged into it with a note (so are repeated files of a daily feed)."""
    kept: dict[tuple[str, str], int] = {}
    out: list[Shipment] = []
    for s in shipments:
        key = (s.kind, s.reference.value) if s.kind in ("notification", "status") and \
            s.reference else ("file", f"{s.file}\0{s.message_id}")
        if key not in kept:
            kept[key] = len(out)
            out.append(s)
            continue
        index = kept[key]
        old = out[index]
        newer = _version(s) >= _version(old)
        winner, loser = (s, old) if newer else (old, s)
        note = (f"duplicate {loser.kind} {loser.message_id} ({loser.file}) merged into "
                f"version {winner.version or '-'} ({winner.file})")
        notes.append(note)
        out[index] = Shipment(winner.side, winner.file, winner.line, winner.kind,
                              winner.reference, winner.version, winner.identifiers,
                              winner.facts, winner.lines, (*winner.notes, note))
    return out


def _version(s: Shipment) -> tuple[int, str]:
    v = s.version or ""
    return (int(v) if v.isdigit() else -1, v)


def _load_state(path: str) -> dict[str, list[Shipment]]:
    """Shipments kept by earlier runs (JSON Lines, one shipment a line)."""
    out: dict[str, list[Shipment]] = {EXPORT: [], IMPORT: []}
    target = Path(path)
    if not target.exists():
        return out
    try:
        with target.open(encoding="utf-8") as stream:
            for number, text in enumerate(stream, 1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                    shipment = Shipment.from_dict(data)
                except (ValueError, KeyError, TypeError) as exc:
                    raise StateError(f"{path}:{number}: not a shipment of a reconcile "
                                     f"state file ({type(exc).__name__})") from None
                if shipment.side not in out:
                    raise StateError(f"{path}:{number}: unknown side {shipment.side!r}")
                out[shipment.side].append(shipment)
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot be read ({exc})") from None
    return out


def _save_state(path: str, sides: dict[str, list[Shipment]]) -> None:
    with open_atomic(path) as out:
        for side in (EXPORT, IMPORT):
            for shipment in sides[side]:
                out.write(json.dumps(shipment.to_dict(), ensure_ascii=False).encode() + b"\n")
