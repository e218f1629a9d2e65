"""Every WCO ID of the bundled schemas agrees with the UK CDS schemas, both versions.

The UK's schemas (uk-cds at schema 2.3, uk-cds-2.12) annotate WCO DM 3.6 as the WCO
publishes it. For every annotated class and data element of every bundled message type,
read with the same reader (:mod:`tradestd.wco.ids`, ``tradestd ids``), the test looks, in
each UK version, for

* the same place: a node with the same name under a class with the same WCO ID; its WCO ID
  must be the bundled one;
* the same ID: a node with that WCO ID under a class with the same WCO ID; its name must be
  the bundled one (for a class, the WCO class name of its ``WCOName``, since tradestd's cargo
  report names the Declaration class ``CargoReport``).

Where the two UK versions disagree with each other, the bundled ID may follow either, and
the place is listed in ``DEVIATIONS`` with its reason; today they agree everywhere a bundled
ID is placed. Skipped when the corpora are absent.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import CORPORA

from tradestd.registry import MessageType, bundled_registry
from tradestd.schemaset import load_schema_set
from tradestd.wco.ids import WcoIds

pytestmark = pytest.mark.corpora

UK = {"uk-cds": CORPORA / "uk-cds", "uk-cds-2.12": CORPORA / "uk-cds-2.12"}
if not all((path / "xsd").is_dir() for path in UK.values()):
    pytest.skip(f"uk-cds corpora not found at {CORPORA}", allow_module_level=True)

#: Each UK version's schema sets: declaration (both), notification (2.3 only: 2.12's
#: notification schemas import a declaration schema their folder lacks).
SETS = {
    "uk-cds": [("xsd/declaration/DocumentMetaData_2_DMS.xsd", "xsd/declaration/WCO_DEC_2_DMS.xsd"),
               ("xsd/notification/DocumentMetaData_2_DMS.xsd",
                "xsd/notification/WCO_RES_2_DMS.xsd")],
    "uk-cds-2.12": [("xsd/declaration/DocumentMetaData_2_DMS.xsd",
                     "xsd/declaration/WCO_DEC_2_DMS.xsd")],
}
#: (parent class ID, "class"/"element", name or WCO ID) where the UK versions disagree and
#: the bundled schema follows one of them -> why. Empty: they agree wherever tradestd
#: places an ID (the test fails when a disagreement appears and is not listed here).
DEVIATIONS: dict[tuple[str | None, str, str], str] = {}


class Entry(NamedTuple):
    chain: str  #: class IDs from the root: ``42A/28A/18A``
    parent: str | None  #: WCO ID of the nearest annotated class above
    kind: str  #: ``class`` or ``element`` (attributes count as elements)
    name: str  #: element name; for a class its WCO class name
    wco_id: str
    path: str


def _entries(ids: WcoIds) -> list[Entry]:
    nodes = {n.index: n for n in ids}
    found = []
    for node in ids:
        if not node.wco_id:
            continue
        chain, up = [], nodes.get(node.parent) if node.parent is not None else None
        parent = up.wco_id if up is not None else None
        while up is not None:
            if up.wco_id:
                chain.append(up.wco_id)
            up = nodes.get(up.parent) if up.parent is not None else None
        kind = "class" if node.kind == "class" else "element"
        name = (node.wco_name or node.name) if kind == "class" else node.name
        found.append(Entry("/".join([*reversed(chain), node.wco_id]), parent, kind, name,
                           node.wco_id, node.path))
    return found


class Index:
    """One UK version's IDs by place and names by ID."""

    def __init__(self, entries: list[Entry]) -> None:
        self.ids: dict[tuple[str | None, str, str], set[str]] = defaultdict(set)
        self.names: dict[tuple[str | None, str, str], set[str]] = defaultdict(set)
        self.size = len(entries)
        for e in entries:
            self.ids[(e.parent, e.kind, e.name)].add(e.wco_id)
            self.names[(e.parent, e.kind, e.wco_id)].add(e.name)


def _uk(version: str) -> Index:
    root = UK[version]
    return Index([e for files in SETS[version]
                  for e in _entries(load_schema_set([root / f for f in files]).wco_ids)])


