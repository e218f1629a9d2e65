"""Batch validation: -j 1 against -j N worker processes on the same files, in one run.

    PYTHONPATH=src python benchmarks/bench_batch.py [--files 300] [--jobs 2] [--repeat 3]

Generates consignment messages (tests/data/consignment/consignment.xsd): 60 items,
about 10 KB each, every third one with a wrong country code in every item (invalid
files cost more: xmlschema confirms libxml2's findings). Times ``run_batch`` end to end,
worker start-up included (with the ``fork`` start method the workers inherit the schema set
the parent compiled; with ``spawn`` each compiles it once), and prints the speedup of -j N over
the -j 1 baseline; best of ``--repeat`` alternating runs each. Results must be identical.
It also prints the CPU time of all processes, so the cost of parallelism can be told
apart from other load on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sample_messages import CONSIGNMENT_XSD, write_batch

from tradestd.batch import ValidatorOptions, run_batch
from tradestd.issues import Report


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _timed(inputs: list[str], jobs: int) -> tuple[float, float, list[Report]]:
    """Wall seconds, CPU seconds (all processes) and the reports of one run."""
    spec = ValidatorOptions(xsd=(str(CONSIGNMENT_XSD),))
    cpu, start = _cpu(), time.perf_counter()
    reports = run_batch(inputs, spec, jobs=jobs)
    return time.perf_counter() - start, _cpu() - cpu, reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs = [str(p) for p in write_batch(Path(folder), args.files, items=60)]
        _timed(inputs[:4], 1)  # warm-up: compile the schema set in this process once
        serial = parallel = serial_cpu = parallel_cpu = float("inf")
        for _ in range(args.repeat):  # alternate, so that a busy moment hits both alike
            took, cpu, serial_reports = _timed(inputs, 1)
            serial, serial_cpu = min(serial, took), min(serial_cpu, cpu)
            took, cpu, parallel_reports = _timed(inputs, args.jobs)
            parallel, parallel_cpu = min(parallel, took), min(parallel_cpu, cpu)
    if parallel_reports != serial_reports:
        print("ERROR: -j results differ from -j 1 results", file=sys.stderr)
        return 1
    invalid = sum(not r.valid for r in serial_reports)
    print(f"{args.files} files ({invalid} invalid), {os.cpu_count()} CPUs, best of {args.repeat}")
    print(f"-j 1 (baseline): {serial:.3f} s  ({serial / args.files * 1000:.2f} ms/file)")
    print(f"-j {args.jobs}:            {parallel:.3f} s")
    print(f"speedup -j {args.jobs} vs -j 1: {serial / parallel:.2f}x")
    print(f"CPU time, all processes: -j 1 {serial_cpu:.3f} s, -j {args.jobs} {parallel_cpu:.3f} s "
          f"(parallel overhead {parallel_cpu / serial_cpu - 1:+.0%}; other load on the machine "
          "lowers the wall-clock speedup, not this)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
