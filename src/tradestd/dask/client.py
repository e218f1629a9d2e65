"""The client side: plan partitions, build bags, gather results, merge batch shares.

Message files are grouped ``partition_size`` to a partition. A batch file (``record``)
is split into ``shares`` partitions: each worker reads the whole batch but checks only
the records whose index is its share modulo ``shares`` (as ``validate --record -j N``
does locally), and the client merges the shares back into record order.

Faults: Dask retries a partition whose worker died. A partition that kills every worker
it runs on (``KilledWorker``) is run again one unit at a time, and only the unit that
still kills its worker is reported, as an ``INTERNAL_ERROR`` issue: nothing is lost,
nothing is reported twice.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import dask.bag as db
from dask.delayed import Delayed, delayed

from ..inputs import expand_inputs
from ..issues import Issue, Report, Severity
from ..screen import ScreenResult
from ..stream.results import RecordReport, StreamSummary
from .work import REPORTS, Job, Shape, Unit, internal_error, run_units

__all__ = ["MergedBatch", "Plan", "collect", "connect", "merge_batches", "merge_screened",
           "plan_for", "reports_of", "worker_count"]

#: Plans of the bags this process built, by bag name: what ``collect`` needs to isolate
#: a partition that kills its workers.
_PLANS: dict[str, Plan] = {}


@dataclass(frozen=True)
class Plan:
    """Which units each partition checks, with which job, which worker function and
    what its results are (``shape``: validation reports, screening results...)."""

    job: Job
    partitions: tuple[tuple[Unit, ...], ...]
    shape: Shape = REPORTS
    function: Callable[[Job, Sequence[Unit], Shape], list[Any]] = run_units

    def bag(self) -> db.Bag:
        prefix = f"tradestd-{self.shape.name}-{self.job.key[:12]}"
        job = shared(self.job)
        parts: list[Delayed] = [
            delayed(self.function, pure=True)(job, list(units), self.shape,
                                              dask_key_name=f"{prefix}-{i}")
            for i, units in enumerate(self.partitions)]
        bag = db.from_delayed(parts)
        _PLANS[bag.name] = self
        return bag


def shared(job: Job) -> Delayed:
    """``job`` as one node of the task graph, which every partition's task names.

    A job carries its schema files, rule files and lists (hundreds of KB for a national
    schema set): passed to each task, it would be pickled, sent and unpickled once per
    partition; as a node of its own it reaches each worker once, and every partition
    there gets the same object (so its :attr:`~Job.key` is hashed once too).
    """
    return cast(Delayed, delayed(job, name=f"tradestd-job-{job.key[:16]}", pure=True,
                                 traverse=False))


def worker_count() -> int:
    """Workers of the active Dask client, else the local CPU count."""
    try:
        from distributed import get_client
        return max(1, len(get_client().scheduler_info()["workers"]))
    except (ImportError, ValueError):
        return os.cpu_count() or 1


def plan_for(job: Job, inputs: Iterable[str], *, record: str | None = None,
             shares: int | None = None, partition_size: int = 16,
             exclude: Sequence[str] = (), shape: Shape = REPORTS) -> Plan:
    """Expand ``inputs`` (files, folders, globs) and cut them into partitions."""
    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    if record is not None:
        paths = expand_inputs(list(inputs), extensions=(".xml", ".jsonl", ".ndjson", ".json"),
                              exclude=exclude)
        n = shares if shares is not None else worker_count()
        if n < 1:
            raise ValueError("shares must be at least 1")
        return Plan(job, tuple((Unit(p, record, (k, n)),) for p in paths for k in range(n)),
                    shape)
    paths = expand_inputs(list(inputs), extensions=(".xml", ".json"), exclude=exclude)
    if "-" in paths:
        raise ValueError("standard input cannot be shared out to Dask workers; give files")
    units = [Unit(p) for p in paths]
    return Plan(job, tuple(tuple(units[i:i + partition_size])
                           for i in range(0, len(units), partition_size)), shape)


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A Dask client: ``local`` or ``local:N`` starts a LocalCluster of N worker processes
    (default: one per CPU) for the duration; anything else is a scheduler address."""
    from distributed import Client, LocalCluster

    if address == "local" or address.startswith("local:"):
        count = address.partition(":")[2]
        if count and not count.isdigit():
            raise ValueError(f"bad --dask value {address!r}: expected local or local:N")
        workers = int(count) if count else (os.cpu_count() or 1)
        with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
        return
    with Client(address) as client:
        yield client


def collect(bag: db.Bag) -> list[Any]:
    """Compute ``bag`` in partition order; with a distributed client, a partition that
    kills its workers is isolated unit by unit (see the module docstring)."""
    plan = _PLANS.get(bag.name)
    client = _client()
    if plan is None or client is None:
        return list(bag.compute())
    from distributed import KilledWorker

    futures = client.compute(bag.to_delayed())
    out: list[Any] = []
    for index, future in enumerate(futures):
        try:
            out.extend(future.result())
        except KilledWorker:
            out.extend(_isolated(client, plan, plan.partitions[index]))
    return out


