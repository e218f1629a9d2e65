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


def _stdnum(check: Callable[[str], str], what: str,
            well_formed: Callable[[str], bool]) -> Callable[[str], str | None]:
    """python-stdnum's verdict on a value. ``well_formed`` is a quick test, written from
    the same standard, that accepts only values stdnum accepts: most values are good,
    and stdnum is then only asked to word what is wrong with the others."""
    def run(value: str) -> str | None:
        if well_formed(value):
            return None
        try:
            check(value)
        except ValidationError as exc:
            return f"not a valid {what} ({str(exc).rstrip('.').lower()})"
        return None
    return run


_CONTAINER = re.compile(r"[A-Z]{3}[UJZR][0-9]{7}")
#: ISO 6346 letter values: 10 upwards, skipping multiples of 11.
_CONTAINER_VALUES = {c: i for i, c in enumerate("0123456789A BCDEFGHIJK LMNOPQRSTU VWXYZ")
                     if c != " "}
_IMO = re.compile(r"[0-9]{7}")
_LEI = re.compile(r"[0-9A-Z]{20}")
_CAS = re.compile(r"[1-9][0-9]{1,6}-[0-9]{2}-[0-9]")


def _container_ok(value: str) -> bool:
    """Owner code, category U/J/Z/R, serial; check digit = sum(value * 2^i) mod 11 mod 10."""
    if _CONTAINER.fullmatch(value) is None:
        return False
    total = sum(_CONTAINER_VALUES[c] << i for i, c in enumerate(value[:10]))
    return total % 11 % 10 == int(value[10])


def _imo_ok(value: str) -> bool:
    """Seven digits; the last is sum(digit * (7 - i)) mod 10 over the first six."""
    if _IMO.fullmatch(value) is None:
        return False
    return sum(int(d) * (7 - i) for i, d in enumerate(value[:6])) % 10 == int(value[6])


def _lei_ok(value: str) -> bool:
    """ISO 17442: 20 characters whose base-36 digits, read as one number, are 1 mod 97."""
    return _LEI.fullmatch(value) is not None and \
        int("".join(str(int(c, 36)) for c in value)) % 97 == 1


def _cas_ok(value: str) -> bool:
    """CAS RN: the last digit is sum(digit * position from the right) mod 10."""
    if _CAS.fullmatch(value) is None:
        return False
    digits = value[:-1].replace("-", "")
    return sum((i + 1) * int(d) for i, d in enumerate(reversed(digits))) % 10 == int(value[-1])


container = _stdnum(iso6346.validate, "ISO 6346 container number", _container_ok)
imo_number = _stdnum(imo.validate, "IMO ship number", _imo_ok)
cas_number = _stdnum(casrn.validate, "CAS registry number", _cas_ok)
lei_code = _stdnum(lei.validate, "LEI", _lei_ok)

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
