"""Screening real national declarations (../shared/corpora/uk-cds, WCO DM 3.6).

* The accepted declarations carry no listed precursor: no alert (and no hit at all).
* One-item mutants of each accepted declaration alert on the mutated element's line:
  the goods item's commodity code set to a listed subheading, its description naming a
  listed substance, a CAS RN added to the description, a misspelt name.
* Drafts made from the mutants pass every layer of ``tradestd validate``.

Skipped when the corpora are absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA
from lxml import etree

import tradestd
from tradestd.screen import ALERT, Screener
from tradestd.screen.drafts import draft_notification

pytestmark = pytest.mark.corpora

UK = CORPORA / "uk-cds"
if not (UK / "cases.json").is_file():
    pytest.skip(f"uk-cds corpus not found at {UK}", allow_module_level=True)

SCREENER = Screener()


def _accepted() -> list[Path]:
    cases = json.loads((UK / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [UK / c["xml"] for c in cases if c["kind"] == "dec" and c["expect"] == "valid"
            and "Rejected" not in c["xml"]]


ACCEPTED = _accepted()


def test_enough_declarations() -> None:
    assert len(ACCEPTED) >= 40


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.name)
def test_accepted_declarations_have_no_alert(path: Path) -> None:
    result = SCREENER.screen(path)
    assert result.ok
    assert result.hits == (), [(h.substance, h.matched, h.text) for h in result.hits]


def _first(root: etree._Element, name: str) -> etree._Element | None:
    return next(root.iter(f"{{*}}{name}"), None)


def _set_code(item: etree._Element) -> etree._Element:
    """The item's commodity code (TSP) becomes potassium chlorate's (2829 19 00)."""
    rows = [c for c in item.iter("{*}Classification")
            if (kind := _first(c, "IdentificationTypeCode")) is not None and kind.text == "TSP"]
    row = rows[0] if rows else next(item.iter("{*}Classification"))
    code, kind = _first(row, "ID"), _first(row, "IdentificationTypeCode")
    assert code is not None
    code.text = "28291900"
    if kind is not None and not rows:  # a row of another kind becomes the tariff code
        kind.text = "TSP"
    return code


def _set_description(text: str) -> Callable[[etree._Element], etree._Element]:
    def mutate(item: etree._Element) -> etree._Element:
        description = _first(item, "Description")
        assert description is not None
        description.text = text
        return description
    return mutate


def _append_cas(item: etree._Element) -> etree._Element:
    description = _first(item, "Description")
    assert description is not None
    description.text = f"{description.text or ''} (contains CAS 7722-84-1)"
    return description


MUTANTS: dict[str, tuple[Callable[[etree._Element], etree._Element], str, str]] = {
    "hs-subheading": (_set_code, "potassium-chlorate", "hs"),
    "name": (_set_description("AMMONIUM NITRATE, POROUS PRILLS"), "ammonium-nitrate", "name"),
    "cas-in-text": (_append_cas, "hydrogen-peroxide", "cas"),
    "misspelt-name": (_set_description("Sodium chlorat crystals 99%"), "sodium-chlorate", "name"),
    "unlisted-misspelling": (_set_description("Potassium nitrat, fertiliser grade"),
                             "potassium-nitrate", "name"),
}


def _mutant(path: Path, mutate: Callable[[etree._Element], etree._Element]
            ) -> tuple[bytes, int] | None:
    """The declaration with its first goods item mutated, and the mutated element's line."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    item = _first(tree.getroot(), "GovernmentAgencyGoodsItem")
    if item is None or _first(item, "Description") is None or \
            _first(item, "Classification") is None:
        return None
    changed = mutate(item)
    marker = "tradestd-mutated"
    changed.set("{urn:tradestd:test}m", marker)  # find its line in the serialized text
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    line = next(i + 1 for i, text in enumerate(data.decode("utf-8").splitlines())
                if marker in text)
    del changed.attrib["{urn:tradestd:test}m"]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), line


def _cases() -> list[Any]:
    return [pytest.param(path, kind, id=f"{path.stem}-{kind}")
            for path in ACCEPTED for kind in MUTANTS]


@pytest.mark.parametrize(("path", "kind"), _cases())
def test_mutants_alert_on_the_mutated_line(path: Path, kind: str) -> None:
    mutate, substance, matched = MUTANTS[kind]
    made = _mutant(path, mutate)
    if made is None:
        pytest.skip("no goods item with a description and a classification")
    data, line = made
    result = SCREENER.screen_bytes(data, path.name)
    alerts = [h for h in result.alerts if h.substance == substance and h.matched == matched]
    assert alerts, [(h.substance, h.matched, h.level, h.text) for h in result.hits]
    assert {h.line for h in alerts} == {line}
    assert all(h.item is not None and h.item.path.endswith("GovernmentAgencyGoodsItem")
               for h in alerts)
    assert {h.substance for h in result.alerts} == {substance}  # nothing else fires


@pytest.mark.parametrize("path", ACCEPTED[:12], ids=lambda p: p.name)
def test_drafts_from_national_declarations_validate(path: Path) -> None:
    made = _mutant(path, MUTANTS["name"][0])
    if made is None:
        pytest.skip("no goods item with a description and a classification")
    result = SCREENER.screen_bytes(made[0], path.name)
    assert result.level == ALERT
    draft = draft_notification(result)
    assert draft is not None and draft.valid, [i.to_dict() for i in draft.issues] if draft else None
    report = tradestd.validate(draft.xml, "wco-precursor")
    assert report.valid, [i.to_dict() for i in report.errors]
