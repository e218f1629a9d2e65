"""Build the WCO ID table of a bundled message family from its XSD annotations.

Every class and element of a bundled WCO message carries ``<xs:appinfo>WCO ID 131</xs:appinfo>``
on its element declaration (or, for shared classes, on its complex type). This script walks
the message from its root element with xmlschema and lists, in document order::

    {"wco_id": "166", "kind": "element", "name": "CurrentCode",
     "path": "Declaration/GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure/CurrentCode"}

``kind`` is ``class`` for elements whose children carry WCO IDs, ``element`` for data
elements: leaves, and wrappers such as ``IssueDateTime`` whose only child
(``DateTimeString``) is syntax rather than a WCO element.

Usage::

    python scripts/wco_id_table.py schemas/declaration/1.0            # print the table
    python scripts/wco_id_table.py schemas/declaration/1.0 --write    # write wco-ids.json
    python scripts/wco_id_table.py schemas/declaration/1.0 --tree     # Markdown element tree
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradestd.registry import MessageType

TABLE_NAME = "wco-ids.json"
_WCO_ID = re.compile(r"^\s*WCO ID\s+(\S+)\s*$")


def _wco_id(component: Any) -> str | None:
    annotation = getattr(component, "annotation", None)
    for appinfo in getattr(annotation, "appinfo", None) or ():
        match = _WCO_ID.match(appinfo.text or "")
        if match:
            return match.group(1)
    return None


def _element_id(element: Any) -> str | None:
    return _wco_id(element) or _wco_id(element.type)


def _children(element: Any) -> list[Any]:
    if not element.type.is_complex() or element.type.has_simple_content():
        return []
    return [c for c in element.type.content.iter_elements() if hasattr(c, "type")]  # no wildcards


@dataclass(frozen=True)
class Node:
    """One element declaration reached from the message root."""

    element: Any
    path: str
    depth: int
    wco_id: str | None
    is_class: bool


def _walk(element: Any, parent_path: str, depth: int, active: frozenset[int]) -> Iterator[Node]:
    path = f"{parent_path}/{element.local_name}" if parent_path else element.local_name
    children = [] if id(element.type) in active else _children(element)  # stop on recursion
    is_class = any(_element_id(child) is not None for child in children)
    yield Node(element, path, depth, _element_id(element), is_class)
    for child in children:
        yield from _walk(child, path, depth + 1, active | {id(element.type)})


def walk(message_type: MessageType) -> Iterator[Node]:
    """Every element of ``message_type`` from its root, in document order."""
    schema = message_type.schema_set().xmlschema
    yield from _walk(schema.maps.elements[message_type.root], "", 0, frozenset())


def wco_id_table(message_type: MessageType) -> list[dict[str, str]]:
    """The WCO ID table of ``message_type``, in document order."""
    return [{"wco_id": n.wco_id, "kind": "class" if n.is_class else "element",
             "name": n.element.local_name, "path": n.path}
            for n in walk(message_type) if n.wco_id is not None]


def _occurs(element: Any) -> str:
    low, high = element.min_occurs, element.max_occurs
    return f"[{low}..{'n' if high is None else high}]" if low != high else f"[{low}]"


def _format(element: Any) -> str:
    annotation = getattr(element, "annotation", None)
    docs = getattr(annotation, "documentation", None) or ()
    text = " ".join(" ".join(str(d.text or "").split()) for d in docs)
    return f" {text}" if text else ""


def render_tree(message_type: MessageType) -> str:
    """A Markdown code block: the element tree with cardinalities, WCO IDs and formats."""
    lines = []
    for node in walk(message_type):
        label = f"{'  ' * node.depth}{node.element.local_name} {_occurs(node.element)}"
        lines.append(f"{label:<58} {node.wco_id or '-':<5}{_format(node.element)}".rstrip())
    return "```\n" + "\n".join(lines) + "\n```\n"


def render(rows: list[dict[str, str]]) -> str:
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
