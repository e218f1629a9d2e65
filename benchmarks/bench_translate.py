"""Translation cost against validation, side by side in one run.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_translate.py [--docs 300] [--rounds 5]

Corpus: the valid UK CDS declarations (../shared/corpora/uk-cds, schema 2.3, envelope +
payload XSDs), each five times per round unless ``--docs`` says otherwise. Target schema
set: uk-cds-2.12 (envelope + payload). Contenders, interleaved on chunks of 20 messages and
timed in CPU time of this process (``realcorpus.interleaved``):

* ``validate``: ``SchemaSet.validate`` of each declaration under 2.3 (parse, XSD, report);
* ``two checks``: the floor any translation that checks its input and its result pays:
  ``SchemaSet.validate`` of the declaration under 2.3 and of its (precomputed) 2.12
  translation under 2.12;
* ``translate``: ``tradestd.translate`` 2.3 -> 2.12 (parse, XSD under 2.3, walk, build,
  serialize, parse and XSD under 2.12, report of carried / not carried / needed).

The plan is built before timing (once per pair of schema sets). Target: translate costs at
most 2x validate (the ratio printed is validate rate / translate rate).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import tradestd
from tradestd.schemaset import load_schema_set

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realcorpus import corpora_folder, declarations, interleaved, median_ratio

TARGET = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    corpus, xsd = declarations("uk-cds", args.docs)
    folder = corpora_folder() / "uk-cds-2.12" / "xsd" / "declaration"
    source = load_schema_set(xsd)
    target = load_schema_set([folder / "DocumentMetaData_2_DMS.xsd",
                              folder / "WCO_DEC_2_DMS.xsd"])
    source.translation_plan(target)
    first = tradestd.translate(corpus[0], source, target)
    if not first.valid:
        raise SystemExit("the first declaration does not translate to a valid 2.12 message")

    def validate(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)

    def translate(part: list[bytes]) -> None:
        for doc in part:
            tradestd.translate(doc, source, target)

    results = {doc: tradestd.translate(doc, source, target).xml or b"" for doc in set(corpus)}

    def two_checks(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)
            target.validate(results[doc])

    rounds = interleaved({"validate": validate, "two checks": two_checks,
                          "translate": translate}, corpus, args.rounds)
    ratios = [r["validate"] / r["translate"] for r in rounds]
    size = sum(map(len, corpus)) / len(corpus)
    print(f"{len(corpus)} uk-cds declarations ({size / 1024:.1f} KB average), "
          f"{args.rounds} rounds, CPU time")
    for name in ("validate", "two checks", "translate"):
        rates = [r[name] for r in rounds]
        print(f"  {name:<10} {statistics.median(rates):8.1f} msg/s "
              f"({1000 / statistics.median(rates):.2f} ms/msg)")
    floor = [r["validate"] / r["two checks"] for r in rounds]
    print(f"two checks / validate cost (the floor): {median_ratio(floor)}")
    print(f"translate / validate cost: {median_ratio(ratios)}; target <= {TARGET:.1f}x: "
          f"{'met' if statistics.median(ratios) <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
