"""Every benchmark script still runs end to end (tiny sizes; figures are not checked here).

Speed targets live in the scripts, which print ratios against their baselines measured in
the same run; this only guards them against rot, e.g. a corpus that stops being valid.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import CORPORA, ROOT

SMOKE_RUNS = {
    "bench_validate.py": ["--docs", "10", "--rounds", "1"],
    "bench_convert.py": ["--docs", "10", "--rounds", "1"],
    "bench_rules.py": ["--rounds", "1", "--limit", "100", "--floor"],
    "bench_batch.py": ["--files", "20", "--repeat", "1"],
    "bench_stream.py": ["--size", "1M", "--files", "30", "--jobs", "2"],
    "bench_screen.py": ["--rounds", "1", "--size", "1M", "--batch-rounds", "1"],
    "bench_hostile.py": ["--scales", "1", "--unit", "0.01"],
    "bench_dask.py": ["--copies", "1", "--size", "1M", "--repeat", "1", "--tasks", "20"],
    "bench_serve.py": ["--clients", "2", "--seconds", "2"],
    "bench_translate.py": ["--docs", "10", "--rounds", "1"],
    "bench_generate.py": ["--count", "5", "--rules", "2", "--mutants", "1",
                          "--only", "wco-response", "uk-cds/declaration"],
    "bench_reconcile.py": ["--sizes", "1e3", "2e3"],
}
#: Scripts that need an optional extra, and the module that tells it is installed.
NEEDS = {"bench_dask.py": "distributed", "bench_reconcile.py": "duckdb"}


def test_every_benchmark_has_a_smoke_run() -> None:
    assert {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")} == set(SMOKE_RUNS)


@pytest.mark.parametrize("script", sorted(SMOKE_RUNS))
def test_benchmark_runs(script: str, tmp_path: object) -> None:
    if script in NEEDS:
        pytest.importorskip(NEEDS[script], reason=f"{script} needs an optional extra")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script),
                           *SMOKE_RUNS[script]], check=False, cwd=ROOT, env=env,
                          capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "x" in done.stdout and "not valid" not in done.stdout, done.stdout[-2000:]


@pytest.mark.corpora
def test_convert_benchmark_runs_on_uk_cds_as_published_and_without_comments() -> None:
    if not (CORPORA / "uk-cds" / "cases.json").is_file():
        pytest.skip(f"uk-cds corpus not found at {CORPORA}")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_convert.py"),
                           "--corpus", "uk-cds", "--docs", "20", "--rounds", "1"],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    verdicts = [line for line in done.stdout.splitlines() if "target >=" in line]
    assert len(verdicts) == 4, done.stdout  # two workloads, two baselines
    assert all(line.endswith(("MET", "MISSED")) for line in verdicts), verdicts
    assert "comments stripped" in done.stdout
