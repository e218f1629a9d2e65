"""One-defect mutants of generated messages, each with the finding it must produce.

From one valid message (and what the generator knows about it: the type of every value,
the declaration of every element) a mutant changes exactly one thing:

schema level
  ``missing-element``   a required element that closes its parent is removed
                        (SCHEMA_MISSING_ELEMENT on the parent);
  ``wrong-type``        a number, date or boolean gets text of no such type
                        (SCHEMA_INVALID_VALUE on the element);
  ``too-long``          a string one character over its maxLength or length
                        (SCHEMA_MAX_LENGTH / SCHEMA_LENGTH);
  ``outside-enumeration`` a code one character off an enumerated value, still valid for
                        the base type (SCHEMA_ENUMERATION);
  ``unexpected-element`` an undeclared element appended where no wildcard takes it
                        (SCHEMA_UNEXPECTED_ELEMENT on the new element);
rules level (with rule packs)
  ``inconsistent-totals`` GoodsItemQuantity one more than the goods items (DEC-ITEMS-001)
                        or a gross mass below the net mass (WCO-MASS-001);
  ``bad-check-digit``   an ISO 6346 container number with a wrong check digit (WCO-EQ-001);
  ``bad-date``          a DateTimeString in month 13 (WCO-DATE-001).

Each mutant comes with a manifest entry in the format of ``fixtures/<family>/manifest.json``
(``file``, ``defect``, ``expect``: code, path, and here also the line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdGroup

from ..locate import element_path
from .builder import Drawn, Generator
from .values import _facet, _facet_value

__all__ = ["Mutant", "mutants"]


@dataclass(frozen=True)
class Mutant:
    kind: str
    xml: bytes
    defect: str
    code: str
    line: int
    path: str

    def manifest_entry(self, file: str) -> dict[str, Any]:
        return {"file": file, "defect": self.defect,
                "expect": [{"code": self.code, "line": self.line, "path": self.path}]}


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _indexes(element: etree._Element) -> list[int]:
    found = []
    node = element
    while node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        found.append(parent.index(node))
        node = parent
    return list(reversed(found))


def _follow(root: etree._Element, indexes: list[int]) -> etree._Element:
    node = root
    for index in indexes:
        node = node[index]
    return node


class _Maker:
    def __init__(self, generator: Generator, drawn: Drawn, xml: bytes) -> None:
        self.generator = generator
        self.values = generator.values
        self.drawn = drawn
        self.xml = xml
        attached = {id(e) for e in drawn.root.iter(etree.Element)}
        self.elements = [e for e in drawn.elements if id(e) in attached]
        self.keyed = _identity_fields(drawn)

    def _leaves(self, avoid: tuple[str, ...] = ()) -> Iterator[tuple[etree._Element, Any]]:
        """Leaves with a value, except those whose local name ends with one of ``avoid``:
        values the WCO DM rule packs read (a schema-level defect there would also be a
        rule finding: two defects, not one)."""
        for element in self.elements:
            if _local(element).endswith(avoid) or id(element) in self.keyed:
                continue  # a key field's defect would also break its identity constraint
            simple = self.drawn.text_types.get(id(element))
            if simple is not None and element.get(
                    "{http://www.w3.org/2001/XMLSchema-instance}nil") is None:
                yield element, simple

    def mutate(self, kind: str, target: etree._Element, change: Callable[[etree._Element], Any],
               defect: str, code: str, report_on: str = "self") -> Mutant:
        """Apply ``change`` to the target's copy in a fresh parse of the message; the
        finding is expected on the element ``report_on`` names (self, parent, new)."""
        indexes = _indexes(target)
        root = etree.fromstring(self.xml)
        node = _follow(root, indexes)
        made = change(node)
        mutant = bytes(etree.tostring(root.getroottree(), xml_declaration=True,
                                      encoding="UTF-8"))
        reparsed = etree.fromstring(mutant)
        if report_on == "parent":
            located = _follow(reparsed, indexes[:-1])
        elif report_on == "new":
            located = _follow(reparsed, _indexes(made))
        else:
            located = _follow(reparsed, indexes)
        return Mutant(kind, mutant, defect, code, int(located.sourceline or 0),
                      element_path(located))

    # -- schema level ----------------------------------------------------------------

    def missing_element(self) -> Mutant | None:
        for element in self.elements:
            parent = element.getparent()
            if parent is None or element is not parent[-1] or not isinstance(parent.tag, str):
                continue
            xsd_type = self.drawn.element_types.get(id(parent))
            if xsd_type is None or not xsd_type.is_complex() or xsd_type.mixed or \
                    not isinstance(xsd_type.content, XsdGroup) or \
                    xsd_type.content.model != "sequence" or xsd_type.content.max_occurs != 1:
                continue
            last = list(xsd_type.content)[-1] if len(xsd_type.content) else None
            if last is None or isinstance(last, (XsdGroup, XsdAnyElement)) or \
                    last.min_occurs < 1 or last.name != element.tag:
                continue
            same = [c for c in parent if c.tag == element.tag]
            if len(same) != last.min_occurs:
                continue
            return self.mutate("missing-element", element, _remove,
                               f"the required element {_local(element)} is removed",
                               "SCHEMA_MISSING_ELEMENT", "parent")
        return None

    def _plain(self, simple: Any) -> bool:
        return _facet(simple, "pattern") is None and _facet(simple, "enumeration") is None \
            and simple.is_atomic()

    def wrong_type(self) -> Mutant | None:
        for element, simple in self._leaves(("Code", "ID", "DateTimeString")):
            if not self._plain(simple) or self.values.kind(simple) not in _TYPED:
                continue
            return self.mutate("wrong-type", element, lambda n: setattr(n, "text", "x-1"),
                               f"{_local(element)} holds text that is not a "
                               f"{self.values.kind(simple)}", "SCHEMA_INVALID_VALUE")
        return None

    def too_long(self) -> Mutant | None:
        for element, simple in self._leaves(_RULE_READ):
            if not self._plain(simple) or self.values.kind(simple) not in ("string",):
                continue
            exact = _facet_value(simple, "length")
            limit = exact if exact is not None else _facet_value(simple, "maxLength")
            if limit is None or int(limit) > 512:
                continue
            text = (element.text or "").strip() or "X"
            value = (text * (int(limit) + 2))[:int(limit) + 1].replace(" ", "X")
            code = "SCHEMA_LENGTH" if exact is not None else "SCHEMA_MAX_LENGTH"
            return self.mutate("too-long", element, _set_text(value),
                               f"{_local(element)} is {int(limit) + 1} characters long, one "
                               f"over its limit of {limit}", code)
        return None

    def outside_enumeration(self) -> Mutant | None:
        for element, simple in self._leaves(_CHECKED_CODES):
            parent = element.getparent()
            if parent is not None and _local(parent) == "Packaging":
                continue
            if not simple.is_atomic() or simple.facets.get(
                    "{http://www.w3.org/2001/XMLSchema}enumeration") is None:
                continue
            base = simple.base_type
            if base is None or _facet(base, "enumeration") is not None:
                continue
            text = element.text or ""
            for candidate in (text[:-1] + ("Z" if not text.endswith("Z") else "Y"), text + "Z",
                              "ZZ", "99"):
                if self.values.valid(base, candidate) and not self.values.valid(simple,
                                                                                 candidate):
                    return self.mutate("outside-enumeration", element,
                                       _set_text(candidate),
                                       f"{_local(element)} is {candidate}, which is not "
                                       "in its enumeration", "SCHEMA_ENUMERATION")
        return None

    def unexpected_element(self) -> Mutant | None:
        for element in self.elements:
            xsd_type = self.drawn.element_types.get(id(element))
            if xsd_type is None or not xsd_type.is_complex() or xsd_type.mixed or \
                    not isinstance(xsd_type.content, XsdGroup) or not len(element) or \
                    any(isinstance(p, XsdAnyElement) for p in _all_particles(xsd_type.content)):
                continue
            namespace = etree.QName(element).namespace
            name = f"{{{namespace}}}UnexpectedElement" if namespace else "UnexpectedElement"

            def add(node: etree._Element, name: str = name) -> etree._Element:
                last = node[-1]
                new = etree.Element(name)
                new.text = "unexpected"
                new.tail = last.tail
                last.tail = (node.text or "\n")
                node.append(new)
                return new

            return self.mutate("unexpected-element", element, add,
                               f"an undeclared element is added to {_local(element)}",
                               "SCHEMA_UNEXPECTED_ELEMENT", "new")
        return None

    # -- rules level -----------------------------------------------------------------

    def inconsistent_totals(self, packs: tuple[str, ...]) -> Mutant | None:
        by_name: dict[str, list[etree._Element]] = {}
        for element in self.elements:
            by_name.setdefault(_local(element), []).append(element)
        quantity = by_name.get("GoodsItemQuantity", [])
        original = any(c.text == "9" for d in by_name.get("Declaration", []) for c in d
                       if _local(c) == "FunctionCode")  # DEC-ITEMS-001 is for originals
        if "declaration" in packs and quantity and original:
            items = len(by_name.get("GovernmentAgencyGoodsItem", []))
            value = str(items + 1)
            if self.values.valid(self.drawn.text_types[id(quantity[0])], value):
                return self.mutate("inconsistent-totals", quantity[0],
                                   _set_text(value),
                                   f"GoodsItemQuantity is {value} but there are {items} "
                                   "goods items", "DEC-ITEMS-001")
        for measure in by_name.get("GoodsMeasure", []):
            gross = next((c for c in measure if _local(c) == "GrossMassMeasure"), None)
            net = next((c for c in measure if _local(c) == "NetNetWeightMeasure"), None)
            if gross is None or net is None:
                continue
            try:
                net_value = float(net.text or "")
            except ValueError:
                continue
            value = "0"
            if net_value > 0 and self.values.valid(self.drawn.text_types[id(gross)], value) \
                    and gross.get("unitCode") in (None, "KGM") and net.get("unitCode") in (
                        None, "KGM"):
                return self.mutate("inconsistent-totals", gross,
                                   _set_text(value),
                                   "GrossMassMeasure is 0, below the net mass", "WCO-MASS-001")
        return None

    def bad_check_digit(self) -> Mutant | None:
        from stdnum import iso6346

        for element in self.elements:
            parent = element.getparent()
            if _local(element) != "ID" or parent is None or _local(parent) != \
                    "TransportEquipment" or not iso6346.is_valid(element.text or ""):
                continue
            text = element.text or ""
            wrong = text[:-1] + str((int(text[-1]) + 1) % 10)
            if self.values.valid(self.drawn.text_types[id(element)], wrong):
                return self.mutate("bad-check-digit", element,
                                   _set_text(wrong),
                                   f"container number {wrong} has a wrong ISO 6346 check digit",
                                   "WCO-EQ-001")
        return None

    def bad_date(self) -> Mutant | None:
        for element in self.elements:
            text = element.text or ""
            if _local(element) != "DateTimeString" or element.get("formatCode") not in (
                    "102", "304") or len(text) < 8:
                continue
            wrong = text[:4] + "13" + text[6:]
            if self.values.valid(self.drawn.text_types[id(element)], wrong):
                return self.mutate("bad-date", element, _set_text(wrong),
                                   f"DateTimeString {wrong} is in month 13", "WCO-DATE-001")
        return None


#: local name endings of elements whose values the WCO DM rule packs check
_RULE_READ = ("Code", "ID", "DateTimeString", "SequenceNumeric", "Quantity", "Measure",
              "Amount", "Numeric")

#: codes the packs check against code lists, or that decide which rules apply
_CHECKED_CODES = ("CountryCode", "CurrencyCode", "CurrencyTypeCode", "NationalityCode",
                  "ModeCode", "FunctionCode", "ContainerCode", "IdentificationTypeCode",
                  "ID", "DateTimeString")

_TYPED = frozenset({"decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger",
                    "positiveInteger", "unsignedInt", "unsignedShort", "unsignedLong",
                    "unsignedByte", "nonPositiveInteger", "negativeInteger", "date",
                    "dateTime", "boolean", "double", "float", "time"})

SCHEMA_KINDS = ("missing-element", "wrong-type", "too-long", "outside-enumeration",
                "unexpected-element")
RULE_KINDS = ("inconsistent-totals", "bad-check-digit", "bad-date")


def _identity_fields(drawn: Drawn) -> set[int]:
    """Ids of the elements that are fields of an identity constraint (unique, key,
    keyref) in the message."""
    found: set[int] = set()
    for scope, declaration in drawn.identities:
        for identity in declaration.identities:
            namespaces = {p: ns for p, ns in (identity.selector.namespaces or {}).items()
                          if p and ns}
            try:
                for node in scope.xpath(identity.selector.path, namespaces=namespaces):
                    for field_ in identity.fields:
                        for item in node.xpath(field_.path, namespaces=namespaces):
                            if isinstance(item, etree._Element):
                                found.add(id(item))
            except etree.XPathError:
                continue
    return found


def _remove(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is not None:
        parent.remove(node)


def _set_text(value: str) -> Callable[[etree._Element], None]:
    def change(node: etree._Element) -> None:
        node.text = value
    return change


def _all_particles(group: Any) -> Iterator[Any]:
    for particle in group:
        yield particle
        if isinstance(particle, XsdGroup):
            yield from _all_particles(particle)


def mutants(generator: Generator, drawn: Drawn, xml: bytes, packs: tuple[str, ...] = ()
            ) -> list[Mutant]:
    """The mutants one message gives (each kind at most once; a kind the message offers
    no place for is left out)."""
    maker = _Maker(generator, drawn, xml)
    found = [maker.missing_element(), maker.wrong_type(), maker.too_long(),
             maker.outside_enumeration(), maker.unexpected_element()]
    if packs:
        found += [maker.inconsistent_totals(packs), maker.bad_check_digit(), maker.bad_date()]
    return [m for m in found if m is not None]
