"""Drafting precursor notifications (the bundled ``wco-precursor`` family) from screening results.

One draft per message (or batch record) with an alert: one ``Chemical`` per goods item
and substance (the strongest hit of the item), the parties, route and transport the
message supplies. Facts the message cannot supply are either filled with a marked
value (``PLACEHOLDER_PREFIX``, where the notice needs the element) or left out; both
are listed in :attr:`Draft.placeholders` so that an officer completes them. Values are
copied whole: one that does not fit the notice (too long, a code outside its list) is
taken out by the validation below and listed with the reason, never cut short.

Every draft is validated with all layers of ``tradestd validate`` (schema, ``wco`` and
``precursor`` rules). An optional element that a layer rejects (a national country
code that is not ISO 3166, a package code outside Rec 21, a party with a name but no
address...) is taken out and listed too, and the draft validated again, so a written
draft passes; one that still fails is reported as such, never passed off as valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from ..atomicfile import write_atomic
from ..issues import Issue, Severity
from ..locate import find_element
from ..registry import bundled_registry
from ..rules.codelists import code_lists
from ..rules.view import local as local_name
from .facts import ItemFacts, Party, ShipmentFacts
from .screener import ALERT, Hit, ScreenResult

__all__ = ["PLACEHOLDER_PREFIX", "Draft", "draft_notification", "validated_draft",
           "write_drafts"]

NS = "urn:tradestd:wco:precursor:1.0"
PLACEHOLDER_PREFIX = "TO COMPLETE:"
_STRENGTH = {"cas": 0, "name": 1, "un": 2, "hs": 3}
_MAX_ROUNDS = 8
#: Children an element cannot do without (an error on them takes out the parent), and
#: elements never taken out (the notice is pointless without them).
_REQUIRED = {"PrecursorNotification": ("ID", "FunctionCode", "StatusCode", "VersionID"),
             "Chemical": ("Name", "CASRNID"), "TransportDocument": ("ID",),
             "DateTimeString": (), "IssueDateTime": ("DateTimeString",)}
_NEVER_REMOVED = frozenset({"PrecursorNotification", "Chemical", "NotifyingAdministration"})
_MASS_UNITS = {"KGM", "TNE", "GRM"}


@dataclass
class Draft:
    """One drafted notification: its XML, what the officer must complete, its verdict."""

    source: str
    record: int | None
    xml: bytes
    placeholders: list[str] = field(default_factory=list)
    issues: tuple[Issue, ...] = ()
    file: str | None = None

    @property
    def valid(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def summary_line(self) -> str:
        where = self.file or "(not written)"
        state = "passes validate" if self.valid else "FAILS validate"
        return (f"draft {where} for {self.source}" +
                (f" record {self.record}" if self.record is not None else "") +
                f": {state}; {len(self.placeholders)} facts to complete")

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "record": self.record, "file": self.file,
                "valid": self.valid, "to_complete": list(self.placeholders),
                "issues": [i.to_dict() for i in self.issues]}


def _el(parent: etree._Element, name: str, value: str | None = None,
        **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}", attrs)
    if value is not None:
        element.text = value
    return element


def _datetime(parent: etree._Element, name: str, moment: datetime) -> None:
    wrapper = _el(parent, name)
    _el(wrapper, "DateTimeString", moment.strftime("%Y%m%d%H%M%S") + "+0000",
        formatCode="304")


def _party(parent: etree._Element, role: str, party: Party | None,
           todo: list[str]) -> None:
    if party is None or not (party.name or party.id):
        todo.append(f"{role}: not in the message")
        return
    element = _el(parent, role)
    if party.name:
        _el(element, "Name", party.name)
    if party.id:
        _el(element, "ID", party.id, **({"schemeID": party.scheme} if party.scheme else {}))
    if party.country:
        address = _el(element, "Address")
        if party.city:
            _el(address, "CityName", party.city)
        _el(address, "CountryCode", party.country)
        if party.street:
            _el(address, "Line", party.street)
        if party.postcode:
            _el(address, "PostcodeID", party.postcode)


def _best_hits(hits: Sequence[Hit]) -> list[Hit]:
    """One hit per (goods item, substance), the strongest kind of evidence first."""
    chosen: dict[tuple[str, str], Hit] = {}
    for hit in sorted(hits, key=lambda h: _STRENGTH.get(h.matched, 9)):
        if hit.level != ALERT:
            continue
        key = (hit.item.path if hit.item else hit.path or "", hit.substance)
        chosen.setdefault(key, hit)
    by_item: dict[str, list[Hit]] = {}
    for (item, _), hit in chosen.items():
        by_item.setdefault(item, []).append(hit)
    best: list[Hit] = []
    for item_hits in by_item.values():
        named = [h for h in item_hits if h.matched != "hs"]
        # an HS code shared by several substances (282990) names none of them for sure
        best.extend(named or item_hits[:1])
    return best


def _quantity(item: ItemFacts | None, todo: list[str], label: str
              ) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """(net quantity, gross mass) as (value, unit); a missing unit is taken as KGM (noted)."""
    if item is None:
        return None, None
    found = {name: (value, unit) for name, value, unit in item.quantities}
    net = found.get("NetNetWeightMeasure") or found.get("NetWeightMeasure") or \
        found.get("QuantityQuantity")
    gross = found.get("GrossMassMeasure")
    result: list[tuple[str, str] | None] = []
    for pair in (net, gross):
        if pair is None:
            result.append(None)
            continue
        value, unit = pair
        if unit is None:
            todo.append(f"{label}: quantity {value} had no unit in the message; KGM assumed")
        result.append((value, (unit or "KGM").split("#")[0]))
    return result[0], result[1]


def _build(result: ScreenResult, facts: ShipmentFacts, hits: list[Hit],
           now: datetime) -> tuple[etree._Element, list[str]]:
    todo: list[str] = []
    lists = code_lists()
    root = etree.Element(f"{{{NS}}}PrecursorNotification", nsmap={None: NS})
    todo.append("DispatchDateTime and ExpectedArrivalDateTime: not in the message")
    _el(root, "FunctionCode", "9")
    reference = re.sub(r"[^A-Za-z0-9._/-]", "-", facts.message_id or "UNKNOWN")
    _el(root, "ID", f"DRAFT-{reference}"[:35])
    todo.append("ID: a draft reference made from the message ID; replace by the "
                "administration's notice number")
    _datetime(root, "IssueDateTime", now)
    _el(root, "StatusCode", "NOT")
    _el(root, "VersionID", "1")
    for number, hit in enumerate(hits, 1):
        substance_label = f"Chemical {number} ({hit.substance_name})"
        chemical = _el(root, "Chemical")
        listed = lists.by_cas
        cas = next((c for c in listed if listed[c].name.casefold() ==
                    hit.substance_name.casefold()), None)
        if hit.matched == "cas":
            cas = hit.text
        if cas:
            _el(chemical, "CASRNID", cas)
        else:
            todo.append(f"{substance_label}: CASRNID not known")
        todo.append(f"{substance_label}: ConcentrationMeasure and FormCode not in the message")
        item = hit.item
        if item is not None and item.description:
            _el(chemical, "Description", item.description)
        net, gross = _quantity(item, todo, substance_label)
        if gross is not None and gross[1] in _MASS_UNITS:
            _el(chemical, "GrossMassMeasure", gross[0], unitCode=gross[1])
        _el(chemical, "Name", hit.substance_name)
        if net is not None:
            _el(chemical, "QuantityQuantity", net[0], unitCode=net[1])
        else:
            todo.append(f"{substance_label}: quantity not in the message")
        _el(chemical, "SequenceNumeric", str(number))
        un = next((u for u in (item.un_numbers if item else ()) if u.isdigit()), None)
        if un:
            _el(chemical, "UNDGID", un)
        code = _hs6(hit, item, cas, lists)
        if code:
            row = _el(chemical, "Classification")
            _el(row, "ID", code)
            _el(row, "IdentificationTypeCode", "HS")
        else:
            todo.append(f"{substance_label}: HS subheading to confirm")
        for seq, (count, kind, marks) in enumerate(item.packages if item else (), 1):
            package = _el(chemical, "Packaging")
            if marks:
                _el(package, "MarksNumbersID", marks)
            if count and count.isdigit():
                _el(package, "QuantityQuantity", count)
            _el(package, "SequenceNumeric", str(seq))
            if kind:
                _el(package, "TypeCode", kind)
    _party(root, "Consignee", facts.party("Consignee") or facts.party("Importer"), todo)
    _party(root, "EndUser", facts.party("EndUser"), todo)
    _party(root, "Exporter", facts.party("Exporter") or facts.party("Consignor"), todo)
    _party(root, "Importer", facts.party("Importer"), todo)
    notifying = _el(root, "NotifyingAdministration")
    country = facts.responsible_country or facts.export_country
    if country:
        _el(notifying, "CountryCode", country)
    else:
        todo.append("NotifyingAdministration/CountryCode: not in the message")
    _el(notifying, "Name", f"{PLACEHOLDER_PREFIX} notifying administration")
    todo.append("NotifyingAdministration/Name: placeholder")
    destination = facts.destination_country
    if destination and destination != country:
        receiving = _el(root, "ReceivingAdministration")
        _el(receiving, "CountryCode", destination)
        _el(receiving, "Name", f"{PLACEHOLDER_PREFIX} receiving administration")
        todo.append("ReceivingAdministration/Name: placeholder")
    else:
        todo.append("ReceivingAdministration: destination administration not in the message")
    route = _el(root, "Route")
    if destination:
        _el(route, "DestinationCountryCode", destination)
    if facts.export_country:
        _el(route, "ExportCountryCode", facts.export_country)
    if facts.loading_location:
        _el(_el(route, "LoadingLocation"), "ID", facts.loading_location)
    for seq, transit in enumerate(facts.routing_countries, 1):
        if transit not in (destination, facts.export_country):
            row = _el(route, "TransitCountry")
            _el(row, "CountryCode", transit)
            _el(row, "SequenceNumeric", str(seq))
    if facts.unloading_location:
        _el(_el(route, "UnloadingLocation"), "ID", facts.unloading_location)
    if len(route) == 0:
        root.remove(route)
        todo.append("Route: not in the message")
    _transport(root, facts, todo)
    return root, todo


def _hs6(hit: Hit, item: ItemFacts | None, cas: str | None, lists: Any) -> str | None:
    allowed = lists.by_cas[cas].hs6 if cas and cas in lists.by_cas else ()
    for code in (hit.text if hit.matched == "hs" else "", *(item.commodity_codes if item else ())):
        digits = code.replace(".", "").replace(" ", "")[:6]
        if len(digits) == 6 and digits.isdigit() and (not allowed or digits in allowed):
            return digits
    return allowed[0] if allowed else None


def _transport(root: etree._Element, facts: ShipmentFacts, todo: list[str]) -> None:
    means = facts.transport
    transport = _el(root, "Transport")
    if means.conveyance_reference:
        _el(transport, "ConveyanceReferenceID", means.conveyance_reference)
    if means.id:
        _el(transport, "ID", means.id)
    if means.id_type:
        _el(transport, "IdentificationTypeCode", means.id_type)
    if means.mode:
        _el(transport, "ModeCode", means.mode)
    else:
        todo.append("Transport/ModeCode: not in the message")
    if means.name:
        _el(transport, "Name", means.name)
    if len(means.documents) > 9:
        todo.append(f"Transport/TransportDocument: {len(means.documents)} in the message, the "
                    f"notice holds 9; not carried: {', '.join(n for n, _ in means.documents[9:])}")
    for number, kind in means.documents[:9]:
        document = _el(transport, "TransportDocument")
        _el(document, "ID", number)
        if kind:
            _el(document, "TypeCode", kind)
    for seq, equipment in enumerate(means.equipment, 1):
        row = _el(transport, "TransportEquipment")
        _el(row, "ID", equipment)
        _el(row, "SequenceNumeric", str(seq))
    if len(transport) == 0:
        root.remove(transport)
        todo.append("Transport: not in the message")


def draft_notification(result: ScreenResult, now: datetime | None = None) -> Draft | None:
    """The draft notice for one result with an alert (``None`` without one)."""
    hits = _best_hits(result.hits)
    facts = result.facts
    if not hits or facts is None:
        return None
    root, todo = _build(result, facts, hits, now or datetime.now(UTC))
    return validated_draft(root, todo, result.path, result.record)


def validated_draft(root: etree._Element, todo: list[str], source: str,
                    record: int | None = None) -> Draft:
    """A drafted ``wco-precursor`` message checked with every layer of validate: the
    optional elements a layer rejects are taken out (and listed in ``todo``) until it
    passes or nothing more can go."""
    message_type = bundled_registry().get("wco-precursor")
    from ..validation import validate

    issues: tuple[Issue, ...] = ()
    for _ in range(_MAX_ROUNDS):
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        report = validate(data, message_type)
        issues = tuple(i for i in report.issues if i.severity is not Severity.INFO)
        errors = [i for i in issues if i.severity is Severity.ERROR]
        if not errors or not _prune(root, errors, todo):
            break
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Draft(source, record, data, todo, issues)


def _prune(root: etree._Element, errors: list[Issue], todo: list[str]) -> bool:
    """Take out the optional elements the errors point at; False when none can go."""
    removed = False
    for issue in errors:
        element = find_element(root, issue.path) if issue.path else None
        while element is not None and _needed(element):
            element = element.getparent()
        parent = element.getparent() if element is not None else None
        if element is None or parent is None or local_name(element) in _NEVER_REMOVED:
            continue
        value = " ".join(t.strip() for t in element.itertext() if t.strip()) or "(empty)"
        todo.append(f"{_where(element)}: {value!r} taken out ({issue.code}: {issue.message})")
        parent.remove(element)
        removed = True
    return removed


def _needed(element: etree._Element) -> bool:
    """An element its parent cannot do without: take out the parent instead."""
    parent = element.getparent()
    if parent is None:
        return False
    return local_name(element) in _REQUIRED.get(local_name(parent), ()) or \
        local_name(element) == "SequenceNumeric"


def _where(element: etree._Element) -> str:
    names = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        names.append(local_name(node))
        node = node.getparent()
    return "/".join(reversed(names))


def write_drafts(results: Sequence[ScreenResult], directory: str | Path) -> list[Draft]:
    """Draft and write a notice for every result with an alert; names from the source."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    drafts: list[Draft] = []
    used: set[str] = set()
    for result in results:
        draft = draft_notification(result)
        if draft is None:
            continue
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(result.path).stem)[:80] or "message"
        if result.record is not None:
            stem += f"-record{result.record}"
        name, n = f"{stem}.notification.xml", 1
        while name in used:
            n += 1
            name = f"{stem}-{n}.notification.xml"
        used.add(name)
        target = folder / name
        write_atomic(target, draft.xml)
        draft.file = str(target)
        drafts.append(draft)
    return drafts
