"""What screening adds to ``validate --rules wco``, on the uk-cds declarations and a batch.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_screen.py [--rounds 5] [--size 200M]

Inputs: the declarations of ``../shared/corpora/uk-cds`` (``--corpus``; the script says
so and stops when it is absent), with the CDS envelope and payload XSDs combined.

Measured in one run, all in this process, CPU time (best of ``--rounds`` alternating
rounds for the files; one pass each for the batch):

* ``validate --rules wco`` (baseline): ``Validator`` with the uk-cds schema set and the
  ``wco`` pack -- what ``tradestd validate --xsd ... --xsd ... --rules wco`` runs;
* ``screen``: ``tradestd screen`` alone (intake, the index by local name, matching);
* ``validate + screen``: ``tradestd screen --validate --rules wco --xsd ...``, every
  layer of validate plus screening, sharing the parse and the index.

Ratios: ``screen`` / baseline (running screening as a separate pass) and ``validate +
screen`` / baseline - 1 (what screening adds to a validate run). The batch part writes
``--size`` of those declarations as ``MetaData`` records of one ``<Batch>`` file
(``--workdir``) and streams it with ``--record MetaData`` the same three ways.
Target: screening adds at most 30 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bench_stream import parse_size, write_feed
from lxml import etree

from tradestd.intake import new_parser
from tradestd.rules import RuleRunner, load_pack
from tradestd.schemaset import load_schema_set
from tradestd.screen import ScreeningValidator, ScreenLayer
from tradestd.validation import Validator

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "uk-cds"
TARGET = 0.30


def runs(corpus: Path) -> dict[str, Validator]:
    schema = load_schema_set([corpus / "xsd" / "declaration" / "DocumentMetaData_2_DMS.xsd",
                              corpus / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd"])
    baseline = Validator(schema_set=schema, rules=RuleRunner([load_pack("wco")]))
    screen = ScreeningValidator(rules=ScreenLayer())
    both = ScreeningValidator(schema_set=schema,
                              rules=ScreenLayer(rules=RuleRunner([load_pack("wco")])))
    both.with_validation = True
    return {"validate --rules wco": baseline, "screen": screen, "validate + screen": both}


def declarations(corpus: Path) -> list[bytes]:
    cases = json.loads((corpus / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [(corpus / c["xml"]).read_bytes() for c in cases if c["kind"] == "dec"]


def cpu(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def _all(validator: Validator, files: Iterable[bytes]) -> None:
    for data in files:
        validator.validate(data)


def _stream(validator: Validator, path: Path) -> int:
    count = 0
    for _ in validator.iter_validate(path, record="MetaData"):
        count += 1
    return count


def report(title: str, times: dict[str, float], megabytes: float) -> float:
    base = times["validate --rules wco"]
    print(title)
    for label, seconds in times.items():
        print(f"  {label:22s} {seconds:8.3f} s CPU  {megabytes / seconds:6.1f} MB/s  "
              f"{seconds / base:5.2f}x baseline")
    added = times["validate + screen"] / base - 1
    print(f"  screening alone costs {times['screen'] / base:.0%} of the baseline; "
          f"added to a validate run it adds {added:+.0%} (target <= +{TARGET:.0%})")
    return added


def files_part(validators: dict[str, Validator], files: list[bytes], rounds: int) -> float:
    for validator in validators.values():  # warm-up: schemas, packs, code lists, matchers
        _all(validator, files)
    best = {label: float("inf") for label in validators}
    for _ in range(rounds):  # alternate, so that machine load hits all alike
        for label, validator in validators.items():
            best[label] = min(best[label], cpu(lambda v=validator: _all(v, files)))
    size = sum(map(len, files)) / (1 << 20)
    return report(f"uk-cds declarations: {len(files)} files, {size:.1f} MB, best of {rounds}",
                  best, size)


def batch_part(validators: dict[str, Validator], files: list[bytes], size: int,
               workdir: Path, rounds: int) -> float:
    records = [etree.tostring(etree.fromstring(data, new_parser()), encoding="UTF-8")
               for data in files]
    feed = workdir / "uk-cds-batch.xml"
    count = write_feed(feed, records, size)
    megabytes = feed.stat().st_size / (1 << 20)
    times = {label: float("inf") for label in validators}
    for _ in range(rounds):
        for label, validator in validators.items():
            seen: list[int] = []
            times[label] = min(times[label], cpu(
                lambda v=validator, out=seen: out.append(_stream(v, feed))))
            assert seen == [count], (label, seen, count)
    return report(f"batch --record MetaData: {count} records, {megabytes:.0f} MB, best of "
                  f"{rounds}", times, megabytes)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="200M", help="batch size (0 skips the batch part)")
    parser.add_argument("--batch-rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if not (args.corpus / "cases.json").is_file():
        print(f"uk-cds corpus not found at {args.corpus}: nothing measured")
        return 0
    validators = runs(args.corpus)
    files = declarations(args.corpus)
    added = [files_part(validators, files, args.rounds)]
    size = parse_size(args.size)
    if size:
        with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
            added.append(batch_part(validators, files, size, Path(tmp), args.batch_rounds))
    worst = max(added)
    print(f"worst: screening adds {worst:+.0%} to validate --rules wco "
          f"({'within' if worst <= TARGET else 'OVER'} the +{TARGET:.0%} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
