"""Hypothesis strategies that build schema-valid XML documents from an xmlschema model.

Independent of the converter's plan on purpose: instances are built from the XSD
components themselves (particles, groups, wildcards, substitution groups, derived
types, nillable, facets), so a mistake in the plan cannot hide in the generator.
Covers the constructs of the test schemas; unknown simple types fall back to short
strings.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from hypothesis import strategies as st
from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from tradestd.convert.plan import derives_from, simple_bases

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"
FOREIGN = "urn:tradestd:test:foreign"
_TEXT = st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFF)
_MAX_DEPTH = 6
_REGEXES: dict[str, Any] = {}  # building a regex strategy is costly: once per pattern


def _derives(xsd_type: Any, local: str) -> bool:
    return derives_from(xsd_type, f"{{{XS}}}{local}")


def _facet(xsd_type: Any, local: str) -> Any:
    for node in simple_bases(xsd_type):
        facet = getattr(node, "facets", {}).get(f"{{{XS}}}{local}")
        if facet is not None:
            return facet
    return None


def _bound(xsd_type: Any, local: str, default: int) -> int:
    facet = _facet(xsd_type, local)
    return int(facet.value) if facet is not None else default


def _in_range(xsd_type: Any, text: str) -> bool:
    """Whether a pattern-made value also meets the type's bounds (numeric types)."""
    if not _derives(xsd_type, "decimal"):
        return True
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    checks = (("minInclusive", value.__ge__), ("minExclusive", value.__gt__),
              ("maxInclusive", value.__le__), ("maxExclusive", value.__lt__))
    for local, check in checks:
        facet = _facet(xsd_type, local)
        if facet is not None and not check(Decimal(facet.value)):
            return False
    return True


