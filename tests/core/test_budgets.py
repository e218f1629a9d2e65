"""The cross-check budget, the linear lookups behind many findings, and quoted values."""

from __future__ import annotations

import json

import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import tradestd
from tradestd import Severity, budgets
from tradestd.convert.jsonintake import JsonLocator
from tradestd.issues import (
    EXCERPT_CHARS,
    MAX_MESSAGE_CHARS,
    Issue,
    Layer,
    excerpt,
    quote,
    shorten_quoted,
)
from tradestd.locate import Locator, SiblingPositions, element_path
from tradestd.xsdmessages import _Children, _element_from_path

SCHEMAS = DATA / "schemas"
#: libxml2 rejects the white space around the date-time; the XSD specification accepts it.
QUIRK = (b'<Stamp xmlns="urn:test:stamp"><At> 2026-11-27T10:00:00Z </At>'
         b'<At>2026-11-27T10:00:00Z</At></Stamp>')


@pytest.fixture
def no_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budgets, "CONFIRM_WORK_BASE", 0)
    monkeypatch.setattr(budgets, "CONFIRM_WORK_PER_BYTE", 0)


def test_within_budget_the_specification_decides() -> None:
    report = tradestd.load_schema_set(SCHEMAS / "datetime.xsd").validate(QUIRK)
    assert report.valid
    assert [i.code for i in report.issues] == ["SCHEMA_ENGINE_DISAGREEMENT"]


def test_over_budget_libxml2_findings_stand_unconfirmed(no_budget: None) -> None:
    report = tradestd.load_schema_set(SCHEMAS / "datetime.xsd").validate(QUIRK)
    assert [(i.code, i.severity) for i in report.issues] == [
        ("SCHEMA_INVALID_VALUE", Severity.ERROR), ("SCHEMA_NOT_CROSS_CHECKED", Severity.INFO)]
    note = report.issues[1].message
    assert "work budget" in note and f"{len(QUIRK):,} bytes" in note


def test_over_budget_an_xsd11_message_is_not_passed(no_budget: None) -> None:
    schema_set = tradestd.load_schema_set(SCHEMAS / "assert11.xsd")
    report = schema_set.validate(b'<Period xmlns="urn:test:period"><Start>2026-01-02</Start>'
                                 b"<End>2026-01-01</End></Period>")
    assert [i.code for i in report.errors] == ["SCHEMA_ENGINE_FAILURE"]
    assert "budget" in report.errors[0].message


def test_the_hook_charges_undeclared_attributes(monkeypatch: pytest.MonkeyPatch) -> None:
    attributes = "".join(f' a{i}="1"' for i in range(60))
    message = f'<Stamp xmlns="urn:test:stamp"{attributes}><At>x</At></Stamp>'.encode()
    schema_set = tradestd.load_schema_set(SCHEMAS / "datetime.xsd")
    assert "SCHEMA_NOT_CROSS_CHECKED" not in {i.code for i in schema_set.validate(message).issues}
    monkeypatch.setattr(budgets, "CONFIRM_WORK_BASE", 60 * 60 * budgets.ATTRIBUTE_STEPS - 1)
    monkeypatch.setattr(budgets, "CONFIRM_WORK_PER_BYTE", 0)
    report = schema_set.validate(message)
    note = next(i for i in report.issues if i.code == "SCHEMA_NOT_CROSS_CHECKED")
    assert "Stamp has 60 undeclared attributes of 60" in note.message
    assert {i.code for i in report.errors} == {"SCHEMA_UNEXPECTED_ATTRIBUTE",
                                               "SCHEMA_INVALID_VALUE"}


