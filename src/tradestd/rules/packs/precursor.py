"""Precursor-chemical shipment notification rules: CAS <-> substance <-> HS, units, lifecycle.

A valid CAS check digit does not prove the number names the declared substance, so the
pair (and the HS subheading) is checked against the shipped, versioned precursor list
(``codelists/data/precursors.json``). Status codes and their lifecycle are a tradestd
design (docs/messages/precursor.md): notified -> in transit -> arrived -> verified, or
diverted / detained / seized / released on the way.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..codelists import identifiers
from ..engine import Finding, rule
from ..values import sequence_number, wco_datetime
from ..view import MessageView, child, child_text, children, either, local, text

PACK_ID = "precursor"
PACK_VERSION = "1.0.0"
PACK_EFFECTIVE_FROM = "2026-11-27"
PACK_TITLE = "Explosive-precursor shipment notification rules"

FAMILY = ["precursor"]
STATUSES = {"NOT": "notified", "TRN": "in transit", "ARR": "arrived", "VER": "verified",
            "DIV": "diverted", "DET": "detained", "SEI": "seized", "REL": "released"}
#: Which status may follow which. A notice starts as NOT; VER is final, SEI may be released.
TRANSITIONS = {
    "NOT": {"TRN", "DIV", "DET", "SEI"},
    "TRN": {"TRN", "ARR", "DIV", "DET", "SEI"},
    "DIV": {"TRN", "ARR", "DET", "SEI"},
    "ARR": {"VER", "DET", "SEI", "REL"},
    "DET": {"REL", "SEI"},
    "REL": {"TRN", "ARR", "VER"},
    "SEI": {"REL"},
    "VER": set(),
}


def _chemicals(msg: MessageView) -> list[etree._Element]:
    return msg.all("Chemical")


def _cas(chemical: etree._Element) -> tuple[etree._Element | None, str | None]:
    element = child(chemical, "CASRNID")
    return element, text(element)


@rule("PRE-CAS-001", "error", "CAS registry numbers pass their check digit", families=FAMILY,
      needs=["CASRNID"])
def cas_check_digit(msg: MessageView) -> Iterator[Finding]:
    """``Chemical/CASRNID`` is a CAS RN with a correct check digit (python-stdnum)."""
    for chemical in _chemicals(msg):
        element, value = _cas(chemical)
        problem = identifiers.cas_number(value) if value else None
        if element is not None and problem:
            yield Finding(element, f"CASRNID {value!r} is {problem}")


@rule("PRE-CAS-002", "error", "The CAS number names the declared substance", families=FAMILY,
      needs=["CASRNID"])
def cas_matches_name(msg: MessageView) -> Iterator[Finding]:
    """For a listed CAS RN, ``Chemical/Name`` is the substance the list gives for it."""
    for chemical in _chemicals(msg):
        element, value = _cas(chemical)
        substance = msg.codes.by_cas.get(value or "")
        name = child_text(chemical, "Name")
        if element is not None and substance and name and \
                name.casefold() != substance.name.casefold():
            yield Finding(element, f"CASRNID {value} is {substance.name} on the precursor "
                          f"list, but the chemical is declared as {name!r}")


@rule("PRE-CAS-003", "warning", "The chemical is on the precursor list", families=FAMILY,
      needs=["CASRNID"])
def cas_listed(msg: MessageView) -> Iterator[Finding]:
    """A notified chemical's CAS RN is on the shipped precursor list (or the list is outdated)."""
    for chemical in _chemicals(msg):
        element, value = _cas(chemical)
        if element is not None and value and identifiers.cas_number(value) is None \
                and value not in msg.codes.by_cas:
            yield Finding(element, f"CASRNID {value} ({child_text(chemical, 'Name') or '(empty)'}"
                                   ") is not "
                          "on the precursor list")


@rule("PRE-HS-001", "error", "The HS code fits the substance", families=FAMILY,
      needs=["CASRNID"])
