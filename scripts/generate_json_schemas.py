#!/usr/bin/env python3
"""Write schemas/<family>/<version>/<id>.schema.json for every bundled message type.

    PYTHONPATH=src python scripts/generate_json_schemas.py          # write
    PYTHONPATH=src python scripts/generate_json_schemas.py --check  # exit 1 when stale

tests/convert/test_bundled_json_schemas.py fails when a committed file is stale.
"""

from __future__ import annotations

import argparse
import sys

from tradestd.convert.batch import write_atomic
from tradestd.convert.validate import bundled_schema_path, bundled_schema_text
from tradestd.registry import bundled_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write none")
    args = parser.parse_args(argv)
    stale = 0
    for message_type in bundled_registry():
        path = bundled_schema_path(message_type)
        text = bundled_schema_text(message_type)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale += 1
        if args.check:
            print(f"stale: {path}", file=sys.stderr)
        else:
            write_atomic(path, text.encode("utf-8"))
            print(f"wrote {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
