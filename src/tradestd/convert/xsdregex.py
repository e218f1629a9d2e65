"""XSD regular expressions (``xs:pattern``) translated to JSON Schema ``pattern`` text.

Target dialect: the common part of ECMA 262 with the ``u`` flag (what JSON Schema
names) and Python's :mod:`re` (what the ``jsonschema`` package runs), with the same
meaning in both:

* the translation is anchored (``^...$(?!\\n)``: XSD patterns match the whole value,
  and ``(?!\\n)`` stops Python's ``$`` from matching before a final newline);
* every character class is written out as explicit code point ranges: ``\\d``,
  ``\\w``, ``\\s``, ``\\i``, ``\\c``, ``\\p{..}`` categories and ``\\p{Is..}`` blocks, their
  complements, ``.`` (not ``\\n`` or ``\\r``) and class subtraction ``[a-z-[aeiou]]``
  are computed as sets; a class built on Unicode categories (``\\d``, ``\\w``,
  ``\\p{Nd}``... and complements) is the union of two tables: XSD 1.0's (its Part 2,
  appendix F, takes categories from the Unicode of its day; libxml2, the first engine,
  validates with such tables, where U+1369..U+1371 are ``Nd``) and elementpath's current
  one (xmlschema, the second engine): a value either engine accepts passes;
* groups are non-capturing; ``^`` and ``$`` (ordinary characters in XSD) are escaped;
  characters that need it are written ``\\uXXXX`` (BMP) or as themselves (beyond the
  BMP: one code point under ``u`` and in Python).

A pattern applies to the value after the type's ``whiteSpace`` normalisation, while
the JSON carries the text (see docs/json-convention.md). :func:`translate` therefore
takes the ``whiteSpace`` facet: under ``replace`` a class that matches a space also
matches tab, newline and carriage return (exact); under ``collapse`` the translation is
exact for values without inner whitespace runs, and :attr:`Translation.spaces` tells
the caller whether the pattern can match a space at all (then values that are not in
collapsed form must be let through, see :data:`UNCOLLAPSED`).

Where a pattern cannot be translated (it does not parse, or a repeat count is beyond
Python's limit) :func:`translate` returns ``None``: the caller leaves the facet to the
XSD, so the JSON Schema is looser, never stricter.

Multi-character escapes written outside brackets (``\\w``, ``\\s``, ``\\d`` and their
complements) also match what Python's own class of that name matches: xmlschema (the
second validation engine) hands them to Python unchanged, so a value it accepts that
way is a valid value for tradestd, and the JSON Schema must accept it too.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass

from elementpath.regex import CharacterClass, RegexError, UnicodeSubset
from elementpath.regex.character_classes import get_charset_parts

__all__ = ["UNCOLLAPSED", "Translation", "alternatives", "anchored", "char_set", "literal",
           "translate"]

#: Range list: sorted, disjoint, non-adjacent inclusive (low, high) code point pairs.
Ranges = tuple[tuple[int, int], ...]

_MAX = sys.maxunicode
_REPEAT_LIMIT = 1 << 20
_WS = ((9, 10), (13, 13), (32, 32))
_TNR = ((9, 10), (13, 13))
_SPACE = ((32, 32),)
_ALL: Ranges = ((0, _MAX),)
#: A stripped value that is not in collapsed form (a tab, newline or CR, or two spaces).
UNCOLLAPSED = r"[\t\n\r]|  "
_SYNTAX = set("^$\\.*+?()[]{}|/")
_ESCAPES = set("nrt\\|.?*+(){}-[]^iIcC")
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")


@dataclass(frozen=True, slots=True)
class Translation:
    pattern: str
    #: whether some class of the pattern matches a space (collapse: see module doc)
    spaces: bool


class _Untranslatable(Exception):
    pass


# --------------------------------------------------------------------------- sets


def _normalize(pairs: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(pairs):
        if out and low <= out[-1][1] + 1:
            if high > out[-1][1]:
                out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return tuple(out)


def _union(a: Ranges, b: Ranges) -> Ranges:
    return _normalize(list(a) + list(b))


def _complement(a: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    last = 0
    for low, high in a:
        if low > last:
            out.append((last, low - 1))
        last = high + 1
    if last <= _MAX:
        out.append((last, _MAX))
    return tuple(out)


def _difference(a: Ranges, b: Ranges) -> Ranges:
    return _complement(_union(_complement(a), b))


def _contains(a: Ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in a)


def _from_subset(subset: UnicodeSubset) -> Ranges:
    pairs = [(cp, cp) if isinstance(cp, int) else (cp[0], cp[1] - 1)
             for cp in subset.codepoints]
    return _normalize(pairs)


def _from_class(cls: CharacterClass) -> Ranges:
    positive = _from_subset(cls.positive)
    if not cls.negative:
        return positive
    return _union(_complement(_from_subset(cls.negative)), positive)


#: XSD 1.0's Unicode character database. Its Part 2 (Second Edition), appendix F.1.1,
#: takes the categories of ``\p{..}``, ``\d`` and ``\w`` from the Unicode Database of
#: its day (3.1); Python ships the 3.2.0 database, the nearest, as libxml2's tables are.
_XSD10_UCD = unicodedata.ucd_3_2_0
_CATEGORY_REF = re.compile(r"\\([pP])\{([A-Z][a-z]?)\}")


@functools.cache
def _xsd10_categories() -> dict[str, Ranges]:
    """Category -> code points under :data:`_XSD10_UCD` (two-letter and one-letter)."""
    pairs: dict[str, list[tuple[int, int]]] = {}
    category = _XSD10_UCD.category
    start, current = 0, category(chr(0))
    for code in range(1, _MAX + 2):
        found = category(chr(code)) if code <= _MAX else ""
        if found != current:
            pairs.setdefault(current, []).append((start, code - 1))
            start, current = code, found
    table = {name: _normalize(runs) for name, runs in pairs.items()}
    for letter in "LMNPSZC":
        table[letter] = _normalize([r for name, runs in pairs.items() if name[0] == letter
                                    for r in runs])
    return table


def _xsd10_part(part: str) -> tuple[Ranges, bool] | None:
    """A category-based part of a character group under XSD 1.0's table: its code
    points and whether the part is a complement (``\\D``, ``\\W``, ``\\P{..}``)."""
    table = _xsd10_categories()
    if part in ("\\d", "\\D"):
        return table["Nd"], part == "\\D"
    if part in ("\\w", "\\W"):  # [#x0000-#x10FFFF]-[\p{P}\p{Z}\p{C}]
        return _complement(_union(_union(table["P"], table["Z"]), table["C"])), part == "\\W"
    match = _CATEGORY_REF.fullmatch(part)
    if match is not None and match.group(2) in table:
        return table[match.group(2)], match.group(1) == "P"
    return None


def _xsd10_set(charset: str, xsd_version: str, negative: bool) -> Ranges:
    """A character group body as XSD 1.0's Unicode tables make it (other parts as
    elementpath reads them); ``negative``: the group's complement, as elementpath
    forms it (its positive and negative parts swapped)."""
    plus: list[tuple[int, int]] = []
    minus: list[tuple[int, int]] = []
    for part in get_charset_parts(charset):
        found = _xsd10_part(part)
        if found is not None:
            (minus if found[1] else plus).extend(found[0])
            continue
        cls = CharacterClass(part, xsd_version)
        plus.extend(_from_subset(cls.positive))
        minus.extend(_from_subset(cls.negative))
    if negative:
        plus, minus = minus, plus
    if minus:
        return _union(_complement(_normalize(minus)), _normalize(plus))
    return _normalize(plus)


def _group_sets(charset: str, xsd_version: str,
                negative: bool = False) -> tuple[Ranges, Ranges]:
    """A character group body (``^``: ``negative``) under each table: elementpath's
    current Unicode, and XSD 1.0's."""
    cls = CharacterClass(charset, xsd_version)
    if negative:
        cls.complement()
    current = _from_class(cls)
    if not any(_xsd10_part(part) for part in get_charset_parts(charset)):
        return current, current
    return current, _xsd10_set(charset, xsd_version, negative)


