"""Goods declaration rules (WCO class 42A Declaration): counts, totals, parties, references.

Written against WCO local names like the generic pack, so ``--rules declaration`` also
applies to a national declaration schema. Count and total rules apply to original
declarations (FunctionCode 9), not to amendment or cancellation requests (13).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from lxml import etree

from ..codelists import identifiers
from ..engine import Finding, rule
from ..values import mass_in_kg, sequence_number, wco_datetime
from ..view import MessageView, child, child_text, children, decimal, either, local, text
from ..wcoids import chain_problem

PACK_ID = "declaration"
PACK_VERSION = "1.0.0"
PACK_EFFECTIVE_FROM = "2026-11-27"
PACK_TITLE = "WCO goods declaration rules"

ORIGINAL = ["9"]
AMENDMENT = ["13"]
#: Relative tolerance when comparing a declared total mass with the sum of the items.
MASS_TOLERANCE = Decimal("0.001")
#: Parties whose ID is expected to be an EORI number.
EORI_PARTIES = ("Declarant", "Importer", "Exporter", "Agent")
#: Shape of a Classification ID by its IdentificationTypeCode (EU-style code lists):
#: TSP combined nomenclature (8 digits), TRC TARIC code (2 digits), TRA additional code.
CLASSIFICATION_SHAPES = {"TSP": re.compile(r"^\d{8}$"), "TRC": re.compile(r"^\d{2}$"),
                         "TRA": re.compile(r"^[A-Z0-9]{4}$")}
_TYPE_BY_FUNCTION = {"9": re.compile(r"^(IM|EX|CO)[A-Z]$"), "13": re.compile(r"^(COR|INV)$")}
_PROCEDURE = re.compile(r"^\d{2}$")


def _declaration(msg: MessageView) -> etree._Element:
    return msg.payload


def _items(msg: MessageView) -> list[etree._Element]:
    return msg.all("GovernmentAgencyGoodsItem")


@rule("DEC-ITEMS-001", "error", "GoodsItemQuantity equals the number of goods items",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GoodsItemQuantity"])
def item_count(msg: MessageView) -> Iterator[Finding]:
    """``GoodsItemQuantity`` is the number of ``GovernmentAgencyGoodsItem`` declared."""
    quantity_el = child(_declaration(msg), "GoodsItemQuantity")
    declared = decimal(quantity_el)
    actual = len(_items(msg))
    if quantity_el is not None and declared is not None and declared != actual:
        yield Finding(quantity_el, f"GoodsItemQuantity is {text(quantity_el)} but the "
                      f"declaration has {actual} GovernmentAgencyGoodsItem")


@rule("DEC-ITEMS-002", "error", "An original declaration has at least one goods item",
      families=["declaration"], function_codes=ORIGINAL)
def has_items(msg: MessageView) -> Iterator[Finding]:
    """A declaration lodged as original (FunctionCode 9) declares goods."""
    if not _items(msg):
        yield Finding(_declaration(msg), "the declaration has FunctionCode 9 (original) but "
                      "no GovernmentAgencyGoodsItem")


@rule("DEC-PKG-001", "warning", "TotalPackageQuantity equals the sum of the items' packages",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["TotalPackageQuantity"])
def package_total(msg: MessageView) -> Iterator[Finding]:
    """``TotalPackageQuantity`` = sum of ``Packaging/QuantityQuantity`` over all items."""
    total_el = child(_declaration(msg), "TotalPackageQuantity")
    declared = decimal(total_el)
    if total_el is None or declared is None:
        return
    counted = sum((decimal(child(p, "QuantityQuantity")) or Decimal(0)
                   for p in msg.all("Packaging")), Decimal(0))
    if counted != declared:
        yield Finding(total_el, f"TotalPackageQuantity is {text(total_el)} but the items' "
                      f"Packaging/QuantityQuantity add up to {counted}")


@rule("DEC-MASS-001", "error", "Total gross mass is at least the sum of the items' gross mass",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["TotalGrossMassMeasure"])
def total_gross_mass(msg: MessageView) -> Iterator[Finding]:
    """``TotalGrossMassMeasure`` >= sum of item ``GrossMassMeasure`` (0.1 % tolerance)."""
    total_el = child(_declaration(msg), "TotalGrossMassMeasure")
    total = mass_in_kg(total_el)
    if total_el is None or total is None:
        return
    masses = [mass_in_kg(child(m, "GrossMassMeasure")) for m in msg.all("GoodsMeasure")]
    items = sum((m for m in masses if m is not None), Decimal(0))
    if total < items * (1 - MASS_TOLERANCE):
        yield Finding(total_el, f"TotalGrossMassMeasure is {total} kg but the goods items' "
                      f"GrossMassMeasure add up to {items} kg")


@rule("DEC-DATE-001", "error", "The invoice is not dated after the declaration",
      families=["declaration"],
      needs=["Invoice"])
def invoice_before_issue(msg: MessageView) -> Iterator[Finding]:
    """``Invoice/IssueDateTime`` <= ``Declaration/IssueDateTime``."""
    issued = wco_datetime(child(_declaration(msg), "IssueDateTime"))
    for invoice in msg.all("Invoice"):
        wrapper = child(invoice, "IssueDateTime")
        invoiced = wco_datetime(wrapper)
        if wrapper is not None and issued and invoiced and invoiced.date() > issued.date():
            yield Finding(wrapper, f"the invoice is dated {invoiced.date()} but the "
                          f"declaration was issued on {issued.date()}")


@rule("DEC-PARTY-001", "error", "A declaration names its declarant", families=["declaration"])
def declarant_present(msg: MessageView) -> Iterator[Finding]:
    """Every declaration, including amendment and cancellation requests, has a ``Declarant``."""
    if child(_declaration(msg), "Declarant") is None:
        yield Finding(_declaration(msg), "the declaration has no Declarant")


@rule("DEC-PARTY-002", "error", "An export declaration names the exporter",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["EX"])
def exporter_present(msg: MessageView) -> Iterator[Finding]:
    """Export declarations (TypeCode EX*) have an ``Exporter``."""
    yield from _party_for_type(msg, "Exporter", "an export")


@rule("DEC-PARTY-003", "error", "An import declaration names the importer",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["IM"])
def importer_present(msg: MessageView) -> Iterator[Finding]:
    """Import declarations (TypeCode IM*) have an ``Importer``."""
    yield from _party_for_type(msg, "Importer", "an import")


def _party_for_type(msg: MessageView, party: str, kind: str) -> Iterator[Finding]:
    if not msg.all(party):
        yield Finding(_declaration(msg), f"TypeCode {msg.type_code} is {kind} but the "
                      f"declaration has no {party}")


@rule("DEC-EORI-001", "warning", "Declarant, importer, exporter and agent IDs are EORI numbers",
      families=["declaration"],
      needs=EORI_PARTIES)
def eori_format(msg: MessageView) -> Iterator[Finding]:
    """Trader IDs follow the EORI format: a country code and up to 15 letters or digits."""
    for name in EORI_PARTIES:
        for party in msg.all(name):
            id_el = child(party, "ID")
            value = text(id_el)
            problem = identifiers.eori(value, msg.codes.countries.codes) if value else None
            if id_el is not None and problem:
                yield Finding(id_el, f"{name}/ID {value!r} is {problem}")


@rule("DEC-CONT-001", "error", "Containerised goods name their containers",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["ContainerCode"])
def container_ids(msg: MessageView) -> Iterator[Finding]:
    """``ContainerCode`` 1 requires at least one ``TransportEquipment`` with an ``ID``."""
    for flag in msg.all("ContainerCode"):
        consignment = flag.getparent()
        if text(flag) != "1" or consignment is None:
            continue
        if not any(text(child(eq, "ID")) for eq in children(consignment, "TransportEquipment")):
            yield Finding(flag, "ContainerCode is 1 (containerised) but no "
                          "TransportEquipment/ID names a container")


@rule("DEC-EQ-001", "error", "Goods items refer to declared transport equipment",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["Commodity"])
def equipment_references(msg: MessageView) -> Iterator[Finding]:
    """``Commodity/TransportEquipment/SequenceNumeric`` matches a declared equipment number."""
    declared = {sequence_number(eq) for eq in msg.all("TransportEquipment")
                if local(either(eq.getparent(), eq)) != "Commodity"}
    for commodity in msg.all("Commodity"):
        for ref in children(commodity, "TransportEquipment"):
            number = sequence_number(ref)
            if number is not None and number not in declared:
                known = ", ".join(str(n) for n in sorted(n for n in declared if n)) or "none"
                yield Finding(ref, f"the goods item refers to TransportEquipment {number} "
                              f"but the declared equipment numbers are {known}")


@rule("DEC-CLS-001", "error", "Classification codes have the shape their type demands",
      families=["declaration"],
      needs=["Classification"])
def classification_shape(msg: MessageView) -> Iterator[Finding]:
    """TSP is an 8-digit tariff code in an existing HS chapter, TRC 2 digits, TRA 4 characters."""
    for row in msg.all("Classification"):
        kind = text(child(row, "IdentificationTypeCode"))
        id_el = child(row, "ID")
        value = text(id_el)
        shape = CLASSIFICATION_SHAPES.get(kind or "")
        if id_el is None or value is None or shape is None:
            continue
        if not shape.match(value):
            yield Finding(id_el, f"Classification {kind} is {value!r}, which does not have "
                          f"the shape {shape.pattern}")
        elif kind == "TSP" and (problem := identifiers.hs_code(value, 8)):
            yield Finding(id_el, f"Classification TSP {value!r}: {problem}")


@rule("DEC-CLS-002", "error", "Every goods item has exactly one tariff classification",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GovernmentAgencyGoodsItem"])
def one_tariff_code(msg: MessageView) -> Iterator[Finding]:
    """Each ``GovernmentAgencyGoodsItem`` has one ``Classification`` of type TSP."""
    for item in _items(msg):
        commodity = child(item, "Commodity")
        rows = children(commodity, "Classification") if commodity is not None else []
        tariff = [r for r in rows if text(child(r, "IdentificationTypeCode")) == "TSP"]
        if len(tariff) != 1:
            yield Finding(item, f"goods item {child_text(item, 'SequenceNumeric')} has "
                          f"{len(tariff)} TSP Classification rows, not 1")


@rule("DEC-TYPE-001", "error", "TypeCode fits the FunctionCode", families=["declaration"])
def type_fits_function(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 9 takes IM/EX/CO plus a letter; 13 takes COR (amend) or INV (cancel)."""
    pattern = _TYPE_BY_FUNCTION.get(msg.function_code or "")
    type_el = child(_declaration(msg), "TypeCode")
    if pattern is None:
        yield Finding(either(child(_declaration(msg), "FunctionCode"), _declaration(msg)),
                      f"FunctionCode {msg.function_code!r} is neither 9 (original) nor 13 "
                      "(amendment or cancellation request)")
    elif type_el is None or not pattern.match(msg.type_code or ""):
        yield Finding(either(type_el, _declaration(msg)),
                      f"TypeCode {msg.type_code!r} does not fit FunctionCode "
                      f"{msg.function_code}: expected {pattern.pattern}")


