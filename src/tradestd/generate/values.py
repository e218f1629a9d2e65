"""Values of XSD simple types: every built-in type and facet, lists, unions and QNames.

A value is drawn in the most specific way the type allows, then checked by xmlschema
against the whole type (every facet of every derivation step, value space comparisons):

1. an ``enumeration`` (the nearest one: a restriction can only narrow it): one of its
   lexical values that the whole type accepts;
2. a ``pattern`` (the nearest step; a value must also match the patterns of the steps
   above it, which the check decides): a string drawn from the pattern's exact
   translation (:mod:`.regexgen`); built-in types with patterns (``NCName``,
   ``language``...) come here too;
3. otherwise the primitive type: numbers inside the range and digit facets, dates,
   times, durations, binary data of the right length, URIs, QNames with a declared
   prefix, strings within the length facets.

A drawn value the check refuses is drawn again (a few times), then the facet bounds
themselves are tried; a type none of that satisfies is :class:`Unsatisfiable`.
"""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from typing import Any

from xmlschema import XMLResource
from xmlschema.validators.validation import DecodeContext

from ..convert.plan import simple_bases
from .chooser import Chooser, pick
from .regexgen import Unmatchable, compile_pattern, draw_length, draw_match

XS = "http://www.w3.org/2001/XMLSchema"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_ATTEMPTS = 12
#: the decimal digits every minimally conforming XSD processor supports (XML Schema 1.0
#: part 2, 3.2.3); drawn numbers stay within them where the facets allow
PORTABLE_DIGITS = 18
_WORDS = ("alpha", "bravo", "cargo", "delta", "echo", "freight", "goods", "harbour", "item",
          "lot", "manifest", "north", "port", "quay", "route", "sea", "trade", "vessel")


class Unsatisfiable(ValueError):
    """No value (or no instance) exists for a type or declaration."""


_FACETS: dict[tuple[int, str], tuple[Any, Any]] = {}


def _facet(xsd_type: Any, local: str) -> Any:
    """The nearest ``local`` facet of a simple type or its bases (remembered: the entry
    holds the type, so its id cannot be reused while the entry lives)."""
    key = (id(xsd_type), local)
    entry = _FACETS.get(key)
    if entry is not None and entry[0] is xsd_type:
        return entry[1]
    found = None
    for node in simple_bases(xsd_type):
        facet = getattr(node, "facets", {}).get(f"{{{XS}}}{local}")
        if facet is not None:
            found = facet
            break
    if len(_FACETS) > 200_000:
        _FACETS.clear()
    _FACETS[key] = (xsd_type, found)
    return found


def _facet_value(xsd_type: Any, local: str) -> Any:
    facet = _facet(xsd_type, local)
    return None if facet is None else facet.value


def builtin_name(xsd_type: Any) -> str:
    """The local name of the nearest built-in type a simple type derives from."""
    for node in simple_bases(xsd_type):
        name = getattr(node, "name", None) or ""
        if name.startswith(f"{{{XS}}}"):
            return name[len(XS) + 2:]
    return "anySimpleType"


