"""Generated batches for the streaming tests (small records of tests/data/stream/record.xsd)."""

from __future__ import annotations

from pathlib import Path

NS = "urn:tradestd:test:stream"
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "stream" / "record.xsd"


def record(ident: str, amount: str = "1.50", currency: str | None = "EUR") -> str:
    attribute = f' currencyID="{currency}"' if currency else ""
    return (f"  <Declaration>\n    <ID>{ident}</ID>\n    <Item>\n"
            f"      <Description>goods {ident}</Description>\n"
            f"      <Amount{attribute}>{amount}</Amount>\n    </Item>\n  </Declaration>\n")


def batch(records: list[str], *, head: str = "", tail: str = "</Batch>\n") -> bytes:
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<Batch xmlns="{NS}">\n{head}'
    return (text + "".join(records) + tail).encode("utf-8")


def valid_batch(count: int) -> bytes:
    return batch([record(f"D{i}") for i in range(count)])