@rule("DEC-AMD-001", "error", "Amendment and cancellation requests name the declaration",
      families=["declaration"], function_codes=AMENDMENT)
def amendment_names_mrn(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 13 needs the customs reference (``ID``, the MRN) of the declaration."""
    if not text(child(_declaration(msg), "ID")):
        yield Finding(_declaration(msg), "FunctionCode 13 requests a change to a declaration "
                      "but no ID (MRN) says which")


@rule("DEC-AMD-002", "error", "An amendment request points at what it changes",
      families=["declaration"], function_codes=AMENDMENT, type_codes=["COR"])
def amendment_has_pointer(msg: MessageView) -> Iterator[Finding]:
    """TypeCode COR has at least one ``Amendment`` with a ``Pointer`` chain."""
    if not any(children(a, "Pointer") for a in msg.all("Amendment")):
        yield Finding(_declaration(msg), "TypeCode COR (amendment) but no Amendment/Pointer "
                      "says what is amended")


@rule("DEC-AMD-003", "error", "Amendment pointers resolve through the WCO ID table",
      families=["declaration"], function_codes=AMENDMENT,
      needs=["Pointer"])
def amendment_pointer_resolves(msg: MessageView) -> Iterator[Finding]:
    """Each ``Amendment``'s ``Pointer`` chain names classes nested as in the declaration
    (42A -> 67A -> 68A#n ...) and, on its last step, an element of that class."""
    for amendment in msg.all("Amendment"):
        pointers = children(amendment, "Pointer")
        problem = chain_problem(pointers, msg.schema_set) if pointers else None
        if problem:
            yield Finding(pointers[0], problem)


@rule("DEC-PROC-001", "error", "Each goods item requests one procedure (two 2-digit codes)",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GovernmentAgencyGoodsItem"])
def requested_procedure(msg: MessageView) -> Iterator[Finding]:
    """One ``GovernmentProcedure`` per item has a 2-digit ``CurrentCode`` and a 2-digit
    ``PreviousCode``; further rows hold 3-character additional procedure codes."""
    for item in _items(msg):
        rows = children(item, "GovernmentProcedure")
        main = [r for r in rows if _PROCEDURE.match(child_text(r, "CurrentCode") or "")]
        if len(main) != 1:
            yield Finding(item, f"goods item {child_text(item, 'SequenceNumeric')} has "
                          f"{len(main)} requested procedures (2-digit CurrentCode), not 1")
        elif not _PROCEDURE.match(child_text(main[0], "PreviousCode") or ""):
            yield Finding(main[0], f"goods item {child_text(item, 'SequenceNumeric')}: "
                          f"requested procedure {child_text(main[0], 'CurrentCode')} has no "
                          "2-digit PreviousCode")


@rule("DEC-CUR-001", "error", "A foreign-currency invoice comes with its exchange rate",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["InvoiceAmount"])
def invoice_exchange_rate(msg: MessageView) -> Iterator[Finding]:
    """When ``InvoiceAmount`` is in another currency than the items' customs values, a
    ``CurrencyExchange`` for the invoice currency is declared."""
    invoice = child(_declaration(msg), "InvoiceAmount")
    invoice_currency = invoice.get("currencyID") if invoice is not None else None
    values = {v.get("currencyID") for v in msg.all("CustomsValueAmount")} - {None}
    if invoice is None or not invoice_currency or not values or invoice_currency in values:
        return
    rates = {child_text(x, "CurrencyTypeCode") for x in msg.all("CurrencyExchange")}
    if invoice_currency not in rates:
        yield Finding(invoice, f"InvoiceAmount is in {invoice_currency} and customs values "
                      f"in {', '.join(sorted(str(v) for v in values))}, but no "
                      f"CurrencyExchange gives a rate for {invoice_currency}")