def char_set(charset: str, xsd_version: str = "1.0") -> Ranges:
    """The code points of an XSD character group body (``a-z\\d``, no brackets): those
    of either table (see the module doc)."""
    return _union(*_group_sets(charset, xsd_version))


@functools.cache
def _python_class(name: str) -> Ranges:
    """What Python's ``\\w``/``\\s``/``\\d`` (str patterns) match, as ranges."""
    runs = re.compile(f"\\{name}+")
    pairs: list[tuple[int, int]] = []
    for low, high in ((0, 0xD7FF), (0xE000, _MAX)):
        text = array("I", range(low, high + 1)).tobytes().decode("utf-32-le" if
                                                                sys.byteorder == "little"
                                                                else "utf-32-be")
        pairs.extend((low + m.start(), low + m.end() - 1) for m in runs.finditer(text))
    return _normalize(pairs)


def _standalone(letter: str, xsd_version: str) -> Ranges:
    """``\\w`` and friends outside brackets: XSD's set, and Python's (see module doc)."""
    xsd = char_set("\\" + letter, xsd_version)
    lower = letter.lower()
    python = _python_class(lower)
    return _union(xsd, python if letter == lower else _complement(python))


# --------------------------------------------------------------------------- parsing


class _Parser:
    """Recursive descent over the XSD regex grammar (XML Schema 2, appendix F)."""

    def __init__(self, pattern: str, xsd_version: str, adjust: str) -> None:
        self.text = pattern
        self.pos = 0
        self.version = xsd_version
        self.adjust = adjust
        self.spaces = False

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expression(self) -> str:
        branches = [self.branch()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.branch())
        return "|".join(branches)

    def branch(self) -> str:
        pieces: list[str] = []
        while self.peek() not in ("", "|", ")"):
            pieces.append(self.piece())
        return "".join(pieces)

    def piece(self) -> str:
        atom = self.atom()
        char = self.peek()
        if char in ("?", "*", "+"):
            self.pos += 1
            return atom + char
        if char == "{":
            match = _QUANTIFIER.match(self.text, self.pos)
            if match is None:
                raise _Untranslatable(f"bad quantifier at {self.pos}")
            numbers = [int(n) for n in (match.group(1), match.group(3)) if n]
            if any(n > _REPEAT_LIMIT for n in numbers) or numbers != sorted(numbers):
                raise _Untranslatable("repeat count beyond the regex engines' limits")
            self.pos = match.end()
            return atom + match.group(0)
        return atom

    def atom(self) -> str:
        char = self.peek()
        if char == "(":
            self.pos += 1
            inner = self.expression()
            if self.peek() != ")":
                raise _Untranslatable("unbalanced parenthesis")
            self.pos += 1
            return f"(?:{inner})"
        if char == "[":
            return self.emit(_union(*self.class_expression()))
        if char == ".":
            self.pos += 1
            return self.emit(_complement(((10, 10), (13, 13))))
        if char == "\\":
            return self.emit(self.escape())
        if char in ("?", "*", "+", "{", "}", "]", ")"):
            raise _Untranslatable(f"unexpected {char!r} at {self.pos}")
        self.pos += 1
        return self.emit(((ord(char), ord(char)),))

    def escape(self) -> Ranges:
        start = self.pos
        if start + 1 >= len(self.text):
            raise _Untranslatable("pattern ends with a backslash")
        letter = self.text[start + 1]
        if letter in "pP":
            end = self.text.find("}", start)
            if end < 0 or self.text[start + 2:start + 3] != "{":
                raise _Untranslatable("bad \\p escape")
            self.pos = end + 1
            return char_set(self.text[start:end + 1], self.version)
        self.pos = start + 2
        if letter in "wWsSdD":
            return _standalone(letter, self.version)
        if letter not in _ESCAPES:
            raise _Untranslatable(f"unknown escape \\{letter}")
        return char_set("\\" + letter, self.version)

    def class_expression(self) -> tuple[Ranges, Ranges]:
        """``[`` group (``-[`` subtracted ``]``)? ``]``, as elementpath scans it: its
        code points under each table (see :func:`_group_sets`)."""
        text = self.text
        self.pos += 1
        negative = text[self.pos:self.pos + 1] == "^"
        if negative:
            self.pos += 1
        start = self.pos
        while True:
            if self.pos >= len(text):
                raise _Untranslatable("unterminated character class")
            char = text[self.pos]
            if char == "\\":
                self.pos += 2
            elif char == "]" or text.startswith("-[", self.pos):
                if self.pos == start:
                    raise _Untranslatable("empty character class")
                break
            elif char == "[":
                raise _Untranslatable("'[' inside a character class")
            else:
                self.pos += 1
        found = _group_sets(text[start:self.pos], self.version, negative)
        if text[self.pos] == "-":
            self.pos += 1
            subtracted = self.class_expression()
            found = (_difference(found[0], subtracted[0]), _difference(found[1], subtracted[1]))
            if self.peek() != "]":
                raise _Untranslatable("unterminated class subtraction")
        self.pos += 1
        return found

    # -- output ----------------------------------------------------------------------

    def emit(self, ranges: Ranges) -> str:
        if self.adjust != "preserve":
            had_space = _contains(ranges, 32)
            ranges = _difference(ranges, _TNR)
            if self.adjust == "replace" and had_space:
                ranges = _union(ranges, _TNR)
        if _contains(ranges, 32):
            self.spaces = True
        return render(ranges)


