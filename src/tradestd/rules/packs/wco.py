"""Generic WCO Data Model rules: code lists, identifiers and shapes every WCO DM message shares.

Written against WCO class and element local names only (``*Amount``, ``*Measure``,
``DateTimeString``, ``Packaging``, ``TransportEquipment``...), never against a namespace,
so ``tradestd validate --xsd national/*.xsd --rules wco`` applies them to any national
schema built from the WCO Data Model.

The principle: this pack reports what is wrong in *any* WCO DM implementation, never a
national choice. What WCO DM or the schema makes optional (a measure's ``unitCode``, an
amount's ``currencyID``) is at most information; formats are those of UN/EDIFACT 2379;
national codes (customs country codes such as ``XC`` or ``ZB``, national location codes)
come in through code lists (``--codelist``), and a code in no list in force is an error.
Units are the exception: beyond UNECE Rec 20, national tariff units are a national choice,
so a unit outside the list is an error only where the unit list is closed (a ``unit`` code
list given, or a bundled message type).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator

from lxml import etree

from ..codelists import identifiers
from ..engine import Finding, rule
from ..values import base_unit, digits, mass_in_kg, parse_datetime_string
from ..view import MessageView, child, children, decimal, either, local, text

PACK_ID = "wco"
PACK_VERSION = "2.1.0"
PACK_EFFECTIVE_FROM = "2026-12-07"
PACK_TITLE = "Generic WCO Data Model rules (any WCO DM-based schema)"

#: Classes that are parties (WCO DM party roles) and need an ID, a name or a role code.
PARTY_CLASSES = frozenset({
    "Declarant", "Exporter", "Importer", "Consignee", "Consignor", "Buyer", "Seller", "Agent",
    "Carrier", "Shipper", "NotifyParty", "Submitter", "EndUser", "Representative",
    "FreightForwarder", "Manufacturer",
})
#: Location classes whose ID is a UN/LOCODE in tradestd's bundled message types
#: (``TradeTerms/LocationID`` is one too). National schemas may put their own location codes
#: there, so in other schema sets only an ID that says it is a UN/LOCODE is checked.
LOCODE_CLASSES = frozenset({"LoadingLocation", "UnloadingLocation", "TransitLocation",
                            "DischargeLocation", "LoadingPort", "UnloadingPort"})
_SORTED_PARTIES = tuple(sorted(PARTY_CLASSES))
_SORTED_LOCODE_CLASSES = tuple(sorted(LOCODE_CLASSES))
#: A WCO class ID (two digits and a letter) or a locally assigned one (Z22, TSP01A).
CLASS_ID = re.compile(r"^(\d{2}[A-Z]|[A-Z]{1,3}\d{2,3}[A-Z]?)$")
#: IdentificationTypeCode values (and schemeIDs) that mark an ID as an IMO ship number.
IMO_TYPE_CODES = frozenset({"10", "IMO"})
#: ``schemeID``/``listID`` values that declare an ID to be a UN/LOCODE.
LOCODE_SCHEMES = frozenset({"UN/LOCODE", "UNLOCODE", "LOCODE"})
#: The shape of a UNECE Rec 20 unit code (every code of Revision 17 has it).
UNIT_CODE = re.compile(r"^[A-Z0-9]{2,3}$")
#: Child elements that identify a party by its role (the submitter's credentials say who).
ROLE_CODES = ("FunctionCode", "RoleCode")


def _leaf(element: etree._Element) -> bool:
    return not any(isinstance(c.tag, str) for c in element)


def _location(element: etree._Element) -> str:
    parent = element.getparent()
    name = local(element)
    return f"{local(parent)}/{name}" if parent is not None else name


def _unknown_codes(elements: Iterable[etree._Element], known: Container[str], what: str,
                   attribute: str | None = None) -> Iterator[Finding]:
    """Elements whose code (``attribute``, else their text) is not in ``known``."""
    for element in elements:
        code = element.get(attribute) if attribute else text(element)
        if code and code not in known:
            held = f"has {attribute} {code!r}" if attribute else f"is {code!r}"
            yield Finding(element, f"{_location(element)} {held}, which is not {what}")


def _without_attribute(msg: MessageView, suffix: str, attribute: str) -> Iterator[Finding]:
    for element in msg.ending(suffix):
        if not element.get(attribute) and _leaf(element):
            yield Finding(element, f"{_location(element)} is {text(element) or '(empty)'}"
                                   " without a "
                          f"{attribute}")


@rule("WCO-CUR-001", "info", "An amount without currencyID is in the national default currency")
def amount_has_currency(msg: MessageView) -> Iterator[Finding]:
    """WCO DM makes ``currencyID`` optional: an ``*Amount`` without it is in the currency the
    national implementation defines, so this is information, never an error."""
    yield from _without_attribute(msg, "Amount", "currencyID")


@rule("WCO-CUR-002", "error", "Currency codes are in the currency list in force (ISO 4217)")
def currency_known(msg: MessageView) -> Iterator[Finding]:
    """``currencyID`` attributes and ``*CurrencyCode``/``CurrencyTypeCode`` values exist in ISO
    4217 or a configured code list."""
    currencies = msg.codes.currencies.codes
    what = "in the currency code list in force (ISO 4217 or --codelist currency=...)"
    yield from _unknown_codes(msg.ending("Amount"), currencies, what, "currencyID")
    yield from _unknown_codes([*msg.all("CurrencyTypeCode"), *msg.all("CurrencyCode")],
                              currencies, what)


@rule("WCO-UNIT-001", "info", "A measure without unitCode is in the national default unit")
def measure_has_unit(msg: MessageView) -> Iterator[Finding]:
    """WCO DM makes ``unitCode`` optional: a ``*Measure`` without it is in the unit the
    national implementation defines (kilograms for masses), so this is information only."""
    yield from _without_attribute(msg, "Measure", "unitCode")


@rule("WCO-UNIT-002", "error", "Unit codes are in the unit list in force")
def unit_known(msg: MessageView) -> Iterator[Finding]:
    """A ``unitCode`` on a measure or quantity is a UNECE Rec 20 code (Revision 17) or a
    unit of the national list. National units are a national choice: tariff measurement
    units (``ASV``, ``GP1``), a currency as the base of a specific duty (``GBP``). So the
    list is closed, and a code outside it an error, only where the units in force are known:
    tradestd's bundled message types (Rec 20, as their schemas say) and any schema run with a
    ``unit`` code list (``--codelist unit=FILE``). Elsewhere only a code that cannot be a
    unit code at all (Rec 20 codes are 2-3 upper-case letters or digits) is an error. A
    national qualifier after ``#`` (``KGM#G``, gross kilograms) names the code before it."""
    units = msg.codes.units.codes
    closed = msg.codes.units_closed or msg.message_type is not None
    for element in [*msg.ending("Measure"), *msg.ending("Quantity")]:
        code = element.get("unitCode")
        if not code or code in units:
            continue
        base = base_unit(code)
        if base in units:
            continue
        if closed:
            yield Finding(element, f"{_location(element)} has unitCode {code!r}, which is not "
                          f"in the unit list in force ({msg.codes.units.title}, "
                          f"{msg.codes.units.version})")
        elif not UNIT_CODE.match(base):
            yield Finding(element, f"{_location(element)} has unitCode {code!r}, which is not "
                          "a unit code: UNECE Rec 20 codes are 2 or 3 upper-case letters or "
                          "digits")


