"""Expand command-line style inputs: files, directories, globs and ``-`` (stdin)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["DEFAULT_EXTENSIONS", "expand_inputs"]

DEFAULT_EXTENSIONS: tuple[str, ...] = (".xml",)
_GLOB_CHARS = set("*?[")


def expand_inputs(items: Iterable[str], extensions: Sequence[str] = DEFAULT_EXTENSIONS,
                  exclude: Sequence[str] = ()) -> list[str]:
    """Files, directories (recursive, by extension), globs and ``-``, in the given order.

    A path that does not exist is kept as it is, so that it is reported as unreadable
    rather than silently dropped. Duplicates are removed; directory listings are sorted.
    """
    out: dict[str, None] = {}
    lowered = tuple(e.lower() for e in extensions)
    for item in items:
        if item == "-":
            out.setdefault(item, None)
            continue
        path = Path(item)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in lowered:
                    out.setdefault(str(found), None)
        elif not path.exists() and _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            for match in matches:
                if os.path.isfile(match):
                    out.setdefault(match, None)
            if not matches:
                out.setdefault(item, None)
        else:
            out.setdefault(item, None)
    return [p for p in out if not _excluded(p, exclude)]


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    from fnmatch import fnmatch
    return any(fnmatch(path, pattern) or fnmatch(Path(path).name, pattern) for pattern in patterns)
