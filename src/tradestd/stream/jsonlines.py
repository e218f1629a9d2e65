"""Records out of a JSON Lines batch: one JSON value a line, read line by line.

Lines are independent, so a line that is not JSON is reported (with its line and
column) and the stream goes on. A batch without any record is an error (``STREAM_EMPTY``):
nothing checked is not a pass. A line longer than ``Limits.max_bytes`` is reported
as ``RECORD_TOO_LARGE`` and skipped to its end without being held in memory. Blank
lines hold no record.

A record is complete when its line is: ended by a newline, or the last line and complete
JSON. A last line without its newline that stops in the middle of a JSON value (an open
object or string, half a literal or number) is the batch cut short: it is no record, and
``JSON_TRUNCATED`` in :attr:`JsonLinesReader.issues` names its index and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..intake import DEFAULT_LIMITS, Limits
from ..issues import Issue, Layer, Severity

__all__ = ["JsonLine", "JsonLinesReader"]


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One record line: its parsed ``data``, or the ``issue`` that stopped it being read."""

    index: int
    line: int
    offset: int
    data: Any = None
    issue: Issue | None = None
    text: str = ""  # the record's own JSON text, to place issues by column


def _problem(code: str, message: str, index: int, line: int, column: int | None = None) -> Issue:
    return Issue(code, Severity.ERROR, Layer.SYNTAX, message, line, column, record=index)


#: What may be left where the decoder stops in a value the input ends inside: half a
#: literal, a number's sign, point or exponent, half a \uXXXX escape.
_PARTIAL_TOKEN = re.compile(r"t(r(u)?)?|f(a(l(s)?)?)?|n(u(l)?)?|-|[.eE][+-]?|u[0-9a-fA-F]{0,4}")


def ends_inside_a_value(text: str, error: json.JSONDecodeError) -> bool:
    """True when ``text`` is not JSON only because it stops too early: every error is at
    its end (an open object, array or string, half a literal or number)."""
    rest = text[error.pos:].rstrip()
    return (not rest or error.msg.startswith("Unterminated string")
            or _PARTIAL_TOKEN.fullmatch(rest) is not None)


class JsonLinesReader:
    """Iterate the lines of a JSON Lines batch as :class:`JsonLine` values."""

    def __init__(self, stream: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self._stream = stream
        self.name = name
        self._limit = limits.max_bytes
        self.records = 0
        self.bytes_read = 0
        #: Problems of the batch itself (an empty batch).
        self.issues: list[Issue] = []

    def __iter__(self) -> Iterator[JsonLine]:
        number = 0
        while raw := self._stream.readline(self._limit + 1):
            number += 1
            self.bytes_read += len(raw)
            if len(raw) > self._limit and not raw.endswith(b"\n"):
                self._skip_rest()
                yield self._record(number, issue=_problem(
                    "RECORD_TOO_LARGE", f"the line is longer than the {self._limit:,}-byte "
                    "limit for one message (Limits.max_bytes, --max-bytes)", self.records, number))
                continue
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            if not raw.endswith(b"\n") and (cut := self._cut_short(raw, number)) is not None:
                self.issues.append(cut)
                return
            yield self._parse(raw, number)
        if self.records == 0:
            self.issues.append(Issue("STREAM_EMPTY", Severity.ERROR, Layer.INTAKE,
                                     "the batch holds no JSON record: nothing was checked"))

    def _cut_short(self, raw: bytes, line: int) -> Issue | None:
        """The issue for a last line that the input ends inside, else ``None``."""
        try:
            text = raw.decode("utf-8")
            json.loads(text)
            return None
        except UnicodeDecodeError as exc:
            if exc.reason != "unexpected end of data":
                return None
            detail, column = "a character is cut in half", exc.start + 1
        except json.JSONDecodeError as exc:
            if not ends_inside_a_value(text, exc):
                return None
            detail, column = f"not complete JSON: {exc.msg}", len(text) + 1
        except RecursionError:
            return None
        complete = f"{self.records:,} complete record" + ("" if self.records == 1 else "s")
        return _problem("JSON_TRUNCATED", f"the batch ends too early (truncated?) inside "
                        f"record {self.records}, at line {line:,} without its newline: "
                        f"{detail} (the stream stopped after {complete})",
                        self.records, line, column)

    def _skip_rest(self) -> None:
        while chunk := self._stream.readline(self._limit):
            self.bytes_read += len(chunk)
            if chunk.endswith(b"\n"):
                return

    def _record(self, line: int, data: Any = None, issue: Issue | None = None,
                text: str = "") -> JsonLine:
        record = JsonLine(self.records, line, self.bytes_read, data, issue, text)
        self.records += 1
        return record

    def _parse(self, raw: bytes, line: int) -> JsonLine:
        raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._record(line, issue=_problem(
                "JSON_BAD_ENCODING", f"the line is not UTF-8: {exc.reason} at byte {exc.start}",
                self.records, line, exc.start + 1))
        try:
            return self._record(line, data=json.loads(text), text=text)
        except json.JSONDecodeError as exc:
            return self._record(line, issue=_problem(
                "JSON_MALFORMED", f"not JSON: {exc.msg}", self.records, line, exc.colno),
                text=text)
        except RecursionError:
            return self._record(line, issue=_problem(
                "JSON_LIMIT_EXCEEDED", "JSON nested too deeply: refused as a resource attack",
                self.records, line), text=text)
