"""Code lists the rules check against: kept libraries first, shipped data files otherwise.

* ISO 3166-1 countries and ISO 4217 currencies come from ``pycountry``; customs
  extensions (``XI``, ``EU``, ``XK`` by default) are added by configuration.
* UNECE Rec 19 (transport modes), Rec 20 (units) and Rec 21 (package types) are data
  files in ``data/`` that name their source, version and retrieval date.
* The explosive-precursor list is ``data/precursors.json`` (sourced, versioned).
* A user's own files (``--codelist KIND=FILE``, :mod:`.user`) add to or replace a list:
  national country codes, currencies, units, package types, or location codes accepted
  where a UN/LOCODE is expected.

:class:`CodeLists` bundles them; :func:`code_lists` caches one per configuration.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pycountry

from ...codelistfiles import UserCodeList

__all__ = [
    "DEFAULT_COUNTRY_EXTENSIONS",
    "EXTENSION_KINDS",
    "CodeList",
    "CodeLists",
    "Substance",
    "UserCodeList",
    "code_lists",
    "data_file",
]

#: Countries customs systems use that ISO 3166-1 lacks: Northern Ireland, the EU, Kosovo.
DEFAULT_COUNTRY_EXTENSIONS = ("XI", "EU", "XK")
#: Code lists that configuration may extend, by the name used in ``[rules.extensions]``.
EXTENSION_KINDS = ("country", "currency", "unit", "package", "mode")


@dataclass(frozen=True)
class CodeList:
    """A set of codes with its provenance."""

    id: str
    title: str
    version: str
    source: str
    codes: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def extended(self, extra: Iterable[str]) -> CodeList:
        more = frozenset(extra)
        if not more:
            return self
        return CodeList(self.id, self.title, self.version + " + extensions " +
                        ",".join(sorted(more)), self.source, self.codes | more)

    def with_user_list(self, user: UserCodeList) -> CodeList:
        """This list plus the user's codes, or the user's codes alone when they replace it."""
        if user.replace:
            return CodeList(f"user-{user.kind}", f"{user.kind} codes from {user.source}",
                            "user file", user.source, user.codes)
        return CodeList(self.id, self.title, f"{self.version} + {user.source}",
                        f"{self.source} + {user.source}", self.codes | user.codes)


@dataclass(frozen=True)
class Substance:
    """One watched chemical: name, CAS RN and the HS subheadings it is declared under."""

    name: str
    cas: str
    hs6: tuple[str, ...]


def data_file(name: str) -> dict[str, Any]:
    """A JSON data file shipped in ``codelists/data``."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _from_file(name: str) -> CodeList:
    data = data_file(name)
    return CodeList(data["id"], data["title"], data["version"], data["source"],
                    frozenset(data["codes"]))


@functools.lru_cache(maxsize=1)
def _base() -> dict[str, CodeList]:
    version = getattr(pycountry, "__version__", None) or "installed"
    return {
        "country": CodeList("iso3166-1", "ISO 3166-1 alpha-2 country codes", f"pycountry {version}",
                            "pycountry", frozenset(c.alpha_2 for c in pycountry.countries)),
        "currency": CodeList("iso4217", "ISO 4217 currency codes", f"pycountry {version}",
                             "pycountry", frozenset(c.alpha_3 for c in pycountry.currencies)),
        "mode": _from_file("rec19.json"),
        "unit": _from_file("rec20.json"),
        "package": _from_file("rec21.json"),
    }


class CodeLists:
    """Every code list and the precursor table, with configured extensions applied."""

    def __init__(self, extensions: Mapping[str, Iterable[str]] | None = None,
                 user_lists: Iterable[UserCodeList] = ()) -> None:
        extensions = dict(extensions or {})
        unknown = set(extensions) - set(EXTENSION_KINDS)
        if unknown:
            raise ValueError(f"unknown code list(s) to extend: {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(EXTENSION_KINDS)}")
        base = _base()
        extensions.setdefault("country", ())
        extensions["country"] = (*DEFAULT_COUNTRY_EXTENSIONS, *extensions["country"])
        lists = {kind: base[kind].extended(c.upper() for c in extensions.get(kind, ()))
                 for kind in EXTENSION_KINDS}
        #: Codes accepted where a UN/LOCODE is expected, besides well-formed UN/LOCODEs.
        locations = CodeList("locations", "location codes accepted besides UN/LOCODEs",
                             "none", "user files", frozenset())
        #: True when a user list replaces UN/LOCODEs: only its codes are accepted.
        self.locodes_replaced = False
        #: True when the user gave the units in force (a ``unit`` list or extension): a unit
        #: code outside them is an error. Otherwise units beyond UNECE Rec 20 are a national
        #: choice (tariff units such as ``ASV``, a currency as a duty base) and stay open.
        self.units_closed = bool(extensions.get("unit")) or any(
            user.kind == "unit" for user in user_lists)
        for user in user_lists:
            if user.kind == "location":
                locations = locations.with_user_list(user)
                self.locodes_replaced = self.locodes_replaced or user.replace
            else:
                lists[user.kind] = lists[user.kind].with_user_list(user)
        self.locations = locations
        self.countries = lists["country"]
        self.currencies = lists["currency"]
        self.modes = lists["mode"]
        self.units = lists["unit"]
        self.packages = lists["package"]
        rec21 = data_file("rec21.json")
        self.bulk_packages = frozenset(rec21["bulk"])
        self.unpacked_packages = frozenset(rec21["unpacked"])
        #: Package types that carry no count: bulk and unpacked.
        self.no_count_packages = self.bulk_packages | self.unpacked_packages
        self.substances = _substances()
        self.by_cas = {s.cas: s for s in self.substances}

    def all(self) -> tuple[CodeList, ...]:
        return (self.countries, self.currencies, self.modes, self.units, self.packages)


@functools.lru_cache(maxsize=1)
def _substances() -> tuple[Substance, ...]:
    data = data_file("precursors.json")
    return tuple(Substance(s["name"], s["cas"], tuple(s["hs6"])) for s in data["substances"])


@functools.lru_cache(maxsize=32)
def _cached(key: tuple[tuple[str, tuple[str, ...]], ...],
            user_lists: tuple[UserCodeList, ...]) -> CodeLists:
    return CodeLists(dict(key), user_lists)


def code_lists(extensions: Mapping[str, Iterable[str]] | None = None,
               user_lists: Iterable[UserCodeList] = ()) -> CodeLists:
    """The shared :class:`CodeLists` for these extensions and user code lists (built once,
    then cached)."""
    key = tuple(sorted((k, tuple(sorted(v))) for k, v in (extensions or {}).items()))
    return _cached(key, tuple(user_lists))