INDEXES = {version: _uk(version) for version in UK}
TYPES = list(bundled_registry())


def _disagreements() -> set[tuple[str | None, str, str]]:
    a, b = INDEXES["uk-cds"], INDEXES["uk-cds-2.12"]
    by_place = {k for k in a.ids.keys() & b.ids.keys() if a.ids[k] != b.ids[k]}
    by_id = {k for k in a.names.keys() & b.names.keys() if a.names[k] != b.names[k]}
    return by_place | by_id


def _mismatches(entry: Entry, version: str) -> list[str]:
    index, problems = INDEXES[version], []
    place = (entry.parent, entry.kind, entry.name)
    ids = index.ids.get(place, set())
    if ids and entry.wco_id not in ids and place not in DEVIATIONS:
        problems.append(f"{entry.path} ({entry.chain}) has WCO ID {entry.wco_id}; {version} "
                        f"gives {entry.name} under class {entry.parent} the ID "
                        f"{', '.join(sorted(ids))}")
    same_id = (entry.parent, entry.kind, entry.wco_id)
    names = index.names.get(same_id, set())
    if names and entry.name not in names and same_id not in DEVIATIONS:
        problems.append(f"{entry.path} ({entry.chain}) names WCO ID {entry.wco_id} "
                        f"{entry.name}; {version} names it {', '.join(sorted(names))}")
    return problems


@pytest.mark.parametrize("message_type", TYPES, ids=lambda t: t.key)
def test_bundled_ids_agree_with_both_uk_versions(message_type: MessageType) -> None:
    entries = _entries(message_type.schema_set().wco_ids)
    problems = [p for e in entries for version in UK for p in _mismatches(e, version)]
    checked = {version: sum(1 for e in entries
                            if (e.parent, e.kind, e.name) in INDEXES[version].ids
                            or (e.parent, e.kind, e.wco_id) in INDEXES[version].names)
               for version in UK}
    print(f"\n{message_type.key}: {len(entries)} WCO IDs; found in uk-cds "
          f"{checked['uk-cds']}, in uk-cds-2.12 {checked['uk-cds-2.12']}")
    assert problems == []
    assert len(entries) > 10 and max(checked.values()) > 0


def test_deviations_are_only_where_the_uk_versions_disagree() -> None:
    assert set(DEVIATIONS) <= _disagreements()
    placed = {(e.parent, e.kind, key) for t in TYPES
              for e in _entries(t.schema_set().wco_ids) for key in (e.name, e.wco_id)}
    assert _disagreements() & placed <= set(DEVIATIONS), "list the disagreement and why"


def test_carrier_name_is_r011_and_its_identifier_r012() -> None:
    """WCO DM 3.6 as uk-cds-2.12 annotates it: Carrier (18A) Name R011, ID R012."""
    assert INDEXES["uk-cds-2.12"].ids[("18A", "element", "Name")] == {"R011"}
    assert INDEXES["uk-cds-2.12"].ids[("18A", "element", "ID")] == {"R012"}
    for kind in ("wco-declaration", "wco-cargo"):
        carrier = {e.name: e.wco_id for e in
                   _entries(bundled_registry().get(kind).schema_set().wco_ids)
                   if e.parent == "18A"}
        assert (carrier["Name"], carrier["ID"]) == ("R011", "R012")


def test_a_swapped_id_is_caught() -> None:
    """The check can fail: the carrier IDs as they were before are reported."""
    swapped = Entry("42A/28A/18A/R011", "18A", "element", "ID", "R011",
                    "Declaration/Consignment/Carrier/ID")
    problems = _mismatches(swapped, "uk-cds-2.12")
    assert len(problems) == 2 and "gives ID under class 18A the ID R012" in problems[0]


def test_paths_are_those_of_the_reader() -> None:
    entry = next(e for e in _entries(bundled_registry().get("wco-declaration").schema_set()
                                     .wco_ids) if e.wco_id == "228")
    assert (entry.chain, entry.parent, entry.path) == (
        "42A/228", "42A", "Declaration/GoodsItemQuantity")
    assert Path(UK["uk-cds"]).is_dir()
