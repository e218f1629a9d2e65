"""Screening messages: hits and their locations, JSON messages, batches, suppressions,
reports, exit codes and notification drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES

import tradestd
from tradestd.cli.main import main
from tradestd.convert import to_json
from tradestd.registry import bundled_registry
from tradestd.screen import ALERT, REVIEW, Screener, ScreenResult, screen_report
from tradestd.screen.drafts import PLACEHOLDER_PREFIX, draft_notification

PRECURSORS = sorted((FIXTURES / "precursor" / "valid").glob("*.xml"))
DECLARATIONS = sorted((FIXTURES / "declaration" / "valid").glob("*.xml"))
CARGO_UREA = FIXTURES / "cargo" / "valid" / "sea-prearrival-bulk-urea-qa-au.xml"
SCREENER = Screener()


def national(description: str, code: str = "", kind: str = "TSP", extra: str = "") -> bytes:
    """A declaration of a schema tradestd does not know, one goods item per line."""
    classification = (f"        <Classification>\n          <ID>{code}</ID>\n"
                      f"          <IdentificationTypeCode>{kind}</IdentificationTypeCode>\n"
                      "        </Classification>\n") if code else ""
    return ("<Declaration xmlns='urn:example:dec'>\n"
            "  <FunctionalReferenceID>LRN-0001</FunctionalReferenceID>\n"
            "  <Exporter><Name>Chem Export Ltd</Name><Address><CityName>Rotterdam</CityName>"
            "<CountryCode>NL</CountryCode><Line>Haven 1</Line></Address></Exporter>\n"
            "  <GoodsShipment>\n"
            "    <ExportCountry><ID>NL</ID></ExportCountry>\n"
            "    <Destination><CountryCode>GH</CountryCode></Destination>\n"
            "    <GovernmentAgencyGoodsItem>\n"
            "      <SequenceNumeric>1</SequenceNumeric>\n"
            "      <Commodity>\n"
            f"        <Description>{description}</Description>\n"
            f"{classification}"
            "        <GoodsMeasure><NetNetWeightMeasure unitCode='KGM'>2500</NetNetWeightMeasure>"
            "</GoodsMeasure>\n"
            "      </Commodity>\n"
            f"{extra}"
            "    </GovernmentAgencyGoodsItem>\n"
            "  </GoodsShipment>\n"
            "</Declaration>\n").encode()


@pytest.mark.parametrize("path", PRECURSORS, ids=lambda p: p.stem)
def test_every_precursor_fixture_alerts(path: Path) -> None:
    result = SCREENER.screen(path)
    assert result.level == ALERT
    kinds = {h.matched for h in result.alerts}
    assert {"cas", "name"} <= kinds


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda p: p.stem)
def test_bundled_declarations_are_clear(path: Path) -> None:
    assert SCREENER.screen(path).hits == ()


def test_hit_kinds_levels_and_locations() -> None:
    data = national("Reagent CAS 3811-04-9, potassium chlorate", "28291900",
                    extra="      <DangerousGoods><UNDGID>1485</UNDGID></DangerousGoods>\n")
    result = SCREENER.screen_bytes(data, "decl.xml")
    assert result.path == "decl.xml" and result.message_type is None
    by_kind = {h.matched: h for h in result.hits}
    assert set(by_kind) == {"cas", "name", "hs", "un"}
    assert all(h.substance == "potassium-chlorate" and h.level == ALERT for h in result.hits)
    lines = data.decode().splitlines()
    for hit in result.hits:
        assert hit.line is not None and hit.column is not None and hit.path
        assert lines[hit.line - 1][hit.column - 1] == "<"
    assert by_kind["cas"].text == "3811-04-9" and by_kind["cas"].line == 10
    assert by_kind["hs"].text == "28291900" and by_kind["hs"].line == 12
    assert by_kind["un"].path.endswith("/DangerousGoods/UNDGID")
    hs = by_kind["hs"]
    assert hs.item is not None and hs.item.sequence == "1"
    assert hs.item.quantities == (("NetNetWeightMeasure", "2500", "KGM"),)
    assert hs.facts is not None and hs.facts.export_country == "NL"
    assert hs.facts.destination_country == "GH" and hs.facts.message_id == "LRN-0001"
    assert "CAS RN 3811-04-9" in by_kind["cas"].message  # why it fired


@pytest.mark.parametrize(("description", "code", "kind", "level"), [
    ("Chemicals", "2830", "HS", None),  # a heading without listed codes
    ("Chemicals", "2829", "HS", REVIEW),  # only the heading of listed subheadings
    ("Metal powder", "7603", "HS", REVIEW),  # a listed heading only
    ("Metal powder", "76031000", "TSP", ALERT),
    ("Goods", "282911", "TRA", None),  # an additional code is no commodity code
    ("Hydrogen peroxide 3 % solution", "", "", REVIEW),  # at or below the 12 % limit value
    ("Hydrogen peroxide 35 % solution", "", "", ALERT),
    ("Saltwater aquarium salt", "", "", REVIEW),  # one near-spelt word: review only
])
def test_levels(description: str, code: str, kind: str, level: str | None) -> None:
    assert SCREENER.screen_bytes(national(description, code, kind)).level == level


def test_json_message_hits_at_json_pointers() -> None:
    path = FIXTURES / "precursor" / "valid" / "nitric-acid-verified-be-gh.xml"
    schema_set = bundled_registry().get("wco-precursor").schema_set()
    text = to_json(schema_set, path, indent=2)
    result = SCREENER.screen(text)
    xml_result = SCREENER.screen(path)
    assert {(h.substance, h.matched) for h in result.hits} == \
        {(h.substance, h.matched) for h in xml_result.hits}
    for hit in result.hits:
        assert hit.path is not None and hit.path.startswith("/PrecursorNotification")
        assert "/" in hit.path and "[" not in hit.path  # a JSON Pointer, not an XPath
        assert hit.line is not None and hit.line > 1


def _batch(tmp_path: Path) -> tuple[Path, list[int]]:
    """Three national declarations in one file; the middle one names a precursor."""
    records = [national("Cotton shirts", "61091000"), national("AMONIUM NITRAT PRILLS"),
               national("Steel bolts", "73181500")]
    text = "<Batch>\n" + "".join(r.decode() for r in records) + "</Batch>\n"
    path = tmp_path / "batch.xml"
    path.write_text(text, encoding="utf-8")
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if "AMONIUM" in line]
    return path, lines


def test_batch_records_hits_on_batch_lines(tmp_path: Path) -> None:
    path, lines = _batch(tmp_path)
    results = list(SCREENER.iter_screen(path, record="Declaration"))
    assert [r.record for r in results] == [0, 1, 2]
    assert [r.level for r in results] == [None, ALERT, None]
    assert [h.line for h in results[1].hits] == lines


def _json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["screen", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_cli_record_jobs_give_the_same_report(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path, lines = _batch(tmp_path)
    code1, one = _json_report(capsys, "--record", "Declaration", str(path))
    code2, two = _json_report(capsys, "--record", "Declaration", "-j", "2", str(path))
    assert code1 == code2 == 1
    assert one["results"] == two["results"]
    results = one["results"]
    assert isinstance(results, list) and results[1]["hits"][0]["line"] == lines[0]


def test_cli_files_jobs_give_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in (*PRECURSORS, *DECLARATIONS, CARGO_UREA)]
    code1, one = _json_report(capsys, *paths)
    code2, two = _json_report(capsys, "-j", "2", *paths)
    assert code1 == code2 == 1
    assert one["results"] == two["results"]


def test_json_report_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json_report(capsys, str(PRECURSORS[0]), str(DECLARATIONS[0]))
    assert code == 1
    assert report["version"] == 1
    results = report["results"]
    assert isinstance(results, list) and [r["path"] for r in results] == \
        [str(PRECURSORS[0]), str(DECLARATIONS[0])]
    hit = results[0]["hits"][0]
    assert {"substance", "matched", "text", "level", "line", "column", "path", "why",
            "item"} <= set(hit)
    assert results[1]["hits"] == [] and results[1]["level"] is None
    assert results[0]["shipment"]["parties"]
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["messages"] == 2 and summary["alert"] == 1 and summary["clear"] == 1


def test_library_report_matches_cli_shape() -> None:
    results = [SCREENER.screen(p) for p in PRECURSORS[:2]]
    data = screen_report(results, watchlist=SCREENER.watchlist)
    assert data["results"] == [r.to_dict() for r in results]
    assert data["summary"]["alert"] == 2
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(("args", "expected"), [
    ((), 0), (("--fail-on", "review"), 1),
])
def test_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                 expected: int) -> None:
    path = tmp_path / "review.xml"
    path.write_bytes(national("Metal powder", "7603", "HS"))
    assert main(["screen", *args, str(path)]) == expected
    assert "SCREEN_REVIEW" in capsys.readouterr().out


def test_clear_and_unreadable_exit_codes(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "-q", *map(str, DECLARATIONS)]) == 0
    broken = tmp_path / "broken.xml"
    broken.write_text("<Declaration><Goods>", encoding="utf-8")
    assert main(["screen", str(broken)]) == 1
    assert "XML_" in capsys.readouterr().out
    assert main(["screen", "--fail-on", "nothing", str(broken)]) == 2


@pytest.mark.parametrize("fmt", ["sarif", "html", "text"])
def test_other_formats(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["screen", "--format", fmt, "-o", str(out), str(PRECURSORS[0])]) == 1
    text = out.read_text(encoding="utf-8")
    assert "SCREEN_ALERT" in text
    if fmt == "sarif":
        assert json.loads(text)["runs"][0]["results"]


def test_suppress_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(FIXTURES / "precursor" / "valid" / "urea-calcium-nitrate-replacement-eg-sd.xml")
    message_id = SCREENER.screen(target).facts.message_id  # type: ignore[union-attr]
    by_substance = tmp_path / "cleared.toml"
    by_substance.write_text('[[suppress]]\nsubstance = "urea"\nreason = "fertiliser"\n',
                            encoding="utf-8")
    code, report = _json_report(capsys, "--suppress", str(by_substance), target)
    hits = report["results"][0]["hits"]  # type: ignore[index]
    assert {h["substance_id"] for h in hits} == {"calcium-nitrate",
                                                 "magnesium-nitrate-hexahydrate"}
    by_message = tmp_path / "cleared.csv"
    by_message.write_text(f"message,item,substance\n{message_id},,\n", encoding="utf-8")
    code, report = _json_report(capsys, "--suppress", str(by_message), target)
    assert code == 0 and report["results"][0]["hits"] == []  # type: ignore[index]
    everything = tmp_path / "all.json"
    everything.write_text('{"suppress": [{"reason": "all"}]}', encoding="utf-8")
    assert main(["screen", "--suppress", str(everything), target]) == 2
    assert "would silence everything" in capsys.readouterr().err


def test_validate_with_screening_shares_the_pass(capsys: pytest.CaptureFixture[str]) -> None:
    rules = FIXTURES / "precursor" / "rules" / "PRE-CAS-002.xml"
    code, report = _json_report(capsys, "--validate", str(rules))
    result = report["results"][0]  # type: ignore[index]
    assert code == 1
    assert any(i["code"] == "PRE-CAS-002" for i in result["issues"])
    assert result["hits"]
    assert main(["screen", "--rules", "wco", str(rules)]) == 2  # --rules needs --validate


def _validates(data: bytes) -> list[str]:
    report = tradestd.validate(data, "wco-precursor")
    return [f"{i.code} {i.message}" for i in report.errors]


@pytest.mark.parametrize("path", [*PRECURSORS, CARGO_UREA], ids=lambda p: p.stem)
def test_drafts_pass_every_layer(path: Path) -> None:
    draft = draft_notification(SCREENER.screen(path))
    assert draft is not None and draft.valid
    assert _validates(draft.xml) == []
    assert draft.placeholders and PLACEHOLDER_PREFIX.encode() in draft.xml


def test_draft_from_a_national_declaration(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "decl.xml"
    source.write_bytes(national("AMMONIUM NITRATE 34.5 % N", "31023090",
                                extra="      <Packaging><SequenceNumeric>1</SequenceNumeric>"
                                      "<QuantityQuantity>50</QuantityQuantity>"
                                      "<TypeCode>JB</TypeCode></Packaging>\n"))
    clear = tmp_path / "clear.xml"
    clear.write_bytes(national("Cotton shirts", "61091000"))
    drafts = tmp_path / "drafts"
    code, report = _json_report(capsys, "--notify-dir", str(drafts), str(source), str(clear))
    assert code == 1
    written = sorted(drafts.iterdir())
    assert [p.name for p in written] == ["decl.notification.xml"]
    assert _validates(written[0].read_bytes()) == []
    text = written[0].read_text(encoding="utf-8")
    for fact in ("6484-52-2", "310230", "Ammonium nitrate", "Chem Export Ltd",
                 "<ExportCountryCode>NL</ExportCountryCode>",
                 "<DestinationCountryCode>GH</DestinationCountryCode>", "2500"):
        assert fact in text
    listed = report["drafts"]  # type: ignore[index]
    assert listed[0]["valid"] and listed[0]["file"] == str(written[0])
    assert any("NotifyingAdministration/Name" in t for t in listed[0]["to_complete"])


def test_result_without_alert_has_no_draft() -> None:
    result = SCREENER.screen_bytes(national("Metal powder", "7603", "HS"))
    assert result.level == REVIEW and draft_notification(result) is None
    assert draft_notification(ScreenResult("empty")) is None


def test_draft_takes_out_what_does_not_fit_and_says_so() -> None:
    long_name = "Chem Export " + "Holding " * 12 + "Ltd"  # over the notice's 70 characters
    data = national("Nitromethane 98 %", "29042000").replace(
        b"Chem Export Ltd", long_name.encode()).replace(
        b"<CountryCode>GH</CountryCode>", b"<CountryCode>XZ</CountryCode>")
    draft = draft_notification(SCREENER.screen_bytes(data))
    assert draft is not None and draft.valid and _validates(draft.xml) == []
    assert long_name.encode() not in draft.xml
    notes = "\n".join(draft.placeholders)
    assert "Exporter/Name" in notes and long_name in notes
    assert "XZ" in notes  # a country code outside ISO 3166, taken out and named


def test_cli_reads_json_messages_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    path = FIXTURES / "precursor" / "valid" / "nitromethane-released-us-mx.xml"
    schema_set = bundled_registry().get("wco-precursor").schema_set()
    message = tmp_path / "notice.json"
    message.write_text(to_json(schema_set, path, indent=2), encoding="utf-8")
    code, report = _json_report(capsys, str(message))
    hits = report["results"][0]["hits"]  # type: ignore[index]
    assert code == 1 and hits and all(h["path"].startswith("/PrecursorNotification/")
                                      for h in hits)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    code, report = _json_report(capsys, "-")
    assert code == 1 and report["results"][0]["path"] == "<stdin>"  # type: ignore[index]
