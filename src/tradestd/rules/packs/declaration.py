"""Goods declaration rules (WCO class 42A Declaration): counts, totals, references.

Written against WCO local names like the generic pack, so ``--rules declaration`` also
applies to a national declaration schema. Like the ``wco`` pack it reports what is wrong
in any WCO DM implementation, never a national choice: totals and references are found
wherever WCO DM lets an implementation put them (the declaration or its consignment;
transport equipment at consignment or commodity level). Count and total rules apply to
full declarations (FunctionCode 9), not to amendment or cancellation requests (13).
What the EU Union Customs Code requires of every member state (parties, procedure codes,
EORI) is in the ``eu-ucc`` pack; the UK CDS's own conventions (type codes by function,
declarant on originals, TSP/TRC/TRA classification rows) in ``uk-cds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from lxml import etree

from ..engine import Finding, rule
from ..values import mass_in_kg, sequence_number, wco_datetime
from ..view import MessageView, child, child_text, children, decimal, local, text
from ..wcoids import chain_problem

PACK_ID = "declaration"
PACK_VERSION = "2.0.0"
PACK_EFFECTIVE_FROM = "2026-12-06"
PACK_TITLE = "WCO goods declaration rules"

ORIGINAL = ["9"]
AMENDMENT = ["13"]
#: Relative tolerance when comparing a declared total mass with the sum of the items.
MASS_TOLERANCE = Decimal("0.001")


def _declaration(msg: MessageView) -> etree._Element:
    return msg.payload


def _declared(msg: MessageView, name: str) -> etree._Element | None:
    """A declaration-level total: a child of the declaration, else the first one anywhere
    (national implementations put some totals under GoodsShipment or Consignment)."""
    found = child(_declaration(msg), name)
    if found is None:
        found = next(iter(msg.all(name)), None)
    return found


def _item_gross_masses(msg: MessageView) -> list[etree._Element]:
    """Each goods item's ``GrossMassMeasure``, under the item or its Commodity."""
    masses = []
    for item in goods_items(msg):
        commodity = child(item, "Commodity")
        for holder in (item, commodity):
            measure = child(holder, "GoodsMeasure") if holder is not None else None
            gross = child(measure, "GrossMassMeasure") if measure is not None else None
            if gross is not None:
                masses.append(gross)
    return masses


def goods_items(msg: MessageView) -> list[etree._Element]:
    """The declaration's goods items (``GovernmentAgencyGoodsItem``, WCO class 68A)."""
    return msg.all("GovernmentAgencyGoodsItem")


@rule("DEC-ITEMS-001", "error", "GoodsItemQuantity equals the number of goods items",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GoodsItemQuantity"])
def item_count(msg: MessageView) -> Iterator[Finding]:
    """``GoodsItemQuantity`` is the number of ``GovernmentAgencyGoodsItem`` declared."""
    quantity_el = _declared(msg, "GoodsItemQuantity")
    declared = decimal(quantity_el)
    actual = len(goods_items(msg))
    if quantity_el is not None and declared is not None and declared != actual:
        yield Finding(quantity_el, f"GoodsItemQuantity is {text(quantity_el)} but the "
                      f"declaration has {actual} GovernmentAgencyGoodsItem")


@rule("DEC-ITEMS-002", "error", "An original declaration has at least one goods item",
      families=["declaration"], function_codes=ORIGINAL)
def has_items(msg: MessageView) -> Iterator[Finding]:
    """A declaration lodged as original (FunctionCode 9) declares goods."""
    if not goods_items(msg):
        yield Finding(_declaration(msg), "the declaration has FunctionCode 9 (original) but "
                      "no GovernmentAgencyGoodsItem")


@rule("DEC-PKG-001", "warning", "TotalPackageQuantity equals the sum of the items' packages",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["TotalPackageQuantity"])
def package_total(msg: MessageView) -> Iterator[Finding]:
    """``TotalPackageQuantity`` = sum of ``Packaging/QuantityQuantity`` over all items, when
    the items give package counts at all (``QuantityQuantity`` is optional)."""
    total_el = _declared(msg, "TotalPackageQuantity")
    declared = decimal(total_el)
    if total_el is None or declared is None:
        return
    counts = [decimal(q) for p in msg.all("Packaging") if (q := child(p, "QuantityQuantity"))
              is not None]
    if not counts:
        return
    counted = sum((c or Decimal(0) for c in counts), Decimal(0))
    if counted != declared:
        yield Finding(total_el, f"TotalPackageQuantity is {text(total_el)} but the items' "
                      f"Packaging/QuantityQuantity add up to {counted}")


@rule("DEC-MASS-001", "error", "Total gross mass is at least the sum of the items' gross mass",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["TotalGrossMassMeasure"])
def total_gross_mass(msg: MessageView) -> Iterator[Finding]:
    """``TotalGrossMassMeasure`` >= sum of item ``GrossMassMeasure`` (0.1 % tolerance)."""
    total_el = _declared(msg, "TotalGrossMassMeasure")
    total = mass_in_kg(total_el)
    if total_el is None or total is None:
        return
    masses = [mass_in_kg(m) for m in _item_gross_masses(msg)]
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


@rule("DEC-CONT-001", "error", "Containerised goods name their containers",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["ContainerCode"])
def container_ids(msg: MessageView) -> Iterator[Finding]:
    """``ContainerCode`` 1 requires at least one ``TransportEquipment`` with an ``ID``,
    wherever the implementation declares equipment (consignment or goods item Commodity)."""
    if any(text(child(eq, "ID")) for eq in msg.all("TransportEquipment")):
        return
    for flag in msg.all("ContainerCode"):
        if text(flag) == "1":
            yield Finding(flag, "ContainerCode is 1 (containerised) but no "
                          "TransportEquipment/ID names a container")


@rule("DEC-EQ-001", "error", "Goods items refer to declared transport equipment",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["Commodity"])
def equipment_references(msg: MessageView) -> Iterator[Finding]:
    """A reference from a goods item to equipment (``Commodity/TransportEquipment`` with only a
    ``SequenceNumeric``) matches a declared equipment number. Equipment that carries its
    own ``ID`` is declared where it stands (national implementations declare containers at
    commodity level) and is no reference."""
    equipment = msg.all("TransportEquipment")
    references = [eq for eq in equipment if _is_reference(eq)]
    if not references:
        return
    declared = {sequence_number(eq) for eq in equipment if not _is_reference(eq)}
    for ref in references:
        number = sequence_number(ref)
        if number is not None and number not in declared:
            known = ", ".join(str(n) for n in sorted(n for n in declared if n)) or "none"
            yield Finding(ref, f"the goods item refers to TransportEquipment {number} "
                          f"but the declared equipment numbers are {known}")


def _is_reference(equipment: etree._Element) -> bool:
    """Commodity-level equipment that names no container of its own: a pointer by number."""
    parent = equipment.getparent()
    return (parent is not None and local(parent) == "Commodity"
            and not text(child(equipment, "ID")))


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
            yield Finding(pointers[0], problem.message)


@rule("DEC-CUR-001", "warning", "A foreign-currency invoice comes with its exchange rate",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["InvoiceAmount"])
def invoice_exchange_rate(msg: MessageView) -> Iterator[Finding]:
    """When ``InvoiceAmount`` is in another currency than the items' customs values, a
    ``CurrencyExchange`` for the invoice currency is declared. Customs administrations
    publish the rates they apply and national law says when a declared rate is needed, so
    this is a warning."""
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
