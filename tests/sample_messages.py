"""Generated consignment messages (tests/data/consignment/consignment.xsd) for batch tests,
report tests and benchmarks/bench_batch.py: valid ones, and ones with known defects."""

from __future__ import annotations

from pathlib import Path

CONSIGNMENT_XSD = Path(__file__).resolve().parent / "data" / "consignment" / "consignment.xsd"
NS = "urn:tradestd:test:consignment"


def consignment(number: int, items: int = 3, bad_countries: int = 0,
                hostile: str | None = None) -> str:
    """A message with ``items`` items; the first ``bad_countries`` have a lowercase country.

    ``hostile`` replaces the first item's country with that text (an error whose message
    quotes it), to check that reports escape what messages contain.
    """
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<Consignment xmlns="{NS}">',
             f"  <ID>CN-{number:06d}</ID>", "  <IssueDate>2026-11-27</IssueDate>"]
    for seq in range(1, items + 1):
        country = "de" if seq <= bad_countries else "DE"
        if hostile is not None and seq == 1:
            country = hostile
        lines += ["  <Item>", f"    <Sequence>{seq}</Sequence>",
                  f"    <Description>Machine parts, lot {number}-{seq}</Description>",
                  f"    <OriginCountry>{_escape(country)}</OriginCountry>",
                  f"    <GrossMass>{seq * 10}.5</GrossMass>", "  </Item>"]
    lines.append("</Consignment>\n")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_batch(folder: Path, count: int, items: int = 3, invalid_every: int = 3) -> list[Path]:
    """``count`` files; every ``invalid_every``-th has one lowercase country per item."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        bad = items if invalid_every and n % invalid_every == 0 else 0
        path = folder / f"consignment-{n:04d}.xml"
        path.write_text(consignment(n, items, bad), encoding="utf-8")
        paths.append(path)
    return paths
