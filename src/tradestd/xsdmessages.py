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

from .issues import Issue, Layer, Severity, plain_lists, quote, shorten_quoted
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


def _pattern_text(subject: str, value: str, patterns: Iterable[str]) -> str:
    """``subject: 'value' does not match the required pattern P`` (several: ``P or Q``)."""
    return (f"{subject}: {quote(value)} does not match the required pattern "
            f"{' or '.join(patterns)}")


def _enumeration_text(subject: str, value: str, allowed: list[str]) -> str:
    shown = ", ".join(allowed[:_ENUMERATION_SHOWN])
    more = (f" and {len(allowed) - _ENUMERATION_SHOWN} more"
            if len(allowed) > _ENUMERATION_SHOWN else "")
    return f"{subject}: {quote(value)} is not one of the allowed values {shown}{more}"


def _facet_text(subject: str, facet: str, rest: str) -> str:
    pattern = _PATTERN.match(rest)
    if facet == "pattern" and pattern:
        return _pattern_text(subject, pattern.group("v"), [pattern.group("p")])
    enumeration = _ENUMERATION.match(rest)
    if facet == "enumeration" and enumeration:
        allowed = [v.strip() for v in enumeration.group("set").split(",") if v.strip()]
        return _enumeration_text(subject, enumeration.group("v"), allowed)
    text = humanize(rest).rstrip(".")
    return f"{subject}: {text[:1].lower()}{text[1:]}"


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
XS_NS = "http://www.w3.org/2001/XMLSchema"


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


def _unknown_root(subject: str, where: str) -> str:
    return (f"no matching global element declaration for the root element {subject}{where}: "
            "it is not a message element of this schema set")


def _wildcard_unknown(subject: str, where: str) -> str:
    return (f"no matching global element declaration for {subject}{where}, which the strict "
            "wildcard here demands: add the XSD that declares it to the schema set")


def _where(element: etree._Element) -> str:
    namespace = etree.QName(element).namespace
    return f" (namespace {namespace})" if namespace else " (no namespace)"


def _translate_declaration(element: str, subject: str, rest: str) -> tuple[str, str]:
    namespace, _ = _clark_parts(element)
    where = f" (namespace {namespace})" if namespace else " (no namespace)"
    if "No matching global declaration available for the validation root" in rest:
        return "SCHEMA_UNKNOWN_ROOT", _unknown_root(subject, where)
    if "No matching global element declaration available" in rest:
        return "SCHEMA_WILDCARD_UNKNOWN", _wildcard_unknown(subject, where)
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


# --------------------------------------------------------------------------- xmlschema
#
# xmlschema's errors carry what they are about (the element, the child out of place and
# its position, the particles expected, the facet and its values): messages are built
# from those, in the same words as libxml2's, never from the engine's text with its
# Python lists. Each names the offending element at its own line and column: a child out
# of place at the child, a missing child at its parent.

#: Facet -> code and sentence (``{v}`` the quoted value, ``{n}`` the facet's value).
_FACET_CLASSES = {
    "XsdLengthFacet": ("SCHEMA_LENGTH", "{v} does not have the required length {n}"),
    "XsdMinLengthFacet": ("SCHEMA_MIN_LENGTH", "{v} is shorter than the minimum length {n}"),
    "XsdMaxLengthFacet": ("SCHEMA_MAX_LENGTH", "{v} is longer than the maximum length {n}"),
    "XsdMinInclusiveFacet": ("SCHEMA_RANGE", "{v} is less than the minimum {n}"),
    "XsdMaxInclusiveFacet": ("SCHEMA_RANGE", "{v} is greater than the maximum {n}"),
    "XsdMinExclusiveFacet": ("SCHEMA_RANGE", "{v} is not greater than {n}"),
    "XsdMaxExclusiveFacet": ("SCHEMA_RANGE", "{v} is not less than {n}"),
    "XsdTotalDigitsFacet": ("SCHEMA_TOTAL_DIGITS", "{v} has more than {n} digits"),
    "XsdFractionDigitsFacet": ("SCHEMA_FRACTION_DIGITS", "{v} has more than {n} fraction digits"),
}
_XMLSCHEMA_CODES = (
    ("is not an element of the schema", "SCHEMA_UNKNOWN_ROOT"),
    ("missing required attribute", "SCHEMA_MISSING_ATTRIBUTE"),
    ("attribute not allowed", "SCHEMA_UNEXPECTED_ATTRIBUTE"),
    ("is not an attribute of", "SCHEMA_UNEXPECTED_ATTRIBUTE"),
    ("is not complete", "SCHEMA_MISSING_ELEMENT"),
    ("doesn't match any pattern", "SCHEMA_PATTERN"),
    ("value must be one of", "SCHEMA_ENUMERATION"),
    ("invalid value", "SCHEMA_INVALID_VALUE"),
    ("value must be", "SCHEMA_INVALID_VALUE"),
    ("length", "SCHEMA_LENGTH"),
)
_NOT_ALLOWED_ATTRIBUTE = re.compile(r"'(?P<a>[^']+)' (?:attribute not allowed|is not an attribute)")
_MISSING_ATTRIBUTE = re.compile(r"missing required attribute '?(?P<a>[^' ]+)'?")


