"""Identifier checks. Each returns ``None`` for a good value or the reason it is not.

Check digits come from python-stdnum where it has them (ISO 6346 containers, IMO ship
numbers, CAS RN, LEI); the rest are format checks written from the standards' rules:
air waybill (serial mod 7), EORI (country + up to 15 alphanumerics), UN/LOCODE
(country + 3 of ``A-Z2-9``), HS codes (chapter 01-97, 77 reserved).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from stdnum import casrn, imo, iso6346, lei
from stdnum.exceptions import ValidationError

__all__ = [
    "air_waybill",
    "cas_number",
    "container",
    "eori",
    "hs_code",
    "imo_number",
    "lei_code",
    "locode",
]


def _stdnum(check: Callable[[str], str], what: str) -> Callable[[str], str | None]:
    def run(value: str) -> str | None:
        try:
            check(value)
        except ValidationError as exc:
            return f"not a valid {what} ({str(exc).rstrip('.').lower()})"
        return None
    return run


container = _stdnum(iso6346.validate, "ISO 6346 container number")
imo_number = _stdnum(imo.validate, "IMO ship number")
cas_number = _stdnum(casrn.validate, "CAS registry number")
lei_code = _stdnum(lei.validate, "LEI")

_AWB = re.compile(r"^(\d{3})-?(\d{7})(\d)$")
_EORI = re.compile(r"^([A-Z]{2})[A-Z0-9]{1,15}$")
_LOCODE = re.compile(r"^([A-Z]{2})\s?[A-Z2-9]{3}$")
_DIGITS = re.compile(r"^\d+$")


def air_waybill(value: str) -> str | None:
    """``PPP-SSSSSSSC``: airline prefix, 7-digit serial, check digit = serial mod 7."""
    match = _AWB.match(value.replace(" ", ""))
    if match is None:
        return "not an air waybill number (3-digit prefix, 7-digit serial, check digit)"
    serial, check = int(match.group(2)), int(match.group(3))
    if serial % 7 != check:
        return f"air waybill check digit is {check} but serial {match.group(2)} mod 7 is {serial % 7}"
    return None


def eori(value: str, countries: Container[str]) -> str | None:
    match = _EORI.match(value)
    if match is None:
        return "not an EORI number (2-letter country code and up to 15 letters or digits)"
    if match.group(1) not in countries:
        return f"EORI country prefix {match.group(1)} is not a known country code"
    return None


def locode(value: str, countries: Container[str]) -> str | None:
    match = _LOCODE.match(value)
    if match is None:
        return "not a UN/LOCODE (2-letter country and 3 characters from A-Z, 2-9)"
    if match.group(1) not in countries:
        return f"UN/LOCODE country {match.group(1)} is not a known country code"
    return None


def hs_code(value: str, min_digits: int = 6) -> str | None:
    """Digits only, ``min_digits``..10 long, an existing HS chapter (01-97 less 77)."""
    code = value.replace(".", "").replace(" ", "")
    if not _DIGITS.match(code):
        return "an HS code has digits only"
    if not min_digits <= len(code) <= 10:
        return f"an HS code here has {min_digits} to 10 digits, not {len(code)}"
    chapter = int(code[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        return f"HS chapter {code[:2]} does not exist"
    return None
