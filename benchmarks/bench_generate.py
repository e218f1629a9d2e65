"""Generated messages: validity under both engines, rule findings, coverage, speed.

    PYTHONPATH=src python benchmarks/bench_generate.py [--count 1000] [--rules 200]
        [--mutants 50] [--only NAME ...] [--json out.json]

For every bundled message type and every corpus schema set (tests/generate/sets.py):
``--count`` messages from ``MessageFactory.messages`` (seed 0), timed on one core
(generation only: drawing and writing the bytes); each then checked by libxml2 and by
xmlschema separately (``SchemaSet.engine_verdicts``); coverage is the share of reachable
element declarations that appear in at least one message. WCO DM sets also generate
``--rules`` messages with their packs (wco, declaration) and count the error findings the
packs report on them, and check that each mutant of ``--mutants`` of them produces
exactly its manifest finding on its line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import CORPORA

from tests.generate.sets import bundled_targets, corpus_targets, measure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--mutants", type=int, default=50)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    targets = [t for t in bundled_targets() if not args.only or t.name in args.only]
    if CORPORA.is_dir():
        targets += corpus_targets(CORPORA, args.only)
    rows = []
    for target in targets:
        result = measure(target, args.count, rules_count=args.rules, mutant_count=args.mutants)
        print(result.line(), flush=True)
        for failure in result.mutant_failures[:3]:
            print("   mutant:", failure)
        for example in result.invalid_examples[:1]:
            print("   invalid example:", example[:400].replace("\n", " "))
        rows.append(result.to_dict())
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
