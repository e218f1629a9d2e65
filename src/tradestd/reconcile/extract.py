"""Shipment facts for reconciliation, read by WCO ID from any WCO DM message.

Each element of a message is looked up in the WCO ID model of its schema set
(:mod:`tradestd.wco.ids`): the user's ``--xsd`` set, or the detected bundled type. An
element with a WCO ID is read for what its ID means (``R015`` consignee, coded; ``145``
commodity classification; ``128`` net net weight...), wherever the implementation puts it.
An element without one (a tradestd extension such as the precursor notification's ``ID``
and dates, or a message no schema set describes) is read by its local name, and the
evidence says which (``WCO ID R015`` or ``name Consignee/ID``).

Goods lines are the goods items (WCO class ``68A`` and the other item classes). They are
screened with the watch lists of ``tradestd screen``: only the lines with an alert count,
unless every line is asked for (``all_goods``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

from ..intake import XmlDocument, load_xml
from ..issues import Layer, Severity
from ..locate import element_path
from ..registry import DetectionError, bundled_registry
from ..rules.values import MASS_UNITS_KG, base_unit, parse_datetime_string
from ..rules.view import child_text, local
from ..schemaset import SchemaSet
from ..screen import ALERT, Hit, ScreeningValidator
from ..screen.facts import ITEM_CLASSES
from ..screen.options import ScreenOptions
from ..screen.screener import COMMODITY_TYPES

__all__ = ["EXPORT", "IMPORT", "Excluded", "Extractor", "Fact", "GoodsLine", "Shipment",
           "recipe"]

EXPORT = "export"
IMPORT = "import"
#: Precursor status codes that mean the goods reached the destination.
ARRIVAL_STATUSES = frozenset({"ARR", "VER"})
STATUS_NAMES = {"NOT": "notified", "TRN": "in transit", "ARR": "arrived", "VER": "verified",
                "DIV": "diverted", "DET": "detained", "SEI": "seized", "REL": "released"}

#: What a WCO ID means for reconciliation (WCO Data Model 3.x numbering, as the UK CDS
#: schemas and the bundled families annotate it).
BY_ID: dict[str, str] = {
    "016": "ucr", "015": "transport_document", "159": "container",
    "R014": "consignee_name", "R015": "consignee_id",
    "R037": "importer_name", "R038": "importer_id",
    "R020": "consignor_name", "R021": "consignor_id",
    "R031": "exporter_name", "R032": "exporter_id",
    "145": "hs", "128": "net_mass", "130": "tariff_quantity", "126": "gross_mass",
    "062": "dispatch_country", "465": "destination_country",
    "024": "exit_date", "023": "acceptance_date",
    "D026": "message_id", "D014": "message_id", "D011": "issue_date",
}
#: The same facts by local name (last steps of the path), for elements without a WCO ID.
BY_NAME: dict[tuple[str, ...], str] = {
    ("UCR", "ID"): "ucr",
    ("TransportDocument", "ID"): "transport_document",
    ("TransportContractDocument", "ID"): "transport_document",
    ("TransportEquipment", "ID"): "container",
    ("Consignee", "Name"): "consignee_name", ("Consignee", "ID"): "consignee_id",
    ("Importer", "Name"): "importer_name", ("Importer", "ID"): "importer_id",
    ("Consignor", "Name"): "consignor_name", ("Consignor", "ID"): "consignor_id",
    ("Exporter", "Name"): "exporter_name", ("Exporter", "ID"): "exporter_id",
    ("Classification", "ID"): "hs", ("CASRNID",): "cas",
    ("NetNetWeightMeasure",): "net_mass", ("Chemical", "QuantityQuantity"): "chemical_quantity",
    ("TariffQuantity",): "tariff_quantity", ("GrossMassMeasure",): "gross_mass",
    ("ExportCountry", "ID"): "dispatch_country", ("ExportCountryCode",): "dispatch_country",
    ("Destination", "CountryCode"): "destination_country",
    ("DestinationCountryCode",): "destination_country",
    ("PrecursorNotification", "ID"): "reference",
    ("PrecursorNotification", "VersionID"): "version",
    ("PrecursorNotification", "StatusCode"): "status",
    ("DispatchDateTime",): "dispatch_date", ("DepartureDateTime",): "dispatch_date",
    ("ExitDateTime",): "exit_date", ("AcceptanceDateTime",): "acceptance_date",
    ("ExpectedArrivalDateTime",): "expected_date", ("IssueDateTime",): "issue_date", ("ArrivalDateTime",): "arrival_date",
}
_LONGEST = max(len(k) for k in BY_NAME)
IDENTIFIER_KINDS = ("reference", "ucr", "transport_document", "container")
#: Which quantity a line is compared by, best first: net mass, the notified quantity,
#: the tariff quantity, gross mass.
_QUANTITY_ORDER = ("net_mass", "chemical_quantity", "tariff_quantity", "gross_mass")
_DATE_FACTS = frozenset({"exit_date", "acceptance_date", "dispatch_date", "expected_date",
                         "arrival_date", "issue_date"})


@dataclass(frozen=True, slots=True)
class Fact:
    """One value read from a message, with where it was and how it was recognised."""

    value: str
    line: int | None
    path: str
    by: str  #: ``WCO ID R015`` or ``name Consignee/ID``

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "line": self.line, "path": self.path, "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        return cls(str(data["value"]), data.get("line"), str(data["path"]), str(data["by"]))


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """One goods item that counts: its codes and its quantity (mass in kilograms)."""

    line: int | None
    path: str
    sequence: str | None
    hs: Fact | None = None
    cas: Fact | None = None
    substance: str | None = None  #: watch-list id (screened lines)
    substance_name: str | None = None
    quantity: Fact | None = None
    amount: float | None = None  #: the quantity in ``unit`` (kilograms for a mass)
    unit: str | None = None

    @property
    def goods_key(self) -> str:
        """What lines are compared by: the substance, else the CAS RN, else HS subheading."""
        if self.substance:
            return self.substance
        if self.cas is not None:
            return f"cas:{self.cas.value}"
        if self.hs is not None:
            return f"hs:{_digits(self.hs.value)[:6]}"
        return "goods:unknown"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "sequence": self.sequence,
                "goods": self.goods_key, "substance": self.substance_name,
                "hs": _fd(self.hs), "cas": _fd(self.cas), "quantity": _fd(self.quantity),
                "amount": self.amount, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GoodsLine:
        return cls(data.get("line"), str(data["path"]), data.get("sequence"),
                   _fact(data.get("hs")), _fact(data.get("cas")), data.get("substance_id"),
                   data.get("substance"), _fact(data.get("quantity")), data.get("amount"),
                   data.get("unit"))


@dataclass(frozen=True, slots=True)
class Shipment:
    """One message's shipment: identifiers, parties, route, dates and counted goods lines."""

    side: str
    file: str
    line: int | None
    kind: str  #: ``notification``, ``declaration``, ``cargo report``, ``status``
    reference: Fact | None = None
    version: str | None = None
    identifiers: tuple[tuple[str, Fact], ...] = ()
    facts: dict[str, Fact] = field(default_factory=dict)
    lines: tuple[GoodsLine, ...] = ()
    notes: tuple[str, ...] = ()

    def fact(self, name: str) -> Fact | None:
        return self.facts.get(name)

    @property
    def consignee(self) -> tuple[Fact | None, Fact | None]:
        """(ID, name) of the party the goods go to: consignee, else importer."""
        return (self.facts.get("consignee_id") or self.facts.get("importer_id"),
                self.facts.get("consignee_name") or self.facts.get("importer_name"))

    @property
    def consignor(self) -> tuple[Fact | None, Fact | None]:
        """(ID, name) of the party the goods come from: consignor, else exporter."""
        return (self.facts.get("consignor_id") or self.facts.get("exporter_id"),
                self.facts.get("consignor_name") or self.facts.get("exporter_name"))

    @property
    def message_id(self) -> str | None:
        """The notification reference, else the declaration's own reference."""
        fact = self.reference or self.facts.get("message_id")
        return fact.value if fact is not None else None

    @property
    def start_date(self) -> Fact | None:
        """Dispatch: the dispatch or exit date, else the acceptance of the declaration."""
        return self.facts.get("dispatch_date") or self.facts.get("exit_date") or \
            (self.facts.get("acceptance_date") if self.side == EXPORT else None)

    @property
    def arrival_date(self) -> Fact | None:
        """Arrival: the arrival date, else the acceptance of the import declaration, else
        the day it was issued (an import is declared on arrival)."""
        return self.facts.get("arrival_date") or self.facts.get("acceptance_date") or \
            (self.facts.get("issue_date") if self.kind != "status" else None)

    def label(self) -> str:
        ref = f" {self.message_id}" if self.message_id else ""
        return f"{self.kind}{ref} ({self.file}" + (f":{self.line})" if self.line else ")")

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "file": self.file, "line": self.line, "kind": self.kind,
                "reference": _fd(self.reference), "version": self.version,
                "identifiers": [{"kind": k, **f.to_dict()} for k, f in self.identifiers],
                "facts": {k: f.to_dict() for k, f in sorted(self.facts.items())},
                "lines": [ln.to_dict() | {"substance_id": ln.substance} for ln in self.lines],
                "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shipment:
        return cls(str(data["side"]), str(data["file"]), data.get("line"), str(data["kind"]),
                   _fact(data.get("reference")), data.get("version"),
                   tuple((str(i["kind"]), Fact.from_dict(i)) for i in data["identifiers"]),
                   {k: Fact.from_dict(v) for k, v in data["facts"].items()},
                   tuple(GoodsLine.from_dict(ln) for ln in data["lines"]),
                   tuple(data.get("notes", ())))


