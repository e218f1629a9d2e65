"""Work budgets that keep hostile messages linear in time and memory.

The second schema engine (xmlschema) confirms libxml2's findings. It builds one error
object per child that its content model rejects, and each of those constructions
measures the parent's whole child list (lxml counts children by walking them), so a
parent with N unexpected children costs O(N^2): 1,500,000 empty ``<X/>`` siblings in a
6 MB message would take hours. :class:`ConfirmBudget` is the validation hook that
bounds that work. Before xmlschema decodes an element, the hook charges what its
children can cost at most -- each child once, plus the parent's child count for every
error xmlschema may build among them (one per child its content model cannot match, and
two more) -- and stops the engine when the message's allowance runs out. The allowance
scales with the message: :data:`CONFIRM_WORK_BASE` plus :data:`CONFIRM_WORK_PER_BYTE`
steps per byte.

A stopped engine confirms nothing: libxml2's findings are reported as they are, with a
``SCHEMA_NOT_CROSS_CHECKED`` note, as for messages above ``CONFIRM_MAX_BYTES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import xmlschema
from lxml import etree

from .locate import tag_of

__all__ = ["ATTRIBUTE_STEPS", "CONFIRM_WORK_BASE", "CONFIRM_WORK_PER_BYTE", "ConfirmBudget"]

#: Steps every message may spend on the second opinion, whatever its size (a step is
#: one child visited; a few nanoseconds each).
CONFIRM_WORK_BASE = 1 << 24
#: Further steps per byte of the message.
CONFIRM_WORK_PER_BYTE = 16
#: Steps for one attribute that one attribute error quotes (xmlschema writes out the
#: element's whole attribute mapping for each undeclared attribute: microseconds each).
ATTRIBUTE_STEPS = 1000
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


class ConfirmBudget:
    """An xmlschema ``validation_hook`` that stops the engine when a message's work
    allowance is spent; :attr:`exceeded` then says why."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.allowance = CONFIRM_WORK_BASE + CONFIRM_WORK_PER_BYTE * size
        self.left = self.allowance
        self.exceeded: str | None = None

    def start(self, data: bytes, unexpected: Iterable[etree._Element] = ()) -> bool:
        """Charge what the engine costs before the first element is decoded, and what
        libxml2's findings already show; ``False`` when that alone is over budget.

        * xmlschema first records every element's in-scope namespaces: a step per element
          and declaration in scope, and for each element that declares namespaces of its
          own, a step per pair of declarations in scope. Both are bounded from the bytes
          (``<`` and ``xmlns`` occurrences bound the elements and the declarations).
        * ``unexpected`` are elements libxml2 found out of place. xmlschema may flag every
          sibling with the same name, at the cost of the whole child list each: a parent
          holding a million of them is over budget before xmlschema reads a byte.
        """
        tags, declarations = data.count(b"<"), data.count(b"xmlns")
        if not self._charge(tags * (declarations + 1)
                            + min(tags, declarations) * declarations * declarations):
            return self._over(f"{tags:,} tags under {declarations:,} namespace declarations")
        parents: set[etree._Element] = set()
        for element in unexpected:
            parent = element.getparent()
            if parent is None or parent in parents:
                continue
            parents.add(parent)
            children = len(parent)
            same = sum(1 for _ in parent.iterchildren(tag_of(element)))
            if not self._charge(children * (same + 3)):
                return self._over(
                    f"{etree.QName(parent).localname} has {children:,} child nodes, {same:,} "
                    f"of them {etree.QName(element).localname} elements out of place")
        return True

    def __call__(self, element: Any, xsd_element: Any) -> bool:
        if not isinstance(element, etree._Element):
            return False
        children = len(element)
        if children:
            errors = self._possible_errors(element, xsd_element, children,
                                           self.left // children)
            if not self._charge(children * (errors + 1)):
                self._over(f"{etree.QName(element).localname} has {children:,} child nodes")
                raise xmlschema.XMLSchemaStopValidation()
        attributes = len(element.attrib)
        if attributes:
            undeclared = self._undeclared(element, xsd_element)
            if undeclared and not self._charge(attributes * undeclared * ATTRIBUTE_STEPS):
                self._over(f"{etree.QName(element).localname} has {undeclared:,} undeclared "
                           f"attributes of {attributes:,}")
                raise xmlschema.XMLSchemaStopValidation()
        return False  # go on validating this element and its content

    @staticmethod
    def _undeclared(element: etree._Element, xsd_element: Any) -> int:
        """How many attributes xmlschema rejects one by one, each error quoting all of
        them (every one, when the declarations are not known here: ``xsi:type``)."""
        declared = getattr(getattr(xsd_element, "type", None), "attributes", None)
        if declared is None or _XSI_TYPE in element.attrib:
            return len(element.attrib)
        if None in declared:  # anyAttribute: its errors quote one attribute each
            return 0
        return sum(1 for name in element.attrib if name not in declared)

    def _charge(self, steps: int) -> bool:
        self.left -= steps
        return self.left >= 0

    def _over(self, what: str) -> bool:
        self.exceeded = (f"{what}, more than the cross-check can afford in its work budget "
                         f"for a message of {self.size:,} bytes ({self.allowance:,} steps)")
        return False

    @staticmethod
    def _possible_errors(element: etree._Element, xsd_element: Any, children: int,
                         affordable: int) -> int:
        """At most how many children errors xmlschema can build for ``element`` (counting
        stops once more than ``affordable``).

        Once its content model breaks, xmlschema flags only the children no particle of
        the group can match at all; it reports the first break and an incomplete end
        besides. Without a content group to ask (an ``xsi:type``, simple content) every
        child counts.
        """
        group = getattr(getattr(xsd_element, "type", None), "content", None)
        match = getattr(group, "match_element", None)
        if match is None or _XSI_TYPE in element.attrib:
            return children + 2
        errors = 2
        for child in element:
            tag = tag_of(child)
            if tag and match(tag) is None:
                errors += 1
                if errors > affordable:
                    break
        return errors