def _client() -> Any:
    try:
        from distributed import get_client
        return get_client()
    except (ImportError, ValueError):
        return None


def _isolated(client: Any, plan: Plan, units: Sequence[Unit]) -> list[Any]:
    from distributed import KilledWorker

    out: list[Any] = []
    for unit in units:
        future = client.submit(plan.function, plan.job, [unit], plan.shape, pure=False)
        try:
            out.extend(future.result())
        except KilledWorker:
            out.append(internal_error(unit, "it killed every worker it ran on", plan.shape))
    return out


# -- merging ---------------------------------------------------------------------------


def reports_of(results: Iterable[dict[str, Any]]) -> list[Report]:
    """The message reports of a file run, in input order."""
    return [Report.from_dict(r) for r in results if "batch" not in r and "record" not in r]


@dataclass
class MergedBatch:
    """One batch's record reports merged from its shares, iterable like a local stream:
    iterating counts each record into :attr:`summary`, as a local stream does."""

    summary: StreamSummary
    records: list[RecordReport]
    bytes_read: int = 0  # how far the batch was read, once all its records are counted

    def __iter__(self) -> Iterator[RecordReport]:
        started = time.perf_counter()
        for record in self.records:
            self.summary.count(record)
            self.summary.bytes_read = record.offset
            yield record
        self.summary.bytes_read = self.bytes_read
        self.summary.seconds += time.perf_counter() - started


def merge_batches(results: Iterable[dict[str, Any]], *, fail_on: Severity = Severity.ERROR,
                  seconds: float = 0.0) -> list[MergedBatch]:
    """Group record dicts by batch (in first-seen order) and put them in record order.

    A batch's own facts come from its shares' closing dicts: the record element and the
    bytes of the share that read furthest, and every distinct batch issue.
    """
    records: dict[str, list[RecordReport]] = defaultdict(list)
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    order: dict[str, None] = {}
    for item in results:
        path = item["path"]
        order.setdefault(path, None)
        if "batch" in item:
            facts[path].append(item["batch"])
        else:
            report = Report.from_dict({**item, "path": item.get("source", path)})
            records[path].append(RecordReport(item["record"], item["line"], report,
                                              item.get("offset", 0)))
    merged = []
    for path in order:
        shares = facts[path]
        furthest = max(shares, key=lambda f: f["bytes"] or 0) if shares else {}
        summary = StreamSummary(source=furthest.get("source") or path, fail_on=fail_on,
                                seconds=seconds)
        summary.record_tag = next((f["record_element"] for f in shares if f["record_element"]),
                                  None)
        summary.size = furthest.get("size")
        summary.issues.extend(_batch_issues(shares))
        ordered = sorted(records[path], key=lambda r: r.index)
        merged.append(MergedBatch(summary, _dedupe(ordered, lambda r: r.index),
                                  furthest.get("bytes") or 0))
    return merged


def _batch_issues(shares: Iterable[dict[str, Any]]) -> list[Issue]:
    """Every distinct issue the shares of a batch found with the batch itself."""
    seen: dict[tuple[Any, ...], Issue] = {}
    for fact in shares:
        for data in fact["issues"]:
            issue = Issue.from_dict(data)
            seen.setdefault((issue.code, issue.line, issue.column, issue.message), issue)
    return list(seen.values())


def merge_screened(results: Iterable[Any], *, dicts: bool = False) -> list[Any]:
    """Screening results in the order of the local ``tradestd screen``: message results
    as they come; for batches, each batch (in first-seen order) record by record, one
    result per record, then a result holding the batch's own issues, if it has any.

    ``results`` are :class:`~tradestd.screen.ScreenResult` values, or with ``dicts``
    their ``to_dict()`` form (as :func:`tradestd.dask.screen` gives them), mixed with
    the ``{"path", "batch"}`` dicts that close each share of a batch.
    """
    items = list(results)
    if not any(isinstance(i, dict) and "batch" in i for i in items):
        return items
    records: dict[str, list[Any]] = defaultdict(list)
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    order: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict) and "batch" in item:
            order.setdefault(item["path"], None)
            facts[item["path"]].append(item["batch"])
        else:
            path = item["path"] if dicts else item.path
            order.setdefault(path, None)
            records[path].append(item)
    out: list[Any] = []
    for path in order:
        index: Callable[[Any], int] = (lambda r: int(r["record"])) if dicts \
            else (lambda r: int(r.record))
        out.extend(_dedupe(sorted(records[path], key=index), index))
        shares = facts[path]
        issues = _batch_issues(shares)
        if issues:
            source = max(shares, key=lambda f: f["bytes"] or 0)["source"] or path
            closing = ScreenResult(source, (), tuple(issues))
            out.append(closing.to_dict() if dicts else closing)
    return out


def _dedupe(records: list[Any], index: Callable[[Any], int]) -> list[Any]:
    """One result per record index (a retried share must never count a record twice)."""
    out: list[Any] = []
    for record in records:
        if out and index(out[-1]) == index(record):
            continue
        out.append(record)
    return out