@dataclass(frozen=True, slots=True)
class Excluded:
    """An input that gives no shipment, and why."""

    path: str
    reason: str
    problem: bool = True  #: unreadable, invalid or of an unknown type (not: no precursor)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


def _fd(fact: Fact | None) -> dict[str, Any] | None:
    return fact.to_dict() if fact is not None else None


def _fact(data: dict[str, Any] | None) -> Fact | None:
    return Fact.from_dict(data) if data else None


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def iso_date(element: etree._Element) -> str | None:
    """The date a WCO date element (or its ``DateTimeString``) holds, ISO 8601."""
    string = element if local(element) == "DateTimeString" else \
        next(iter(element.iterchildren("{*}DateTimeString")), None)
    value = (string.text or "").strip() if string is not None else ""
    if not value or string is None:
        return None
    moment, _ = parse_datetime_string(value, string.get("formatCode"))
    if moment is None and len(value) >= 8 and value[:8].isdigit():  # a national variant
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()
        except ValueError:
            return None
    return moment.date().isoformat() if moment is not None else None


def _amount(fact_name: str, element: etree._Element) -> tuple[float | None, str | None]:
    """The quantity in kilograms for a mass (no unitCode: kilograms, as national WCO DM
    implementations define), else in its own unit."""
    try:
        value = Decimal((element.text or "").strip())
    except InvalidOperation:
        return None, None
    unit = element.get("unitCode")
    if fact_name in ("net_mass", "gross_mass") and not unit:
        unit = "KGM"
    base = base_unit(unit) if unit else None
    factor = MASS_UNITS_KG.get(base or "")
    if factor is not None:
        return float(value * factor), "KGM"
    return float(value), base


