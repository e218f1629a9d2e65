"""``tradestd.dask.screen`` and ``tradestd screen --dask``: on a LocalCluster of 2 worker
processes, the same screening report, exit code and notification drafts as a local run,
for message files, batches (``--record``), user watch and suppress lists (which travel
to the workers as file sets) and the uk-cds declarations."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, FIXTURES, ROOT
from screen.test_screen import national

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from tradestd import dask as tdask
from tradestd.cli.main import main
from tradestd.dask.work import SCREENED, Job, Unit, run_units
from tradestd.screen import Screener, ScreenOptions, load_suppressions, load_watchlist

pytestmark = pytest.mark.allow_loopback_server

#: Messages that alert, need review and are clear.
MESSAGES = [str(FIXTURES / "precursor" / "valid"), str(FIXTURES / "precursor" / "invalid"),
            str(FIXTURES / "cargo" / "valid")]

USER_LIST = """{"id": "site-list", "version": "7", "substances": [
  {"id": "shirts", "name": "Cotton shirt fibre", "synonyms": ["COTTON SHIRTS"],
   "hs": ["610910"]}]}
"""


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


#: A draft's issue time is the time it was drafted: the one part two runs do not share.
_ISSUED = re.compile(rb"(<IssueDateTime>\s*<DateTimeString[^>]*>)[^<]*")


def _drafts(folder: Path) -> dict[str, bytes]:
    found = {p.name: _ISSUED.sub(rb"\1(issued)", p.read_bytes())
             for p in sorted(folder.glob("*"))} if folder.is_dir() else {}
    shutil.rmtree(folder, ignore_errors=True)
    return found


def _same(args: list[str], address: str, capsys: pytest.CaptureFixture[str],
          notify: Path | None = None) -> tuple[int, str, dict[str, bytes]]:
    """Screen locally and on the cluster (drafts into the same folder, emptied between
    the runs): the same exit code, output and drafts."""
    extra = ["--notify-dir", str(notify)] if notify else []
    local = _run(["screen", *extra, *args], capsys)
    local_drafts = _drafts(notify) if notify else {}
    remote = _run(["screen", "--dask", address, *extra, *args], capsys)
    remote_drafts = _drafts(notify) if notify else {}
    assert remote == local
    assert remote_drafts == local_drafts
    return (*local, local_drafts)


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "html"])
def test_messages_give_the_local_report_and_drafts(fmt: str, tmp_path: Path, address: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<Declaration><GoodsShipment></Declaration>", encoding="utf-8")
    code, out, drafts = _same(["--format", fmt, *MESSAGES, str(broken)], address, capsys,
                              tmp_path / "drafts")
    assert code == 1 and drafts
    if fmt == "json":
        summary = json.loads(out)["summary"]
        assert summary["alert"] >= 9 and summary["invalid"] >= 1 and summary["clear"] >= 1


@pytest.mark.parametrize("args", [
    ["--validate", "--rules", "wco", str(FIXTURES / "precursor")],
    ["--validate", "--xsd", str(ROOT / "schemas/declaration/1.0"),
     str(FIXTURES / "declaration" / "invalid")],
], ids=["rules", "xsd"])
def test_screening_with_validation_gives_the_local_report(
        args: list[str], address: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _same(["--format", "json", *args], address, capsys)
    assert code == 1 and json.loads(out)["summary"]["invalid"] > 5


def test_a_missing_batch_is_reported_and_the_rest_goes_on(
        tmp_path: Path, address: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(tmp_path)
    code, out, _ = _same(["--format", "json", "--record", "Declaration",
                          str(tmp_path / "missing.xml"), str(path)], address, capsys)
    results = json.loads(out)["results"]
    assert code == 1 and results[0]["issues"] and len(results) == 7


def _batch(tmp_path: Path, *, truncated: bool = False) -> Path:
    records = [national("Cotton shirts", "61091000"), national("AMONIUM NITRAT PRILLS"),
               national("Steel bolts", "73181500"), national("Nitromethane, 20 L drums"),
               national("Potassium chlorate", "28291900"), national("Tea")]
    text = "<Batch>\n" + "".join(r.decode() for r in records) + "</Batch>\n"
    path = tmp_path / "batch.xml"
    path.write_text(text[:-80] if truncated else text, encoding="utf-8")
    return path


@pytest.mark.parametrize("truncated", [False, True], ids=["whole", "truncated"])
def test_a_batch_gives_the_local_records_in_order(truncated: bool, tmp_path: Path,
                                                  address: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(tmp_path, truncated=truncated)
    code, out, drafts = _same(["--format", "json", "--record", "Declaration", str(path)],
                              address, capsys, tmp_path / "drafts")
    results = json.loads(out)["results"]
    assert code == 1 and drafts
    assert [r.get("record") for r in results[:5]] == [0, 1, 2, 3, 4]
    assert [r["level"] for r in results[:5]] == [None, "alert", None, "alert", "alert"]
    if truncated:  # the batch's own issue closes the results, once
        assert "record" not in results[-1] and results[-1]["issues"]
        assert len(results) == 6


def test_user_watch_and_suppress_lists(tmp_path: Path, address: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(tmp_path)
    watch = tmp_path / "site.json"
    watch.write_text(USER_LIST, encoding="utf-8")
    cleared = tmp_path / "cleared.toml"
    cleared.write_text('[[suppress]]\nsubstance = "nitromethane"\nreason = "licensed"\n',
                       encoding="utf-8")
    code, out, _ = _same(["--format", "json", "--record", "Declaration", "--watchlist",
                          str(watch), "--suppress", str(cleared), str(path)], address, capsys)
    results = json.loads(out)["results"]
    assert code == 1
    shirts = [h for h in results[0]["hits"] if h["substance_id"] == "shirts"]
    assert shirts and str(watch) in shirts[0]["why"]  # named as the user named the file
    assert results[3]["level"] is None  # nitromethane was suppressed


def test_lists_travel_as_file_sets_not_paths(tmp_path: Path, cluster: Any) -> None:
    """The watch and suppress lists are read into the job: the workers screen with them
    after the user's files are gone."""
    path = _batch(tmp_path)
    watch = tmp_path / "lists" / "site.json"
    watch.parent.mkdir()
    watch.write_text(USER_LIST, encoding="utf-8")
    cleared = tmp_path / "lists" / "cleared.csv"
    cleared.write_text("substance,reason\nnitromethane,licensed\n", encoding="utf-8")
    local = list(Screener(load_watchlist([watch]), load_suppressions([cleared]))
                 .iter_screen(path, record="Declaration"))
    expected = [r.to_dict() for r in local]
    options = ScreenOptions(watchlists=(str(watch),), suppress=(str(cleared),))
    job = Job.from_options(options)
    with distributed.Client(cluster):
        bag = tdask.screen([str(path)], watchlists=[str(watch)], suppress=[str(cleared)],
                           record="Declaration")
        shutil.rmtree(watch.parent)
        remote = tdask.merge_screened(tdask.collect(bag), dicts=True)
    assert remote == expected
    assert job.screening is not None and job.screening.watchlists[0][0] == str(watch)
    in_process = tdask.merge_screened(run_units(job, [Unit(str(path), "Declaration")], SCREENED))
    assert [r.to_dict() for r in in_process] == expected
    assert any(h["substance_id"] == "shirts" for h in expected[0]["hits"])


def test_library_bag_holds_the_local_dicts(cluster: Any) -> None:
    folder = FIXTURES / "precursor" / "valid"
    expected = [Screener().screen(p).to_dict() for p in sorted(folder.glob("*.xml"))]
    with distributed.Client(cluster):
        results = tdask.collect(tdask.screen([str(folder)], partition_size=3))
    assert results == expected and all(r["level"] == "alert" for r in results)


@pytest.mark.corpora
def test_uk_cds_declarations_give_the_local_report(tmp_path: Path, address: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cds = CORPORA / "uk-cds"
    if not cds.is_dir():
        pytest.skip(f"corpus not present: {cds}")
    _, out, _ = _same(["--format", "json", str(cds / "messages")], address, capsys,
                      tmp_path / "drafts")
    assert json.loads(out)["summary"]["messages"] >= 59
