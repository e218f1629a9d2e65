"""Reading JSON messages: every failure is a located Issue, and JSON Pointers map to
line and column in the text.

Parsing uses the standard library (fast, exact); positions are recovered only when
an issue must be reported, by one scan of the text (:class:`JsonLocator`). Limits:
the byte size of :class:`~tradestd.intake.Limits` and a nesting depth of
``Limits.max_depth``; duplicate member names, ``NaN`` and ``Infinity`` are refused
(they have no XML counterpart and make a message ambiguous).
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..intake import DEFAULT_LIMITS, IntakeError, Limits, Source, read_source, source_name
from ..issues import Issue, Layer, Severity, quote

__all__ = ["JsonDocument", "JsonLocator", "load_json", "pointer"]

#: A JSON string. Possessive repeats keep no backtracking state: a regex repeat over
#: alternatives holds some per character, gigabytes for a 50 MB string value.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_WS = re.compile(r"[ \t\n\r]*")
_LITERAL = re.compile(r"[^,\]}\s]+")
_STRUCTURE = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]', re.DOTALL)


def pointer(parts: Any) -> str:
    """JSON Pointer (RFC 6901) of a sequence of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class _AllFound(Exception):
    """Every pointer asked for is placed: the scan stops early."""


class JsonLocator:
    """Maps JSON Pointers of one (well-formed) JSON text to 1-based line and column."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offsets: dict[str, int] | None = None
        self._keys: dict[str, int] = {}
        self._newlines: array[int] | None = None
        self._wanted: set[str] | None = None
        self._found: dict[str, int] = {}
        self.duplicates: list[str] = []

    def position(self, ptr: str) -> tuple[int | None, int | None]:
        """Line and column of the value at ``ptr`` (else of its nearest ancestor)."""
        if self._offsets is None:
            self._offsets = self._scan(None)
        return self._located(self._offsets, ptr)

    def positions(self, ptrs: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
        """:meth:`position` of each pointer. One scan keeps the offsets of these pointers
        and their ancestors only: memory follows the issues, not the size of the text
        (a million array items must not cost a million entries)."""
        ptrs = list(ptrs)
        offsets = self._offsets
        if offsets is None:
            wanted: set[str] = set()
            for ptr in ptrs:
                while ptr not in wanted:
                    wanted.add(ptr)
                    ptr = ptr.rpartition("/")[0]
            offsets = self._scan(wanted)
        return {ptr: self._located(offsets, ptr) for ptr in ptrs}

    def _located(self, offsets: dict[str, int], ptr: str) -> tuple[int | None, int | None]:
        while ptr not in offsets and ptr:
            ptr = ptr.rpartition("/")[0]
        offset = offsets.get(ptr)
        if offset is None:
            return None, None
        return self.line_column(offset)

    def key_position(self, ptr: str) -> tuple[int | None, int | None]:
        """Where the member name of ``ptr`` is written (its last occurrence)."""
        if self._offsets is None:
            self._offsets = self._scan(None)
        offset = self._keys.get(ptr)
        return (None, None) if offset is None else self.line_column(offset)

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._newlines is None:  # once: a text without newlines must not rescan per issue
            self._newlines = array("q", (m.start() for m in re.finditer("\n", self._text)))
        line = bisect_right(self._newlines, offset - 1)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def _scan(self, wanted: set[str] | None) -> dict[str, int]:
        """Offsets of the values at ``wanted`` pointers (``None``: of every value, and
        where each member name is written)."""
        self._wanted = wanted
        self._found = {}
        try:
            self._value(_WS.match(self._text, 0).end(), "")  # type: ignore[union-attr]
        except _AllFound:
            pass
        except (IndexError, AttributeError, ValueError):
            pass  # positions found so far are kept; the text was checked by json already
        return self._found

    def _skip(self, pos: int) -> int:
        return _WS.match(self._text, pos).end()  # type: ignore[union-attr]

    def _value(self, pos: int, ptr: str) -> int:
        if self._wanted is None:
            self._found[ptr] = pos
        elif ptr in self._wanted:
            self._found[ptr] = pos
            if len(self._found) == len(self._wanted):
                raise _AllFound  # the rest of the text holds nothing asked for
        text = self._text
        char = text[pos]
        if char == '"':
            return _STRING.match(text, pos).end()  # type: ignore[union-attr]
        if char == "{":
            return self._object(pos, ptr)
        if char == "[":
            index = 0
            pos = self._skip(pos + 1)
            if text[pos] == "]":
                return pos + 1
            while True:
                pos = self._skip(self._value(pos, f"{ptr}/{index}"))
                index += 1
                if text[pos] == "]":
                    return pos + 1
                pos = self._skip(pos + 1)  # the comma
        return _LITERAL.match(text, pos).end()  # type: ignore[union-attr]

    def _object(self, pos: int, ptr: str) -> int:
        text = self._text
        seen: set[str] = set()
        pos = self._skip(pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            end = _STRING.match(text, pos).end()  # type: ignore[union-attr]
            key = json.loads(text[pos:end])
            member = ptr + pointer([key])
            if key in seen and self._wanted is None:
                self.duplicates.append(member)
            seen.add(key)
            key_pos = pos
            pos = self._skip(self._skip(end) + 1)  # the colon
            pos = self._skip(self._value(pos, member))
            if self._wanted is None:
                self._keys[member] = key_pos
            if text[pos] == "}":
                return pos + 1
            pos = self._skip(pos + 1)


@dataclass(slots=True)
class JsonDocument:
    """A parsed JSON message, or the issues that stopped it from being parsed."""

    name: str
    text: str
    data: Any = None
    issues: list[Issue] = field(default_factory=list)
    _locator: JsonLocator | None = None

    @property
    def ok(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def locator(self) -> JsonLocator:
        if self._locator is None:
            self._locator = JsonLocator(self.text)
        return self._locator

    def issue(self, code: str, message: str, ptr: str, layer: Layer = Layer.SCHEMA,
              severity: Severity = Severity.ERROR) -> Issue:
        """An issue located at a JSON Pointer of this document."""
        line, column = self.locator.position(ptr)
        return Issue(code=code, severity=severity, layer=layer, message=message, line=line,
                     column=column, path=ptr or "/")

    def issues_at(self, found: Iterable[tuple[str, str, str]]) -> list[Issue]:
        """Schema errors for ``(code, message, pointer)`` triples, located by one scan
        that keeps only their positions (see :meth:`JsonLocator.positions`)."""
        found = list(found)
        where = self.locator.positions(ptr for _, _, ptr in found)
        return [Issue(code=code, severity=Severity.ERROR, layer=Layer.SCHEMA, message=message,
                      line=where[ptr][0], column=where[ptr][1], path=ptr or "/")
                for code, message, ptr in found]


def _syntax(code: str, message: str, line: int | None = None,
            column: int | None = None) -> Issue:
    return Issue(code=code, severity=Severity.ERROR, layer=Layer.SYNTAX, message=message,
                 line=line, column=column)


def _too_deep(text: str, limit: int) -> int | None:
    """Offset of the first bracket nested deeper than ``limit``, if any."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _decode(name: str, source: Source, limits: Limits) -> str:
    if isinstance(source, str) and source.lstrip().startswith(("{", "[")):
        text = source
        if len(text.encode("utf-8")) > limits.max_bytes:
            raise IntakeError(_syntax("INPUT_TOO_LARGE", f"{name} is larger than the "
                                      f"{limits.max_bytes:,}-byte limit for one message"))
        return text
    _, data = read_source(source, limits)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeError(_syntax("JSON_BAD_ENCODING",
                                  f"JSON must be UTF-8: byte {exc.start} cannot be decoded",
                                  1, 1)) from None