def _particle_name(particle: Any) -> str:
    """A readable name for an expected particle (element or wildcard)."""
    name = getattr(particle, "name", None)
    if name:
        return humanize(str(name))
    namespace = getattr(particle, "namespace", None)
    if namespace is None or "##any" in namespace:
        return "any element"
    if "##other" in namespace:
        return "an element from another namespace"
    listed = [ns or "none" for ns in namespace if ns != "##local"]
    return "an element from namespace " + " or ".join(listed) if listed else "any element"


def _expected_particles(error: Any, exclude: str | None) -> list[str]:
    found: list[str] = []
    for particle in getattr(error, "expected", None) or ():
        name = _particle_name(particle)
        if name and name != exclude and name not in found:
            found.append(name)
    return found


def _declared_in(group: Any, tag: str) -> bool:
    """Whether a content model declares an element named ``tag`` anywhere."""
    try:
        return any(getattr(e, "name", None) == tag for e in group.iter_elements())
    except (AttributeError, TypeError):
        return False


def _children_error(error: Any, parent: etree._Element, subject: str
                    ) -> tuple[str, str, etree._Element]:
    """A child out of place (at the child) or a child missing (at the parent)."""
    child = getattr(error, "invalid_child", None)
    if not isinstance(child, etree._Element):
        names = _expected_particles(error, None)
        wanted = _one_of(names, "child element ") if names else "more child elements"
        return "SCHEMA_MISSING_ELEMENT", f"{subject} is incomplete: expected {wanted}", parent
    local = etree.QName(child).localname
    names = _expected_particles(error, local)
    required = any(getattr(p, "min_occurs", 0) for p in getattr(error, "expected", None) or ())
    declared = _declared_in(getattr(error, "validator", None), str(child.tag))
    if names and required and declared:
        # The child is declared later in the model: what is wrong is the missing one.
        wanted = _one_of(names, "child element ")
        return ("SCHEMA_MISSING_ELEMENT",
                f"{subject} is incomplete: expected {wanted} before {local}", parent)
    if not names:  # xmlschema lists only what is required next
        why = (f"it is not allowed at this position in {subject}" if declared
               else f"{subject} has no such child element")
        return "SCHEMA_UNEXPECTED_ELEMENT", f"unexpected element {local}; {why}", child
    return "SCHEMA_UNEXPECTED_ELEMENT", f"unexpected element {local}; expected {_one_of(names)}", \
        child


def _type_name(validator: Any) -> str:
    name = getattr(validator, "prefixed_name", None) or getattr(validator, "name", None)
    if not name:
        return "value for this element's type"
    return "xs:" + str(name).rpartition("}")[2] if str(name).startswith(f"{{{XS_NS}}}") \
        else humanize(str(name))


def _lexical(value: Any) -> str | None:
    """A value as written: strings as they are, numbers and dates in their XSD form; no
    Python repr (``Decimal('50')``) and nothing for containers or elements."""
    if value is None or isinstance(value, (etree._Element, dict, list, tuple, set, bytes)):
        return None
    return value if isinstance(value, str) else str(value)


