"""Batch validation: -j 1 against -j N worker processes on the same files, in one run.

    PYTHONPATH=src python benchmarks/bench_batch.py [--files 300] [--jobs 2] [--repeat 3]

Generates consignment messages (tests/data/consignment/consignment.xsd): 60 items,
about 10 KB each, every third one with a wrong country code in every item (invalid
files cost more: xmlschema confirms libxml2's findings). Times ``run_batch`` end to end,
worker start-up included (with the ``fork`` start method the workers inherit the schema set
the parent compiled; with ``spawn`` each compiles it once), and prints the speedup of -j N over
the -j 1 baseline; best of ``--repeat`` alternating runs each. Results must be identical.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sample_messages import CONSIGNMENT_XSD, write_batch

from tradestd.batch import ValidatorOptions, run_batch
from tradestd.issues import Report


def _timed(inputs: list[str], jobs: int) -> tuple[float, list[Report]]:
    spec = ValidatorOptions(xsd=(str(CONSIGNMENT_XSD),))
    start = time.perf_counter()
    reports = run_batch(inputs, spec, jobs=jobs)
    return time.perf_counter() - start, reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs = [str(p) for p in write_batch(Path(folder), args.files, items=60)]
        _timed(inputs[:4], 1)  # warm-up: compile the schema set in this process once
        serial = parallel = float("inf")
        for _ in range(args.repeat):  # alternate, so that a busy moment hits both alike
            took, serial_reports = _timed(inputs, 1)
            serial = min(serial, took)
            took, parallel_reports = _timed(inputs, args.jobs)
            parallel = min(parallel, took)
    if parallel_reports != serial_reports:
        print("ERROR: -j results differ from -j 1 results", file=sys.stderr)
        return 1
    invalid = sum(not r.valid for r in serial_reports)
    print(f"{args.files} files ({invalid} invalid), {os.cpu_count()} CPUs, best of {args.repeat}")
    print(f"-j 1 (baseline): {serial:.3f} s  ({serial / args.files * 1000:.2f} ms/file)")
    print(f"-j {args.jobs}:            {parallel:.3f} s")
    print(f"speedup -j {args.jobs} vs -j 1: {serial / parallel:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