def load_json(source: Source, limits: Limits = DEFAULT_LIMITS) -> JsonDocument:
    """Read and parse a JSON message; problems become issues on the result."""
    name = "<string>" if isinstance(source, str) and source.lstrip().startswith(("{", "[")) \
        else source_name(source)
    try:
        text = _decode(name, source, limits)
    except IntakeError as exc:
        return JsonDocument(name, "", issues=[exc.issue])
    doc = JsonDocument(name, text)
    if not text.strip():
        doc.issues.append(_syntax("JSON_EMPTY", "the file is empty", 1, 1))
        return doc
    offset = _too_deep(text, limits.max_depth)
    if offset is not None:
        line, column = doc.locator.line_column(offset)
        doc.issues.append(_syntax("JSON_LIMIT_EXCEEDED",
                                  f"arrays and objects are nested more than {limits.max_depth} "
                                  "levels deep: refused as a resource attack", line, column))
        return doc
    try:
        doc.data = json.loads(text, object_pairs_hook=_no_duplicates,
                              parse_constant=_no_constant)
    except _Duplicate as exc:
        locator = doc.locator
        locator.position("")
        where: tuple[int | None, int | None] = (None, None)
        if locator.duplicates:
            where = locator.key_position(locator.duplicates[0])
        doc.issues.append(_syntax("JSON_DUPLICATE_KEY", f"the member name {quote(exc.key)} occurs "
                                  "twice in one object", *where))
    except json.JSONDecodeError as exc:
        doc.issues.append(_syntax("JSON_MALFORMED", f"not well-formed JSON: {exc.msg}",
                                  exc.lineno, exc.colno))
    except ValueError as exc:
        doc.issues.append(_syntax("JSON_MALFORMED", f"not well-formed JSON: {exc}"))
    except RecursionError:
        doc.issues.append(_syntax("JSON_LIMIT_EXCEEDED", "JSON nested too deeply", 1, 1))
    return doc
