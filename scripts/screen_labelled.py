"""Precision and recall of ``tradestd screen`` on the labelled set (tests/data/screen/labelled.csv).

Each row is a goods description (and optionally a commodity code with its type) labelled
``alert`` with the substance it names, or ``none``. Each becomes a one-item goods
declaration of a made-up national schema (screening works on local names, so no schema
is involved) and is screened with the bundled list.

A row labelled ``alert`` is a true positive when an alert names its substance; a row
labelled ``none`` is a false positive when any alert fires. Figures are given for
alerts, and for alerts and reviews together (what an officer would look at).

    PYTHONPATH=src python scripts/screen_labelled.py [--set FILE] [--show-misses]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tradestd.screen import ALERT, Screener, ScreenResult

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "screen" / "labelled.csv"


@dataclass(frozen=True)
class Row:
    description: str
    code: str
    code_type: str
    expect: str
    substance: str
    note: str


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def read_rows(path: Path = LABELLED) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Row(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(fh)]


def message(row: Row) -> bytes:
    """A one-item declaration of a national schema nobody registered."""
    code = ""
    if row.code:
        kind = f"<IdentificationTypeCode>{escape(row.code_type)}</IdentificationTypeCode>" \
            if row.code_type else ""
        code = f"<Classification><ID>{escape(row.code)}</ID>{kind}</Classification>"
    return ("<Declaration xmlns='urn:example:national:dec'><FunctionalReferenceID>LBL"
            "</FunctionalReferenceID><GoodsShipment><GovernmentAgencyGoodsItem>"
            "<SequenceNumeric>1</SequenceNumeric><Commodity>"
            f"<Description>{escape(row.description)}</Description>{code}</Commodity>"
            "</GovernmentAgencyGoodsItem></GoodsShipment></Declaration>").encode()


def fired(result: ScreenResult, row: Row, levels: tuple[str, ...]) -> bool:
    hits = [h for h in result.hits if h.level in levels]
    if row.expect == ALERT:
        return any(h.substance == row.substance for h in hits)
    return bool(hits)


def evaluate(rows: list[Row], screener: Screener | None = None
             ) -> tuple[Score, Score, list[tuple[str, Row, ScreenResult]]]:
    """(alerts only, alerts and reviews, the rows each got wrong at alert level)."""
    screener = screener or Screener()
    alerts, looked_at = Score(), Score()
    misses: list[tuple[str, Row, ScreenResult]] = []
    for index, row in enumerate(rows):
        result = screener.screen_bytes(message(row), f"row-{index + 2}")
        for score, levels in ((alerts, (ALERT,)), (looked_at, (ALERT, "review"))):
            hit = fired(result, row, levels)
            if row.expect == ALERT:
                score.tp += hit
                score.fn += not hit
            else:
                score.fp += hit
                score.tn += not hit
        if fired(result, row, (ALERT,)) != (row.expect == ALERT):
            misses.append(("missed" if row.expect == ALERT else "false alert", row, result))
    return alerts, looked_at, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", type=Path, default=LABELLED)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    rows = read_rows(args.set)
    alerts, looked_at, misses = evaluate(rows)
    positives = sum(r.expect == ALERT for r in rows)
    print(f"labelled set: {len(rows)} rows, {positives} naming a listed substance, "
          f"{len(rows) - positives} not")
    print("| counted as positive | TP | FP | FN | TN | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for label, score in (("alert", alerts), ("alert or review", looked_at)):
        print(f"| {label} | {score.tp} | {score.fp} | {score.fn} | {score.tn} | "
              f"{score.precision:.3f} | {score.recall:.3f} |")
    if args.show_misses:
        for kind, row, result in misses:
            found = ", ".join(f"{h.level} {h.substance} ({h.matched} {h.text!r})"
                              for h in result.hits) or "no hit"
            print(f"  {kind}: {row.description!r} ({row.note}): {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