class ValueMaker:
    """Draws values of the simple types of one schema; caches per type what it learns."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        #: namespace -> prefix declared on every generated root (QName values use them)
        self.prefixes = prefixes
        self.namespaces = {p: ns for ns, p in prefixes.items()}
        # a decoding context: list types need its options (xmlschema 4.0 reads them from
        # any context), and every release from 4.0 takes the source first
        self._context = DecodeContext(XMLResource("<value/>"), namespaces=self.namespaces)
        self._enums: dict[int, list[str]] = {}
        self._pattern_cache: dict[int, tuple[list[list[str]], tuple[int, int] | None]] = {}
        self._kinds: dict[int, str] = {}
        self._unsat: dict[int, str] = {}

    # -- public ----------------------------------------------------------------------

    def value(self, chooser: Chooser, xsd_type: Any) -> str:
        """A lexical value of ``xsd_type`` that xmlschema accepts. Where a pattern
        restricts a type that is not a string (a date written ``\\d{4}-\\d{2}-\\d{2}``),
        drawing from the pattern and drawing a value of the type alternate."""
        key = id(xsd_type)
        if key in self._unsat:
            raise Unsatisfiable(self._unsat[key])
        reason = f"no value satisfies the facets of {_type_label(xsd_type)}"
        for attempt in range(_ATTEMPTS):
            try:
                text = _normalized(xsd_type, self._draw(chooser, xsd_type, 0,
                                                        patterns=attempt % 2 == 0,
                                                        step=attempt // 2))
            except Unsatisfiable as exc:
                reason = str(exc)
                break
            if self.valid(xsd_type, text):
                return text
        for text in self._fallbacks(xsd_type):
            if self.valid(xsd_type, text):
                return text
        raise Unsatisfiable(reason)

    def satisfiable(self, xsd_type: Any) -> bool:
        """Whether the type has values (three seeded rounds of drawing; remembered)."""
        from .chooser import RandomChooser

        key = id(xsd_type)
        if key in self._unsat:
            return False
        reason = ""
        for seed in range(3):
            try:
                self.value(RandomChooser(seed), xsd_type)
                return True
            except Unsatisfiable as exc:
                reason = str(exc)
        self._unsat[key] = reason
        return False

    def valid(self, xsd_type: Any, text: str) -> bool:
        """Whether xmlschema accepts ``text`` as a value of ``xsd_type``: its decoder run on
        the text alone (the check :meth:`is_valid` makes, without wrapping the text into
        an XML resource first, which costs ten times more)."""
        context = self._context
        context.errors.clear()
        try:
            xsd_type.raw_decode(text, "lax", context)
        except Exception:  # noqa: BLE001 - a value the engine cannot judge is not used
            return False
        return not context.errors

    # -- drawing ---------------------------------------------------------------------

    def _draw(self, chooser: Chooser, xsd_type: Any, depth: int, *, patterns: bool = True,
              step: int = 0) -> str:
        if depth > 8:
            raise Unsatisfiable("simple types nested too deep")
        enumeration = self._enumeration(xsd_type)
        if enumeration is not None:
            if not enumeration:
                raise Unsatisfiable(f"no enumerated value of {_type_label(xsd_type)} satisfies "
                                    "its other facets")
            return pick(chooser, enumeration)
        if xsd_type.is_list():
            return self._list(chooser, xsd_type, depth)
        if xsd_type.is_union():
            members = list(_union_members(xsd_type))
            member = pick(chooser, members)
            return self._draw(chooser, member, depth + 1)
        steps, lengths = self._pattern_info(xsd_type)
        if steps and (patterns or self.kind(xsd_type) in _STRINGS):
            patterns_ = steps[step % len(steps)]
            try:
                compiled = compile_pattern(pick(chooser, patterns_))
                if lengths is not None:
                    low, high = lengths
                    found = draw_length(chooser, compiled, chooser.integer(low, min(high, low + 12)))
                    if found is not None:
                        return found
                return draw_match(chooser, compiled)
            except Unmatchable:
                pass
        return self._primitive(chooser, xsd_type)

    def _enumeration(self, xsd_type: Any) -> list[str] | None:
        key = id(xsd_type)
        if key in self._enums:
            return self._enums[key]
        facet = _facet(xsd_type, "enumeration")
        if facet is None:
            return None
        values = [e.get("value") for e in facet]
        found = [v for v in values if v is not None and self.valid(xsd_type, v)]
        self._enums[key] = found
        return found

    def _pattern_info(self, xsd_type: Any) -> tuple[list[list[str]], tuple[int, int] | None]:
        """The patterns of each derivation step, nearest first (a value matches one of each
        step's), and the length bounds to draw them to (cached). Drawing takes the steps
        in turn, so the most restrictive one is drawn from too."""
        key = id(xsd_type)
        found = self._pattern_cache.get(key)
        if found is None:
            patterns: list[list[str]] = []
            for node in simple_bases(xsd_type):
                facet = getattr(node, "facets", {}).get(f"{{{XS}}}pattern")
                if facet is not None:
                    patterns.append(list(facet.regexps))
            lengths = None
            if patterns and _has_length(xsd_type) and not builtin_name(xsd_type).endswith(
                    "Binary"):
                try:
                    lengths = _length_bounds(xsd_type, 0, 12)
                except Unsatisfiable:
                    lengths = None
            found = self._pattern_cache[key] = (patterns, lengths)
        return found

    def _list(self, chooser: Chooser, xsd_type: Any, depth: int) -> str:
        item = None
        for node in simple_bases(xsd_type):
            item = getattr(node, "item_type", None)
            if item is not None:
                break
        if item is None:
            raise Unsatisfiable(f"{_type_label(xsd_type)} is a list without an item type")
        low, high = _length_bounds(xsd_type, 1, 3)
        count = chooser.integer(low, min(high, low + 3))
        return " ".join(self.value(chooser, item) for _ in range(count))

    def kind(self, xsd_type: Any) -> str:
        """The built-in type that decides how values are drawn (cached): an integer type's
        own name, else the primitive type's."""
        key = id(xsd_type)
        found = self._kinds.get(key)
        if found is None:
            name = builtin_name(xsd_type)
            primitive = getattr(getattr(xsd_type, "primitive_type", None), "local_name", None)
            found = self._kinds[key] = name if name in _INTEGERS | _IDS else \
                (primitive or name)
        return found

    def _primitive(self, chooser: Chooser, xsd_type: Any) -> str:
        kind = self.kind(xsd_type)
        if kind in _INTEGERS or kind == "decimal":
            return self._decimal(chooser, xsd_type, integer=kind in _INTEGERS)
        maker = _PRIMITIVES.get(kind)
        if maker is not None:
            return str(maker(chooser, xsd_type))
        if kind == "QName":
            ns = pick(chooser, sorted(n for n in self.prefixes if n != _XSI) or [_XSI])
            return f"{self.prefixes[ns]}:{pick(chooser, ('Code', 'Item', 'Value'))}"
        if kind == "NOTATION":
            raise Unsatisfiable("an xs:NOTATION type without an enumeration has no values")
        return _string(chooser, xsd_type)

    def _decimal(self, chooser: Chooser, xsd_type: Any, *, integer: bool) -> str:
        digits = _facet_value(xsd_type, "totalDigits")
        # At most the 18 digits every minimally conforming processor must support (XML
        # Schema 1.0 part 2, 3.2.3): libxml2 before 2.14 refuses decimals over 24 digits.
        # A range that only longer numbers reach is drawn in full.
        low, high, fraction = self._decimal_range(xsd_type, digits, integer, PORTABLE_DIGITS)
        if low > high and digits is not None and int(digits) > PORTABLE_DIGITS:
            low, high, fraction = self._decimal_range(xsd_type, digits, integer, int(digits))
        if low > high:
            raise Unsatisfiable(f"the range of {_type_label(xsd_type)} is empty")
        small_low = max(low, Decimal(0) if low <= 0 <= high else low)
        small_high = min(high, small_low + 999)
        span_low, span_high = (small_low, small_high) if chooser.integer(0, 3) else (low, high)
        whole = chooser.integer(int(_ceil(span_low)), int(_floor(span_high)))
        if fraction and chooser.boolean():
            part = chooser.integer(0, 10 ** fraction - 1)
            text = f"{whole}.{str(part).rjust(fraction, '0')}"
            value = Decimal(text) if whole >= 0 else Decimal(f"-{abs(whole)}.{part}")
            if low <= value <= high:
                return text
        return str(whole)

    @staticmethod
    def _decimal_range(xsd_type: Any, digits: Any, integer: bool,
                       cap: int) -> tuple[Decimal, Decimal, int]:
        """The bounds of the whole part and the fraction digits, with at most ``cap`` digits
        in all (``low > high`` when the facets leave nothing)."""
        total = min(int(digits), cap) if digits is not None else None
        fraction = 0 if integer else _facet_value(xsd_type, "fractionDigits")
        fraction = min(2 if fraction is None else int(fraction),
                       total if total is not None else PORTABLE_DIGITS)
        whole_digits = (total - fraction) if total is not None else 9
        limit = Decimal(10) ** whole_digits - 1 if whole_digits > 0 else Decimal(0)
        low, high = -limit, limit
        for local, shift in (("minInclusive", 0), ("minExclusive", 1)):
            bound = _facet_value(xsd_type, local)
            if bound is not None:
                low = max(low, Decimal(str(bound)) + shift)
        for local, shift in (("maxInclusive", 0), ("maxExclusive", -1)):
            bound = _facet_value(xsd_type, local)
            if bound is not None:
                high = min(high, Decimal(str(bound)) + shift)
        return low, high, fraction

    def _fallbacks(self, xsd_type: Any) -> list[str]:
        found = []
        for local in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            facet = _facet(xsd_type, local)
            if facet is not None:
                lexical = facet.elem.get("value") if facet.elem is not None else None
                if lexical:
                    found.append(lexical)
        return found + ["0", "1", "a", "A"]


def _normalized(xsd_type: Any, text: str) -> str:
    """The value in the form the type's ``whiteSpace`` facet gives it (what is written is
    then what is checked: libxml2 measures some facets before normalising)."""
    mode = getattr(xsd_type, "white_space", None)
    if xsd_type.is_list() or xsd_type.is_union():
        mode = "collapse"
    if mode == "collapse":
        return " ".join(text.split(" ")).strip() if "  " not in text and "\t" not in text \
            and "\n" not in text and text == text.strip() else " ".join(text.split())
    if mode == "replace":
        return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return text


def _union_members(xsd_type: Any) -> list[Any]:
    for node in simple_bases(xsd_type):
        members = getattr(node, "member_types", None)
        if members:
            return list(members)
    return []


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_CEILING")


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_FLOOR")


def _type_label(xsd_type: Any) -> str:
    name = getattr(xsd_type, "name", None)
    if name:
        local = name.rpartition("}")[2]
        return f"the type {local}"
    parent = getattr(xsd_type, "parent", None)
    owner = getattr(parent, "name", None)
    return f"the anonymous type of {owner.rpartition('}')[2]}" if owner else "an anonymous type"


def _has_length(xsd_type: Any) -> bool:
    return any(_facet(xsd_type, local) is not None for local in ("length", "minLength",
                                                                "maxLength"))


def _length_bounds(xsd_type: Any, low: int, high: int) -> tuple[int, int]:
    exact = _facet_value(xsd_type, "length")
    if exact is not None:
        return int(exact), int(exact)
    minimum = _facet_value(xsd_type, "minLength")
    maximum = _facet_value(xsd_type, "maxLength")
    low = int(minimum) if minimum is not None else min(low, int(maximum or low))
    high = int(maximum) if maximum is not None else max(high, low)
    if low > high:
        raise Unsatisfiable(f"the length facets of {_type_label(xsd_type)} contradict")
    return low, high


def _string(chooser: Chooser, xsd_type: Any) -> str:
    low, high = _length_bounds(xsd_type, 1, 12)
    size = chooser.integer(low, min(high, low + 12))
    words: list[str] = []
    length = 0
    while length < size:
        word = pick(chooser, _WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:size]
    if text.endswith(" "):
        text = text[:-1] + "x"
    return text


def _binary(chooser: Chooser, xsd_type: Any, encode: Any) -> str:
    low, high = _length_bounds(xsd_type, 1, 8)
    size = chooser.integer(low, min(high, low + 8))
    data = bytes(chooser.integer(0, 255) for _ in range(size))
    return str(encode(data))


def _two(n: int) -> str:
    return str(n).rjust(2, "0")


def _date(chooser: Chooser) -> tuple[int, int, int]:
    year = chooser.integer(2020, 2030) if chooser.integer(0, 7) else chooser.integer(1900, 2099)
    month = chooser.integer(1, 12)
    return year, month, chooser.integer(1, 28)


def _zone(chooser: Chooser) -> str:
    return pick(chooser, ("", "", "Z", "+01:00", "-05:00"))


def _time(chooser: Chooser) -> str:
    return f"{_two(chooser.integer(0, 23))}:{_two(chooser.integer(0, 59))}:" \
        f"{_two(chooser.integer(0, 59))}"


def _date_text(chooser: Chooser, _: Any) -> str:
    year, month, day = _date(chooser)
    return f"{year}-{_two(month)}-{_two(day)}{_zone(chooser)}"


def _datetime_text(chooser: Chooser, _: Any) -> str:
    year, month, day = _date(chooser)
    return f"{year}-{_two(month)}-{_two(day)}T{_time(chooser)}{_zone(chooser)}"


def _duration(chooser: Chooser, _: Any) -> str:
    return pick(chooser, ("P1D", "PT1H", "P1Y2M", "PT30M", "P2DT3H", "-P1M"))


_INTEGERS = frozenset({"integer", "nonPositiveInteger", "negativeInteger", "long", "int",
                       "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
                       "unsignedShort", "unsignedByte", "positiveInteger"})

_IDS = frozenset({"ID", "IDREF", "IDREFS"})
#: kinds whose values a pattern describes fully (no value space of their own to draw from)
_STRINGS = frozenset({"string", "ID", "IDREF", "IDREFS", "anyURI", "anySimpleType",
                      "anyAtomicType"})

_PRIMITIVES: dict[str, Any] = {
    "boolean": lambda c, _: pick(c, ("true", "false", "1", "0")),
    "float": lambda c, _: pick(c, ("0", "1.5", "-2", "3.25E2", "INF")),
    "double": lambda c, _: pick(c, ("0", "1.5", "-2", "3.25E2", "INF")),
    "date": _date_text,
    "dateTime": _datetime_text,
    "dateTimeStamp": lambda c, t: _datetime_text(c, t).rstrip("Z") + "Z",
    "time": lambda c, _: _time(c) + _zone(c),
    "gYear": lambda c, _: str(_date(c)[0]),
    "gYearMonth": lambda c, _: "-".join((str(_date(c)[0]), _two(c.integer(1, 12)))),
    "gMonth": lambda c, _: f"--{_two(c.integer(1, 12))}",
    "gDay": lambda c, _: f"---{_two(c.integer(1, 28))}",
    "gMonthDay": lambda c, _: f"--{_two(c.integer(1, 12))}-{_two(c.integer(1, 28))}",
    "duration": _duration,
    "dayTimeDuration": lambda c, _: pick(c, ("P1D", "PT1H", "P2DT3H")),
    "yearMonthDuration": lambda c, _: pick(c, ("P1Y", "P2M", "P1Y2M")),
    "hexBinary": lambda c, t: _binary(c, t, lambda d: d.hex().upper()),
    "base64Binary": lambda c, t: _binary(c, t, lambda d: base64.b64encode(d).decode()),
    "anyURI": lambda c, _: pick(c, ("urn:example:", "https://example.org/", "item/"))
    + pick(c, _WORDS),
}


def as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
