"""Generated batches for the streaming tests (small records of tests/data/stream/record.xsd)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from tradestd.stream import NoRecordsError

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


Q = f"{{{NS}}}"


class RecordDouble:
    """A hand-written converter for the test record (the real one is schema-driven)."""

    def to_data(self, element: etree._Element) -> Any:
        item = element.find(f"{Q}Item")
        if item is None:
            raise ValueError("a Declaration needs an Item")
        amount = item.find(f"{Q}Amount")
        if item.findtext(f"{Q}Description") == "unconvertible":
            raise ValueError("this description cannot be converted")
        return {"ID": element.findtext(f"{Q}ID"),
                "Description": item.findtext(f"{Q}Description"),
                "Amount": amount.text, "currencyID": amount.get("currencyID")}

    def to_element(self, data: Any) -> etree._Element:
        if not isinstance(data, dict) or "ID" not in data:
            raise ValueError("a record needs an ID")
        root = etree.Element(f"{Q}Declaration", nsmap={None: NS})
        etree.SubElement(root, f"{Q}ID").text = data["ID"]
        item = etree.SubElement(root, f"{Q}Item")
        etree.SubElement(item, f"{Q}Description").text = data["Description"]
        amount = etree.SubElement(item, f"{Q}Amount", currencyID=data["currencyID"])
        amount.text = data["Amount"]
        return root


def drain(stream: Any) -> list[Any]:
    """Iterate a stream to its end. A batch without a single record raises
    :class:`NoRecordsError` at the end: its issues must be the summary's, and nothing must
    have been yielded before it."""
    reports: list[Any] = []
    try:
        reports.extend(stream)
    except NoRecordsError as exc:
        assert reports == [] and list(exc.issues) == stream.summary.issues
        assert exc.issues and str(exc).startswith(f"{stream.summary.source}: no record")
    return reports