@rule("WCO-DATE-001", "error", "Date/time strings match their formatCode",
      needs=["DateTimeString"])
def date_matches_format(msg: MessageView) -> Iterator[Finding]:
    """formatCode 102 is CCYYMMDD; 304 is CCYYMMDDhhmmss with a zone; the date must exist."""
    for element in msg.all("DateTimeString"):
        value = text(element) or ""
        _, problem = parse_datetime_string(value, element.get("formatCode"))
        if problem:
            yield Finding(element, f"{_location(either(element.getparent(), element))}: {problem}")


@rule("WCO-CTRY-001", "error",
      "Country codes are in the country list in force (ISO 3166-1 and configured codes)")
def country_known(msg: MessageView) -> Iterator[Finding]:
    """``*CountryCode``, ``*NationalityCode`` and ``*Country/ID`` values are known countries:
    ISO 3166-1, the customs extensions (XI, EU, XK) or a configured code list, which is how
    national customs codes (XC, XL, XS, ZB..ZW in the UK) come in."""
    elements = [*msg.ending("CountryCode"), *msg.ending("NationalityCode"),
                *(c for country in msg.ending("Country") for c in children(country, "ID"))]
    yield from _unknown_codes(elements, msg.codes.countries.codes,
                              "in the country code list in force (ISO 3166-1, XI, EU, XK, "
                              "or --codelist country=...)")