class Builder:
    """Draws one valid document; ``draw`` is hypothesis' draw function."""

    def __init__(self, schema: Any, draw: Any) -> None:
        self.schema = schema
        self.draw = draw
        self.prefixes = {ns: p for p, ns in schema.namespaces.items() if p and ns}
        for sub in schema.maps.iter_schemas():
            for prefix, ns in sub.namespaces.items():
                if prefix and ns and ns not in self.prefixes:
                    self.prefixes[ns] = prefix
        self.prefixes[XSI] = "xsi"
        for sub in schema.maps.iter_schemas():
            if sub.target_namespace and sub.target_namespace not in self.prefixes:
                self.prefixes[sub.target_namespace] = f"g{len(self.prefixes)}"
        self.prefixes.setdefault(FOREIGN, "f")
        self.globals = [e for name, e in schema.maps.elements.items()
                        if not name.startswith(f"{{{XS}}}") and not e.abstract]

    # -- values ----------------------------------------------------------------------

    def value(self, xsd_type: Any) -> str:
        draw = self.draw
        if xsd_type is None or xsd_type.name == f"{{{XS}}}anySimpleType":
            return str(draw(st.text(_TEXT, max_size=8)))
        enumeration = _facet(xsd_type, "enumeration")
        if enumeration is not None:
            return str(draw(st.sampled_from([e.get("value") for e in enumeration])))
        if _derives(xsd_type, "NCName") or _derives(xsd_type, "language"):
            return str(draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True)))  # builtin patterns
        patterns = getattr(xsd_type, "patterns", None)
        if patterns:
            inner = patterns.patterns[0].pattern
            inner = inner[len("^(?:"):inner.rindex(")$")]
            strategy = _REGEXES.get(inner)
            if strategy is None:
                strategy = _REGEXES[inner] = st.from_regex(inner, fullmatch=True)
            return str(draw(strategy.filter(lambda text: _in_range(xsd_type, text))))
        if _derives(xsd_type, "integer"):
            return self.integer(xsd_type)
        if _derives(xsd_type, "boolean"):
            return str(draw(st.sampled_from(["true", "false", "1", "0", " true "])))
        if _derives(xsd_type, "decimal"):
            return self.decimal(xsd_type)
        if _derives(xsd_type, "dateTime"):
            return str(draw(st.datetimes().map(lambda d: d.isoformat(timespec="seconds"))))
        if _derives(xsd_type, "date"):
            return str(draw(st.dates().map(lambda d: d.isoformat())))
        if _derives(xsd_type, "time"):
            return str(draw(st.times().map(lambda t: t.isoformat(timespec="seconds"))))
        if _derives(xsd_type, "QName"):
            ns = draw(st.sampled_from(sorted(n for n in self.prefixes if n not in (XSI, XML))))
            return f"{self.prefixes[ns]}:{draw(st.sampled_from(['A', 'b1', 'Seal']))}"
        return self.string(xsd_type)

    def _range(self, xsd_type: Any, default: int) -> tuple[int, int]:
        digits = _facet(xsd_type, "totalDigits")
        limit = 10 ** int(digits.value) - 1 if digits is not None else default
        low, high = -limit, limit
        for local, shift in (("minInclusive", 0), ("minExclusive", 1)):
            facet = _facet(xsd_type, local)
            if facet is not None:
                low = max(low, int(facet.value) + shift)
        for local, shift in (("maxInclusive", 0), ("maxExclusive", -1)):
            facet = _facet(xsd_type, local)
            if facet is not None:
                high = min(high, int(facet.value) + shift)
        return low, high

    def integer(self, xsd_type: Any) -> str:
        low, high = self._range(xsd_type, 10 ** 20)
        number = self.draw(st.integers(low, high) | st.integers(max(low, -3), min(high, 30)))
        form = self.draw(st.sampled_from(["plain", "plain", "plain", "plus", "zero", "padded"]))
        if form == "plus" and number >= 0:
            return f"+{number}"
        if form == "zero" and number >= 0:
            return f"0{number}"
        if form == "padded":
            return f" {number}\n"
        return str(number)

    def decimal(self, xsd_type: Any) -> str:
        total = _bound(xsd_type, "totalDigits", 20)
        fraction = min(_bound(xsd_type, "fractionDigits", 6), total - 1)
        low, high = self._range(xsd_type, 10 ** 20)
        whole = self.draw(st.integers(max(low, 0), max(min(high - 1, 10 ** (total - fraction) - 1),
                                                       max(low, 0))))
        part = self.draw(st.integers(0, 10 ** fraction - 1)) if fraction else 0
        sign = self.draw(st.sampled_from(["", "+"] if low >= 0 else ["", "-", "+"]))
        digits = str(part).rjust(fraction, "0") if fraction else ""
        keep = self.draw(st.integers(0, len(digits)))
        if _facet(xsd_type, "minExclusive") is not None and whole == 0:
            whole = 1
        return f"{sign}{whole}" + (f".{digits[:keep]}" if keep else "")

    def string(self, xsd_type: Any) -> str:
        low = _bound(xsd_type, "minLength", _bound(xsd_type, "length", 0))
        high = _bound(xsd_type, "maxLength", _bound(xsd_type, "length", max(low, 10)))
        collapse = getattr(xsd_type, "white_space", "preserve") != "preserve"
        alphabet = _TEXT if collapse else _TEXT | st.sampled_from(" \n\t")
        text = str(self.draw(st.text(alphabet, min_size=low, max_size=min(high, low + 12))))
        if collapse:
            text = re.sub(r"\s+", " ", text)
            if text.strip() != text or len(text) < low:
                text = "x" * max(low, 1) if not text.strip() else text.strip().ljust(low, "x")
        return text

    # -- elements ------------------------------------------------------------------

    def document(self, root: Any) -> etree._Element:
        nsmap = {p: ns for ns, p in self.prefixes.items()}
        element = etree.Element(root.name, nsmap=nsmap)  # type: ignore[arg-type]
        self.fill(element, root, 0)
        return element

    def fill(self, element: etree._Element, declaration: Any, depth: int) -> None:
        xsd_type = declaration.type
        derived = [t for t in self.schema.maps.types.values()
                   if t is not xsd_type and not t.name.startswith(f"{{{XS}}}")
                   and t.is_complex() and t.is_derived(xsd_type)] if xsd_type.is_complex() \
            else []
        if derived and self.draw(st.booleans()):
            xsd_type = self.draw(st.sampled_from(derived))
            ns, _, local = xsd_type.name[1:].partition("}")
            element.set(f"{{{XSI}}}type", f"{self.prefixes[ns]}:{local}")
        if xsd_type.is_complex():
            self.attributes(element, xsd_type)
        if getattr(declaration, "nillable", False) and self.draw(st.booleans()):
            # xs:boolean's lexical space (XSD 1.0 Part 2, 3.2.2): "1" is true too
            element.set(f"{{{XSI}}}nil", self.draw(st.sampled_from(["true", "1"])))
            return
        if xsd_type.is_simple():
            element.text = self.value(xsd_type)
        elif xsd_type.has_simple_content():
            element.text = self.value(xsd_type.content)
        elif isinstance(xsd_type.content, XsdGroup):
            self.group(element, xsd_type.content, depth, xsd_type.mixed)

    def attributes(self, element: etree._Element, xsd_type: Any) -> None:
        for name, attribute in xsd_type.attributes.items():
            if name is None:
                if self.draw(st.booleans()):
                    element.set(f"{{{FOREIGN}}}extra", self.string(None))
            elif attribute.use == "required" or self.draw(st.booleans()):
                element.set(name, self.value(attribute.type))

    def group(self, element: etree._Element, group: Any, depth: int, mixed: bool) -> None:
        for _ in range(self.count(group, depth)):
            if group.model == "choice":
                self.particle(element, self.draw(st.sampled_from(list(group))), depth, mixed)
            elif group.model == "all":
                for particle in self.draw(st.permutations(list(group))):
                    self.particle(element, particle, depth, mixed)
            else:
                for particle in group:
                    self.particle(element, particle, depth, mixed)

    def count(self, particle: Any, depth: int) -> int:
        low = particle.min_occurs
        if depth >= _MAX_DEPTH:
            return low
        high = low + 2 if particle.max_occurs is None else min(particle.max_occurs, low + 2)
        return int(self.draw(st.integers(low, high)))

    def particle(self, element: etree._Element, particle: Any, depth: int, mixed: bool) -> None:
        if isinstance(particle, XsdGroup):
            self.group(element, particle, depth, mixed)
            return
        for _ in range(self.count(particle, depth)):
            if isinstance(particle, XsdAnyElement):
                self.wildcard(element, particle, depth)
            elif isinstance(particle, XsdElement):
                member = self.draw(st.sampled_from(self.members(particle)))
                child = etree.SubElement(element, member.name)
                self.fill(child, member, depth + 1)
            if mixed:
                child = element[-1]
                child.tail = str(self.draw(st.text(_TEXT, max_size=6)))

    def members(self, particle: Any) -> list[Any]:
        found = [] if particle.abstract else [particle]
        for head, members in self.schema.maps.substitution_groups.items():
            if head == particle.name:
                found.extend(m for m in members if not m.abstract)
        return found

    def wildcard(self, element: etree._Element, particle: Any, depth: int) -> None:
        declared = [g for g in self.globals if particle.is_matching(g.name)]
        if particle.process_contents != "skip" and declared and \
                (particle.process_contents == "strict" or self.draw(st.booleans())):
            chosen = self.draw(st.sampled_from(declared))
            self.fill(etree.SubElement(element, chosen.name), chosen, depth + 1)
            return
        self.generic(element, depth)

    def generic(self, parent: etree._Element, depth: int) -> None:
        name = self.draw(st.sampled_from([f"{{{FOREIGN}}}Thing", f"{{{FOREIGN}}}Other"]))
        child = etree.SubElement(parent, name)
        if self.draw(st.booleans()):
            child.set("code", str(self.draw(st.text(_TEXT, max_size=5))))
        child.text = str(self.draw(st.text(_TEXT, max_size=6)))
        if depth < _MAX_DEPTH and self.draw(st.booleans()):
            self.generic(child, depth + 1)
            child[-1].tail = str(self.draw(st.text(_TEXT, max_size=4)))


@st.composite
def documents(draw: Any, schema: Any, root: str) -> bytes:
    """A schema-valid document whose root element is the global element ``root``."""
    builder = Builder(schema, draw)
    element = builder.document(schema.maps.elements[root])
    return bytes(etree.tostring(element, encoding="UTF-8"))
