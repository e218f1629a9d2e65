"""Reading typed values out of WCO elements: date/time strings, masses, sequence numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from lxml import etree

from .view import child, decimal, text

__all__ = [
    "MASS_UNITS_KG",
    "base_unit",
    "digits",
    "mass_in_kg",
    "parse_datetime_string",
    "sequence_number",
    "wco_datetime",
]

#: UN/EDIFACT 2379 date/time formats: 102 CCYYMMDD, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS,
#: 303 CCYYMMDDHHMMZZZ and 304 CCYYMMDDHHMMSSZZZ, where the zone ZZZ is ``Z``, ``+hh`` or
#: ``+hhmm`` (national systems write ``20171001010000+01``).
_ZONE = r"(?P<zone>Z|[+-]\d{2}(?:\d{2})?)"
_DATE = r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
_HHMM = r"(?P<hour>\d{2})(?P<minute>\d{2})"
_FORMATS = {code: re.compile(f"^{pattern}$", re.ASCII) for code, pattern in {
    "102": _DATE, "203": _DATE + _HHMM, "204": _DATE + _HHMM + r"(?P<second>\d{2})",
    "303": _DATE + _HHMM + _ZONE, "304": _DATE + _HHMM + r"(?P<second>\d{2})" + _ZONE,
}.items()}
_EXPECTED = {"102": "8 digits CCYYMMDD", "203": "12 digits CCYYMMDDhhmm",
             "204": "14 digits CCYYMMDDhhmmss",
             "303": "12 digits CCYYMMDDhhmm and a zone (Z, +hh or +hhmm)",
             "304": "14 digits CCYYMMDDhhmmss and a zone (Z, +hh or +hhmm)"}

#: Rec 20 mass units and their size in kilograms, for comparing masses.
MASS_UNITS_KG = {"KGM": Decimal(1), "GRM": Decimal("0.001"), "MGM": Decimal("0.000001"),
                 "TNE": Decimal(1000), "LBR": Decimal("0.45359237")}


def parse_datetime_string(value: str, format_code: str | None) -> tuple[datetime | None, str | None]:
    """``(moment, None)`` or ``(None, reason)``; a moment without a zone (102, 203, 204) is
    taken as UTC, a 102 date as midnight."""
    pattern = _FORMATS.get(format_code or "")
    if pattern is None:
        given = (f"formatCode {format_code!r} is not" if format_code
                 else "formatCode is missing; it must name")
        return None, (f"{given} a UN/EDIFACT 2379 date/time format tradestd reads "
                      f"({', '.join(_FORMATS)})")
    match = pattern.match(value)
    if match is None:
        return None, f"formatCode {format_code} needs {_EXPECTED[format_code or '']}, got {value!r}"
    parts = match.groupdict()
    try:
        zone = _zone(parts["zone"]) if parts.get("zone") else UTC
        return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                        int(parts.get("hour") or 0), int(parts.get("minute") or 0),
                        int(parts.get("second") or 0), tzinfo=zone), None
    except ValueError as exc:
        return None, f"{value!r} is not a real date/time ({exc})"


_ZONES: dict[str, timezone] = {"Z": UTC}


def _zone(offset: str) -> timezone:
    """The zone of ``Z``, ``+hh`` or ``+hhmm`` (or ``-``; raises ValueError beyond 24 hours)."""
    zone = _ZONES.get(offset)
    if zone is None:
        minutes = int(offset[1:3]) * 60 + int(offset[3:5] or 0)
        zone = timezone(timedelta(minutes=minutes if offset[0] == "+" else -minutes))
        if len(_ZONES) < 1024:
            _ZONES[offset] = zone
    return zone


def wco_datetime(wrapper: etree._Element | None) -> datetime | None:
    """The moment held by a WCO date wrapper (``IssueDateTime/DateTimeString``), if valid."""
    if wrapper is None:
        return None
    string = child(wrapper, "DateTimeString")
    value = text(string)
    if string is None or value is None:
        return None
    moment, _ = parse_datetime_string(value, string.get("formatCode"))
    return moment


def base_unit(unit_code: str) -> str:
    """The Rec 20 code a unit code names: ``KGM#G`` (a national qualifier after ``#``) is ``KGM``."""
    return unit_code.partition("#")[0]


def mass_in_kg(element: etree._Element | None) -> Decimal | None:
    """A mass measure in kilograms, ``None`` if unknown. No unitCode means kilograms (the
    default national WCO DM implementations define); ``KGM#G`` is kilograms too."""
    value = decimal(element)
    if element is None or value is None:
        return None
    factor = MASS_UNITS_KG.get(base_unit(element.get("unitCode") or "KGM"))
    return None if factor is None else value * factor


def sequence_number(element: etree._Element) -> int | None:
    """The element's ``SequenceNumeric`` as an int, ``None`` when absent or not a whole number."""
    number = child(element, "SequenceNumeric")
    plain = digits(number)
    if plain is not None:
        return plain
    value = decimal(number)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def digits(element: etree._Element | None) -> int | None:
    """The element's text as an int when it is plain ASCII digits (the usual case, read
    without building a :class:`~decimal.Decimal`), ``None`` otherwise."""
    raw = element.text if element is not None else None
    if raw is not None and len(raw) < _MAX_PLAIN_DIGITS and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


#: Longer digit strings go the Decimal way (``int()`` refuses more than 4300 digits).
_MAX_PLAIN_DIGITS = 19
