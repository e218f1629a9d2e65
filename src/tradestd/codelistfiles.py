"""Code lists a user brings: national countries, currencies, units, package types, locations.

``--codelist KIND=FILE`` (or ``codelists = { KIND = "FILE" }`` under ``[rules]`` in
``tradestd.toml``) adds the file's codes to the bundled list of that kind;
``KIND:replace=FILE`` uses the file's codes instead of the bundled list. A file is

* JSON: an array of strings, or of objects with a string ``code`` member (the form of the
  uk-cds ``code-lists``: ``[{"code": "AD", "en": "Andorra"}, ...]``);
* CSV (``.csv``): a header row with a ``code`` column;
* text (anything else): one code a line; blank lines and lines starting with ``#`` are skipped.

A file that cannot be read or holds no codes raises :class:`CodeListFileError`, which
names the file and the problem (a configuration error, exit code 2, on the command line).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "USER_KINDS",
    "CodeListFileError",
    "UserCodeList",
    "load_code_list",
    "parse_codelist_spec",
    "read_codes",
]

#: Code lists a user may add to or replace.
USER_KINDS = ("country", "currency", "unit", "package", "mode", "location")
#: A code list file larger than this is refused (a code list is a few thousand lines).
MAX_FILE_BYTES = 64 * 1024 * 1024
_REPLACE = "replace"


class CodeListFileError(ValueError):
    """A code list option or file cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class UserCodeList:
    """The codes of one user file, for one kind of code list, added or replacing."""

    kind: str
    source: str
    codes: frozenset[str]
    replace: bool = False


def parse_codelist_spec(spec: str) -> tuple[str, bool, str]:
    """``"country=c.json"`` -> ``("country", False, "c.json")``; ``"country:replace=c.json"``
    replaces. Raises :class:`CodeListFileError` for a malformed spec or an unknown kind."""
    key, sep, path = spec.partition("=")
    if not sep or not path.strip():
        raise CodeListFileError(f"--codelist {spec!r}: expected KIND=FILE or "
                                "KIND:replace=FILE")
    kind, replace = parse_codelist_key(key)
    return kind, replace, path.strip()


def parse_codelist_key(key: str) -> tuple[str, bool]:
    """``"country"`` -> ``("country", False)``; ``"country:replace"`` -> ``("country", True)``."""
    kind, colon, mode = key.strip().partition(":")
    if kind not in USER_KINDS:
        raise CodeListFileError(f"unknown code list {kind!r}; known: {', '.join(USER_KINDS)}")
    if colon and mode != _REPLACE:
        raise CodeListFileError(f"code list {key!r}: the only mode is {kind}:{_REPLACE}")
    return kind, bool(colon)


def load_code_list(kind: str, path: str | Path, replace: bool = False) -> UserCodeList:
    """Read one user code list file for ``kind``."""
    if kind not in USER_KINDS:
        raise CodeListFileError(f"unknown code list {kind!r}; known: {', '.join(USER_KINDS)}")
    return UserCodeList(kind, str(path), read_codes(Path(path)), replace)


def read_codes(path: Path) -> frozenset[str]:
    """The codes in a JSON, CSV or text file (see the module docstring)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CodeListFileError(f"{path}: code list file is {size} bytes, more than "
                                    f"{MAX_FILE_BYTES}")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CodeListFileError(f"{path}: cannot read code list: "
                                f"{exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CodeListFileError(f"{path}: code list is not UTF-8 text ({exc.reason} at "
                                f"byte {exc.start})") from None
    suffix = path.suffix.lower()
    reader = _json_codes if suffix == ".json" else _csv_codes if suffix == ".csv" else _text_codes
    codes = frozenset(reader(path, text))
    if not codes:
        raise CodeListFileError(f"{path}: code list holds no codes")
    return codes


def _json_codes(path: Path, text: str) -> Iterator[str]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodeListFileError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} "
                                f"column {exc.colno}") from None
    except RecursionError:
        raise CodeListFileError(f"{path}: JSON nested too deeply") from None
    if not isinstance(data, list):
        raise CodeListFileError(f"{path}: expected a JSON array of codes (strings or objects "
                                f"with a \"code\" member), not a {type(data).__name__}")
    for index, entry in enumerate(data):
        code = entry.get("code") if isinstance(entry, dict) else entry
        if not isinstance(code, str) or not code.strip():
            raise CodeListFileError(f"{path}: entry {index} is not a code: expected a "
                                    "non-empty string or an object with a string \"code\"")
        yield code.strip()


def _csv_codes(path: Path, text: str) -> Iterator[str]:
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""))
        fields = {(name or "").strip().lower(): name for name in rows.fieldnames or ()}
        column = fields.get("code")
        if column is None:
            raise CodeListFileError(f"{path}: CSV has no \"code\" column (header: "
                                    f"{', '.join(f for f in fields if f) or 'empty'})")
        yield from _non_empty(row.get(column) for row in rows)
    except csv.Error as exc:
        raise CodeListFileError(f"{path}: not valid CSV: {exc}") from None


def _text_codes(path: Path, text: str) -> Iterator[str]:
    yield from _non_empty(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _non_empty(values: Iterable[str | None]) -> Iterator[str]:
    for value in values:
        if value and value.strip():
            yield value.strip()