def _value_error(error: Any, subject: str) -> tuple[str, str] | None:
    """Pattern, enumeration, other facets and lexical errors, from the error's own parts."""
    validator = getattr(error, "validator", None)
    value = _lexical(getattr(error, "obj", None))
    if value is None:
        return None
    kind = type(validator).__name__
    if kind == "XsdPatternFacets":
        patterns = [str(p) for p in getattr(validator, "regexps", ()) or ()]
        return "SCHEMA_PATTERN", _pattern_text(subject, value, patterns or ["of its type"])
    if kind == "XsdEnumerationFacets":
        allowed = [str(v) for v in getattr(validator, "enumeration", ()) or () if v is not None]
        return "SCHEMA_ENUMERATION", _enumeration_text(subject, value, allowed)
    if kind in _FACET_CLASSES:
        code, sentence = _FACET_CLASSES[kind]
        limit = _lexical(getattr(validator, "value", None))
        if limit is not None:
            return code, f"{subject}: {sentence.format(v=quote(value), n=limit)}"
    if type(error).__name__ == "XMLSchemaDecodeError":
        kind = _type_name(validator)
        return "SCHEMA_INVALID_VALUE", f"{subject}: {quote(value)} is not a valid {kind}"
    return None


def _xmlschema_reason(error: Any) -> tuple[str, str]:
    reason = plain_lists(humanize(str(getattr(error, "reason", None) or error)))
    validator = getattr(error, "validator", None)
    if type(validator).__name__ == "XsdAssert":
        test = getattr(validator, "path", None)
        return "SCHEMA_ASSERTION", f"the assertion {quote(test)} is false" if test else reason
    return next((c for needle, c in _XMLSCHEMA_CODES if needle in reason), "SCHEMA_INVALID"), reason


def _xmlschema_text(error: Any, element: etree._Element
                    ) -> tuple[str, str, etree._Element, str | None]:
    """Code, message, the element it is about and the attribute (if one is)."""
    subject = etree.QName(element).localname
    if type(error).__name__ == "XMLSchemaChildrenValidationError":
        return (*_children_error(error, element, subject), None)
    reason = str(getattr(error, "reason", None) or "")
    if "is not an element of the schema" in reason:
        return "SCHEMA_UNKNOWN_ROOT", _unknown_root(subject, _where(element)), element, None
    unexpected = _NOT_ALLOWED_ATTRIBUTE.search(reason)
    if unexpected:
        name = unexpected.group("a")
        return ("SCHEMA_UNEXPECTED_ATTRIBUTE",
                f"{subject}: attribute {_attribute_name(name)} is not allowed", element, name)
    missing = _MISSING_ATTRIBUTE.search(reason)
    if missing:
        name = missing.group("a")
        return ("SCHEMA_MISSING_ATTRIBUTE",
                f"{subject} lacks the required attribute {_attribute_name(name)}", element, None)
    attribute = _attribute_of(error, element)
    named = subject + (f"/@{_attribute_name(attribute)}" if attribute else "")
    found = _value_error(error, named)
    if found is not None:
        return (*found, element, attribute)
    if "unavailable namespace" in reason:
        return "SCHEMA_WILDCARD_UNKNOWN", _wildcard_unknown(subject, _where(element)), \
            element, None
    if "character data" in reason.lower():
        return ("SCHEMA_TEXT_NOT_ALLOWED", f"{subject}: text is not allowed in this element",
                element, None)
    code, text = _xmlschema_reason(error)
    return code, f"{named}: {text}", element, attribute


_ATTRIBUTE_REASON = re.compile(r"^attribute (?P<a>[\w.:-]+)=")


def _attribute_of(error: Any, element: etree._Element) -> str | None:
    """The attribute an error is about, told by its path (``.../@name``) or its reason
    (``attribute n='x': ...``), as ``{namespace}local`` or ``local``."""
    path = str(getattr(error, "path", None) or "")
    named = _ATTRIBUTE_REASON.match(str(getattr(error, "reason", None) or ""))
    if "/@" in path:
        step = path.rpartition("/@")[2]
    elif named is not None:
        step = named.group("a")
    else:
        return None
    prefix, _, local = step.rpartition(":")
    namespace = element.nsmap.get(prefix) if prefix else None
    return f"{{{namespace}}}{local}" if namespace else local


def from_xmlschema(error: Any, locator: Locator) -> Issue:
    """An issue for an ``xmlschema`` validation error, at the element it is about."""
    element = getattr(error, "elem", None)
    if isinstance(element, etree._Element):
        code, message, about, attribute = _xmlschema_text(error, element)
        line, column = locator.position(about)
        path = locator.path(about)
        if attribute:
            path += f"/@{_attribute_step(about, attribute)}"
        return Issue(code, Severity.ERROR, Layer.SCHEMA, message, line, column, path)
    code, reason = _xmlschema_reason(error)
    return Issue(code, Severity.ERROR, Layer.SCHEMA, reason, None, None,
                 getattr(error, "path", None))
