"""Validate, convert and screen message archives on a Dask cluster (``tradestd[dask]``).

    from tradestd import dask as tdask
    with tdask.connect("local:2"):                  # or a scheduler address
        bag = tdask.validate(["archive/"], schema="wco-declaration", rules=["wco"])
        reports = tdask.collect(bag)                 # plain dicts, JSON report v1 shape
        print(tdask.summary(reports))
        tdask.write_reports(reports, open("out.sarif", "w"), fmt="sarif")

Schema sets and rule files travel to the workers as :class:`FileSet` values (bytes
and relative paths, checked by digest) and are compiled once per worker process.
Message and batch files are opened by the workers: they must reach the paths (the
same machine, or storage every worker mounts). See docs/scale.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, TextIO

import dask.bag as db
from dask.delayed import delayed

from .. import __version__
from ..config import RuleSettings
from ..convert.batch import Job as ConvertJob
from ..convert.batch import Outcome
from ..issues import Report, Severity
from ..reconcile.extract import Excluded, Shipment
from ..report import RunResult, get_reporter
from ..report.stream import StreamJsonWriter, StreamTextWriter
from ..screen import ScreenOptions, ScreenResult
from ..wco.translate import TranslateOptions
from .client import (
    MergedBatch,
    Plan,
    collect,
    connect,
    merge_batches,
    merge_screened,
    plan_for,
    reports_of,
    shared,
)
from .files import FileSet, FileSetError
from .work import (
    EXTRACTED,
    REPORTS,
    SCREEN_DICTS,
    SCREENED,
    TRANSLATED,
    Job,
    Reconciling,
    Screening,
    Shape,
    Unit,
    convert_jobs,
    extract_units,
    job_for,
    write_partition,
)

__all__ = ["REPORTS", "SCREENED", "SCREEN_DICTS", "FileSet", "FileSetError", "Job",
           "MergedBatch", "Plan", "Screening", "Shape", "Unit", "collect", "connect",
           "convert", "convert_outcomes", "merge_batches", "merge_screened", "reconcile_extract",
           "reports_of", "screen", "screen_results", "summary", "translate_reports", "validate",
           "write_reports"]


def validate(inputs: Iterable[str], *, schema: str | None = None, xsd: Sequence[str] = (),
             rules: Sequence[str] = (), rule_settings: RuleSettings | None = None,
             record: str | None = None, shares: int | None = None, partition_size: int = 16,
             max_bytes: int | None = None, exclude: Sequence[str] = ()) -> db.Bag:
    """A bag of per-message reports as plain dicts (``Report.to_dict``), in input order.

    ``inputs`` are files, folders (recursive) or globs. ``schema`` is a bundled message
    type id, ``xsd`` a schema set (envelope + payload...), neither: detect per message.
    ``rules`` are rule packs (bundled ids, ``.py`` or Schematron files). ``record``
    (``"auto"`` or a record element name) treats each input as a batch: the bag then holds
    a dict per record (``path``, ``record``, ``line``, ...) and per batch share a
    ``{"path", "batch": {...}}`` dict with the batch's own facts; ``shares`` (default:
    the cluster's worker count) is how many partitions each batch is split into.
    """
    job = job_for(schema, xsd, rules, rule_settings, max_bytes)
    return plan_for(job, inputs, record=record, shares=shares, partition_size=partition_size,
                    exclude=exclude).bag()


def screen(inputs: Iterable[str], *, schema: str | None = None, xsd: Sequence[str] = (),
           watchlists: Sequence[str] = (), bundled: bool = True, suppress: Sequence[str] = (),
           validate: bool = False, rules: Sequence[str] = (),
           rule_settings: RuleSettings | None = None, record: str | None = None,
           shares: int | None = None, partition_size: int = 16, max_bytes: int | None = None,
           exclude: Sequence[str] = ()) -> db.Bag:
    """A bag of per-message screening results as plain dicts (``ScreenResult.to_dict``).

    The options are those of ``tradestd screen``: ``watchlists`` and ``suppress`` are the
    user's list files (they travel to the workers as :class:`FileSet` values),
    ``bundled=False`` screens with ``watchlists`` only, ``validate`` also validates (with
    ``rules``). With ``record`` the bag also holds the ``{"path", "batch"}`` dict that
    closes each share of a batch: :func:`merge_screened` (``dicts=True``) puts the
    results in the local command's order.
    """
    options = ScreenOptions(schema, tuple(xsd), max_bytes, tuple(watchlists), bundled,
                            tuple(suppress), validate, tuple(rules),
                            rule_settings or RuleSettings())
    return plan_for(Job.from_options(options), inputs, record=record, shares=shares,
                    partition_size=partition_size, exclude=exclude, shape=SCREEN_DICTS).bag()


def screen_results(options: ScreenOptions, inputs: Iterable[str], *,
                   record: str | None = None, shares: int | None = None,
                   partition_size: int = 16, exclude: Sequence[str] = ()) -> list[ScreenResult]:
    """Screen on the cluster and bring back :class:`~tradestd.screen.ScreenResult` values
    in the local command's order (``tradestd screen --dask``): the same values a local
    run gives, for the same reports and notification drafts."""
    plan = plan_for(Job.from_options(options), inputs, record=record, shares=shares,
                    partition_size=partition_size, exclude=exclude, shape=SCREENED)
    results: list[ScreenResult] = merge_screened(collect(plan.bag()))
    return results


def translate_reports(options: TranslateOptions, inputs: Iterable[str], *,
                      partition_size: int = 16, exclude: Sequence[str] = ()) -> list[Report]:
    """Translate on the cluster and bring back the reports with their translations
    (:class:`~tradestd.wco.translate.TranslationReport`) in input order, for the caller
    to write (``tradestd translate --dask``)."""
    plan = plan_for(Job.from_options(options), inputs, partition_size=partition_size,
                    exclude=exclude, shape=TRANSLATED)
    reports: list[Report] = collect(plan.bag())
    return reports


def reconcile_extract(side: str, options: ScreenOptions, inputs: Iterable[str], *,
                      all_goods: bool = False, partition_size: int = 16
                      ) -> list[Shipment | Excluded]:
    """Read the shipments of one side of ``tradestd reconcile`` on the cluster, in input
    order (the schema set and watch lists travel as files); the join runs here."""
    job = replace(Job.from_options(options), reconciling=Reconciling(side, all_goods))
    plan = replace(plan_for(job, inputs, partition_size=partition_size, shape=EXTRACTED),
                   function=extract_units)
    results: list[Shipment | Excluded] = collect(plan.bag())
    return results


def convert(inputs: Iterable[str], *, output: str, schema: str | None = None,
            xsd: Sequence[str] = (), to: str = "json", partition_size: int = 256,
            max_bytes: int | None = None, exclude: Sequence[str] = ()) -> db.Bag:
    """Convert XML messages to JSON Lines partitions ``output/part-NNNNN.jsonl``.

    The bag holds one manifest dict per partition: ``{"partition", "file", "in", "out",
    "failed": [report dicts], "sources"}`` with ``in == out + len(failed)``. Each partition
    file is written to a temporary name and renamed into place when complete; ``output``
    must be a folder every worker can write to.
    """
    if to != "json":
        raise ValueError("tradestd.dask.convert writes JSON Lines partitions (to='json'); "
                         "convert JSON to XML with `tradestd convert --dask`")
    job = job_for(schema, xsd, (), None, max_bytes)
    plan = plan_for(job, inputs, partition_size=partition_size, exclude=exclude)
    node = shared(job)
    parts = [db.from_delayed([delayed(_write_one, pure=False)(
                 node, i, [u.path for u in units], output)])
             for i, units in enumerate(plan.partitions)]
    return db.concat(parts) if parts else db.from_sequence([])


def convert_outcomes(job: Job, conversions: Sequence[ConvertJob], indent: int | None = None,
                     partition_size: int = 16) -> list[Outcome]:
    """Convert files on the cluster and bring the outcomes (reports and outputs) back, in
    order, for the caller to write (``tradestd convert --dask``)."""
    node = shared(job)
    parts = [delayed(convert_jobs, pure=True)(node, list(conversions[i:i + partition_size]),
                                              indent)
             for i in range(0, len(conversions), partition_size)]
    outcomes: list[Outcome] = collect(db.from_delayed(parts)) if parts else []
    return outcomes


def _write_one(job: Job, index: int, paths: list[str], output: str) -> list[dict[str, Any]]:
    """A partition of :func:`convert`: one manifest dict (a bag partition is a list)."""
    return [write_partition(job, index, paths, output)]


def _results(reports: db.Bag | Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return collect(reports) if isinstance(reports, db.Bag) else list(reports)


def summary(reports: db.Bag | Iterable[dict[str, Any]], *,
            fail_on: Severity = Severity.ERROR) -> dict[str, Any]:
    """The summary a local run prints in its JSON report: files, valid, invalid, errors,
    warnings, infos (for batches: the stream totals, with ``batches`` and ``records``)."""
    results = _results(reports)
    if any("batch" in r or "record" in r for r in results):
        totals = {"batches": 0, "records": 0, "valid": 0, "invalid": 0, "errors": 0,
                  "warnings": 0, "infos": 0, "complete": 0}
        for batch in merge_batches(results, fail_on=fail_on):
            for _ in batch:
                pass
            data = batch.summary.to_dict()
            for key in ("records", "valid", "invalid", "errors", "warnings", "infos"):
                totals[key] += int(data[key])
            totals["batches"] += 1
            totals["complete"] += int(not batch.summary.stopped)
        return totals
    run = RunResult(reports_of(results), fail_on=fail_on, tool_version=__version__)
    return run.summary().to_dict()


def write_reports(reports: db.Bag | Iterable[dict[str, Any]], out: TextIO, *,
                  fmt: str = "json", fail_on: Severity = Severity.ERROR,
                  max_issues: int | None = None, verbosity: int = 0) -> bool:
    """Write the run's report exactly as the local command would; True when all passed.

    Message runs take every format (text, json, junit, sarif, github, html); batch runs
    take text and json (as ``validate --record`` does locally).
    """
    results = _results(reports)
    if any("batch" in r or "record" in r for r in results):
        writer: StreamTextWriter | StreamJsonWriter
        if fmt == "json":
            writer = StreamJsonWriter(out, __version__, verbosity > 0, max_issues)
        elif fmt == "text":
            writer = StreamTextWriter(out, verbosity, max_issues)
        else:
            raise ValueError(f"batch reports are text or json, not {fmt}")
        ok = True
        for batch in merge_batches(results, fail_on=fail_on):
            writer.begin(batch.summary.source)
            for record in batch:
                writer.record(batch.summary.source, record)
            writer.end(batch.summary)
            ok = ok and batch.summary.ok
        writer.close()
        return ok
    run = RunResult(reports_of(results), fail_on=fail_on, tool_version=__version__,
                    max_issues=max_issues)
    get_reporter(fmt).render(run, out)
    return run.ok