class _IdIndex:
    """Path of local names -> WCO ID, for one schema set (built once, kept)."""

    def __init__(self, schema_set: SchemaSet | None) -> None:
        self.by_path: dict[str, str] = {}
        self.paths: set[str] = set()
        self.roots: set[str] = set()
        if schema_set is None:
            return
        try:
            model = schema_set.wco_ids
        except Exception:  # noqa: BLE001 - a set without a usable model: names only
            return
        for node in model:
            if node.wco_id:
                self.by_path[node.path] = node.wco_id
            self.paths.add(node.path)
            self.roots.add(node.path.split("/", 1)[0])


def recipe(xsd: Sequence[str] = (), watchlists: Sequence[str] = (), bundled_list: bool = True,
           max_bytes: int | None = None, names: Sequence[str] = ()) -> ScreenOptions:
    """The screening recipe of a side (schema and watch lists; every layer validated):
    what a Dask job ships, and what :meth:`Extractor.from_recipe` builds from."""
    return ScreenOptions(None, tuple(xsd), max_bytes, tuple(watchlists), bundled_list,
                         validate=True, watchlist_names=tuple(names))


class Extractor:
    """Reads shipments from messages of one side, screened as ``tradestd screen`` does.

    ``xsd``: the user's schema set for this side (messages of a bundled type are still
    read under their own set); ``all_goods``: count every goods line, not only screened
    ones. Watch-list options are those of :class:`~tradestd.screen.options.ScreenOptions`.
    """

    def __init__(self, side: str, *, xsd: Sequence[str] = (), all_goods: bool = False,
                 watchlists: Sequence[str] = (), bundled_list: bool = True,
                 max_bytes: int | None = None, options: ScreenOptions | None = None) -> None:
        self.side = side
        self.all_goods = all_goods
        self.recipe = options or recipe(xsd, watchlists, bundled_list, max_bytes)
        self._bundled: ScreeningValidator = replace(self.recipe, xsd=()).build()
        self._user: ScreeningValidator | None = \
            self.recipe.build() if self.recipe.xsd else None
        self._indexes: dict[int, _IdIndex] = {}
        self.registry = bundled_registry()

    @classmethod
    def from_recipe(cls, side: str, options: ScreenOptions, all_goods: bool = False
                    ) -> Extractor:
        """An extractor for a side's recipe (a Dask worker's, with its local copies)."""
        return cls(side, all_goods=all_goods, options=options)

    def _index(self, schema_set: SchemaSet | None) -> _IdIndex:
        key = id(schema_set)
        if key not in self._indexes:
            self._indexes[key] = _IdIndex(schema_set)
        return self._indexes[key]

    def read(self, source: str | Path) -> Shipment | Excluded:
        """The shipment of one message (a file), or why it gives none."""
        return self.read_document(load_xml(str(source), self._bundled.limits))

    def read_document(self, doc: XmlDocument) -> Shipment | Excluded:
        if not doc.ok or doc.root is None:
            return Excluded(doc.name, _first_error(doc.issues, "it cannot be read"))
        schema_set: SchemaSet | None
        try:
            message_type = self.registry.detect(doc.root)
            validator, schema_set = self._bundled, message_type.schema_set()
        except DetectionError:
            if self._user is None:
                return Excluded(doc.name, f"the message type of root element "
                                f"{local(doc.root)} is not a bundled one: give its schema "
                                "set with --xsd")
            validator, schema_set = self._user, self._user.schema_set
        report = validator.validate_document(doc)
        hits = [i for i in report.issues if isinstance(i, Hit)]
        errors = [i for i in report.issues if not isinstance(i, Hit)  # business rules
                  and i.severity is Severity.ERROR  # do not exclude a message
                  and i.layer in (Layer.SYNTAX, Layer.SCHEMA)]
        if errors:
            where = f" (line {errors[0].line})" if errors[0].line else ""
            more = f", and {len(errors) - 1} more errors" if len(errors) > 1 else ""
            return Excluded(doc.name, f"invalid under its schema set: "
                            f"{errors[0].message.rstrip('.')}{where}{more}.")
        return self._shipment(doc, self._index(schema_set), hits)

    def _shipment(self, doc: XmlDocument, index: _IdIndex, hits: list[Hit]
                  ) -> Shipment | Excluded:
        assert doc.root is not None
        header: dict[str, Fact] = {}
        identifiers: dict[tuple[str, str], Fact] = {}
        items: dict[etree._Element, dict[str, Fact]] = {}
        item_amounts: dict[etree._Element, dict[str, tuple[float | None, str | None]]] = {}
        statuses: list[tuple[str, Fact | None]] = []
        payload = doc.root
        for element, names, path in _walk(doc.root, index):
            if element is not doc.root and "/" not in path and payload is doc.root:
                payload = element  # the message inside its envelope (its WCO DM root)
            wco_id = index.by_path.get(path)
            fact_name = BY_ID.get(wco_id) if wco_id else None
            by = f"WCO ID {wco_id}"
            if wco_id is None:
                fact_name, by = _by_name(names)
            if local(element) in ITEM_CLASSES or wco_id == "68A":
                items.setdefault(element, {})
                continue
            if local(element) == "StatusUpdate":
                code = child_text(element, "StatusCode")
                when = next(iter(element.iterchildren("{*}EffectiveDateTime")), None)
                statuses.append((code or "", _date_fact(when, by="name StatusUpdate/"
                                                        "EffectiveDateTime")
                                 if when is not None else None))
                continue
            if fact_name is None:
                continue
            if fact_name in _DATE_FACTS:
                value = iso_date(element)
            else:
                value = (element.text or "").strip() or None
            if not value:
                continue
            parent = element.getparent()
            if fact_name == "hs":
                kind = child_text(parent, "IdentificationTypeCode") if parent is not None \
                    else None
                if kind is not None and kind.upper() not in COMMODITY_TYPES:
                    continue
            fact = Fact(value, element.sourceline, element_path(element), by)
            if fact_name == "reference":
                payload = parent if parent is not None else payload
            item = _item_of(element)
            if fact_name in IDENTIFIER_KINDS and fact_name != "reference":
                identifiers.setdefault((fact_name, value), fact)
            elif item is not None and fact_name in ("hs", "cas", *_QUANTITY_ORDER):
                found = items.setdefault(item, {})
                found.setdefault(fact_name, fact)
                if fact_name in _QUANTITY_ORDER:
                    item_amounts.setdefault(item, {})[fact_name] = _amount(fact_name, element)
            else:
                header.setdefault(fact_name, fact)
        reference = header.pop("reference", None)
        version = header.pop("version", None)
        status = header.pop("status", None)
        kind = _kind(doc.root, payload)
        if reference is not None:
            identifiers[("reference", reference.value)] = reference
        if kind == "notification" and self.side == IMPORT:
            arrived = [(code, when) for code, when in statuses if code in ARRIVAL_STATUSES]
            latest = statuses[-1][0] if statuses else (status.value if status else "NOT")
            if not arrived and latest not in ARRIVAL_STATUSES:
                return Excluded(doc.name, f"a status notification whose latest status is "
                                f"{latest} ({STATUS_NAMES.get(latest, 'unknown')}): not an "
                                "arrival", problem=False)
            kind = "status"
            arrival = arrived[0][1] if arrived else None
            if arrival is not None:
                header["arrival_date"] = arrival
        lines = self._lines(items, item_amounts, hits)
        if not lines:
            what = "goods line" if self.all_goods else "goods line on the watch lists"
            return Excluded(doc.name, f"no {what}: nothing to reconcile", problem=False)
        return Shipment(self.side, doc.name, payload.sourceline, kind, reference,
                        version.value if version else None,
                        tuple((k, f) for (k, _), f in identifiers.items()), header,
                        tuple(lines))

    def _lines(self, items: dict[etree._Element, dict[str, Fact]],
               amounts: dict[etree._Element, dict[str, tuple[float | None, str | None]]],
               hits: list[Hit]) -> list[GoodsLine]:
        screened: dict[str, Hit] = {}
        for found_hit in sorted(hits, key=lambda h: {"cas": 0, "name": 1, "un": 2, "hs": 3}
                          .get(h.matched, 9)):
            if found_hit.level == ALERT and found_hit.item is not None:
                screened.setdefault(found_hit.item.path, found_hit)
        lines = []
        for element, found in items.items():
            path = element_path(element)
            hit = screened.get(path)
            if hit is None and not self.all_goods:
                continue
            quantity = next((q for q in _QUANTITY_ORDER if q in found), None)
            amount, unit = amounts.get(element, {}).get(quantity or "", (None, None))
            cas = found.get("cas")
            if cas is None and hit is not None and hit.matched == "cas":
                cas = Fact(hit.text, hit.line, hit.path or path, "screening (CAS RN in text)")
            lines.append(GoodsLine(element.sourceline, path, child_text(element,
                                                                         "SequenceNumeric"),
                                   found.get("hs"), cas, hit.substance if hit else None,
                                   hit.substance_name if hit else None,
                                   found.get(quantity) if quantity else None, amount, unit))
        return lines


