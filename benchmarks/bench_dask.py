"""Dask scale-out: messages per second on a LocalCluster against local -j 1 and -j 2.

    PYTHONPATH=src python benchmarks/bench_dask.py [--copies 20] [--size 64M]
    PYTHONPATH=src python benchmarks/bench_dask.py --size 1G          # the 1 GB figure

Needs the dask extra (``pip install -e '.[dask]'``). Measured in one run:

* **files**: the accepted uk-cds declarations (../shared/corpora/uk-cds; the bundled
  declaration fixtures when the corpus is absent) copied ``--copies`` times, validated
  with the uk-cds schema set and the ``wco`` rule pack: ``run_batch`` with -j 1 and -j 2
  (the local baselines), then ``tradestd.dask.validate`` + ``collect`` on a LocalCluster
  of 1 and of 2 worker processes (cluster started and warmed before timing);
* **batch**: a ``--size`` feed of bundled declarations (as benchmarks/bench_stream.py
  writes it) validated record by record: local stream (-j 1), ``-j 2`` shares, and the
  cluster with 1 and 2 workers (one share per worker);
* **scheduler overhead**: the wall time per task of ``--tasks`` no-op tasks on the
  2-worker cluster, and the measured cost per partition of the file run on 1 worker
  against local -j 1.

Reports must be identical to the local run (asserted). Best of ``--repeat`` runs each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_stream import parse_size, templates, write_feed

from tradestd import dask as tdask
from tradestd.batch import ValidatorOptions, run_batch
from tradestd.stream.parallel import iter_validate_parallel

CDS = ROOT.parent / "shared" / "corpora" / "uk-cds"


def _best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _corpus(folder: Path, copies: int) -> tuple[list[str], tuple[str, ...]]:
    if CDS.is_dir():
        xsd = (str(CDS / "xsd/declaration/DocumentMetaData_2_DMS.xsd"),
               str(CDS / "xsd/declaration/WCO_DEC_2_DMS.xsd"))
        cases = json.loads((CDS / "cases.json").read_text(encoding="utf-8"))["cases"]
        sources = [CDS / c["xml"] for c in cases if c["kind"] == "dec"]
    else:
        xsd = ()
        sources = sorted((ROOT / "fixtures/declaration/valid").glob("*.xml"))
    paths = []
    for copy in range(copies):
        for index, source in enumerate(sources):
            target = folder / f"c{copy:03d}" / f"{index:03d}-{source.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            paths.append(str(target))
    return paths, xsd


def _worker_rss(client: Any) -> str:
    """Peak resident memory of each worker process (MB), as the OS reports it."""
    def peak() -> float:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    return "/".join(f"{mb:.0f}" for mb in client.run(peak).values()) + " MB"


def _row(name: str, seconds: float, count: int, baseline: float | None = None) -> str:
    rate = count / seconds
    ratio = f"{baseline / seconds:5.2f}x" if baseline else "  1.00x"
    return f"  {name:<28} {seconds:8.2f} s  {rate:9,.0f} msg/s  {ratio}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of the declarations")
    parser.add_argument("--size", default="64M", help="batch feed size (e.g. 64M, 1G)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=2000, help="no-op tasks for the overhead")
    parser.add_argument("--partition-size", type=int, default=16)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    work = Path(tempfile.mkdtemp(prefix="tradestd-bench-dask-"))
    try:
        files, xsd = _corpus(work / "files", args.copies)
        spec = ValidatorOptions(xsd=xsd, rule_packs=("wco",)) if xsd else \
            ValidatorOptions(schema_id="wco-declaration", rule_packs=("wco",))
        print(f"files: {len(files)} declarations ({'uk-cds' if xsd else 'bundled'}), "
              f"rules wco; best of {args.repeat}")
        run_batch(files[:4], spec)  # warm-up
        j1, local = _best(args.repeat, lambda: run_batch(files, spec, jobs=1))
        j2, _ = _best(args.repeat, lambda: run_batch(files, spec, jobs=2))
        expected = [r.to_dict() for r in local]
        rows = [_row("local -j 1", j1, len(files)), _row("local -j 2", j2, len(files), j1)]
        dask_times: dict[int, float] = {}
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=":0") as cluster, Client(cluster) as client:
                def run() -> list[Any]:
                    bag = tdask.validate(files, xsd=xsd, schema=None if xsd else
                                         "wco-declaration", rules=["wco"],
                                         partition_size=args.partition_size)
                    return tdask.collect(bag)
                client.run(lambda: None)
                got = run()  # warm-up: workers unpack and compile the schema set
                assert got == expected, "the cluster's reports differ from the local run"
                took, _ = _best(args.repeat, run)
                dask_times[workers] = took
                rows.append(_row(f"dask, {workers} worker{'s' * (workers > 1)}", took,
                                 len(files), j1) + f"  worker RSS {_worker_rss(client)}")
                if workers == 2:
                    noop, _ = _best(args.repeat, lambda: client.gather(
                        client.map(lambda x: x, range(args.tasks), pure=False)))
        print("\n".join(rows))
        partitions = -(-len(files) // args.partition_size)
        print(f"scheduler overhead: {noop / args.tasks * 1e3:.2f} ms per no-op task "
              f"({args.tasks} tasks, 2 workers); 1 worker vs local -j 1: "
              f"{(dask_times[1] - j1) / partitions * 1e3:+.1f} ms per partition of "
              f"{args.partition_size} messages")

        size = parse_size(args.size)
        feed = work / "feed.xml"
        records = write_feed(feed, templates(ROOT / "fixtures/declaration/valid"), size)
        bspec = ValidatorOptions(schema_id="wco-declaration")
        print(f"\nbatch: {feed.stat().st_size / 1e6:,.0f} MB, {records:,} records, "
              f"bundled declaration type and its rule packs; best of {args.repeat}")

        def local_stream(jobs: int) -> list[Any]:
            stream = iter_validate_parallel(str(feed), bspec, jobs=jobs, record="Declaration")
            return [r.report.valid for r in stream]

        s1, verdicts = _best(args.repeat, lambda: local_stream(1))
        s2, _ = _best(args.repeat, lambda: local_stream(2))
        rows = [_row("local stream -j 1", s1, records), _row("local stream -j 2", s2, records,
                                                             s1)]
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=":0") as cluster, Client(cluster) as client:
                def run_batch_dask(shares: int = workers) -> list[Any]:
                    bag = tdask.validate([str(feed)], schema="wco-declaration",
                                         record="Declaration", shares=shares)
                    batches = tdask.merge_batches(tdask.collect(bag))
                    return [r.report.valid for b in batches for r in b.records]
                took, got = _best(args.repeat, run_batch_dask)
                assert got == verdicts, "the cluster's verdicts differ from the local stream"
                rows.append(_row(f"dask, {workers} worker{'s' * (workers > 1)}", took, records,
                                 s1) + f"  worker RSS {_worker_rss(client)}")
        print("\n".join(rows))
        print(f"\n(cores: {os.cpu_count()}; load average at the end: "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

