"""How much the rules layer adds to XSD validation, on the bundled fixtures.

Baseline: ``Validator(rules=None)`` -- intake, parse, XSD validation (libxml2).
Measured: the same plus the bundled rule packs of each message type (``RuleRunner()``).
Both run in the same process over the same files, in alternating rounds (best round
counts), after a warm-up that compiles the schemas and imports the packs. Two groups are reported: the
families' valid fixtures (no rule fires) and the per-rule fixtures (one rule fires, so
issues are located: line, column and path).

    PYTHONPATH=src python benchmarks/bench_rules.py [--rounds 7] [--limit 0.5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from tradestd.rules import RuleRunner
from tradestd.validation import Validator

ROOT = Path(__file__).resolve().parents[1]
GROUPS = {"valid fixtures": "fixtures/*/valid/*.xml", "rule fixtures": "fixtures/*/rules/*.xml"}


def one_round(validator: Validator, files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        validator.validate(data)
    return time.perf_counter() - start


def measure(name: str, files: list[bytes], rounds: int) -> float:
    xsd_only = Validator(rules=None)
    with_rules = Validator(rules=RuleRunner())
    for data in files:  # warm-up: compile schema sets, import packs, build code lists
        with_rules.validate(data)
    base: list[float] = []
    full: list[float] = []
    for _ in range(rounds):  # alternate, so that machine load hits both alike
        base.append(one_round(xsd_only, files))
        full.append(one_round(with_rules, files))
    b, f = min(base), min(full)
    overhead = (f - b) / b
    print(f"{name}: {len(files)} files, {sum(map(len, files)) / 1024:.0f} KiB")
    print(f"  xsd validation (baseline): {b * 1000:7.1f} ms  median {statistics.median(base) * 1000:7.1f}"
          f"  {b / len(files) * 1e6:6.0f} us/file")
    print(f"  xsd validation + rules:    {f * 1000:7.1f} ms  median {statistics.median(full) * 1000:7.1f}"
          f"  {f / len(files) * 1e6:6.0f} us/file")
    print(f"  rules add:                 {overhead:+.0%}")
    return overhead


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--limit", type=float, default=0.5,
                        help="largest acceptable overhead (0.5: rules add at most 50%%)")
    args = parser.parse_args()
    worst = 0.0
    for name, pattern in GROUPS.items():
        files = [p.read_bytes() for p in sorted(ROOT.glob(pattern))]
        if files:
            worst = max(worst, measure(name, files, args.rounds))
    print(f"worst overhead {worst:+.0%} against a limit of {args.limit:+.0%}: "
          f"{'within' if worst <= args.limit else 'OVER'}")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