Numbered = tuple[etree._Element, int]  # the SequenceNumeric element and its value


def _numbered_groups(msg: MessageView) -> list[tuple[str, list[Numbered]]]:
    return msg.memo("wco.numbered_groups", _find_numbered_groups)


def _find_numbered_groups(msg: MessageView) -> list[tuple[str, list[Numbered]]]:
    """Siblings of one class numbered by ``SequenceNumeric``, grouped under their parent.

    References (an element whose only child is ``SequenceNumeric``) and ``Pointer`` steps
    are occurrence indexes, not numbering, and are left out.
    """
    groups: dict[tuple[etree._Element, str], list[Numbered]] = defaultdict(list)
    for number in msg.all("SequenceNumeric"):
        owner = number.getparent()
        if owner is None or len(owner) == 1:  # a reference: SequenceNumeric is all it has
            continue
        name = local(owner)
        parent = owner.getparent()
        if name == "Pointer" or parent is None:
            continue
        value = _whole_number(number)
        if value is not None:
            groups[(parent, name)].append((number, value))
    return [(name, numbers) for (_, name), numbers in groups.items()]


def _whole_number(element: etree._Element) -> int | None:
    """``int(decimal(element))``: the number, truncated."""
    plain = digits(element)
    if plain is not None:
        return plain
    value = decimal(element)
    return None if value is None else int(value)


@rule("WCO-SEQ-001", "error", "Sequence numbers are unique under each parent",
      needs=["SequenceNumeric"])
def sequence_unique(msg: MessageView) -> Iterator[Finding]:
    """Siblings of one class never share a ``SequenceNumeric``."""
    for name, numbers in _numbered_groups(msg):
        seen: set[int] = set()
        for element, value in numbers:
            if value in seen:
                yield Finding(element, f"{name} SequenceNumeric {value} is used twice")
            seen.add(value)


@rule("WCO-PARTY-001", "error", "A party is identified by an ID, a name or its role",
      needs=PARTY_CLASSES)
def party_identified(msg: MessageView) -> Iterator[Finding]:
    """Parties (Declarant, Exporter, Consignee, ...) must be identifiable: by an ``ID``, a
    ``Name``, or only by their role (``FunctionCode``, ``RoleCode``...) where the submitter's
    credentials say who they are (a CDS ``Agent`` with a ``FunctionCode`` alone). A party with
    none of these identifies nobody."""
    present = msg.names()
    for name in _SORTED_PARTIES:
        if name not in present:
            continue
        for party in msg.all(name):
            if text(child(party, "ID")) or text(child(party, "Name")):
                continue
            if any(text(child(party, role)) for role in ROLE_CODES):
                continue
            yield Finding(party, f"{name} has no ID, no Name and no role code: it identifies "
                          "no party")


@rule("WCO-ADDR-001", "warning", "Every address names its country",
      needs=["Address"])
def address_country(msg: MessageView) -> Iterator[Finding]:
    """An ``Address`` without ``CountryCode`` cannot be checked or routed. WCO DM makes the
    country optional (a national implementation may leave it out of domestic addresses),
    hence a warning."""
    for address in msg.all("Address"):
        if not text(child(address, "CountryCode")):
            yield Finding(address, f"{_location(address)} has no CountryCode")


@rule("WCO-MASS-001", "error", "Gross mass is at least the net mass",
      needs=["GoodsMeasure"])
def gross_not_below_net(msg: MessageView) -> Iterator[Finding]:
    """Within one ``GoodsMeasure``, ``GrossMassMeasure`` >= ``NetNetWeightMeasure``."""
    for measure in msg.all("GoodsMeasure"):
        gross_el, net_el = child(measure, "GrossMassMeasure"), child(measure, "NetNetWeightMeasure")
        gross, net = mass_in_kg(gross_el), mass_in_kg(net_el)
        if gross is not None and net is not None and gross < net:
            yield Finding(either(gross_el, measure), f"GrossMassMeasure is {text(gross_el)} "
                          f"{gross_el.get('unitCode', '') if gross_el is not None else ''} "
                          f"but NetNetWeightMeasure is {text(net_el)} "
                          f"{net_el.get('unitCode', '') if net_el is not None else ''}: "
                          "gross below net")


