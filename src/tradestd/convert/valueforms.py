"""Every lexical form of one XSD value, as a regex body: enumerations and fixed values
compare in the value space (``1.0`` equals ``01.00``; ``0A`` equals ``0a``), while the
JSON carries the lexical form (docs/json-convention.md).

:func:`equal_forms` answers ``None`` where the forms equal to a value cannot be
written as one modest regex (a dateTime with a timezone equals a different local time
under every other offset; floats round; durations and booleans have several spellings
the converter may keep): the caller then leaves that enumeration to the XSD.
"""

from __future__ import annotations

import re

from .xsdregex import literal

__all__ = ["FAMILIES", "equal_forms"]

#: XSD primitive (local name) -> family of :func:`equal_forms`
FAMILIES = {
    "string": "exact", "anyURI": "exact", "decimal": "decimal", "hexBinary": "hex",
    "dateTime": "seconds", "time": "seconds", "date": "calendar", "gYear": "calendar",
    "gYearMonth": "calendar", "gMonth": "calendar", "gMonthDay": "calendar",
    "gDay": "calendar",
}

_TIMEZONE = re.compile(r"(?:Z|[+-][0-9]{2}:[0-9]{2})$")
_SECONDS = re.compile(r"^(.*[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]*))?$")
_DECIMAL = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?$")
_MIDNIGHT = re.compile(r"(?:^|T)(?:24|00):00:00$")


def equal_forms(family: str, lexical: str) -> str | None:
    """A regex body matching every lexical form (whitespace already collapsed) of the
    value ``lexical`` in ``family`` (see :data:`FAMILIES`; ``integer`` too)."""
    value = lexical.strip(" \t\n\r")
    if family == "exact":
        return literal(lexical)
    if family in ("decimal", "integer"):
        return _decimal(value)
    if family == "hex":
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else literal(c)
                       for c in value)
    if _TIMEZONE.search(value):
        return None
    if family == "calendar":
        return literal(value)
    if family == "seconds":
        match = _SECONDS.match(value)
        if match is None or _MIDNIGHT.search(match.group(1)):
            return None  # 24:00:00 is 00:00:00 of the next day
        fraction = (match.group(2) or "").rstrip("0")
        tail = rf"\.{fraction}0*" if fraction else r"(?:\.0*)?"
        return literal(match.group(1)) + tail
    return None


def _decimal(value: str) -> str | None:
    match = _DECIMAL.match(value)
    if match is None or not (match.group(2) or match.group(3)):
        return None
    sign, whole, fraction = match.group(1), match.group(2).lstrip("0"), \
        (match.group(3) or "").rstrip("0")
    if not whole and not fraction:
        return r"[+-]?(?:0+(?:\.0*)?|\.0+)"
    prefix = "-" if sign == "-" else r"\+?"
    if not fraction:
        return rf"{prefix}0*{whole}(?:\.0*)?"
    return rf"{prefix}0*{whole}\.{fraction}0*"