def hs_matches_cas(msg: MessageView) -> Iterator[Finding]:
    """A listed substance is classified under one of the HS subheadings the list gives for it."""
    for chemical in _chemicals(msg):
        _, value = _cas(chemical)
        substance = msg.codes.by_cas.get(value or "")
        if substance is None:
            continue
        for row in children(chemical, "Classification"):
            id_el = child(row, "ID")
            code = (text(id_el) or "").replace(".", "")
            if child_text(row, "IdentificationTypeCode") == "HS" and id_el is not None \
                    and code[:6] not in substance.hs6:
                yield Finding(id_el, f"HS code {code} does not fit {substance.name} (CAS "
                              f"{value}), listed under {', '.join(substance.hs6)}")


@rule("PRE-QTY-001", "error", "Chemical quantities carry a unit", families=FAMILY,
      needs=["Chemical", "SeizedQuantity"])
def quantity_has_unit(msg: MessageView) -> Iterator[Finding]:
    """``Chemical/QuantityQuantity`` and ``SeizedQuantity`` carry a Rec 20 ``unitCode``."""
    elements = [*(q for c in _chemicals(msg) for q in children(c, "QuantityQuantity")),
                *msg.all("SeizedQuantity")]
    for element in elements:
        if not element.get("unitCode"):
            parent = either(element.getparent(), element)
            yield Finding(element, f"{local(parent)}/{local(element)} is "
                                   f"{text(element) or '(empty)'}"
                                   " without "
                          "a unitCode")


def _status_elements(msg: MessageView) -> list[etree._Element]:
    return [*children(msg.payload, "StatusCode"),
            *(s for u in children(msg.payload, "StatusUpdate") for s in children(u, "StatusCode"))]


@rule("PRE-STAT-001", "error", "Status codes are from the notification lifecycle",
      families=FAMILY,
      needs=["StatusCode"])
def status_known(msg: MessageView) -> Iterator[Finding]:
    """Status codes are NOT TRN ARR VER DIV DET SEI REL."""
    for element in _status_elements(msg):
        code = text(element)
        if code not in STATUSES:
            yield Finding(element, f"StatusCode {repr(code) if code else '(empty)'} is not one of "
                          f"{', '.join(STATUSES)}")


@rule("PRE-STAT-002", "error", "Status updates follow the lifecycle", families=FAMILY,
      needs=["StatusUpdate"])
def status_transitions(msg: MessageView) -> Iterator[Finding]:
    """Each ``StatusUpdate`` (in SequenceNumeric order) is a permitted next step from the
    previous status, starting from NOT (notified)."""
    updates = sorted(children(msg.payload, "StatusUpdate"), key=lambda u: sequence_number(u) or 0)
    previous = "NOT"
    for update in updates:
        code = child_text(update, "StatusCode")
        if code is None or code not in STATUSES:
            continue
        if code not in TRANSITIONS[previous]:
            yield Finding(either(child(update, "StatusCode"), update),
                          f"status {code} ({STATUSES[code]}) cannot follow {previous} "
                          f"({STATUSES[previous]})")
        previous = code


@rule("PRE-STAT-003", "error", "The notice's status is its latest update's", families=FAMILY,
      needs=["StatusUpdate"])
def header_status_current(msg: MessageView) -> Iterator[Finding]:
    """The header ``StatusCode`` equals the ``StatusCode`` of the last ``StatusUpdate``."""
    updates = sorted(children(msg.payload, "StatusUpdate"), key=lambda u: sequence_number(u) or 0)
    header = child(msg.payload, "StatusCode")
    if not updates or header is None:
        return
    latest = child_text(updates[-1], "StatusCode")
    if latest and text(header) != latest:
        yield Finding(header, f"StatusCode is {text(header) or '(empty)'}"
                              " but the latest StatusUpdate "
                      f"({child_text(updates[-1], 'SequenceNumeric') or '(unnumbered)'}"
                      f") says {latest}")


@rule("PRE-SEI-001", "error", "A seizure records when, where and how much", families=FAMILY,
      needs=["StatusUpdate"])