@rule("WCO-MODE-001", "error", "Transport mode codes are UNECE Rec 19")
def mode_known(msg: MessageView) -> Iterator[Finding]:
    """``*ModeCode`` values are one of the Rec 19 one-digit transport modes."""
    yield from _unknown_codes(msg.ending("ModeCode"), msg.codes.modes.codes,
                              "a UNECE Rec 19 transport mode (0-9)")


@rule("WCO-LOC-001", "error", "Location IDs that are UN/LOCODEs are well formed",
      needs=["ID", "LocationID"])
def locode_format(msg: MessageView) -> Iterator[Finding]:
    """An ID that is a UN/LOCODE is an ISO country code and three characters from A-Z and 2-9
    (``NLRTM``). An ID is a UN/LOCODE when its ``schemeID``/``listID`` says so and, in
    tradestd's bundled message types, the ID of a loading/unloading location and any
    ``LocationID``. National schemas put their own location codes in such elements (CDS goods
    locations), so there nothing else is checked. Codes of a configured ``location`` list are
    accepted too (``--codelist location:replace=FILE`` accepts only those)."""
    codes = msg.codes
    for element in _locode_elements(msg):
        value = text(element)
        if not value or value in codes.locations.codes:
            continue
        problem = ("not in the configured location code list" if codes.locodes_replaced
                   else identifiers.locode(value, codes.countries.codes))
        if problem:
            yield Finding(element, f"{_location(element)} {value!r} is {problem}")


def _schemed_ids(msg: MessageView) -> list[tuple[etree._Element, str]]:
    """``*ID`` elements that name their scheme (``schemeID``, else ``listID``), once per message."""
    return msg.memo("wco.schemed_ids", _find_schemed_ids)


def _find_schemed_ids(msg: MessageView) -> list[tuple[etree._Element, str]]:
    found = []
    for element in msg.ending("ID"):
        if element.attrib:
            scheme = element.get("schemeID") or element.get("listID")
            if scheme:
                found.append((element, scheme))
    return found


def _locode_elements(msg: MessageView) -> list[etree._Element]:
    schemed = [el for el, scheme in _schemed_ids(msg) if scheme.upper() in LOCODE_SCHEMES]
    if msg.message_type is None:  # a user's schema set: only IDs that say they are UN/LOCODEs
        return schemed
    bundled = [*msg.all("LocationID"),
               *(c for name in _SORTED_LOCODE_CLASSES
                 for place in msg.all(name) for c in children(place, "ID"))]
    return list(dict.fromkeys([*bundled, *schemed]))


def _package_types(msg: MessageView) -> Iterator[tuple[etree._Element, etree._Element]]:
    for packaging in msg.all("Packaging"):
        code = child(packaging, "TypeCode")
        if code is not None:
            yield packaging, code


@rule("WCO-PKG-001", "error", "Package type codes are UNECE Rec 21",
      needs=["Packaging"])
def package_type_known(msg: MessageView) -> Iterator[Finding]:
    """``Packaging/TypeCode`` is a two-character Rec 21 package type."""
    yield from _unknown_codes((code for _, code in _package_types(msg)),
                              msg.codes.packages.codes, "a UNECE Rec 21 package type")


@rule("WCO-PKG-002", "error", "Bulk and unpacked goods carry no package count",
      needs=["Packaging"])
def bulk_without_count(msg: MessageView) -> Iterator[Finding]:
    """Rec 21 bulk (VG VL VO VQ VR VS VY) and unpacked (NE NF NG) types have no count."""
    no_count = msg.codes.no_count_packages
    for packaging, code_el in _package_types(msg):
        code = text(code_el)
        if code not in no_count:
            continue
        quantity = child(packaging, "QuantityQuantity")
        count = decimal(quantity)
        if count is not None and count > 0:
            yield Finding(quantity if quantity is not None else packaging,
                          f"Packaging/TypeCode {code} is bulk or unpacked but "
                          f"QuantityQuantity is {text(quantity)}")


@rule("WCO-EQ-001", "warning", "Container numbers pass the ISO 6346 check digit",
      needs=["TransportEquipment"])
def container_number(msg: MessageView) -> Iterator[Finding]:
    """``TransportEquipment/ID`` is an ISO 6346 container number (owner, U/J/Z, serial, check)."""
    for equipment in msg.all("TransportEquipment"):
        id_el = child(equipment, "ID")
        value = text(id_el)
        if id_el is not None and value:
            problem = identifiers.container(value)
            if problem:
                yield Finding(id_el, f"TransportEquipment/ID {value!r} is {problem}")


