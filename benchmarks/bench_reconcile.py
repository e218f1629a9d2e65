"""The reconcile join at scale: generated export and import lines straight into DuckDB.

Extraction is measured elsewhere (it is per message, like screening); this times the join
(identifiers, fallback, comparison, statuses) on N export lines against about N import
lines, and reports lines per second and the process's peak memory (resident set), with
DuckDB's memory_limit and a spill folder set. Growth is linear when lines/second stays
flat as N grows (the ratio printed against the smallest size of the same run).

    python benchmarks/bench_reconcile.py --sizes 1e5 1e6          # 1e7 with --sizes 1e7
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date

SQL = """
INSERT INTO shipments
SELECT i, 0, DATE '2026-09-01' + INTERVAL (i % 60) DAY, NULL, NULL,
       NULL, 'consignee ' || i, NULL, 'consignor ' || (i % greatest({n} // 10, 1)), 'DE'
FROM range({n}) t(i);
INSERT INTO lines SELECT i // 2, 0, 'substance-' || (i % 20), 1000 + (i % 7) * 100, 'KGM'
FROM range({lines}) t(i);
INSERT INTO idents SELECT i, 0, 'container', 'C' || i FROM range({n}) t(i) WHERE i % 10 <> 3;
-- imports: 90 % of exports arrive (1 in 10 by fallback only), 1 in 20 short, plus 5 %
-- unannounced
INSERT INTO shipments
SELECT i, 1, NULL, NULL, DATE '2026-09-05' + INTERVAL (i % 60) DAY,
       NULL, 'consignee ' || i, NULL, 'consignor ' || (i % greatest({n} // 10, 1)), 'DE'
FROM range({n}) t(i) WHERE i % 10 <> 7
UNION ALL
SELECT {n} + i, 1, NULL, NULL, DATE '2026-10-01', NULL, 'stranger ' || i, NULL, NULL, 'DE'
FROM range({n} // 20) t(i);
INSERT INTO lines SELECT i // 2, 1, 'substance-' || (i % 20),
       CASE WHEN (i // 2) % 20 = 1 THEN 0.5 ELSE 1 END * (1000 + (i % 7) * 100), 'KGM'
FROM range({lines}) t(i) WHERE (i // 2) % 10 <> 7;
INSERT INTO idents SELECT i, 1, 'container', 'C' || i FROM range({n}) t(i)
WHERE i % 10 NOT IN (3, 7);
"""


def one(lines: int, memory: str, temp: str) -> None:
    from tradestd.reconcile.engine import Engine, MatchOptions

    options = MatchOptions(as_of=date(2026, 12, 31), memory_limit=memory, temp_directory=temp)
    engine = Engine(options)
    engine.con.execute(SQL.format(n=lines // 2, lines=lines))
    joined = engine.fetch("SELECT count(*) FROM lines")[0][0]  # both sides
    start = time.perf_counter()
    engine.run()
    summary = engine.summary()
    seconds = time.perf_counter() - start
    engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{joined} {seconds:.3f} {peak:.0f} {summary}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1e5", "1e6"],
                        help="export lines per run (as many import lines, about)")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as temp:
        if args.one:
            one(args.one, args.memory_limit, temp)
            return 0
        print(f"{'exp lines':>10} {'seconds':>9} {'lines/s':>12} {'peak MB':>8} {'ratio':>6}  "
              "summary (lines/s: export and import lines, about 1.9 x exp lines)")
        base = rate = 0.0
        peaks: list[float] = []
        for size in args.sizes:
            n = int(float(size))
            # a fresh process per size: the peak resident set is that run's own
            done = subprocess.run([sys.executable, __file__, "--one", str(n),
                                   "--memory-limit", args.memory_limit],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"{n:>10} failed: {done.stderr.strip().splitlines()[-1:]}")
                return 1
            joined, seconds, peak, summary = done.stdout.strip().split(" ", 3)
            rate = int(joined) / float(seconds)  # export and import lines joined
            base = base or rate
            peaks.append(float(peak))
            print(f"{n:>10} {float(seconds):>9.2f} {rate:>12,.0f} {peak:>8} "
                  f"{rate / base:>5.2f}x  {summary}")
    print(f"growth: lines/s at the largest size is {rate / base:.2f}x that of the smallest "
          "(linear growth keeps it near 1x)")
    print(f"peak memory {max(peaks):.0f} MB: target under 2048 MB "
          f"{'met' if max(peaks) < 2048 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
