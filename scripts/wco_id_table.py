"""Derive the WCO ID table of a bundled message family from its XSD annotations.

The XSDs are the source: every class and data element carries its WCO ID in the WCO DM
annotation convention (``xs:documentation`` children ``WCOID``, ``WCOName``, ``WCOFormat``),
and elements tradestd adds beyond WCO DM carry ``<tradestdExtension>true</tradestdExtension>``
instead (docs/wco-ids.md). :mod:`tradestd.wco.ids` reads them; this script writes what it
read, in document order, as ``wco-ids.json`` beside ``message.toml``::

    {"wco_id": "228", "kind": "element", "name": "GoodsItemQuantity",
     "path": "Declaration/GoodsItemQuantity", "wco_name": "Total number of items",
     "format": "n..5", "extension": false}

tests/messages/test_wco_ids.py fails when a committed table is stale.

Usage::

    python scripts/wco_id_table.py schemas/declaration/1.0            # print the table
    python scripts/wco_id_table.py schemas/declaration/1.0 --write    # write wco-ids.json
    python scripts/wco_id_table.py schemas/declaration/1.0 --tree     # Markdown element tree
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradestd.registry import MessageType
from tradestd.wco.ids import WcoNode

TABLE_NAME = "wco-ids.json"


def _nodes(message_type: MessageType) -> list[WcoNode]:
    root = message_type.root.rpartition("}")[2]
    return [n for n in message_type.schema_set().wco_ids if n.path.split("/")[0] == root]


def wco_id_table(message_type: MessageType) -> list[dict[str, Any]]:
    """The WCO ID table of ``message_type`` (IDs and extensions), in document order."""
    return [{"wco_id": n.wco_id, "kind": n.kind, "name": n.name, "path": n.path,
             "wco_name": n.wco_name, "format": n.format, "extension": n.extension}
            for n in _nodes(message_type)]


def _children(element: Any) -> list[Any]:
    if not element.type.is_complex() or element.type.has_simple_content():
        return []
    return [c for c in element.type.content.iter_elements() if hasattr(c, "type")]


def _walk(element: Any, path: str, depth: int, active: frozenset[int]
          ) -> Iterator[tuple[Any, str, int]]:
    path = f"{path}/{element.local_name}" if path else element.local_name
    yield element, path, depth
    if id(element.type) not in active:
        for child in _children(element):
            yield from _walk(child, path, depth + 1, active | {id(element.type)})


def _occurs(element: Any) -> str:
    low, high = element.min_occurs, element.max_occurs
    return f"[{low}..{'n' if high is None else high}]" if low != high else f"[{low}]"


def render_tree(message_type: MessageType) -> str:
    """A Markdown code block: the element tree with cardinalities, WCO IDs and formats
    (``ext`` marks a tradestd extension)."""
    by_path = {n.path: n for n in _nodes(message_type)}
    schema = message_type.schema_set().xmlschema
    lines = []
    for element, path, depth in _walk(schema.maps.elements[message_type.root], "", 0,
                                       frozenset()):
        node = by_path.get(path)
        label = f"{'  ' * depth}{element.local_name} {_occurs(element)}"
        wco_id = "ext" if node is not None and node.extension else \
            (node.wco_id if node is not None and node.wco_id else "-")
        extra = " ".join(x for x in (node.format, node.wco_name) if x) if node else ""
        lines.append(f"{label:<58} {wco_id:<5} {extra}".rstrip())
    return "```\n" + "\n".join(lines) + "\n```\n"


def render(rows: list[dict[str, Any]]) -> str:
    """The committed JSON form: one row per line, stable for diffs."""
    lines = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows)
    return f"[\n{lines}\n]\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="schemas/<family>/<version> (holds message.toml)")
    parser.add_argument("--write", action="store_true", help=f"write {TABLE_NAME} there")
    parser.add_argument("--tree", action="store_true",
                        help="print the element tree (Markdown) instead of the table")
    args = parser.parse_args(argv)
    message_type = MessageType.from_toml(args.folder / "message.toml")
    if args.tree:
        sys.stdout.write(render_tree(message_type))
        return 0
    text = render(wco_id_table(message_type))
    if args.write:
        (args.folder / TABLE_NAME).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