def test_the_budget_counts_children_only_as_often_as_they_may_fail() -> None:
    budget = budgets.ConfirmBudget(0)
    schema = tradestd.load_schema_set(SCHEMAS / "datetime.xsd").xmlschema
    stamp = schema.elements["Stamp"]
    known = etree.fromstring(b'<Stamp xmlns="urn:test:stamp">' + b"<At/>" * 100 + b"</Stamp>")
    assert budget._possible_errors(known, stamp, 100, 10**9) == 2
    unknown = etree.fromstring(b'<Stamp xmlns="urn:test:stamp">' + b"<X/>" * 100 + b"</Stamp>")
    assert budget._possible_errors(unknown, stamp, 100, 10**9) == 102
    assert budget._possible_errors(unknown, stamp, 100, 10) == 11  # stops counting early


# ------------------------------------------------------------------ linear lookups

_TREE = st.recursive(st.just([]), lambda kids: st.lists(
    st.tuples(st.sampled_from(["a", "b", "p:c"]), kids), max_size=7), max_leaves=40)


def _xml(children: list[object]) -> bytes:
    def render(nodes: list[object]) -> str:
        return "".join(f"<{name}>{render(kids)}</{name}>"  # type: ignore[misc]
                       for name, kids in nodes)  # type: ignore[misc]
    return f'<r xmlns:p="urn:p">{render(children)}</r>'.encode()


@settings(max_examples=60, deadline=None)
@given(_TREE)
def test_shared_lookups_give_the_paths_and_places_of_single_ones(children: list[object]) -> None:
    data = _xml(children)
    tree = etree.ElementTree(etree.fromstring(data))
    elements = list(tree.getroot().iter())
    locator, alone = Locator(data, tree), Locator(data, tree)
    positions, cache = SiblingPositions(), _Children()
    for element in elements * 2:  # asked again and again: past the direct asks
        assert locator.path(element) == element_path(element)
        assert element_path(element, positions) == element_path(element)
        assert locator.position(element) == Locator(data, tree).position(element)
        path = tree.getpath(element)
        assert _element_from_path(tree.getroot(), path, cache) is element
    assert [alone.position(e) for e in elements] == [locator.position(e) for e in elements]


def test_json_positions_match_one_by_one_lookups() -> None:
    text = json.dumps({"a": [1, {"b": "x\\\"y", "c": [[], {}]}, "z"], "d": {"e": None}},
                      indent=1)
    pointers = ["", "/a", "/a/0", "/a/1/b", "/a/1/c/1", "/a/2", "/d/e", "/a/9", "/nope"]
    full = JsonLocator(text)
    expected = {ptr: full.position(ptr) for ptr in pointers}
    assert JsonLocator(text).positions(pointers) == expected
    assert JsonLocator(text).positions(pointers[:3]) == {p: expected[p] for p in pointers[:3]}


# ------------------------------------------------------------------ quoted values


def test_a_long_value_is_quoted_as_an_excerpt_with_its_length() -> None:
    assert quote("short") == "'short'"
    assert quote(12) == "12"
    long = "y" * 500
    assert quote(long) == repr("y" * EXCERPT_CHARS) + "\u2026 (500 characters)"
    assert excerpt(long) == "y" * EXCERPT_CHARS + "\u2026 (500 characters)"
    assert excerpt("fine") == "fine"


def test_engine_texts_keep_short_quotes_and_prose() -> None:
    text = ("Element 'Foo': [facet 'pattern'] The value 'abc' is not accepted by the pattern "
            "'[0-9]+'; libxml2's words between quoted values stay, however long they run on")
    assert shorten_quoted(text) == text
    cut = shorten_quoted(f"the value '{'v' * 300}' is bad")
    assert cut == f"the value {quote('v' * 300)} is bad"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab' \"x", max_size=400))
def test_shortening_is_idempotent_and_never_lengthens_much(text: str) -> None:
    once = shorten_quoted(text)
    assert shorten_quoted(once) == once
    assert len(once) <= len(text) + 40


def test_no_issue_message_is_longer_than_the_cap() -> None:
    issue = Issue("X", Severity.ERROR, Layer.SCHEMA, "v" * 50_000)
    assert len(issue.message) == MAX_MESSAGE_CHARS
    assert issue.message.endswith("(message cut: 50,000 characters)")
    assert Issue("X", Severity.ERROR, Layer.SCHEMA, issue.message) == issue
