"""tradestd reconcile: labelled scenarios (bundled and real UK CDS schemas), bad input,
duplicates, state, the CLI's formats and exit codes."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPORA, FIXTURES

pytest.importorskip("duckdb")

from reconcile.scenario import load as load_scenario
from tradestd.cli.main import main
from tradestd.reconcile import ReconcileOptions, reconcile

SCN = load_scenario()
AS_OF = SCN.AS_OF  # type: ignore[attr-defined]


def _check(scenario: object, result: dict[str, object]) -> None:
    scores, misses = SCN.evaluate(scenario, result)  # type: ignore[attr-defined]
    assert not misses, misses
    labels = {"never", "open", "short", "consignee", "fallback", "late", "unannounced",
              "clean"}
    assert labels <= set(scores), scores
    for label in labels:
        assert scores[label].precision == 1.0 and scores[label].recall == 1.0, label
    summary = result["summary"]
    assert isinstance(summary, dict)
    # counts in = counts out
    assert sum(summary[s] for s in ("arrived", "discrepancy", "overdue", "pending")) == \
        len(scenario.exports)  # type: ignore[attr-defined]


def test_bundled_scenario_every_label_recovered(tmp_path: Path) -> None:
    scenario = SCN.build(tmp_path, variant="bundled", shipments=40)  # type: ignore[attr-defined]
    rec = reconcile(scenario.exports, scenario.imports, ReconcileOptions(as_of=AS_OF))
    result = rec.to_dict()
    _check(scenario, result)
    assert set(result) == {"version", "as_of", "summary", "shipments", "unannounced",
                           "excluded"}
    short = next(s for s in result["shipments"] if s["status"] == "discrepancy"
                 and s["discrepancies"][0]["field"] == "quantity")
    d = short["discrepancies"][0]
    assert d["difference"].startswith("short by ") and d["export"].endswith("KGM")
    assert short["imports"][0]["matched_by"]["identifiers"][0]["kind"] == "container"
    assert short["export"]["lines"][0]["cas"]["value"] == "6484-52-2"


@pytest.mark.corpora
def test_real_schemas_both_sides(tmp_path: Path) -> None:
    if not (CORPORA / "uk-cds-2.12").is_dir():
        pytest.skip("corpora absent")
    scenario = SCN.build(tmp_path, variant="uk-cds", shipments=30,  # type: ignore[attr-defined]
                         corpora=CORPORA, translate=True)
    assert "uk-cds-2.12" in scenario.import_xsd[0]
    rec = reconcile(scenario.exports, scenario.imports,
                    ReconcileOptions(as_of=AS_OF, export_xsd=scenario.export_xsd,
                                     import_xsd=scenario.import_xsd))
    result = rec.to_dict()
    _check(scenario, result)
    item = result["shipments"][0]
    hs = item["export"]["lines"][0]["hs"]
    assert hs["by"] == "WCO ID 145" and hs["value"] == "31023010"


def test_tolerance_and_window_options(tmp_path: Path) -> None:
    scenario = SCN.build(tmp_path, variant="bundled", shipments=20)  # type: ignore[attr-defined]
    loose = reconcile(scenario.exports, scenario.imports,
                      ReconcileOptions(as_of=AS_OF, tolerance=60.0)).summary
    strict = reconcile(scenario.exports, scenario.imports,
                       ReconcileOptions(as_of=AS_OF, tolerance=0.0)).summary
    assert strict["discrepancy"] > loose["discrepancy"]
    later = reconcile(scenario.exports, scenario.imports,
                      ReconcileOptions(as_of=date(2027, 6, 1))).summary
    assert later["pending"] == 0 and later["overdue"] > 0


def test_bad_input_excluded_and_counted(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    source = FIXTURES / "precursor" / "valid" / "nitric-acid-verified-be-gh.xml"
    (exports / "a.xml").write_bytes(source.read_bytes())
    (exports / "dup.xml").write_bytes(source.read_bytes())  # the same notification again
    (exports / "broken.xml").write_bytes(b"<PrecursorNotification><ID>x</ID>")
    (exports / "invalid.xml").write_bytes(source.read_bytes().replace(
        b"<VersionID>", b"<Bogus/><VersionID>"))
    (exports / "other.xml").write_bytes(b"<Foo xmlns='urn:x'/>")
    rec = reconcile([exports], [FIXTURES / "precursor" / "valid" /
                                "hydrogen-peroxide-arrived-nl-ma.xml"],
                    ReconcileOptions(as_of=AS_OF))
    s = rec.summary
    reasons = {Path(e.path).name: e.reason for e in rec.excluded}
    assert set(reasons) == {"broken.xml", "invalid.xml", "other.xml"}
    assert "invalid under its schema set" in reasons["invalid.xml"]
    assert "--xsd" in reasons["other.xml"]
    assert s["merged"] == 1 and "merged" in rec.merged[0]
    # counts in = counts out: 5 export files = 1 shipment + 1 merged + 3 excluded; the
    # hydrogen peroxide arrival matches no export of this set
    assert len(rec.shipments) + s["merged"] + s["excluded"] == 5
    assert s["files"] == 6 == s["exports"] + s["imports"] + s["excluded"] + s["merged"]
    assert s["unannounced"] == 1 and rec.failed


def test_no_date_pending_unless_assumed(tmp_path: Path) -> None:
    source = (FIXTURES / "precursor" / "valid" / "nitric-acid-verified-be-gh.xml").read_bytes()
    import re
    undated = re.sub(rb"<(DispatchDateTime|ExpectedArrivalDateTime)>.*?</\1>", b"", source,
                     flags=re.DOTALL)
    path = tmp_path / "undated.xml"
    path.write_bytes(undated)
    imports = [FIXTURES / "precursor" / "valid" / "hydrogen-peroxide-arrived-nl-ma.xml"]
    rec = reconcile([path], imports, ReconcileOptions(as_of=AS_OF))
    assert rec.shipments[0].status == "pending" and rec.shipments[0].reason == "no date"
    rec = reconcile([path], imports, ReconcileOptions(as_of=AS_OF,
                                                      assume_dispatch=date(2026, 1, 1)))
    assert rec.shipments[0].status == "overdue"


def test_state_adds_daily_feeds(tmp_path: Path) -> None:
    scenario = SCN.build(tmp_path / "s", variant="bundled", shipments=10)  # type: ignore[attr-defined]
    state = tmp_path / "state.jsonl"
    first = reconcile(scenario.exports, [], ReconcileOptions(as_of=AS_OF, state=str(state)))
    assert first.summary["arrived"] == 0
    second = reconcile([], scenario.imports, ReconcileOptions(as_of=AS_OF, state=str(state)))
    whole = reconcile(scenario.exports, scenario.imports, ReconcileOptions(as_of=AS_OF))
    keys = ("arrived", "discrepancy", "overdue", "pending", "unannounced", "exports",
            "imports", "late")
    assert {k: second.summary[k] for k in keys} == {k: whole.summary[k] for k in keys}
    assert second.summary["files"] == len(scenario.imports)  # this run's files only
    state.write_text("not json\n")
    with pytest.raises(ValueError, match="state"):
        reconcile([], scenario.imports, ReconcileOptions(as_of=AS_OF, state=str(state)))


def test_cli_formats_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = SCN.build(tmp_path / "s", variant="bundled", shipments=20)  # type: ignore[attr-defined]
    base = ["reconcile", "--exports", str(tmp_path / "s" / "exports"), "--imports",
            str(tmp_path / "s" / "imports"), "--as-of", AS_OF.isoformat(), "--no-config"]
    for fmt in ("json", "csv", "html", "sarif", "text"):
        out = tmp_path / f"r.{fmt}"
        assert main([*base, "--format", fmt, "-o", str(out)]) == 1
        text = out.read_text(encoding="utf-8")
        if fmt == "json":
            assert json.loads(text)["summary"]["overdue"] >= 1
        if fmt == "csv":
            rows = list(csv.DictReader(text.splitlines()))
            assert len(rows) == len(scenario.exports) + 2
        if fmt == "html":
            assert "<svg" in text and "<table>" in text and "http" not in \
                text.replace("http://www.w3.org/2000/svg", "")
        if fmt == "sarif":
            assert "RECONCILE_OVERDUE" in text
    assert main([*base, "--tolerance", "500"]) == 2
    assert main(["reconcile", "--exports", str(tmp_path / "empty*"), "--imports",
                 str(tmp_path), "--no-config"]) == 2
    assert "no date such as" not in capsys.readouterr().err
    assert main([*base, "--as-of", "31/12/2026"]) == 2


def test_notify_dir_drafts_pass_validate(tmp_path: Path) -> None:
    from tradestd import Severity, validate
    from tradestd.rules import RuleRunner, load_pack
    from tradestd.validation import Validator

    SCN.build(tmp_path / "s", variant="bundled", shipments=20)  # type: ignore[attr-defined]
    drafts = tmp_path / "drafts"
    assert main(["reconcile", "--exports", str(tmp_path / "s" / "exports"), "--imports",
                 str(tmp_path / "s" / "imports"), "--as-of", AS_OF.isoformat(),
                 "--no-config", "--notify-dir", str(drafts), "--format", "json", "-o",
                 str(tmp_path / "r.json")]) == 1
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    flagged = [s for s in result["shipments"] if s["status"] in ("overdue", "discrepancy")]
    files = sorted(drafts.glob("*.xml"))
    assert len(files) == len(flagged) > 0
    assert {f.name.split(".")[1] for f in files} == {"enquiry", "status"}
    validator = Validator(rules=RuleRunner([load_pack("wco"), load_pack("precursor")]))
    for file in files:
        report = validator.validate(str(file))
        assert report.valid and not report.failed(Severity.WARNING), \
            (file.name, [i.message for i in report.issues])
        text = file.read_text(encoding="utf-8")
        assert "<FunctionCode>5</FunctionCode>" in text
        if file.name.endswith(".status.xml"):
            assert "DISCREPANCY found on arrival" in text and "<StatusCode>ARR" in text
        else:
            assert "ENQUIRY: no arrival" in text
    assert validate(str(files[0])).message_type == "wco-precursor@1.0"


def test_library_entry_point() -> None:
    import tradestd

    assert tradestd.reconcile is reconcile
    rec = tradestd.reconcile([FIXTURES / "precursor" / "valid"],
                             [FIXTURES / "precursor" / "valid" /
                              "hydrogen-peroxide-arrived-nl-ma.xml"],
                             ReconcileOptions(as_of=date(2026, 12, 7)))
    assert isinstance(rec, tradestd.Reconciliation)
    arrived = [i for i in rec.shipments if i.status == "arrived"]
    assert [Path(i.export.file).name for i in arrived] == ["hydrogen-peroxide-arrived-nl-ma.xml"]
    assert "notification reference NL-DGDC-GS-26-00311" in arrived[0].reason
    # the arrival notification is read from its ARR status update
    assert arrived[0].imports[0][0].arrival_date is not None
    assert arrived[0].imports[0][0].arrival_date.value == "2026-11-18"


def test_configuration_file_format_and_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    SCN.build(tmp_path / "s", variant="bundled", shipments=10)  # type: ignore[attr-defined]
    (tmp_path / "tradestd.toml").write_text('format = "json"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["reconcile", "--exports", "s/exports", "--imports", "s/imports", "--as-of",
            AS_OF.isoformat()]
    main(args)
    assert json.loads(capsys.readouterr().out)["version"] == 1
    main([*args, "--no-config"])
    assert not capsys.readouterr().out.startswith("{")
    assert main([*args, "--config", "missing.toml"]) == 2


def test_cargo_report_facts_by_wco_id_and_by_name() -> None:
    from tradestd.reconcile import IMPORT, Extractor, Shipment

    path = FIXTURES / "cargo" / "valid" / "air-prearrival-four-houses-ae-jp.xml"
    screened = Extractor(IMPORT).read(path)
    assert not isinstance(screened, Shipment)  # no precursor goods on board
    assert "watch lists" in screened.reason and not screened.problem
    shipment = Extractor(IMPORT, all_goods=True).read(path)
    assert isinstance(shipment, Shipment) and shipment.kind == "cargo report"
    kinds = {kind: fact for kind, fact in shipment.identifiers}
    assert kinds["transport_document"].by == "WCO ID 015"
    assert kinds["transport_document"].line is not None
    arrival = shipment.arrival_date
    assert arrival is not None and arrival.by == "name ArrivalDateTime"
    assert shipment.lines and all(ln.hs is not None and ln.hs.by == "WCO ID 145"
                                  for ln in shipment.lines)


def test_follow_up_of_a_vanished_notice_is_reported_not_drafted(tmp_path: Path) -> None:
    from tradestd.reconcile.notify import write_follow_ups

    source = FIXTURES / "precursor" / "valid" / "nitric-acid-verified-be-gh.xml"
    copy = tmp_path / "notice.xml"
    copy.write_bytes(source.read_bytes())
    rec = reconcile([copy], [], ReconcileOptions(as_of=AS_OF))
    assert rec.shipments[0].status == "overdue"
    copy.unlink()  # e.g. a shipment kept in a state file, its file since archived
    drafts = write_follow_ups(rec, tmp_path / "drafts")
    assert len(drafts) == 1 and not drafts[0].valid and drafts[0].file is None
    assert "no longer be read" in drafts[0].issues[0].message
    assert not list((tmp_path / "drafts").iterdir())


def test_without_duckdb_the_cli_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    source = str(FIXTURES / "precursor" / "valid" / "hydrogen-peroxide-arrived-nl-ma.xml")
    assert main(["reconcile", "--exports", source, "--imports", source, "--no-config"]) == 2
    assert "pip install 'tradestd[reconcile]'" in capsys.readouterr().err
