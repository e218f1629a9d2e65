"""libxml2 jargon becomes readable messages; namespaces go, regexes and sets stay."""

from __future__ import annotations

import pytest

from tradestd.xsdmessages import _translate, humanize


def test_humanize_drops_namespace_uris_only() -> None:
    assert humanize("{urn:x:y}Foo and {http://a/b}Bar") == "Foo and Bar"
    assert humanize("pattern '[0-9]{1,3}'") == "pattern '[0-9]{1,3}'"
    assert humanize("the set {'A', 'B'}") == "the set {'A', 'B'}"


@pytest.mark.parametrize(("rest", "code", "message"), [
    ("This element is not expected. Expected is ( {urn:d}Description ).",
     "SCHEMA_UNEXPECTED_ELEMENT", "unexpected element Colour; expected Description"),
    ("This element is not expected. Expected is one of ( {urn:d}A, {urn:d}B ).",
     "SCHEMA_UNEXPECTED_ELEMENT", "unexpected element Colour; expected one of A, B"),
    ("This element is not expected. Expected is ( ##other{urn:e}* ).",
     "SCHEMA_UNEXPECTED_ELEMENT",
     "unexpected element Colour; expected an element from a namespace other than urn:e"),
    ("Missing child element(s). Expected is one of ( {urn:d}A, {urn:d}B ).",
     "SCHEMA_MISSING_ELEMENT", "Colour is incomplete: expected one of the child elements A, B"),
    ("This element is not expected.", "SCHEMA_UNEXPECTED_ELEMENT",
     "unexpected element Colour; no more elements are allowed here"),
    ("Missing child element(s). Expected is ( {urn:d}Description ).", "SCHEMA_MISSING_ELEMENT",
     "Colour is incomplete: expected child element Description"),
    ("[facet 'enumeration'] The value 'X' is not an element of the set {"
     + ", ".join(f"'{c}'" for c in "ABCDEFGHIJKLMN") + "}.", "SCHEMA_ENUMERATION",
     ("Colour: 'X' is not one of the allowed values 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', "
      "'I', 'J', 'K', 'L' and 2 more")),
    (("[facet 'maxLength'] The value has a length of '80'; this exceeds the allowed maximum "
      "length of '70'."), "SCHEMA_MAX_LENGTH",
     "Colour: the value has a length of '80'; this exceeds the allowed maximum length of '70'"),
    ("'x' is not a valid value of the atomic type 'xs:decimal'.", "SCHEMA_INVALID_VALUE",
     "Colour: 'x' is not a valid xs:decimal"),
    ("'99%' is not a valid value of the local atomic type.", "SCHEMA_INVALID_VALUE",
     "Colour: '99%' is not a valid value for this element's type"),
    ("'a b' is not a valid value of the local union type.", "SCHEMA_INVALID_VALUE",
     "Colour: 'a b' is not a valid value for this element's type"),
    ("No matching global element declaration available, but demanded by the strict wildcard.",
     "SCHEMA_WILDCARD_UNKNOWN",
     ("no matching global element declaration for Colour (namespace urn:d), which the strict "
      "wildcard here demands: add the XSD that declares it to the schema set")),
])
def test_translation(rest: str, code: str, message: str) -> None:
    assert _translate("{urn:d}Colour", None, rest) == (code, message)


def test_attribute_subject() -> None:
    code, message = _translate("{urn:d}M", "unit", "[facet 'pattern'] The value 'k g' is not "
                               "accepted by the pattern '[A-Z]{3}'.")
    assert (code, message) == ("SCHEMA_PATTERN",
                               "M/@unit: 'k g' does not match the required pattern [A-Z]{3}")


def test_same_name_in_another_namespace_names_both_namespaces() -> None:
    rest = "This element is not expected. Expected is one of ( {urn:d}Name, {urn:d}ID )."
    assert _translate("{urn:other}Name", None, rest) == (
        "SCHEMA_UNEXPECTED_ELEMENT",
        ("unexpected element Name (namespace urn:other); expected one of Name (namespace urn:d), "
         "ID (namespace urn:d)"))
