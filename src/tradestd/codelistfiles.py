"""Code lists a user brings: national countries, currencies, units, package types, locations.

``--codelist KIND=FILE`` (or ``codelists = { KIND = "FILE" }`` under ``[rules]`` in
``tradestd.toml``) adds the file's codes to the bundled list of that kind;
``KIND:replace=FILE`` uses the file's codes instead of the bundled list. Files come in the
shapes administrations publish them:

* JSON: an array of strings, or of objects whose code is a string member: ``code`` (the
  uk-cds ``code-lists``: ``[{"code": "AD", "en": "Andorra"}, ...]``), else ``value`` (HMRC's
  earlier lists: ``[{"value": "ASV#X", "display": "Volume hectolitre"}]``), else
  ``parentCode`` (link tables), whichever the first object has;
* CSV (``.csv``): a header row with a ``code`` column (else ``value``);
* text (anything else): one code a line; blank lines and lines starting with ``#`` are skipped.

``FILE#FIELD`` names the JSON member or CSV column that holds the codes (``units.csv#UNIT``)
when detection would not find it; a path that exists as written is never split.

A code written ``CODE#QUALIFIER`` (a national qualifier, ``KGM#G``; ``ASV#X``) contributes
``CODE``: code lists of UNECE Rec 20/21 codes never contain ``#``. A trailing ``*`` before the
``#`` (``GBP*#``, a mark in HMRC's unit list, whose declarations write ``GBP``) is dropped.

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
    "split_field",
]

#: Code lists a user may add to or replace.
USER_KINDS = ("country", "currency", "unit", "package", "mode", "location")
#: A code list file larger than this is refused (a code list is a few thousand lines).
MAX_FILE_BYTES = 64 * 1024 * 1024
_REPLACE = "replace"
#: Members of a JSON object that hold its code, in the order detection tries them.
JSON_CODE_MEMBERS = ("code", "value", "parentCode")


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
    """Read one user code list file for ``kind``; ``path`` may end in ``#FIELD``."""
    if kind not in USER_KINDS:
        raise CodeListFileError(f"unknown code list {kind!r}; known: {', '.join(USER_KINDS)}")
    file, field = split_field(path)
    return UserCodeList(kind, str(path), read_codes(file, field), replace)


def split_field(path: str | Path) -> tuple[Path, str | None]:
    """``"units.csv#UNIT"`` -> ``(Path("units.csv"), "UNIT")``; a path that exists as
    written, or has no ``#``, names no field."""
    text = str(path)
    file, sep, field = text.rpartition("#")
    if not sep or Path(text).exists() or not file:
        return Path(path), None
    if not field.strip():
        raise CodeListFileError(f"{text}: expected FILE#FIELD with a field name after '#'")
    return Path(file), field.strip()


def read_codes(path: Path, field: str | None = None) -> frozenset[str]:
    """The codes in a JSON, CSV or text file (see the module docstring); ``field`` names
    the JSON member or CSV column that holds them."""
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
    if suffix == ".json":
        found = _json_codes(path, text, field)
    elif suffix == ".csv":
        found = _csv_codes(path, text, field)
    elif field is not None:
        raise CodeListFileError(f"{path}: a field (#{field}) can only be named in a JSON or "
                                "CSV code list")
    else:
        found = _text_codes(text)
    codes = frozenset(_base_code(code) for code in found) - {""}
    if not codes:
        raise CodeListFileError(f"{path}: code list holds no codes")
    return codes


def _base_code(code: str) -> str:
    """``KGM#G`` -> ``KGM``; ``GBP*#`` -> ``GBP``; ``AD`` -> ``AD``."""
    base, sep, _ = code.partition("#")
    return base.rstrip("*").strip() if sep else code


def _json_codes(path: Path, text: str, field: str | None) -> Iterator[str]:
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
    member = field or _code_member(data)
    wanted = f'a string "{member}"' if member else "a code member (" + ", ".join(
        f'"{m}"' for m in JSON_CODE_MEMBERS) + ")"
    for index, entry in enumerate(data):
        code = entry.get(member) if isinstance(entry, dict) and member else entry
        if not isinstance(code, str) or not code.strip():
            raise CodeListFileError(f"{path}: entry {index} is not a code: expected a "
                                    f"non-empty string or an object with {wanted}")
        yield code.strip()


def _code_member(data: list[Any]) -> str | None:
    """The member that holds the code, read from the first object of the array."""
    first = next((entry for entry in data if isinstance(entry, dict)), None)
    if first is None:
        return None
    return next((m for m in JSON_CODE_MEMBERS if isinstance(first.get(m), str)), None)


def _csv_codes(path: Path, text: str, field: str | None) -> Iterator[str]:
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""))
        fields = {(name or "").strip().lower(): name for name in rows.fieldnames or ()}
        named = [f for f in fields if f]
        if field is not None:
            column = fields.get(field.strip().lower())
        else:
            column = fields.get("code") or fields.get("value")
        if column is None:
            wanted = f'"{field}"' if field is not None else '"code"'
            raise CodeListFileError(f"{path}: CSV has no {wanted} column (header: "
                                    f"{', '.join(named) or 'empty'}); name the column "
                                    "with FILE#COLUMN")
        yield from _non_empty(row.get(column) for row in rows)
    except csv.Error as exc:
        raise CodeListFileError(f"{path}: not valid CSV: {exc}") from None


def _text_codes(text: str) -> Iterator[str]:
    yield from _non_empty(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _non_empty(values: Iterable[str | None]) -> Iterator[str]:
    for value in values:
        if value and value.strip():
            yield value.strip()
