"""The one-pass index and the helpers the speed-up rewrote: same answers as a plain walk."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from decimal import Decimal

import pytest
from lxml import etree
from stdnum import casrn, imo, iso6346, lei

from tradestd.rules.codelists import code_lists
from tradestd.rules.codelists import identifiers as ids
from tradestd.rules.values import digits, sequence_number
from tradestd.rules.view import MessageView, child, children, local

TWO_NAMESPACES = (
    '<m:MetaData xmlns:m="urn:m" xmlns="urn:d"><m:ID>m1</m:ID>'
    '<Declaration><ID>d1</ID><!-- a comment --><TaxAmount>1</TaxAmount><m:ID>m2</m:ID>'
    '<Party><ID>d2</ID></Party><m:TaxAmount>2</m:TaxAmount><DutyAmount>3</DutyAmount>'
    '</Declaration></m:MetaData>')


def _view(xml: str) -> MessageView:
    return MessageView(etree.fromstring(xml), code_lists())


def _walk(root: etree._Element, keep: Callable[[str], bool]) -> list[str | None]:
    """Expected order: names by first appearance, within a name by namespace, then document."""
    tags = list(dict.fromkeys(e.tag for e in root.iter(etree.Element)))
    names = list(dict.fromkeys(etree.QName(t).localname for t in tags))
    return [e.text for name in names if keep(name)
            for tag in tags if etree.QName(tag).localname == name
            for e in root.iter(tag)]


def test_names_shared_by_two_namespaces_are_grouped_by_namespace() -> None:
    msg = _view(TWO_NAMESPACES)
    assert [e.text for e in msg.all("ID")] == _walk(msg.root, lambda n: n == "ID")
    assert [e.text for e in msg.all("ID")] == ["m1", "m2", "d1", "d2"]


@pytest.mark.parametrize("suffix", ["Amount", "ID", "TaxAmount", "Nothing", "D"])
def test_suffixes_asked_before_or_after_indexing_give_the_same_elements(suffix: str) -> None:
    expected = _walk(etree.fromstring(TWO_NAMESPACES), lambda n: n.endswith(suffix))
    first = _view(TWO_NAMESPACES)  # built before the suffix is known (for new suffixes)
    assert [e.text for e in first.ending(suffix)] == expected
    assert [e.text for e in _view(TWO_NAMESPACES).ending(suffix)] == expected


def test_child_lookups_ignore_comments_and_namespaces() -> None:
    root = etree.fromstring(TWO_NAMESPACES)
    declaration = root[1]
    assert child(declaration, "ID") is declaration[0]
    assert [e.text for e in children(declaration, "ID")] == ["d1", "m2"]
    assert child(declaration, "Nothing") is None and children(declaration, "a comment") == []
    assert local(declaration[1]) == "" and local(declaration[2]) == "TaxAmount"


def test_plain_digits_are_read_without_decimal_and_the_rest_as_before() -> None:
    def item(value: str) -> etree._Element:
        return etree.fromstring(f"<Item><SequenceNumeric>{value}</SequenceNumeric></Item>")

    assert digits(item("007")[0]) == 7 and digits(item(" 7 ")[0]) is None
    assert sequence_number(item(" 7 ")) == 7 and sequence_number(item("7.0")) == 7
    assert sequence_number(item("7.5")) is None and sequence_number(item("x")) is None
    assert sequence_number(item("1" * 5000)) == int(Decimal("1" * 5000))  # too long for int()


def _candidates(make: Callable[[random.Random], str]) -> list[str]:
    rng = random.Random(6346)
    return [make(rng) for _ in range(3000)]


def _choose(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choices(alphabet, k=count))


UPPER, DIGITS = string.ascii_uppercase, string.digits
CHECKS = [
    (ids.container, iso6346.is_valid,
     lambda r: _choose(r, UPPER, 3) + r.choice("UJZRX") + _choose(r, DIGITS, 7)),
    (ids.imo_number, imo.is_valid, lambda r: r.choice(["", "IMO "]) + _choose(r, DIGITS, 7)),
    (ids.lei_code, lei.is_valid,
     lambda r: _choose(r, UPPER + DIGITS, 18) + _choose(r, DIGITS, 2)),
    (ids.cas_number, casrn.is_valid,
     lambda r: f"{r.randint(10, 9_999_999)}-{r.randint(0, 99):02d}-{r.randint(0, 9)}"),
]


@pytest.mark.parametrize(("check", "valid", "make"), CHECKS,
                         ids=["container", "imo", "lei", "cas"])
def test_quick_check_digit_tests_agree_with_stdnum(
        check: Callable[[str], str | None], valid: Callable[[str], bool],
        make: Callable[[random.Random], str]) -> None:
    values = _candidates(make)
    assert [check(v) is None for v in values] == [valid(v) for v in values]
    assert any(check(v) is None for v in values) and any(check(v) for v in values)
