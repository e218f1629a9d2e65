"""Messages that pass the rule packs: a consistency pass, then the packs themselves.

The value providers (:mod:`.providers`) make each value plausible on its own; this pass
makes the message agree with itself, the way the WCO DM rule packs read it (by local
name, as :mod:`tradestd.rules.packs.wco` and ``declaration`` do):

* every ``DateTimeString`` has a ``formatCode`` (102 or 304, where the schema allows it)
  and a date in that UN/EDIFACT 2379 format; an ``Invoice`` is dated before the rest;
* ``SequenceNumeric`` of siblings of one class run 1..n (unique under their parent); a
  commodity's reference to transport equipment names a declared equipment number;
* in each ``GoodsMeasure`` the gross mass is at least the net mass (both in kilograms);
* declaration totals: ``GoodsItemQuantity`` is the number of goods items,
  ``TotalPackageQuantity`` the sum of the items' ``Packaging/QuantityQuantity``,
  ``TotalGrossMassMeasure`` the sum of the items' gross masses;
* a ship (``IdentificationTypeCode`` 10) has an IMO number with its check digit;
* ``ContainerCode`` 1 only with a container number; ``FunctionCode`` 9 (original) where
  the schema allows it, so amendment-only rules do not apply to drawn data.

Every value is written only where the element's own type accepts it, so the message
stays schema-valid. :class:`PackCheck` then runs the packs (and the schema layer) on the
written bytes; a message with any error finding is drawn again by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

from ..issues import Severity
from ..rules.catalog import load_pack
from ..rules.packs.wco import IMO_TYPE_CODES
from ..rules.runner import RuleRunner
from ..schemaset import SchemaSet
from ..validation import Validator
from .builder import Drawn, Generator
from .chooser import Chooser, pick
from .providers import edifact_datetime, imo_number
from .values import as_decimal

__all__ = ["PackCheck"]


def _local(element: etree._Element | None) -> str:
    if element is None:
        return ""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for sub in element:
        if _local(sub) == name:
            return sub
    return None


class PackCheck:
    """The consistency pass and the pack run for one factory."""

    def __init__(self, schema_set: SchemaSet, generator: Generator, packs: Sequence[str],
                 message_type: Any = None) -> None:
        self.generator = generator
        self.values = generator.values
        self.runner = RuleRunner([load_pack(spec) for spec in packs], bundled=False)
        self.validator = Validator(schema_set=schema_set, message_type=message_type,
                                   rules=self.runner)

    # -- the packs -------------------------------------------------------------------

    def errors(self, xml: bytes) -> list[str]:
        """The error and warning findings of the schema and the packs, as ``CODE: message``
        lines (a generated message is meant to be clean, so that a mutant's one finding
        is the only one)."""
        report = self.validator.validate(xml)
        return [f"{i.code}: {i.message}" for i in report.issues
                if i.severity in (Severity.ERROR, Severity.WARNING)]

    # -- the pass --------------------------------------------------------------------

    def make_consistent(self, drawn: Drawn, chooser: Chooser) -> None:
        self.drawn = drawn
        self.chooser = chooser
        by_name: dict[str, list[etree._Element]] = defaultdict(list)
        for element in drawn.root.iter(etree.Element):
            by_name[_local(element)].append(element)
        self.by_name = by_name
        self._function_codes()
        self._dates()
        self._sequences()
        self._masses()
        self._totals()
        self._containers()
        self._currencies()
        self._ships()

    def _set(self, element: etree._Element | None, value: str) -> bool:
        if element is None:
            return False
        simple = self.drawn.text_types.get(id(element))
        if simple is None or not self.values.valid(simple, value):
            return False
        element.text = value
        return True

    def _set_attribute(self, element: etree._Element, name: str, value: str) -> bool:
        xsd_type = self.drawn.element_types.get(id(element))
        attributes = getattr(xsd_type, "attributes", None)
        declaration = attributes.get(name) if attributes is not None else None
        if declaration is None or declaration.fixed not in (None, value) or \
                not self.values.valid(declaration.type, value):
            return False
        element.set(name, value)
        return True

    def _function_codes(self) -> None:
        root = self.drawn.root
        payload = next((e for e in root.iter(etree.Element)
                        if _local(e) == "Declaration"), root)
        code = _child(payload, "FunctionCode")
        if code is not None and code.text != "9":
            self._set(code, "9")

    def _dates(self) -> None:
        for element in self.by_name.get("DateTimeString", ()):
            early = any(_local(a) == "Invoice" for a in element.iterancestors())
            codes = [c for c in ("304", "102") if element.get("formatCode") == c
                     or self._set_attribute(element, "formatCode", c)]
            for code in codes:
                element.set("formatCode", code)
                for _ in range(10):
                    text = edifact_datetime(self.chooser, code)
                    if early:
                        text = "2023" + text[4:]
                    if self._set(element, text):
                        break
                else:
                    continue
                break

    def _sequences(self) -> None:
        groups: dict[tuple[int, str], list[etree._Element]] = defaultdict(list)
        for number in self.by_name.get("SequenceNumeric", ()):
            owner = number.getparent()
            if owner is None or len(owner) == 1 or _local(owner) == "Pointer":
                continue
            parent = owner.getparent()
            if parent is not None:
                groups[(id(parent), _local(owner))].append(number)
        for group in groups.values():
            for index, number in enumerate(group, start=1):
                self._set(number, str(index))
        equipment = self.by_name.get("TransportEquipment", ())
        declared = [_child(e, "SequenceNumeric") for e in equipment
                    if _child(e, "ID") is not None or _local(e.getparent()) != "Commodity"]
        numbers: list[str] = [n.text for n in declared if n is not None and n.text]
        for reference in equipment:
            parent = reference.getparent()
            if parent is not None and _local(parent) == "Commodity" and \
                    _child(reference, "ID") is None:
                if numbers:
                    self._set(_child(reference, "SequenceNumeric"), pick(self.chooser, numbers))
                else:  # nothing to refer to: drop the reference (the schema check decides)
                    parent.remove(reference)
        owners: dict[int, etree._Element] = {}
        for pointer in self.by_name.get("Pointer", ()):
            owner = pointer.getparent()
            if owner is not None:
                owners[id(owner)] = owner
        for owner in owners.values():
            steps = [c for c in owner if _local(c) == "Pointer"]
            for step in steps[:-1]:  # only the last step of a chain names an element
                tag = _child(step, "TagID")
                if tag is not None:
                    step.remove(tag)

    def _kg(self, element: etree._Element | None, amount: Decimal) -> bool:
        if element is None:
            return False
        if element.get("unitCode") not in (None, "KGM") and \
                not self._set_attribute(element, "unitCode", "KGM"):
            return False
        for candidate in (amount, amount.quantize(Decimal(1)), amount + 1):
            text = format(candidate.normalize(), "f") if candidate else "0"
            if self._set(element, text):
                return True
        return False

    def _masses(self) -> None:
        for measure in self.by_name.get("GoodsMeasure", ()):
            gross, net = _child(measure, "GrossMassMeasure"), _child(measure, "NetNetWeightMeasure")
            if gross is None or net is None:
                continue
            net_value = as_decimal(net.text or "")
            if net_value is None:
                continue
            if not self._kg(net, net_value) or not self._kg(gross, net_value + self.chooser.integer(0, 50)):
                self._kg(gross, net_value)

    def _totals(self) -> None:
        items = self.by_name.get("GovernmentAgencyGoodsItem", [])
        for quantity in self.by_name.get("GoodsItemQuantity", ()):
            self._set(quantity, str(len(items)))
        counts = [as_decimal(q.text or "") for p in self.by_name.get("Packaging", ())
                  if (q := _child(p, "QuantityQuantity")) is not None]
        total = sum((c for c in counts if c is not None), Decimal(0))
        for element in self.by_name.get("TotalPackageQuantity", ()):
            self._set(element, format(total.normalize(), "f"))
        masses = []
        for item in items:
            for holder in (item, _child(item, "Commodity")):
                gross = _child(_child(holder, "GoodsMeasure"), "GrossMassMeasure")
                if gross is not None:
                    masses.append(as_decimal(gross.text or "") or Decimal(0))
        for element in self.by_name.get("TotalGrossMassMeasure", ()):
            self._kg(element, sum(masses, Decimal(0)))

    def _currencies(self) -> None:
        """One currency throughout (no exchange rate is then needed: DEC-CUR-001)."""
        amounts = [e for e in self.drawn.root.iter(etree.Element) if e.get("currencyID")]
        if not amounts:
            return
        currency = amounts[0].get("currencyID") or ""
        for element in amounts[1:]:
            self._set_attribute(element, "currencyID", currency)

    def _ships(self) -> None:
        """A means of transport identified as a ship (IdentificationTypeCode 10) gets an
        IMO number with a valid check digit."""
        for code in self.by_name.get("IdentificationTypeCode", ()):
            if code.text in IMO_TYPE_CODES:
                ship_id = _child(code.getparent(), "ID")
                if ship_id is not None:
                    number = imo_number(self.chooser)
                    if not self._set(ship_id, number[3:]):  # the digits, else "IMO..."
                        self._set(ship_id, number)

    def _containers(self) -> None:
        has_ids = any(_child(e, "ID") is not None for e in self.by_name.get("TransportEquipment", ()))
        if has_ids:
            return
        for flag in self.by_name.get("ContainerCode", ()):
            if flag.text == "1":
                self._set(flag, "0")
