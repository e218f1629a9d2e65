"""The shipment facts a precursor notification needs, read from any WCO DM message by local name.

Parties (exporter, importer, consignee, consignor, declarant, carrier, end user),
countries (export, destination, origin, routing, loading and unloading places),
transport (mode, means, transport documents, containers) and, per goods item, its
description, quantities and packages. Works on declarations, cargo reports and
precursor notifications alike; what a message does not carry stays ``None``/empty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from ..locate import element_path
from ..rules.view import MessageView, child, child_text, children, local, text

__all__ = ["ITEM_CLASSES", "ItemFacts", "Party", "ShipmentFacts", "Transport",
           "item_facts", "shipment_facts"]

#: Classes that are one goods item of a message (the unit a hit is reported for).
ITEM_CLASSES = frozenset({"GovernmentAgencyGoodsItem", "GoodsItem", "CommodityItem",
                          "ConsignmentItem", "Chemical"})
PARTY_ROLES = ("Exporter", "Importer", "Consignee", "Consignor", "Declarant", "Carrier",
               "EndUser", "Buyer", "Seller")
_MEANS = ("BorderTransportMeans", "DepartureTransportMeans", "ArrivalTransportMeans", "Transport")
_QUANTITIES = ("NetNetWeightMeasure", "NetWeightMeasure", "GrossMassMeasure",
               "QuantityQuantity", "TariffQuantity")


@dataclass(frozen=True, slots=True)
class Party:
    role: str
    name: str | None = None
    id: str | None = None
    scheme: str | None = None
    country: str | None = None
    city: str | None = None
    street: str | None = None
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class Transport:
    mode: str | None = None
    id: str | None = None
    id_type: str | None = None
    name: str | None = None
    conveyance_reference: str | None = None
    nationality: str | None = None
    documents: tuple[tuple[str, str | None], ...] = ()  # (number, type code)
    equipment: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One goods item: where it is and what it declares."""

    path: str
    line: int | None
    sequence: str | None = None
    description: str | None = None
    commodity_codes: tuple[str, ...] = ()
    quantities: tuple[tuple[str, str, str | None], ...] = ()  # (element, value, unitCode)
    packages: tuple[tuple[str | None, str | None, str | None], ...] = ()  # (count, type, marks)
    un_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShipmentFacts:
    message_id: str | None = None
    message_type: str | None = None
    family: str | None = None
    function_code: str | None = None
    type_code: str | None = None
    responsible_country: str | None = None
    parties: tuple[Party, ...] = ()
    export_country: str | None = None
    destination_country: str | None = None
    origin_countries: tuple[str, ...] = ()
    routing_countries: tuple[str, ...] = ()
    loading_location: str | None = None
    unloading_location: str | None = None
    transport: Transport = field(default_factory=Transport)

    def party(self, role: str) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        plain = _plain(asdict(self))
        assert isinstance(plain, dict)
        return plain


def _plain(value: Any) -> Any:
    """JSON's own types: tuples become lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _first_text(view: MessageView, *paths: tuple[str, ...]) -> str | None:
    for names in paths:
        for element in view.all(names[0]):
            value = child_text(element, *names[1:]) if len(names) > 1 else text(element)
            if value:
                return value
    return None


def _party(role: str, element: etree._Element) -> Party:
    address = child(element, "Address")
    id_el = child(element, "ID")
    return Party(role, child_text(element, "Name"), text(id_el),
                 id_el.get("schemeID") if id_el is not None else None,
                 child_text(address, "CountryCode") if address is not None else None,
                 child_text(address, "CityName") if address is not None else None,
                 child_text(address, "Line") if address is not None else None,
                 child_text(address, "PostcodeID") if address is not None else None)


def _transport(view: MessageView) -> Transport:
    means = next((m for name in _MEANS for m in view.all(name)), None)
    documents: dict[str, str | None] = {}
    for name in ("TransportContractDocument", "TransportDocument"):
        for doc in view.all(name):
            number = child_text(doc, "ID")
            if number and number not in documents:
                documents[number] = child_text(doc, "TypeCode")
    equipment = dict.fromkeys(v for e in view.all("TransportEquipment")
                              if (v := child_text(e, "ID")))
    if means is None:
        return Transport(documents=tuple(documents.items()), equipment=tuple(equipment))
    return Transport(child_text(means, "ModeCode"), child_text(means, "ID"),
                     child_text(means, "IdentificationTypeCode"), child_text(means, "Name"),
                     child_text(means, "ConveyanceReferenceID"),
                     child_text(means, "RegistrationNationalityCode"),
                     tuple(documents.items()), tuple(equipment))


def shipment_facts(view: MessageView) -> ShipmentFacts:
    """The message-level facts (parties, countries, transport) of one message."""
    payload = view.payload
    parties: list[Party] = []
    for role in PARTY_ROLES:
        found = view.all(role)
        if found:
            parties.append(_party(role, found[0]))
    office = child_text(payload, "DeclarationOfficeID")
    responsible = _first_text(view, ("ResponsibleCountryCode",))
    if responsible is None and office and office[:2].isalpha() and office[:2].isupper():
        responsible = office[:2]
    return ShipmentFacts(
        message_id=child_text(payload, "ID") or child_text(payload, "FunctionalReferenceID"),
        message_type=view.message_type, family=view.family,
        function_code=view.function_code, type_code=view.type_code,
        responsible_country=responsible, parties=tuple(parties),
        export_country=_first_text(view, ("ExportCountry", "ID"), ("ExportCountryCode",)),
        destination_country=_first_text(view, ("Destination", "CountryCode"),
                                        ("DestinationCountryCode",),
                                        ("ImportCountry", "ID")),
        origin_countries=tuple(dict.fromkeys(
            v for o in view.all("Origin") if (v := child_text(o, "CountryCode")))),
        routing_countries=tuple(dict.fromkeys(
            v for e in view.all("RoutingCountryCode") if (v := text(e)))),
        loading_location=_first_text(view, ("LoadingLocation", "ID")),
        unloading_location=_first_text(view, ("UnloadingLocation", "ID")),
        transport=_transport(view))


def goods_item(element: etree._Element) -> etree._Element | None:
    """The goods item an element belongs to (``None`` for header-level elements)."""
    node: etree._Element | None = element
    while node is not None:
        if local(node) in ITEM_CLASSES:
            return node
        node = node.getparent()
    return None


def item_facts(item: etree._Element) -> ItemFacts:
    """Description, commodity codes, quantities and packages of one goods item."""
    descriptions = [v for d in item.iterdescendants("{*}Description") if (v := text(d))]
    codes = [v for c in item.iterdescendants("{*}Classification")
             if (v := child_text(c, "ID"))]
    quantities = []
    for name in _QUANTITIES:
        for element in item.iterdescendants("{*}" + name):
            parent = element.getparent()
            if parent is not None and local(parent) in ("Packaging", "WriteOff"):
                continue
            value = text(element)
            if value:
                quantities.append((name, value, element.get("unitCode")))
    packages = tuple((child_text(p, "QuantityQuantity"), child_text(p, "TypeCode"),
                      child_text(p, "MarksNumbersID")) for p in children(item, "Packaging"))
    un_numbers = tuple(v for u in item.iterdescendants("{*}UNDGID") if (v := text(u)))
    return ItemFacts(element_path(item), item.sourceline, child_text(item, "SequenceNumeric"),
                     descriptions[0] if descriptions else child_text(item, "Name"),
                     tuple(codes), tuple(quantities), packages, un_numbers)