def seizure_details(msg: MessageView) -> Iterator[Finding]:
    """A ``StatusUpdate`` with StatusCode SEI has ``EffectiveDateTime``, ``Location`` and
    ``SeizedQuantity``."""
    for update in children(msg.payload, "StatusUpdate"):
        if child_text(update, "StatusCode") != "SEI":
            continue
        missing = [n for n in ("EffectiveDateTime", "Location", "SeizedQuantity")
                   if child(update, n) is None]
        if missing:
            yield Finding(update, "seizure update "
                                  f"{child_text(update, 'SequenceNumeric') or '(unnumbered)'}"
                                  " "
                          f"lacks {', '.join(missing)}")


@rule("PRE-DATE-001", "error", "Dispatch is not after the expected arrival", families=FAMILY,
      needs=["ExpectedArrivalDateTime"])
def dispatch_before_arrival(msg: MessageView) -> Iterator[Finding]:
    """``DispatchDateTime`` <= ``ExpectedArrivalDateTime``."""
    dispatch = wco_datetime(child(msg.payload, "DispatchDateTime"))
    arrival_el = child(msg.payload, "ExpectedArrivalDateTime")
    arrival = wco_datetime(arrival_el)
    if arrival_el is not None and dispatch and arrival and arrival < dispatch:
        yield Finding(arrival_el, f"expected arrival {arrival.date()} is before dispatch "
                      f"{dispatch.date()}")


@rule("PRE-DATE-002", "error", "Status updates are in chronological order", families=FAMILY,
      needs=["StatusUpdate"])
def updates_in_order(msg: MessageView) -> Iterator[Finding]:
    """``StatusUpdate`` EffectiveDateTimes do not go back in time (SequenceNumeric order)."""
    updates = sorted(children(msg.payload, "StatusUpdate"), key=lambda u: sequence_number(u) or 0)
    latest = None
    for update in updates:
        moment = wco_datetime(child(update, "EffectiveDateTime"))
        if moment is None:
            continue
        if latest is not None and moment < latest:
            yield Finding(either(child(update, "EffectiveDateTime"), update),
                          f"status update {child_text(update, 'SequenceNumeric') or '(unnumbered)'}"
                          " is dated "
                          f"{moment.isoformat()}, before the previous one ({latest.isoformat()})")
        latest = max(latest, moment) if latest else moment


@rule("PRE-REF-001", "error", "Status updates refer to notified chemicals", families=FAMILY,
      needs=["ChemicalSequenceNumeric"])
def update_chemical_reference(msg: MessageView) -> Iterator[Finding]:
    """``StatusUpdate/ChemicalSequenceNumeric`` is the SequenceNumeric of a ``Chemical``."""
    declared = {sequence_number(c) for c in _chemicals(msg)}
    for update in children(msg.payload, "StatusUpdate"):
        for ref in children(update, "ChemicalSequenceNumeric"):
            number = text(ref)
            if number is not None and (not number.isdigit() or int(number) not in declared):
                yield Finding(ref, f"ChemicalSequenceNumeric {number} names no Chemical "
                              f"(declared: {', '.join(str(n) for n in sorted(d for d in declared if d))})")


@rule("PRE-LOC-001", "error", "A location's country agrees with its UN/LOCODE", families=FAMILY,
      needs=["LoadingLocation", "UnloadingLocation", "Location"])
def location_country(msg: MessageView) -> Iterator[Finding]:
    """Where a location has both ``CountryCode`` and a UN/LOCODE ``ID``, the LOCODE starts
    with that country."""
    for name in ("LoadingLocation", "UnloadingLocation", "Location"):
        for place in msg.all(name):
            country, locode = child_text(place, "CountryCode"), child_text(place, "ID")
            if country and locode and len(locode) == 5 and locode[:2] != country:
                yield Finding(either(child(place, "ID"), place), f"{name} ID {locode} is in "
                              f"{locode[:2]} but its CountryCode is {country}")
