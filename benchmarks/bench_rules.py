"""How much the rules layer adds to XSD validation, on the bundled fixtures.

Baseline: ``Validator(rules=None)`` -- intake, parse, XSD validation (libxml2).
Measured: the same plus the bundled rule packs of each message type (``RuleRunner()``).
Both run in the same process over the same files, in alternating rounds (best round
counts), after a warm-up that compiles the schemas and imports the packs. Two groups are reported: the
families' valid fixtures (no rule fires) and the per-rule fixtures (one rule fires, so
issues are located: line, column and path).

``--floor`` adds two stripped-down rule layers to each group, to show what any rules
written in Python cost before they check anything: *index only* builds the
:class:`MessageView` the rules would see and runs none of them; *no-op rules* also runs
the engine over every selected rule with each check replaced by one that finds nothing.

    PYTHONPATH=src python benchmarks/bench_rules.py [--rounds 7] [--limit 0.5] [--floor]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from tradestd.intake import XmlDocument
from tradestd.issues import Issue
from tradestd.locate import Locator
from tradestd.registry import MessageType
from tradestd.rules import RuleRunner
from tradestd.rules.catalog import Pack
from tradestd.rules.engine import Finding, RulePack
from tradestd.rules.view import MessageView
from tradestd.validation import Validator

ROOT = Path(__file__).resolve().parents[1]
GROUPS = {"valid fixtures": "fixtures/*/valid/*.xml", "rule fixtures": "fixtures/*/rules/*.xml"}


class IndexOnly(RuleRunner):
    """Builds the view of each message that the bundled rules would get; runs no rule."""

    def check(self, doc: XmlDocument, locator: Locator,
              message_type: MessageType | None) -> list[Issue]:
        if self.packs(message_type) and doc.root is not None:
            MessageView(doc.root, self.codes, family=message_type.family if message_type else None,
                        message_type=message_type.key if message_type else None)
        return []


def _finds_nothing(msg: MessageView) -> tuple[Finding, ...]:
    return ()


class NoOpRules(RuleRunner):
    """The real engine and selection over the bundled packs, every check a no-op."""

    def packs(self, message_type: MessageType | None) -> tuple[Pack, ...]:
        return tuple(_no_op(p) for p in super().packs(message_type))


_NO_OP: dict[str, RulePack] = {}


def _no_op(pack: Pack) -> RulePack:
    if pack.id not in _NO_OP:
        assert isinstance(pack, RulePack)
        _NO_OP[pack.id] = replace(pack, rules=tuple(replace(r, check=_finds_nothing)
                                                    for r in pack.rules), _selected={})
    return _NO_OP[pack.id]


def one_round(validator: Validator, files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        validator.validate(data)
    return time.perf_counter() - start


def measure(name: str, files: list[bytes], rounds: int, floor: bool) -> float:
    runs = {"xsd validation (baseline)": Validator(rules=None)}
    if floor:
        runs["+ index only"] = Validator(rules=IndexOnly())
        runs["+ index + no-op rules"] = Validator(rules=NoOpRules())
    runs["xsd validation + rules"] = Validator(rules=RuleRunner())
    for validator in runs.values():  # warm-up: compile schema sets, import packs, code lists
        for data in files:
            validator.validate(data)
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(rounds):  # alternate, so that machine load hits all alike
        for label, validator in runs.items():
            times[label].append(one_round(validator, files))
    base = min(times["xsd validation (baseline)"])
    print(f"{name}: {len(files)} files, {sum(map(len, files)) / 1024:.0f} KiB")
    for label, seconds in times.items():
        best = min(seconds)
        added = "" if best is base else f"  adds {(best - base) / base:+.0%}"
        print(f"  {label:26s} {best * 1000:7.1f} ms  median {statistics.median(seconds) * 1000:7.1f}"
              f"  {best / len(files) * 1e6:6.0f} us/file{added}")
    overhead = (min(times["xsd validation + rules"]) - base) / base
    print(f"  rules add:                 {overhead:+.0%}")
    return overhead


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--limit", type=float, default=0.5,
                        help="largest acceptable overhead (0.5: rules add at most 50%%)")
    parser.add_argument("--floor", action="store_true",
                        help="also time the index alone and the engine with no-op rules")
    args = parser.parse_args()
    worst = 0.0
    for name, pattern in GROUPS.items():
        files = [p.read_bytes() for p in sorted(ROOT.glob(pattern))]
        if files:
            worst = max(worst, measure(name, files, args.rounds, args.floor))
    print(f"worst overhead {worst:+.0%} against a limit of {args.limit:+.0%}: "
          f"{'within' if worst <= args.limit else 'OVER'}")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