def render(ranges: Ranges) -> str:
    """One atom matching exactly the code points of ``ranges``."""
    if not ranges:
        return "[^\\s\\S]"  # matches nothing; quantifiable in both dialects
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0], in_class=False)
    positive = _class_body(ranges)
    negative = _class_body(_complement(ranges))
    if len(negative) < len(positive):
        return f"[^{negative}]" if negative else "[\\s\\S]"
    return f"[{positive}]"


def _class_body(ranges: Ranges) -> str:
    parts: list[str] = []
    for low, high in ranges:
        if low == high:
            parts.append(_char(low, in_class=True))
        elif high == low + 1:
            parts.append(_char(low, in_class=True) + _char(high, in_class=True))
        else:
            parts.append(f"{_char(low, in_class=True)}-{_char(high, in_class=True)}")
    return "".join(parts)


def _char(code: int, *, in_class: bool) -> str:
    char = chr(code)
    if char in _SYNTAX or (in_class and char == "-"):
        return "\\" + char
    if code > 0xFFFF:
        return char  # one code point under the u flag and in Python
    if 0xD800 <= code <= 0xDFFF or not char.isprintable() or char in "&~":
        return f"\\u{code:04X}"
    return char


def translate(pattern: str, whitespace: str = "preserve",
              xsd_version: str = "1.0") -> Translation | None:
    """The anchored ECMA 262 / Python translation of one XSD pattern, or ``None``
    where it cannot be made exact (the facet is then left to the XSD)."""
    parser = _Parser(pattern, xsd_version, whitespace)
    try:
        body = parser.expression()
        if parser.pos != len(pattern):
            raise _Untranslatable(f"unexpected {pattern[parser.pos]!r}")
    except (_Untranslatable, RegexError, RecursionError, IndexError, ValueError):
        return None
    return Translation(anchored(body), parser.spaces)


def alternatives(translations: list[Translation]) -> Translation:
    """Patterns of one derivation step: a value matches any one of them (XSD OR)."""
    if len(translations) == 1:
        return translations[0]
    body = "|".join(t.pattern for t in translations)
    return Translation(f"(?:{body})", any(t.spaces for t in translations))


def literal(text: str) -> str:
    """A pattern body matching exactly ``text`` (same escaping as translations)."""
    return "".join(_char(ord(c), in_class=False) for c in text)


def anchored(body: str) -> str:
    """``body`` anchored to the whole value, as translations are."""
    return f"^(?:{body})$(?!\\n)"
