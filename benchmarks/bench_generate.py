"""Generated messages: validity under both engines, rule findings, coverage, speed.

    PYTHONPATH=src python benchmarks/bench_generate.py [--count 1000] [--rules 200]
        [--mutants 50] [--only NAME ...] [--json out.json]

For every bundled message type and every corpus schema set (tests/generate/sets.py):
``--count`` messages from ``MessageFactory.messages`` (seed 0), timed on one core as CPU
time of this process (``time.process_time``: the figure does not depend on what else the
shared machine runs; generation only: drawing and writing the bytes); each then checked by libxml2 and by
xmlschema separately (``SchemaSet.engine_verdicts``); coverage is the share of reachable
element declarations that appear in at least one message. WCO DM sets also generate
``--rules`` messages with their packs (wco, declaration) and count the error findings the
packs report on them, and check that each mutant of ``--mutants`` of them produces
exactly its manifest finding on its line.

A series is steered toward declarations earlier messages did not cover, so its messages
are smaller than single draws: the baselines measured in the same run are single
unsteered draws (``count / 5`` of them) and ``tradestd validate`` (``SchemaSet.validate``)
of the series; the speed target (>= 100 valid uk-cds declarations per second on one
core) is checked against both generation rates. A set with a message one engine refuses
is reported as "not valid".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import CORPORA

from tests.generate.sets import bundled_targets, corpus_targets, generated_schema_share, measure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--mutants", type=int, default=50)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--schemas", type=int, default=0,
                        help="also draw this many schemas of each generated kind "
                             "(tests/convert strategies) and check their instances")
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
            print("   not valid, for example:", example[:400].replace("\n", " "))
        if target.name == "uk-cds/declaration" and result.seconds:
            steered = result.count / result.seconds
            single = result.unsteered_count / result.unsteered_seconds
            verdict = "met" if min(steered, single) >= 100 else "NOT met"
            print(f"   target >= 100 uk-cds declarations/s: {verdict} "
                  f"(series {steered:.0f}/s, single draws {single:.0f}/s)")
        rows.append(result.to_dict())
    if args.schemas:
        with tempfile.TemporaryDirectory() as folder:
            compiled, valid, failures = generated_schema_share(args.schemas, Path(folder))
        share = valid / compiled if compiled else 1.0
        print(f"generated schemas: {compiled} compiled in both engines, instances valid "
              f"under both for {valid} ({share:.1%}; goal 99%)")
        for text in failures[:2]:
            print("   not valid for the schema:", text[:600].replace("\n", " "))
        rows.append({"set": "generated schemas", "compiled": compiled, "valid": valid})
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
