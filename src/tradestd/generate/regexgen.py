"""Strings matching an XSD pattern (``xs:pattern``), drawn through a :class:`Chooser`.

The pattern goes through the project's exact XSD regex translation
(:mod:`tradestd.convert.xsdregex`: every class written out as code point ranges with
elementpath's Unicode tables, class subtraction computed), with one change: the
multi-character escapes ``\\w \\s \\d`` and complements written outside brackets mean
what both engines accept: their XSD sets (XML Schema 2, appendix F; libxml2) intersected
with Python's classes of those names (xmlschema's reading), where the translation takes
the union, so that what is drawn is valid for libxml2 as well as for xmlschema. The
Python form is then read with :mod:`re`'s own parser and walked: repeats shrink to their
minimum, alternatives to the first, characters to the first allowed one (ASCII letters and
digits are preferred, then other XML characters). Characters that are not XML 1.0 characters, and carriage
returns (a parser turns them into newlines), are never drawn.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

from ..convert import xsdregex
from .chooser import Chooser

#: re's own parser (public as ``sre_parse`` before Python 3.11, deprecated there since)
_sre_parse: Any = importlib.import_module("re._parser")
_sre_constants: Any = importlib.import_module("re._constants")

__all__ = ["Unmatchable", "compile_pattern", "draw_match"]

Ranges = tuple[tuple[int, int], ...]

#: XML 1.0 characters, without CR.
_XML_CHARS = ((0x9, 0xA), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))
#: Where characters are drawn from: ASCII letters and digits (mostly), else printable ASCII,
#: else the BMP's older blocks; only a class holding none of these draws from the rest.
#: libxml2's Unicode tables are older than elementpath's, so characters assigned or
#: recategorised later (``\d`` holds Myanmar digits; U+00A7 went from So to Po) are kept
#: out wherever the class allows.
_TIERS: tuple[Ranges, ...] = (((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
                              ((0x20, 0x7E),),
                              ((0x20, 0x7E), (0xA0, 0x1FFF), (0x3000, 0x33FF),
                               (0x4E00, 0x9FA5)))
_OPEN_REPEAT = 3  # extra repeats drawn beyond the minimum of an open-ended quantifier

_LITERAL = _sre_constants.LITERAL
_NOT_LITERAL = _sre_constants.NOT_LITERAL
_IN = _sre_constants.IN
_ANY = _sre_constants.ANY
_BRANCH = _sre_constants.BRANCH
_SUBPATTERN = _sre_constants.SUBPATTERN
_MAX_REPEAT = _sre_constants.MAX_REPEAT
_MIN_REPEAT = _sre_constants.MIN_REPEAT
_AT = _sre_constants.AT
_ASSERT_NOT = _sre_constants.ASSERT_NOT
_ASSERT = _sre_constants.ASSERT
_RANGE = _sre_constants.RANGE
_NEGATE = _sre_constants.NEGATE
_CATEGORY = _sre_constants.CATEGORY
_MAXREPEAT = _sre_constants.MAXREPEAT


class Unmatchable(ValueError):
    """The pattern matches no string of XML characters."""


class _ExactParser(xsdregex._Parser):
    """The translation, with ``\\w \\s \\d`` (and complements) written outside brackets
    meaning what both engines accept: the XSD set (libxml2) intersected with what Python's
    class of that name matches (xmlschema hands these escapes to Python unchanged, so it
    takes ``$`` for ``\\W`` and ``_`` for ``\\w``, where XSD says the opposite)."""

    def escape(self) -> xsdregex.Ranges:
        letter = self.text[self.pos + 1:self.pos + 2]
        if letter and letter in "wWsSdD":
            self.pos += 2
            xsd = xsdregex.char_set("\\" + letter, self.version)
            python = xsdregex._python_class(letter.lower())
            if letter != letter.lower():
                python = xsdregex._complement(python)
            return xsdregex._normalize(list(_intersect(xsd, python)))
        return super().escape()


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in a:
        for other_low, other_high in b:
            start, end = max(low, other_low), min(high, other_high)
            if start <= end:
                out.append((start, end))
    return tuple(sorted(out))


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str, xsd_version: str = "1.0") -> Any:
    """The parsed form of one XSD pattern (cached); raises :class:`Unmatchable` where it
    does not translate (then the caller draws otherwise and lets the check decide)."""
    parser = _ExactParser(pattern, xsd_version, "preserve")
    try:
        body = parser.expression()
        if parser.pos != len(pattern):
            raise Unmatchable(f"the pattern {pattern} does not parse")
        return _prepare(_sre_parse.parse(body))
    except (xsdregex._Untranslatable, re.error, RecursionError, IndexError, ValueError) as exc:
        raise Unmatchable(f"the pattern {pattern} cannot be translated") from exc


def _prepare(parsed: Any) -> list[tuple[Any, Any]]:
    """The parse tree with every class turned into XML-character ranges."""
    out: list[tuple[Any, Any]] = []
    for op, arg in parsed:
        if op is _IN:
            out.append((_IN, _class_ranges(arg)))
        elif op is _NOT_LITERAL:
            out.append((_IN, _difference_xml(((arg, arg),))))
        elif op is _ANY:
            out.append((_IN, _difference_xml(((10, 10),))))
        elif op is _LITERAL:
            out.append((_IN, _intersect(((arg, arg),), _XML_CHARS)))
        elif op is _BRANCH:
            out.append((_BRANCH, [_prepare(b) for b in arg[1]]))
        elif op is _SUBPATTERN:
            out.append((_SUBPATTERN, _prepare(arg[-1])))
        elif op in (_MAX_REPEAT, _MIN_REPEAT):
            low, high, inner = arg
            out.append((_MAX_REPEAT, (low, None if high == _MAXREPEAT else high,
                                      _prepare(inner))))
        elif op in (_AT, _ASSERT_NOT, _ASSERT):
            continue  # anchors: the whole value is drawn anyway
        else:
            raise Unmatchable(f"unsupported regex construct {op}")
    return out


def _difference_xml(excluded: Ranges) -> Ranges:
    """The XML characters outside ``excluded`` (the translation's own range algebra)."""
    return xsdregex._difference(_XML_CHARS, xsdregex._normalize(list(excluded)))


def _class_ranges(items: Any) -> Ranges:
    negate = False
    ranges: list[tuple[int, int]] = []
    for op, arg in items:
        if op is _NEGATE:
            negate = True
        elif op is _LITERAL:
            ranges.append((arg, arg))
        elif op is _RANGE:
            ranges.append(arg)
        elif op is _CATEGORY:
            raise Unmatchable("a Python class category in a translated pattern")
    merged = tuple(sorted(ranges))
    return _difference_xml(merged) if negate else _intersect(merged, _XML_CHARS)


def draw_match(chooser: Chooser, compiled: Any, max_repeat: int = _OPEN_REPEAT) -> str:
    """One string matching the compiled pattern."""
    out: list[str] = []
    _walk(chooser, compiled, out, max_repeat)
    return "".join(out)


def _walk(chooser: Chooser, items: list[tuple[Any, Any]], out: list[str], extra: int) -> None:
    for op, arg in items:
        if op is _IN:
            out.append(_char(chooser, arg))
        elif op is _BRANCH:
            branch = arg[chooser.integer(0, len(arg) - 1)]
            _walk(chooser, branch, out, extra)
        elif op is _SUBPATTERN:
            _walk(chooser, arg, out, extra)
        else:
            low, high, inner = arg
            top = low + extra if high is None else min(high, low + max(extra, 0) + 2)
            for _ in range(chooser.integer(low, max(low, top))):
                _walk(chooser, inner, out, extra)


@functools.lru_cache(maxsize=8192)
def _tiers(ranges: Ranges) -> tuple[tuple[Ranges, int], tuple[Ranges, int] | None]:
    """The ranges to draw from (first tier the class meets) and, for ASCII letters and
    digits, the wider second tier drawn one time in eight; each with its size."""
    for number, tier in enumerate(_TIERS):
        preferred = _intersect(ranges, tier)
        if preferred:
            wider = _intersect(ranges, _TIERS[1]) if number == 0 else None
            return _sized(preferred), (_sized(wider) if wider and wider != preferred
                                       else None)
    return _sized(ranges), None


def _sized(ranges: Ranges) -> tuple[Ranges, int]:
    return ranges, sum(high - low + 1 for low, high in ranges)


def _char(chooser: Chooser, ranges: Ranges) -> str:
    if not ranges:
        raise Unmatchable("a character class that holds no XML character")
    (ranges, total), wider = _tiers(ranges)
    if wider and chooser.integer(0, 7) == 7:
        ranges, total = wider
    index = chooser.integer(0, total - 1)
    if len(ranges) == 1:
        return chr(ranges[0][0] + index)
    for low, high in ranges:
        size = high - low + 1
        if index < size:
            return chr(low + index)
        index -= size
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- lengths


def length_range(items: list[tuple[Any, Any]]) -> tuple[int, float]:
    """The shortest and longest match of a compiled pattern (longest may be infinite)."""
    low, high = 0, 0.0
    for op, arg in items:
        a, b = _item_range(op, arg)
        low += a
        high += b
    return low, high


_RANGES: dict[int, tuple[Any, tuple[int, float]]] = {}


def _item_range(op: Any, arg: Any) -> tuple[int, float]:
    """Shortest and longest match of one item (remembered per compiled item)."""
    entry = _RANGES.get(id(arg))
    if entry is not None and entry[0] is arg:
        return entry[1]
    found = _compute_range(op, arg)
    if len(_RANGES) > 200_000:
        _RANGES.clear()
    _RANGES[id(arg)] = (arg, found)
    return found


def _compute_range(op: Any, arg: Any) -> tuple[int, float]:
    if op is _IN:
        return (1, 1.0) if arg else (0, -1.0)
    if op is _BRANCH:
        ranges = [length_range(b) for b in arg]
        return min(r[0] for r in ranges), max(r[1] for r in ranges)
    if op is _SUBPATTERN:
        return length_range(arg)
    low, high, inner = arg
    a, b = length_range(inner)
    return low * a, (float("inf") if high is None and b > 0 else (high or 0) * b)


def draw_length(chooser: Chooser, compiled: Any, target: int) -> str | None:
    """A match of exactly ``target`` characters, or ``None`` where there is none."""
    low, high = length_range(compiled)
    if not low <= target <= high:
        return None
    out: list[str] = []
    return "".join(out) if _sequence(chooser, compiled, target, out) else None


_BOUNDS: dict[int, tuple[Any, list[tuple[int, float, int, float]]]] = {}


def _bounds(items: list[tuple[Any, Any]]) -> list[tuple[int, float, int, float]]:
    """Per item: its shortest and longest match, and those of the items after it."""
    entry = _BOUNDS.get(id(items))
    if entry is not None and entry[0] is items:
        return entry[1]
    ranges = [_item_range(op, arg) for op, arg in items]
    found = []
    for index, (low, high) in enumerate(ranges):
        rest = ranges[index + 1:]
        found.append((low, high, sum(r[0] for r in rest), sum(r[1] for r in rest)))
    if len(_BOUNDS) > 200_000:
        _BOUNDS.clear()
    _BOUNDS[id(items)] = (items, found)
    return found


def _sequence(chooser: Chooser, items: list[tuple[Any, Any]], target: int,
              out: list[str]) -> bool:
    for (op, arg), (item_low, item_high, rest_low, rest_high) in zip(items, _bounds(items),
                                                                      strict=True):
        low = max(item_low, target - rest_high)
        high = min(item_high, target - rest_low)
        if low > high:
            return False
        size = chooser.integer(int(low), int(high))
        if not _item(chooser, op, arg, size, out):
            return False
        target -= size
    return target == 0


def _item(chooser: Chooser, op: Any, arg: Any, size: int, out: list[str]) -> bool:
    if op is _IN:
        out.append(_char(chooser, arg))
        return size == 1
    if op is _BRANCH:
        fitting = [b for b in arg if length_range(b)[0] <= size <= length_range(b)[1]]
        if not fitting:
            return False
        return _sequence(chooser, fitting[chooser.integer(0, len(fitting) - 1)], size, out)
    if op is _SUBPATTERN:
        return _sequence(chooser, arg, size, out)
    low, high, inner = arg
    a, b = length_range(inner)
    if size == 0:
        return low == 0 or a == 0 and _repeat_empty(chooser, inner, low, out)
    counts = [k for k in range(max(low, 1), (high if high is not None else size) + 1)
              if k * a <= size <= k * b][:8]
    if not counts:
        return False
    count = counts[chooser.integer(0, len(counts) - 1)]
    # share the size out among the copies, each within [a, b]
    shares = [a] * count
    left = size - a * count
    for i in range(count):
        add = min(left, int(min(b, size)) - a)
        shares[i] += add
        left -= add
    return all(_sequence(chooser, inner, share, out) for share in shares)


def _repeat_empty(chooser: Chooser, inner: Any, low: int, out: list[str]) -> bool:
    return all(_sequence(chooser, inner, 0, out) for _ in range(low))
