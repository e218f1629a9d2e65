"""Messages on a schema set only the second engine (xmlschema) compiles, like the EU NCTS
transit schemas: each names the offending element at its own line and column, quotes the
value, and reads as a sentence; no message of any layer prints Python's ``None`` or a
Python list, whatever the input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from tradestd import SchemaSet, load_schema_set
from tradestd.intake import parse_bytes
from tradestd.issues import Issue, Severity
from tradestd.registry import DetectionError, bundled_registry
from tradestd.rules import RuleRunner
from tradestd.rules.catalog import bundled_pack
from tradestd.validation import Validator
from tradestd.xsdmessages import from_xmlschema

DATA = Path(__file__).resolve().parents[1] / "data" / "secondengine"
VALID = (DATA / "transit-valid.xml").read_text(encoding="utf-8")
#: What a message must never hold: Python's None, a list or dict repr, an empty tuple.
LEAK = re.compile(r"\bNone\b|\['|\[\"|\{'|\(\)")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from mutants import Mutator


@pytest.fixture(scope="module")
def transit() -> SchemaSet:
    schema_set = load_schema_set(DATA / "transit.xsd")
    assert schema_set.libxml2_refusal is not None  # the second engine is the only one
    return schema_set


def errors(schema_set: SchemaSet, text: str) -> list[Issue]:
    report = schema_set.validate(text.encode("utf-8"))
    assert [i.code for i in report.issues if i.severity is not Severity.ERROR] == [
        "SCHEMA_SECOND_ENGINE_ONLY"]
    return [i for i in report.issues if i.severity is Severity.ERROR]


def line_of(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def test_the_valid_message_passes(transit: SchemaSet) -> None:
    assert errors(transit, VALID) == []


def test_an_unexpected_element_is_reported_at_its_own_line_and_column(
        transit: SchemaSet) -> None:
    lines = VALID.splitlines(keepends=True)
    text = "".join(lines[:35] + ["        <unexpectedElement>x</unexpectedElement>\n"]
                   + lines[35:])
    (issue,) = errors(transit, text)
    assert (issue.code, issue.line, issue.column) == ("SCHEMA_UNEXPECTED_ELEMENT", 36, 9)
    assert issue.path == ("/t:CC015C/Consignment/HouseConsignment[2]/ConsignmentItem/"
                          "unexpectedElement")
    assert issue.message == ("unexpected element unexpectedElement; ConsignmentItem has no "
                             "such child element")
    assert "position" not in issue.message


def test_an_element_in_place_of_a_required_one_names_what_was_expected(
        transit: SchemaSet) -> None:
    text = VALID.replace("<LRN>LRN-2026-0001</LRN>", "<foo/>")
    (issue,) = errors(transit, text)
    assert (issue.code, (issue.line, issue.column)) == ("SCHEMA_UNEXPECTED_ELEMENT",
                                                        line_of(text, "<foo/>"))
    assert issue.message == "unexpected element foo; expected LRN"


@pytest.mark.parametrize(("removed", "parent", "expected", "before"), [
    ("<LRN>LRN-2026-0001</LRN>", "<TransitOperation>", "LRN", "declarationType"),
    ("<messageSender>sender0001</messageSender>", "<t:CC015C", "messageSender",
     "messageRecipient"),
])
def test_a_missing_first_child_is_reported_at_its_parent(
        transit: SchemaSet, removed: str, parent: str, expected: str, before: str) -> None:
    text = VALID.replace(removed, "")
    (issue,) = errors(transit, text)
    assert issue.code == "SCHEMA_MISSING_ELEMENT"
    assert (issue.line, issue.column) == line_of(text, parent) != (1, 1)
    local = parent.strip("<>").removeprefix("t:")
    assert issue.message == (f"{local} is incomplete: expected child element {expected} "
                             f"before {before}")


def test_pattern_errors_quote_the_value_and_the_patterns(transit: SchemaSet) -> None:
    text = VALID.replace("<sequenceNumber>2<", "<sequenceNumber>Y2<")
    (issue,) = errors(transit, text)
    assert (issue.code, (issue.line, issue.column)) == ("SCHEMA_PATTERN",
                                                        line_of(text, "<sequenceNumber>Y2"))
    assert issue.message == ("sequenceNumber: 'Y2' does not match the required pattern "
                             "[0-9]{1,5} or X[0-9]{1,4}")
    long = "s" * 300
    (cut,) = errors(transit, VALID.replace("sender0001", long))
    assert cut.message.startswith(f"messageSender: '{'s' * 80}'\u2026 (300 characters) does "
                                  "not match the required pattern .{1,35}")


@pytest.mark.parametrize(("old", "new", "code", "message"), [
    ("<messageType>CC015C<", "<messageType>CC014C<", "SCHEMA_ENUMERATION",
     "messageType: 'CC014C' is not one of the allowed values CC015C"),
    ("<grossMass>500.5<", "<grossMass>heavy<", "SCHEMA_INVALID_VALUE",
     "grossMass: 'heavy' is not a valid xs:decimal"),
    ("<security>0<", "<security>x<", "SCHEMA_INVALID_VALUE",
     "security: 'x' is not a valid xs:int"),
    ('PhaseID="NCTS5.0"', 'PhaseID="NCTS5.0" foo="1"', "SCHEMA_UNEXPECTED_ATTRIBUTE",
     "CC015C: attribute foo is not allowed"),
    ('PhaseID="NCTS5.0"', 'PhaseID="NCTS5.0" version="v2"', "SCHEMA_INVALID_VALUE",
     "CC015C/@version: 'v2' is not a valid xs:int"),
    ("<security>0<", "<security>5<", "SCHEMA_RANGE",
     "security: '5' is greater than the maximum 1"),
    ("<netMass>380<", "<netMass>1234567<", "SCHEMA_TOTAL_DIGITS",
     "netMass: '1234567' has more than 6 digits"),
    ("<messageType>", "stray text<messageType>", "SCHEMA_TEXT_NOT_ALLOWED",
     "CC015C: text is not allowed in this element"),
    ("<declarationType>T1</declarationType>\n    <security>0</security>", "",
     "SCHEMA_MISSING_ELEMENT",
     "TransitOperation is incomplete: expected child element declarationType"),
    ("t:CC015C", "t:CC014C", "SCHEMA_UNKNOWN_ROOT",
     ("no matching global element declaration for the root element CC014C (namespace "
      "urn:tradestd:test:transit): it is not a message element of this schema set")),
])
def test_other_findings_read_as_sentences(transit: SchemaSet, old: str, new: str, code: str,
                                          message: str) -> None:
    (issue,) = errors(transit, VALID.replace(old, new))
    assert (issue.code, issue.message) == (code, message)
    assert issue.line is not None and issue.column is not None and issue.path
    assert issue.path.endswith("/@version") == ("@version" in message)


def _mutations(text: str) -> list[str]:
    """Every element of the message removed, doubled, emptied, given a long value or a
    stray child: one change at a time."""
    root = etree.fromstring(text.encode())
    out = []
    for index, element in enumerate(root.iter(etree.Element)):
        for change in ("remove", "double", "empty", "long", "stray"):
            copy = etree.fromstring(text.encode())
            target = list(copy.iter(etree.Element))[index]
            parent = target.getparent()
            if change == "remove" and parent is not None:
                parent.remove(target)
            elif change == "double" and parent is not None:
                target.addnext(etree.fromstring(etree.tostring(target)))
            elif change == "empty":
                target.text = None
                target[:] = []
            elif change == "long" and len(target) == 0:
                target.text = "v" * 120
            elif change == "stray":
                etree.SubElement(target, "stray").text = "x"
            else:
                continue
            out.append(etree.tostring(copy, encoding="unicode"))
    return out


def test_every_second_engine_message_is_located_at_an_element_and_reads_plainly(
        transit: SchemaSet) -> None:
    seen = set()
    for text in _mutations(VALID):
        for issue in errors(transit, text):
            seen.add(issue.code)
            assert not LEAK.search(issue.message), issue
            assert issue.line is not None and issue.column is not None, issue
            assert issue.path and issue.path.startswith("/t:"), issue
            if issue.code == "SCHEMA_UNEXPECTED_ELEMENT":  # at the element out of place
                assert issue.message.split()[2].rstrip(";") == issue.path.rsplit("/", 1)[1] \
                    .split("[")[0]
    assert {"SCHEMA_UNEXPECTED_ELEMENT", "SCHEMA_MISSING_ELEMENT", "SCHEMA_PATTERN",
            "SCHEMA_INVALID_VALUE"} <= seen


def test_no_message_of_any_layer_leaks_python_reprs() -> None:
    """Seeded mutants of every fixture through all layers (every bundled pack, eu-ucc
    too), and the same mutants' schema errors as the second engine words them."""
    validator = Validator(rules=RuleRunner([bundled_pack("eu-ucc")]))
    registry = bundled_registry()
    checked = 0
    for _, data in Mutator().mutants(400, seed=20261207):
        for issue in validator.validate(data).issues:
            checked += 1
            assert not LEAK.search(issue.message), issue
        doc = parse_bytes("mutant", data)
        if doc.tree is None or doc.root is None:
            continue
        try:
            schema_set = registry.detect(doc.root).schema_set()
        except DetectionError:
            continue
        locator = doc.locator()
        for error in schema_set.xmlschema.iter_errors(doc.tree):
            issue = from_xmlschema(error, locator)
            checked += 1
            assert not LEAK.search(issue.message), issue
            assert issue.line is not None and issue.path, issue
    assert checked > 400


def test_no_message_on_broken_files_leaks_python_reprs() -> None:
    """Every invalid fixture, and a valid one cut short at many places."""
    validator = Validator(rules=RuleRunner([bundled_pack("eu-ucc")]))
    fixtures = sorted((Path(__file__).resolve().parents[2] / "fixtures").glob("*/invalid/*.xml"))
    whole = fixtures[0].read_bytes()
    inputs = [f.read_bytes() for f in fixtures]
    inputs += [whole[:cut] for cut in range(0, len(whole), max(1, len(whole) // 40))]
    inputs += [b"\x00\xff garbage", b"{}", b'{"Declaration": null}', b"[1, 2]"]
    messages = [i.message for data in inputs for i in validator.validate(data).issues]
    assert len(messages) > len(inputs)
    assert [m for m in messages if LEAK.search(m)] == []
