"""Watch lists: the bundled list is sourced and consistent; user lists add, replace, and
are refused with file, line and problem when they are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum import casrn

from tradestd.cli.main import main
from tradestd.rules.codelists import code_lists
from tradestd.screen import WatchlistError, load_watchlist
from tradestd.screen.watchlist import bundled_watchlist, read_watchlist

#: Regulation (EU) 2019/1148 Annex I limit values (% w/w) the bundled list must carry.
ANNEX_I = {"nitric-acid": 3, "hydrogen-peroxide": 12, "sulphuric-acid": 15, "nitromethane": 16,
           "ammonium-nitrate": 16, "potassium-chlorate": 40, "potassium-perchlorate": 40,
           "sodium-chlorate": 40, "sodium-perchlorate": 40}
ANNEX_II = {"hexamine", "acetone", "potassium-nitrate", "sodium-nitrate", "calcium-nitrate",
            "calcium-ammonium-nitrate", "magnesium-powder", "magnesium-nitrate-hexahydrate",
            "aluminium-powder"}


def test_bundled_list_is_versioned_and_every_entry_sourced() -> None:
    listed = bundled_watchlist()
    assert listed.version and listed.id == "tradestd-precursor-watchlist"
    for substance in listed:
        assert substance.source in listed.sources, substance.id
        assert substance.cas and all(casrn.is_valid(c) for c in substance.cas)
        assert substance.hs, substance.id


def test_annexes_and_thresholds() -> None:
    listed = bundled_watchlist()
    for sid, percent in ANNEX_I.items():
        substance = listed.get(sid)
        assert substance is not None and substance.source == "EU-2019/1148-I"
        assert substance.threshold is not None and substance.threshold.percent == percent
    assert {s.id for s in listed if s.source == "EU-2019/1148-II"} == ANNEX_II


def test_agrees_with_the_precursor_rule_packs_list() -> None:
    """Names and CAS numbers as the precursor rules know them, so drafts pass PRE-CAS-002."""
    listed = bundled_watchlist()
    for cas, known in code_lists().by_cas.items():
        found = [s for s in listed if cas in s.cas]
        assert len(found) == 1 and found[0].name == known.name
        assert set(known.hs6) <= {code[:6] for code in found[0].hs}


def test_user_lists_add_and_replace(tmp_path: Path) -> None:
    toml = tmp_path / "extra.toml"
    toml.write_text('[[substances]]\nid = "acetone"\nname = "Acetone"\ncas = ["67-64-1"]\n'
                    'hs = ["2914.11"]\nsource = "national list"\n\n'
                    '[[substances]]\nid = "tatp-kit"\nname = "Triacetone triperoxide"\n'
                    'synonyms = ["TATP"]\ncas = ["17088-37-8"]\n', encoding="utf-8")
    csv = tmp_path / "extra.csv"
    csv.write_text("id,name,cas,hs,synonyms,threshold\n"
                   "pentaerythritol,Pentaerythritol,115-77-5,290542,penta;PE,\n",
                   encoding="utf-8")
    json_list = tmp_path / "extra.json"
    json_list.write_text('{"substances": [{"id": "urea", "name": "Urea", "cas": ["57-13-6"], '
                         '"hs": ["310210"], "synonyms": ["carbamide"]}]}', encoding="utf-8")
    merged = load_watchlist([toml, csv, json_list])
    acetone, urea = merged.get("acetone"), merged.get("urea")
    assert acetone is not None and acetone.source == "national list" and acetone.synonyms == ()
    assert acetone.hs == ("291411",)
    assert merged.get("tatp-kit") is not None and merged.get("pentaerythritol") is not None
    assert urea is not None and urea.exclude == ()  # replaced: the bundled exclusions are gone
    assert len(merged) == len(bundled_watchlist()) + 2
    only = load_watchlist([csv], bundled=False)
    assert [s.id for s in only] == ["pentaerythritol"]


@pytest.mark.parametrize(("name", "text", "line", "problem"), [
    ("bad-cas.csv", "id,name,cas\nok,Acetone,67-64-1\nbad,Thing,67-64-2\n", 3, "CAS RN"),
    ("bad-hs.csv", "id,name,hs\nbad,Thing,28A9\n", 2, "HS code"),
    ("bad-chapter.csv", "id,name,hs\nbad,Thing,7701\n", 2, "HS code"),
    ("bad-column.csv", "id,name,colour\nx,Thing,red\n", 1, "unknown column"),
    ("bad-un.toml", ('[[substances]]\nid = "a"\nname = "Alpha"\n\n[[substances]]\nid = "b"\n'
                    'name = "Beta"\nun = ["12345"]\n'), 5, "UN number"),
    ("bad-id.json", ('{"substances": [\n  {"id": "ok", "name": "Alpha"},\n'
                    '  {"id": "Not OK", "name": "Beta"}\n]}'), 3, "id"),
    ("twice.json", '{"substances": [\n  {"id": "a", "name": "Alpha"},\n  {"id": "a", "name": "Beta"}\n]}',
     3, "appears twice"),
    ("syntax.json", '{"substances": [\n  {"id": "a",,}\n]}', 2, "not valid JSON"),
    ("syntax.toml", 'id = "x"\n[[substances]\n', 2, "not valid TOML"),
    ("threshold.toml", '[[substances]]\nid = "a"\nname = "Alpha"\nthreshold = {percent = 140}\n',
     1, "threshold"),
])
def test_bad_lists_name_file_line_and_problem(tmp_path: Path, name: str, text: str,
                                              line: int, problem: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError) as caught:
        read_watchlist(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert problem in caught.value.problem


def test_bad_list_is_a_configuration_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id,name,cas\nbad,Thing,6484-52-3\n", encoding="utf-8")
    code = main(["screen", "--watchlist", str(path), "fixtures/precursor/valid"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:2:" in err and "CAS RN" in err and "Traceback" not in err


def test_missing_and_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="no such file"):
        read_watchlist(tmp_path / "absent.csv")
    other = tmp_path / "list.yaml"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(WatchlistError, match="json, .toml or .csv"):
        read_watchlist(other)
