"""Value providers: realistic values where the WCO Data Model expects them.

A provider draws the text of an element or attribute. Users name where it applies by

* a WCO ID (``"D013"``, ``"R021"``): every element the set's WCO DM annotations give that
  ID (:meth:`tradestd.schemaset.SchemaSet.wco_ids`);
* an XPath of local names, absolute (``"/Declaration/GoodsShipment/Consignee/ID"``) or
  relative to any ancestor (``"//Consignee/ID"``); ``@name`` at the end names an
  attribute (``"//InvoiceAmount/@currencyID"``);
* a value: a callable taking the :class:`~.chooser.Chooser`, or a list of strings.

With ``realistic=True`` (``--rules`` or ``providers="wco"``) the built-in providers fill
the elements the WCO DM rule packs read, by local name, with codes from the packs' own
code lists (:mod:`tradestd.rules.codelists`): countries (ISO 3166-1), currencies (ISO
4217), Rec 20 units, Rec 19 modes, Rec 21 package types; UN/LOCODE-shaped locations;
EORI-shaped party IDs; HS codes; ISO 6346 container numbers and IMO numbers with valid
check digits (python-stdnum computes them); dates in the UN/EDIFACT 2379 format their
``formatCode`` names. A drawn value the schema refuses is not used (the generic value is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pycountry
from lxml import etree
from stdnum import imo as stdnum_imo
from stdnum import iso6346

from ..rules.codelists import code_lists
from ..rules.packs.wco import PARTY_CLASSES
from ..schemaset import SchemaSet
from .chooser import Chooser, pick

__all__ = ["Provider", "ProviderSpec", "Providers", "container_number", "edifact_datetime",
           "eori", "hs_code", "imo_number", "locode"]

Provider = Callable[[Chooser], str]
ProviderSpec = Mapping[str, "Provider | Sequence[str]"] | str | None

_COMMON_COUNTRIES = ("GB", "DE", "FR", "NL", "BE", "IE", "US", "CN", "JP", "IT", "ES", "PL")
_COMMON_CURRENCIES = ("EUR", "GBP", "USD", "CHF", "JPY", "CNY")
_HS_CHAPTERS = tuple(c for c in range(1, 98) if c != 77)
_OWNER_CODES = ("MSCU", "MAEU", "CMAU", "HLXU", "TGHU", "OOLU")
_LOCODE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789"
#: Rec 21 codes of real packages (never bulk or unpacked: those carry no count)
_PACKAGES = ("CT", "PK", "BX", "PX", "CS", "BG", "PL", "DR", "CR", "BA")
_MASS_UNITS = ("KGM",)


def _digits(chooser: Chooser, count: int) -> str:
    return "".join(str(chooser.integer(0, 9)) for _ in range(count))


def hs_code(chooser: Chooser, digits: int = 8) -> str:
    """An HS / CN / TARIC commodity code in an existing chapter (01-97, not 77)."""
    return f"{pick(chooser, _HS_CHAPTERS):02d}" + _digits(chooser, digits - 2)


def eori(chooser: Chooser) -> str:
    """An EORI-shaped number: country prefix and 12 digits (the GB and most EU form)."""
    return pick(chooser, _COMMON_COUNTRIES) + _digits(chooser, 12)


def locode(chooser: Chooser) -> str:
    """A UN/LOCODE-shaped code: a country and three characters from A-Z, 2-9."""
    return pick(chooser, _COMMON_COUNTRIES) + "".join(
        pick(chooser, _LOCODE_CHARS) for _ in range(3))


def container_number(chooser: Chooser) -> str:
    """An ISO 6346 container number with its check digit (python-stdnum)."""
    stem = pick(chooser, _OWNER_CODES) + _digits(chooser, 6)
    return stem + iso6346.calc_check_digit(stem)


def imo_number(chooser: Chooser) -> str:
    """An IMO ship identification number with its check digit (python-stdnum)."""
    stem = str(chooser.integer(1, 9)) + _digits(chooser, 5)
    return f"IMO{stem}{stdnum_imo.calc_check_digit(stem)}"


def edifact_datetime(chooser: Chooser, format_code: str = "102") -> str:
    """A date/time in a UN/EDIFACT 2379 format: 102 CCYYMMDD, 203 CCYYMMDDhhmm, 204
    CCYYMMDDhhmmss, 303/304 the same with a zone (``Z`` or ``+hh``)."""
    date = f"20{chooser.integer(24, 27)}{chooser.integer(1, 12):02d}{chooser.integer(1, 28):02d}"
    hhmm = f"{chooser.integer(0, 23):02d}{chooser.integer(0, 59):02d}"
    zone = pick(chooser, ("Z", "+01", "+0100", "-05", "-0500"))
    return {"102": date, "203": date + hhmm, "204": date + hhmm + "00",
            "303": date + hhmm + zone, "304": date + hhmm + "00" + zone}.get(format_code, date)


def _strip(name: object) -> str:
    return name.rpartition("}")[2] if isinstance(name, str) else ""


class Providers:
    """The providers of one factory; :meth:`lookup` is the generator's hook."""

    def __init__(self) -> None:
        self.by_path: list[tuple[tuple[str, ...], bool, Provider]] = []
        self.realistic = False
        self._codes: Any = None
        self._countries: Provider = _from_list(_COMMON_COUNTRIES)
        self._currencies: Provider = _from_list(_COMMON_CURRENCIES)

    @classmethod
    def build(cls, schema_set: SchemaSet, spec: ProviderSpec, realistic: bool) -> Providers:
        """Providers from a user's mapping (WCO IDs are looked up in ``schema_set``; an
        ID no element has raises ``ValueError``), plus the realistic ones if asked."""
        providers = cls()
        providers.realistic = realistic
        if realistic:
            providers._codes = code_lists()
            iso = {c.alpha_2 for c in pycountry.countries}
            countries = sorted(iso & set(providers._codes.countries.codes))
            currencies = sorted({c.alpha_3 for c in pycountry.currencies}
                                & set(providers._codes.currencies.codes))
            # mostly the common ones, now and then any other in ISO 3166-1 / ISO 4217
            providers._countries = _mixed(_COMMON_COUNTRIES, countries)
            providers._currencies = _mixed(_COMMON_CURRENCIES, currencies)
        if isinstance(spec, Mapping):
            for key, value in spec.items():
                provider = value if callable(value) else _from_list(list(value))
                if key.startswith("/"):
                    providers._add_path(key, provider)
                else:
                    paths = [n.path for n in schema_set.wco_ids.by_id(key)]
                    if not paths:
                        raise ValueError(f"no element of the schema set has the WCO ID {key}")
                    for path in paths:
                        providers._add_path("//" + path, provider)
        return providers

    def _add_path(self, key: str, provider: Provider) -> None:
        relative = key.startswith("//")
        steps = tuple(_strip(s.rpartition(":")[2]) if not s.startswith("@") else s
                      for s in key.strip("/").split("/") if s)
        self.by_path.append((steps, relative, provider))

    def lookup(self, element: etree._Element, attribute: str | None) -> Provider | None:
        if self.by_path:
            path = [_strip(e.tag) for e in (*reversed(list(element.iterancestors())),
                                                 element)]
            if attribute is not None:
                path.append("@" + _strip(attribute))
            for steps, relative, provider in self.by_path:
                if (relative and tuple(path[-len(steps):]) == steps) or \
                        (not relative and tuple(path) == steps):
                    return provider
        if self.realistic:
            return self._realistic(element, attribute)
        return None

    def wanted(self, parent: etree._Element, name: str) -> bool:
        """Optional children the rule packs expect (realistic mode): a party's ID and
        Name, a date's formatCode, an exchange rate's currency, a pointer's section."""
        if not self.realistic:
            return False
        owner = _strip(parent.tag)
        return (owner in _PARTIES and name in ("ID", "Name")) or \
            (owner == "GoodsShipment" and name == "GovernmentAgencyGoodsItem") or \
            (owner == "Declaration" and name in ("GoodsShipment", "Declarant",
                                                 "GoodsItemQuantity")) or \
            (owner == "Address" and name == "CountryCode") or \
            (owner == "DateTimeString" and name == "@formatCode") or \
            (owner == "CurrencyExchange" and name == "CurrencyTypeCode") or \
            (owner == "Pointer" and name == "DocumentSectionCode")

    def _realistic(self, element: etree._Element, attribute: str | None) -> Provider | None:
        name = _strip(element.tag)
        codes = self._codes
        if attribute is not None:
            attr = _strip(attribute)
            if attr == "currencyID":
                return self._currencies
            if attr == "unitCode":
                return _from_list(_MASS_UNITS if "Mass" in name or "Weight" in name
                                  else ("KGM", "LTR", "MTQ", "NAR"))
            if attr == "formatCode" and name == "DateTimeString":
                return _from_list(("102", "304"))
            if attr in ("schemeID", "listID"):
                return None
            return None
        parent = element.getparent()
        parent_name = _strip(parent.tag) if parent is not None else ""
        if name.endswith(("CountryCode", "NationalityCode")) or \
                (name == "ID" and parent_name.endswith("Country")):
            return self._countries
        if name in ("CurrencyCode", "CurrencyTypeCode") or name.endswith("CurrencyCode"):
            return self._currencies
        if name == "ModeCode" or name.endswith("ModeCode"):
            return _from_list(sorted(c for c in codes.modes.codes if c.isdigit()) or ("1",))
        if name == "TypeCode" and parent_name == "Packaging":
            return _from_list([c for c in _PACKAGES if c in codes.packages.codes])
        if name == "DateTimeString":
            return lambda chooser: edifact_datetime(chooser, element.get("formatCode") or "102")
        if name == "ID" and parent_name == "TransportEquipment":
            return container_number
        if name == "ID" and parent_name in ("Classification", "CommodityCode"):
            return hs_code
        if name in ("LocationID",) or (name == "ID" and parent_name.endswith(
                ("Location", "Port"))):
            return locode
        if name == "ID" and parent_name in _PARTIES:
            return eori
        if name == "DocumentSectionCode":
            return _from_list(("42A", "67A", "68A", "23A", "28A"))
        if name.endswith(("Measure", "Quantity", "Amount")) and name != "TypeCode":
            return _positive
        if name == "UNDGID":
            return lambda chooser: _digits(chooser, 4)
        return None


_PARTIES = PARTY_CLASSES


def _positive(chooser: Chooser) -> str:
    """A positive quantity, mass or amount: whole, or with two decimals."""
    whole = chooser.integer(1, 5000)
    return f"{whole}.{chooser.integer(0, 99):02d}" if chooser.boolean() else str(whole)


def _mixed(common: Sequence[str], every: Sequence[str]) -> Provider:
    common_list, every_list = list(common), list(every) or list(common)
    return lambda chooser: pick(chooser, every_list if chooser.integer(0, 3) == 3
                                else common_list)


def _from_list(values: Sequence[str]) -> Provider:
    options = list(values)
    return lambda chooser: pick(chooser, options)