@rule("WCO-IMO-001", "warning", "IMO ship numbers pass their check digit",
      needs=["ID"])
def imo_number(msg: MessageView) -> Iterator[Finding]:
    """An ID typed as IMO number (IdentificationTypeCode 10 or schemeID IMO) is a valid IMO number.

    Real ships carry numbers with bad check digits, hence a warning.
    """
    typed = [either(child(parent, "ID"), code) for code in msg.all("IdentificationTypeCode")
             if text(code) in IMO_TYPE_CODES and (parent := code.getparent()) is not None]
    schemed = [el for el in msg.all("ID") if el.get("schemeID") in IMO_TYPE_CODES]
    for id_el in dict.fromkeys([*typed, *schemed]):
        value = text(id_el)
        problem = identifiers.imo_number(value) if local(id_el) == "ID" and value else None
        if problem:
            yield Finding(id_el, f"{_location(id_el)} {value!r} is {problem}")


@rule("WCO-DG-001", "error", "UN dangerous goods numbers have four digits",
      needs=["UNDGID"])
def un_number(msg: MessageView) -> Iterator[Finding]:
    """``UNDGID`` is a four-digit UN number such as 1203."""
    for element in msg.all("UNDGID"):
        value = text(element) or ""
        if not (len(value) == 4 and value.isdigit()):
            yield Finding(element, f"UNDGID is {value!r}, not a four-digit UN number")


@rule("WCO-ID-001", "error", "Identifiers in a declared scheme (EORI, LEI) are well formed")
def scheme_identifiers(msg: MessageView) -> Iterator[Finding]:
    """IDs with ``schemeID="EORI"`` match the EORI format; ``schemeID="LEI"`` pass ISO 7064."""
    for element, scheme in _schemed_ids(msg):
        if scheme not in ("EORI", "LEI"):
            continue
        value = text(element)
        if not value:
            continue
        problem = (identifiers.eori(value, msg.codes.countries.codes) if scheme == "EORI"
                   else identifiers.lei_code(value))
        if problem:
            yield Finding(element, f"{_location(element)} {value!r} is {problem}")


@rule("WCO-CUR-003", "error", "An exchange rate names its currency",
      needs=["CurrencyExchange"])
def exchange_rate_currency(msg: MessageView) -> Iterator[Finding]:
    """``CurrencyExchange/RateNumeric`` needs ``CurrencyTypeCode`` to say what it converts,
    unless it is the message's only rate: then it converts the invoice currency (national
    implementations such as CDS declare the rate alone)."""
    exchanges = msg.all("CurrencyExchange")
    if len(exchanges) == 1 and any(a.get("currencyID") for a in msg.all("InvoiceAmount")):
        return
    for exchange in exchanges:
        rate = child(exchange, "RateNumeric")
        if rate is not None and not text(child(exchange, "CurrencyTypeCode")):
            yield Finding(rate, f"CurrencyExchange/RateNumeric is {text(rate) or '(empty)'} but no "
                          "CurrencyTypeCode says which currency it converts")


@rule("WCO-PTR-001", "error", "Pointer steps name a WCO class and an occurrence",
      needs=["Pointer"])
def pointer_steps(msg: MessageView) -> Iterator[Finding]:
    """Each ``Pointer`` has a ``DocumentSectionCode`` shaped like a WCO class ID (``42A``, or
    ``Z22`` for classes a schema numbers itself);
    ``TagID`` appears only on the last step of a chain."""
    owners = dict.fromkeys(p.getparent() for p in msg.all("Pointer"))
    for owner in owners:
        if owner is None:
            continue
        steps = children(owner, "Pointer")
        for index, step in enumerate(steps):
            section = text(child(step, "DocumentSectionCode")) or ""
            if not CLASS_ID.match(section):
                yield Finding(step, f"Pointer {index + 1} DocumentSectionCode {section!r} is "
                              "not a WCO class ID such as 42A (or a Z-numbered local class)")
            if child(step, "TagID") is not None and index != len(steps) - 1:
                yield Finding(step, f"Pointer {index + 1} of {len(steps)} has a TagID; only "
                              "the last step of a chain names an element")
