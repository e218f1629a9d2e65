"""Expand command-line style inputs: files, directories, globs and ``-`` (stdin)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from fnmatch import fnmatch
from pathlib import Path

__all__ = ["DEFAULT_EXTENSIONS", "NoInputsError", "expand_inputs", "files_in",
           "no_inputs_reason"]

DEFAULT_EXTENSIONS: tuple[str, ...] = (".xml",)
_GLOB_CHARS = set("*?[")


class NoInputsError(ValueError):
    """Inputs were given but none of them names a file to work on (an empty folder, a
    folder without message files, an exclude pattern that leaves nothing): a usage
    error, never a run of zero files that passes."""


def files_in(directory: Path, extensions: Sequence[str]) -> list[Path]:
    """The files under ``directory`` (recursive) with one of ``extensions`` (any case),
    sorted."""
    lowered = tuple(e.lower() for e in extensions)
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in lowered)


def expand_inputs(items: Iterable[str], extensions: Sequence[str] = DEFAULT_EXTENSIONS,
                  exclude: Sequence[str] = ()) -> list[str]:
    """Files, directories (recursive, by extension), globs and ``-``, in the given order.

    A path that does not exist, or a glob that matches nothing, is kept as it is, so that
    it is reported as unreadable rather than silently dropped. Duplicates are removed;
    directory listings are sorted. Raises :class:`NoInputsError` when items were given
    and nothing is left, or only globs that match nothing.
    """
    items = list(items)
    out: dict[str, None] = {}
    unmatched: set[str] = set()  # globs that matched nothing, kept to be reported
    for item in items:
        if item == "-":
            out.setdefault(item, None)
            continue
        path = Path(item)
        if path.is_dir():
            for found in files_in(path, extensions):
                out.setdefault(str(found), None)
        elif not path.exists() and _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            for match in matches:
                if os.path.isfile(match):
                    out.setdefault(match, None)
            if not matches:
                out.setdefault(item, None)
                unmatched.add(item)
        else:
            out.setdefault(item, None)
    kept = [p for p in out if not _excluded(p, exclude)]
    if items and not kept:
        raise NoInputsError(no_inputs_reason(items, extensions, exclude, len(out)))
    if kept and all(p in unmatched for p in kept):
        raise NoInputsError(no_inputs_reason(items, extensions))
    return kept


def no_inputs_reason(items: Sequence[str], extensions: Sequence[str],
                     exclude: Sequence[str] = (), found: int = 0) -> str:
    """Why ``items`` name no file: which folders or globs hold none, or that the
    exclude patterns left out all ``found``."""
    kinds = " or ".join(extensions)
    if found:
        patterns = ", ".join(repr(p) for p in exclude)
        return (f"no input files left: the exclude pattern(s) {patterns} left out all "
                f"{found} file(s) found in {_listed(items)}")
    empty = [f"{item} (a folder with no {kinds} files)" if Path(item).is_dir()
             else f"{item} (matches no file)" for item in items]
    return f"no input files: {'; '.join(empty)}"


def _listed(items: Sequence[str]) -> str:
    return ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch(path, pattern) or fnmatch(Path(path).name, pattern) for pattern in patterns)