def _date_fact(element: etree._Element, by: str) -> Fact | None:
    value = iso_date(element)
    return Fact(value, element.sourceline, element_path(element), by) if value else None


def _first_error(issues: Sequence[Any], default: str) -> str:
    for issue in issues:
        if issue.severity is Severity.ERROR:
            where = f" (line {issue.line})" if issue.line else ""
            return f"{issue.message.rstrip('.')}{where}."
    return default


def _walk(root: etree._Element, index: _IdIndex
          ) -> Iterator[tuple[etree._Element, tuple[str, ...], str]]:
    """Every element with its local-name chain (from the outermost element) and its path
    in the schema set's WCO ID model (restarted at an element the model has as a root)."""
    stack: list[tuple[etree._Element, tuple[str, ...], str]] = [(root, (local(root),),
                                                                 local(root))]
    while stack:
        element, names, path = stack.pop()
        yield element, names, path
        for child in reversed(list(element.iterchildren(tag=etree.Element))):
            name = local(child)
            child_path = f"{path}/{name}"
            if name in index.roots and child_path not in index.paths:
                child_path = name
            stack.append((child, (*names[-_LONGEST:], name), child_path))


def _by_name(names: tuple[str, ...]) -> tuple[str | None, str]:
    for size in range(min(_LONGEST, len(names)), 0, -1):
        key = names[-size:]
        if key in BY_NAME:
            return BY_NAME[key], "name " + "/".join(key)
    return None, ""


def _item_of(element: etree._Element) -> etree._Element | None:
    node = element.getparent()
    while node is not None:
        if local(node) in ITEM_CLASSES:
            return node
        node = node.getparent()
    return None


def _kind(root: etree._Element, payload: etree._Element) -> str:
    names = {local(root), local(payload)}
    if "PrecursorNotification" in names or any(
            local(e) == "PrecursorNotification" for e in root.iter(tag=etree.Element)):
        return "notification"
    if "CargoReport" in names or any(local(e) == "CargoReport"
                                     for e in root.iterchildren(tag=etree.Element)):
        return "cargo report"
    return "declaration"
