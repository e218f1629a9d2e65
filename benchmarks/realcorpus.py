"""Real messages for the benchmarks: the public corpora in ``../shared/corpora`` (see
tests/conftest.py), read-only. ``--corpus uk-cds`` in bench_validate.py and
bench_convert.py times the UK CDS declarations, each carrying ``xsi:schemaLocation``."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ("uk-cds",)


def corpora_folder() -> Path:
    """Where the tests find the corpora (tests/conftest.py: ``TRADESTD_CORPORA`` or
    ``../shared/corpora``): one rule for both."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from conftest import CORPORA
    finally:
        sys.path.remove(str(ROOT / "tests"))
    return Path(CORPORA)


def declarations(name: str, docs: int | None = None) -> tuple[list[bytes], list[Path]]:
    """The valid declarations of a corpus, cycled up to ``docs`` (default: each five
    times), and the
    XSD files of their schema set."""
    folder = corpora_folder() / name
    cases_file = folder / "cases.json"
    if not cases_file.is_file():
        raise SystemExit(f"corpus {name!r} not found at {folder} (set TRADESTD_CORPORA)")
    cases = [c for c in json.loads(cases_file.read_text(encoding="utf-8"))["cases"]
             if c.get("kind") == "dec" and c["expect"] == "valid"]
    xsd = [folder / p for p in cases[0]["xsd"]]
    cases = [c for c in cases if [folder / p for p in c["xsd"]] == xsd]
    found = [(folder / c["xml"]).read_bytes() for c in cases]
    count = docs or 5 * len(found)
    return [found[i % len(found)] for i in range(count)], xsd


def without_comments(corpus: list[bytes], folder: Path) -> tuple[list[bytes], int]:
    """The same messages with their comments removed by lxml (everything else as lxml
    writes it back), written to ``folder`` and read from there; and how many comments a
    message had on average."""
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)
    done: dict[bytes, bytes] = {}
    comments = 0
    for doc in corpus:
        if doc in done:
            continue
        tree = etree.fromstring(doc, parser).getroottree()
        path = folder / f"{len(done):05d}.xml"
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")
        done[doc] = path.read_bytes()
        comments += doc.count(b"<!--")
        assert b"<!--" not in done[doc]
    return [done[doc] for doc in corpus], round(comments / len(done))


def median_ratio(ratios: list[float]) -> str:
    """``median (min..max)`` of per-round ratios."""
    return f"{statistics.median(ratios):.2f}x (rounds {min(ratios):.2f}..{max(ratios):.2f})"


def interleaved(contenders: dict[str, Callable[[list[bytes]], Any]], corpus: list[bytes],
                rounds: int, chunk: int = 20) -> list[dict[str, float]]:
    """Docs per second of each contender, one dict per round.

    Within a round the contenders alternate on chunks of ``chunk`` messages (the order
    turns round each chunk), each timed in CPU time of this process: load changes on a
    shared machine then hit all of them alike. A contender whose name ends in ``(1/N)``
    takes every N-th chunk only (for the slow ones)."""
    chunks = [corpus[i:i + chunk] for i in range(0, len(corpus), chunk)]
    every = {name: int(name.rpartition("(1/")[2].rstrip(")")) if name.endswith(")") else 1
             for name in contenders}
    out = []
    for _ in range(rounds):
        spent = dict.fromkeys(contenders, 0.0)
        done = dict.fromkeys(contenders, 0)
        for number, part in enumerate(chunks):
            names = list(contenders) if number % 2 == 0 else list(reversed(contenders))
            for name in names:
                if number % every[name]:
                    continue
                start = time.process_time()
                contenders[name](part)
                spent[name] += time.process_time() - start
                done[name] += len(part)
        out.append({name: done[name] / max(spent[name], 1e-9) for name in contenders})
    return out
