"""Turn schema-engine errors into readable, located issues.

libxml2 says ``Element '{urn:x}Foo': This element is not expected. Expected is (
{urn:x}Bar ).``; a customs developer wants ``unexpected element Foo; expected Bar``
with a line, a column and an XPath. This module does that translation for libxml2
(via lxml's error log) and for xmlschema errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from lxml import etree

from .issues import Issue, Layer, Severity, quote, shorten_quoted
from .locate import Locator

__all__ = ["Finding", "from_libxml2", "from_xmlschema", "humanize"]

#: ``{namespace-uri}local``; a URI always holds ``:`` or ``/``, a regex quantifier
#: such as ``{1,3}`` or an enumeration set ``{'A', 'B'}`` does not.
_CLARK = re.compile(r"\{[^{}\s']*[:/][^{}\s']*\}(?=[\w*])")
_SUBJECT = re.compile(r"^Element '(?P<el>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: (?P<rest>.*)$",
                      re.DOTALL)
_EXPECTED = re.compile(r"Expected is(?: one of)? \( (?P<names>.*?) \)\.?")
_FACET = re.compile(r"^\[facet '(?P<facet>\w+)'\] (?P<rest>.*)$", re.DOTALL)
_PATTERN = re.compile(r"The value '(?P<v>.*)' is not accepted by the pattern '(?P<p>.*)'\.?$", re.DOTALL)
_ENUMERATION = re.compile(r"The value '(?P<v>.*)' is not an element of the set \{(?P<set>.*)\}\.?$",
                          re.DOTALL)
_INVALID_VALUE = re.compile(r"'(?P<v>.*)' is not a valid value of (?:the )?(?:local )?"
                            r"(?:atomic |list |union )?type(?: '(?P<t>[^']*)')?", re.DOTALL)
_WILDCARD = re.compile(r"##other\{(?P<ns>[^}]*)\}\*|\{(?P<any>[^}]*)\}\*|##any")
#: Show at most this many allowed values of an enumeration.
_ENUMERATION_SHOWN = 12

_FACET_CODES = {
    "maxLength": "SCHEMA_MAX_LENGTH",
    "minLength": "SCHEMA_MIN_LENGTH",
    "length": "SCHEMA_LENGTH",
    "pattern": "SCHEMA_PATTERN",
    "enumeration": "SCHEMA_ENUMERATION",
    "totalDigits": "SCHEMA_TOTAL_DIGITS",
    "fractionDigits": "SCHEMA_FRACTION_DIGITS",
    "minInclusive": "SCHEMA_RANGE",
    "maxInclusive": "SCHEMA_RANGE",
    "minExclusive": "SCHEMA_RANGE",
    "maxExclusive": "SCHEMA_RANGE",
}


def humanize(text: str) -> str:
    """Drop namespace URIs in ``{uri}local`` names, tidy whitespace and cut long quoted
    values to excerpts."""
    return shorten_quoted(" ".join(_CLARK.sub("", text).split()))


def _clark_parts(name: str) -> tuple[str | None, str]:
    if name.startswith("{") and "}" in name:
        ns, _, local = name[1:].partition("}")
        return ns or None, local
    return None, name


def _names(expected: str, qualify: bool = False) -> list[str]:
    """Readable names from libxml2's ``( {ns}A, {ns}B, ##other{ns}* )`` list.

    ``qualify`` keeps each name's namespace, for when the local names alone would
    read as a contradiction (``unexpected element Name; expected Name``).
    """
    names = []
    for raw in (n.strip() for n in expected.split(",")):
        wildcard = _WILDCARD.fullmatch(raw)
        if wildcard is None:
            names.append(_qualified(raw) if qualify else humanize(raw))
        elif wildcard.group("ns") is not None:
            names.append(f"an element from a namespace other than {wildcard.group('ns') or 'none'}")
        elif wildcard.group("any") is not None:
            names.append(f"an element from namespace {wildcard.group('any')}")
        else:
            names.append("any element")
    return [n for n in names if n]


def _qualified(name: str) -> str:
    namespace, local = _clark_parts(name)
    return f"{local} (namespace {namespace or 'none'})"


def _expected_names(rest: str, qualify: bool = False) -> list[str]:
    found = _EXPECTED.search(rest)
    return _names(found.group("names"), qualify) if found else []


def _one_of(names: list[str], what: str = "") -> str:
    if len(names) == 1:
        return f"{what}{names[0]}"
    plural = f"the {what.strip()}s " if what else ""
    return f"one of {plural}{', '.join(names)}"


def _unexpected(element: str, subject: str, rest: str) -> str:
    names = _expected_names(rest)
    if not names:
        return f"unexpected element {subject}; no more elements are allowed here"
    if subject in names:  # same local name, another namespace: say which
        return (f"unexpected element {_qualified(element)}; expected "
                f"{_one_of(_expected_names(rest, qualify=True))}")
    return f"unexpected element {subject}; expected {_one_of(names)}"


def _facet_text(subject: str, facet: str, rest: str) -> str:
    pattern = _PATTERN.match(rest)
    if facet == "pattern" and pattern:
        return (f"{subject}: {quote(pattern.group('v'))} does not match the required pattern "
                f"{pattern.group('p')}")
    enumeration = _ENUMERATION.match(rest)
    if facet == "enumeration" and enumeration:
        allowed = [v.strip() for v in enumeration.group("set").split(",") if v.strip()]
        shown = ", ".join(allowed[:_ENUMERATION_SHOWN])
        more = (f" and {len(allowed) - _ENUMERATION_SHOWN} more"
                if len(allowed) > _ENUMERATION_SHOWN else "")
        return (f"{subject}: {quote(enumeration.group('v'))} is not one of the allowed values "
                f"{shown}{more}")
    text = humanize(rest).rstrip(".")
    return f"{subject}: {text[:1].lower()}{text[1:]}"


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _attribute_step(element: etree._Element, name: str) -> str:
    """An attribute's XPath step with the document's own prefix (``xsi:type``)."""
    if not name.startswith("{"):
        return name
    namespace, _, local = name[1:].partition("}")
    prefix = next((p for p, uri in element.nsmap.items() if uri == namespace and p), None)
    return f"{prefix}:{local}" if prefix else name


def _attribute_name(name: str) -> str:
    """``xsi:type`` for the XSI namespace, the local name otherwise."""
    return "xsi:" + name[len(_XSI):] if name.startswith(_XSI) else humanize(name)


def _translate(element: str, attribute: str | None, rest: str) -> tuple[str, str]:
    """A code and a readable message for one libxml2 validation error."""
    subject = humanize(element) + (f"/@{_attribute_name(attribute)}" if attribute else "")
    rest = rest.strip()
    facet = _FACET.match(rest)
    if facet:
        return (_FACET_CODES.get(facet.group("facet"), "SCHEMA_FACET"),
                _facet_text(subject, facet.group("facet"), facet.group("rest")))
    if "This element is not expected" in rest:
        return "SCHEMA_UNEXPECTED_ELEMENT", _unexpected(element, subject, rest)
    if "Missing child element" in rest:
        wanted = _one_of(_expected_names(rest), "child element ")
        return "SCHEMA_MISSING_ELEMENT", f"{subject} is incomplete: expected {wanted}"
    if "is required but missing" in rest:
        name = re.search(r"attribute '([^']+)'", rest)
        return ("SCHEMA_MISSING_ATTRIBUTE",
                f"{subject} lacks the required attribute {humanize(name.group(1)) if name else ''}"
                .strip())
    if "The attribute" in rest and "is not allowed" in rest:
        name = re.search(r"attribute '([^']+)'", rest)
        return ("SCHEMA_UNEXPECTED_ATTRIBUTE",
                f"{subject}: attribute {humanize(name.group(1)) if name else ''} is not allowed")
    if "is not allowed" in rest and attribute:
        return "SCHEMA_UNEXPECTED_ATTRIBUTE", f"attribute {subject} is not allowed here"
    value = _INVALID_VALUE.match(rest)
    if value:
        kind = humanize(value.group("t")) if value.group("t") else "value for this element's type"
        return "SCHEMA_INVALID_VALUE", f"{subject}: {quote(value.group('v'))} is not a valid {kind}"
    return _translate_declaration(element, subject, rest)


def _translate_declaration(element: str, subject: str, rest: str) -> tuple[str, str]:
    namespace, _ = _clark_parts(element)
    where = f" (namespace {namespace})" if namespace else " (no namespace)"
    if "No matching global declaration available for the validation root" in rest:
        return ("SCHEMA_UNKNOWN_ROOT",
                (f"no matching global element declaration for the root element {subject}{where}: "
                 "it is not a message element of this schema set"))
    if "No matching global element declaration available" in rest:
        return ("SCHEMA_WILDCARD_UNKNOWN",
                (f"no matching global element declaration for {subject}{where}, which the strict "
                 "wildcard here demands: add the XSD that declares it to the schema set"))
    if "Character content" in rest:
        return "SCHEMA_TEXT_NOT_ALLOWED", f"{subject}: text is not allowed in this element"
    if "Duplicate key-sequence" in rest or "No match found for key-sequence" in rest:
        return "SCHEMA_IDENTITY", f"{subject}: {humanize(rest)}"
    return "SCHEMA_INVALID", f"{subject}: {humanize(rest)}"


@dataclass(frozen=True, slots=True, eq=False)
class Finding:
    """A libxml2 error tied to the element it is about."""

    code: str
    message: str
    element: etree._Element | None
    attribute: str | None
    line: int | None

    def _located(self, locator: Locator) -> tuple[int | None, int | None, str | None]:
        if self.element is None:
            return self.line, None, None
        line, column = locator.position(self.element)
        path = locator.path(self.element)
        if self.attribute:
            path += f"/@{_attribute_step(self.element, self.attribute)}"
        return line or self.line, column, path

    def to_issue(self, locator: Locator) -> Issue:
        line, column, path = self._located(locator)
        return Issue(self.code, Severity.ERROR, Layer.SCHEMA, self.message, line, column, path)

    def disputed_issue(self, locator: Locator) -> Issue:
        line, column, path = self._located(locator)
        return Issue("SCHEMA_ENGINE_DISAGREEMENT", Severity.INFO, Layer.SCHEMA,
                     f"libxml2 reported \u201c{self.message}\u201d, but the XSD specification "
                     "(checked with xmlschema) accepts it, so it is not an error",
                     line, column, path)


_STEP = re.compile(r"(?P<name>[^\[]+)(?:\[(?P<index>\d+)\])?")


class _Children:
    """Child lists shared by the path walks of one error log: a parent's first few
    walks go no further than the child wanted; from then on its children are listed
    once. Many errors among many siblings stay linear, a lone one stays cheap."""

    DIRECT = 4

    def __init__(self) -> None:
        self._lists: dict[etree._Element, list[etree._Element]] = {}
        self._asked: dict[etree._Element, int] = {}
        self._named: dict[tuple[etree._Element, str], list[etree._Element]] = {}

    def nth(self, parent: etree._Element, index: int) -> etree._Element | None:
        """The ``index``-th (1-based) child element of ``parent``."""
        listed = self._lists.get(parent)
        if listed is None:
            asked = self._asked.get(parent, 0) + 1
            self._asked[parent] = asked
            if asked <= self.DIRECT:
                return next(islice(parent.iterchildren(tag=etree.Element), index - 1, None),
                            None)
            listed = self._lists[parent] = list(parent.iterchildren(tag=etree.Element))
        return listed[index - 1] if 0 < index <= len(listed) else None

    def named(self, parent: etree._Element, name: str) -> list[etree._Element]:
        """The child elements of ``parent`` called ``name`` (``prefix:local`` or ``local``)."""
        found = self._named.get((parent, name))
        if found is None:
            prefix, _, local = name.rpartition(":")
            found = self._named[(parent, name)] = [
                c for c in parent.iterchildren(tag=etree.Element)
                if etree.QName(c).localname == local and (c.prefix or "") == prefix]
        return found


def _element_from_path(root: etree._Element, path: str | None,
                       children: _Children | None = None) -> etree._Element | None:
    """Walk a libxml2 node path (``/p:A/*[2]/B``) from ``root``.

    ``children`` is shared between calls (see :class:`_Children`).
    """
    if not path or not path.startswith("/"):
        return None
    cache = _Children() if children is None else children
    current: etree._Element | None = None
    for depth, step in enumerate(path.strip("/").split("/")):
        match = _STEP.fullmatch(step)
        if match is None:
            return None
        name, index = match.group("name"), int(match.group("index") or 1)
        if current is None:
            candidates = [root] if depth == 0 else []
        elif name == "*":
            current = cache.nth(current, index)
            if current is None:
                return None
            continue
        else:
            candidates = cache.named(current, name)
        if depth == 0 and name != "*":
            prefix, _, local = name.rpartition(":")
            candidates = [c for c in candidates if etree.QName(c).localname == local
                          and (c.prefix or "") == prefix]
        if len(candidates) < index:
            return None
        current = candidates[index - 1]
    return current


def from_libxml2(entries: Iterable[Any], root: etree._Element) -> list[Finding]:
    """Findings for lxml error-log entries; ``root`` is where validation started."""
    findings: list[Finding] = []
    typed_elements: set[tuple[int, str | None]] = set()
    children = _Children()
    for entry in entries:
        message = str(entry.message)
        match = _SUBJECT.match(message)
        element = _element_from_path(root, entry.path, children)
        if match is None:
            findings.append(Finding("SCHEMA_INVALID", humanize(message), element, None,
                                    entry.line or None))
            continue
        code, text = _translate(match.group("el"), match.group("attr"), match.group("rest"))
        key = (id(element), match.group("attr"))
        if code == "SCHEMA_INVALID_VALUE" and key in typed_elements:
            continue  # the facet error said it already
        if code in _FACET_CODES.values() or code == "SCHEMA_FACET":
            typed_elements.add(key)
        findings.append(Finding(code, text, element, match.group("attr"), entry.line or None))
    return findings


_XMLSCHEMA_CODES = (
    ("Unexpected child", "SCHEMA_UNEXPECTED_ELEMENT"),
    ("is not an element of the schema", "SCHEMA_UNKNOWN_ROOT"),
    ("missing required attribute", "SCHEMA_MISSING_ATTRIBUTE"),
    ("is not an attribute of", "SCHEMA_UNEXPECTED_ATTRIBUTE"),
    ("is not complete", "SCHEMA_MISSING_ELEMENT"),
    ("doesn't match any pattern", "SCHEMA_PATTERN"),
    ("value must be one of", "SCHEMA_ENUMERATION"),
    ("invalid value", "SCHEMA_INVALID_VALUE"),
    ("value must be", "SCHEMA_INVALID_VALUE"),
    ("length", "SCHEMA_LENGTH"),
)


def _xmlschema_reason(error: Any) -> tuple[str, str]:
    reason = humanize(str(getattr(error, "reason", None) or error))
    validator = getattr(error, "validator", None)
    if type(validator).__name__ == "XsdAssert":
        test = getattr(validator, "path", None)
        return "SCHEMA_ASSERTION", f"the assertion {test!r} is false" if test else reason
    return next((c for needle, c in _XMLSCHEMA_CODES if needle in reason), "SCHEMA_INVALID"), reason


def from_xmlschema(error: Any, locator: Locator) -> Issue:
    """An issue for an ``xmlschema`` validation error."""
    code, reason = _xmlschema_reason(error)
    element = getattr(error, "elem", None)
    if isinstance(element, etree._Element):
        line, column = locator.position(element)
        local = etree.QName(element).localname
        return Issue(code, Severity.ERROR, Layer.SCHEMA, f"{local}: {reason}", line, column,
                     locator.path(element))
    return Issue(code, Severity.ERROR, Layer.SCHEMA, reason, None, None, getattr(error, "path", None))
