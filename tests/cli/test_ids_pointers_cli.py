"""``tradestd ids`` and ``tradestd pointers`` on the bundled schemas and fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradestd.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REJECTED = FIXTURES / "response" / "valid" / "rejected-03-de-pointers.xml"
ORIGINAL = FIXTURES / "declaration" / "valid" / "import-de-sea-containers.xml"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ids_prints_the_table_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration")
    assert code == 0 and "Declaration/GoodsItemQuantity" in out and "228" in out
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration", "--format", "json")
    rows = json.loads(out)["ids"]
    (row,) = [r for r in rows if r["path"] == "Declaration/GoodsItemQuantity"]
    assert (row["wco_id"], row["wco_name"], row["format"]) == ("228", "Total number of items",
                                                               "n..5")
    assert any(r["extension"] and r["wco_id"] is None for r in rows)
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration", "--format", "csv")
    assert out.splitlines()[0].startswith("wco_id,kind,path")


def test_ids_looks_up_a_chain_and_an_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration", "42A/67A/68A/03A/226")
    assert code == 0
    assert "Declaration/GoodsShipment/GovernmentAgencyGoodsItem/AdditionalInformation/" \
           "StatementCode" in out and "declaration.xsd:" in out
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration", "--format", "json",
                        "42A/67A/99Z")
    found = json.loads(out)
    assert code == 1 and not found["resolved"] and found["failed_step"] == 3
    code, out, _ = _run(capsys, "ids", "--schema", "wco-declaration", "D999")
    assert code == 1 and "no element" in out


def test_ids_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "ids")[0] == 2
    code, _, err = _run(capsys, "ids", "--schema", "wco-declaration", "42A#1/67A")
    assert code == 2 and "neither a WCO ID nor a chain" in err


def test_pointers_names_the_element_in_the_declaration(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    code, out, _ = _run(capsys, "pointers", "--schema", "wco-declaration", "--declaration",
                        str(ORIGINAL), "--format", "json", str(REJECTED))
    report = json.loads(out)
    assert code == 0 and report["version"] == 1
    (result,) = report["results"]
    assert result["path"].endswith("rejected-03-de-pointers.xml")
    first = result["chains"][0]
    assert first["chain"] == "42A/67A/68A[1]/70A[1]#166" and first["resolved"]
    assert first["reason"] is None
    assert first["schema_path"] == ("Declaration/GoodsShipment/GovernmentAgencyGoodsItem/"
                                    "GovernmentProcedure/CurrentCode")
    located = first["declaration"]
    assert located["found"] and located["line"] and located["column"]
    assert located["xpath"] == ("/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[1]/"
                                "GovernmentProcedure[1]/CurrentCode")
    assert (located["line"], located["value"]) == (153, "40")


def test_pointers_reports_unresolved_chains_and_unreadable_files(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<Response><Error>", encoding="utf-8")
    code, out, _ = _run(capsys, "pointers", "--format", "json",
                        str(FIXTURES / "response" / "invalid" / "tag-id-too-long.xml"),
                        str(broken))
    results = json.loads(out)["results"]
    assert code == 1
    unresolved = [c for c in results[0]["chains"] if not c["resolved"]]
    assert len(unresolved) == 1 and unresolved[0]["failed_step"] == 4
    assert "TagID D0266" in unresolved[0]["reason"]
    assert results[1]["chains"] == [] and results[1]["error"]
    code, out, _ = _run(capsys, "pointers", str(REJECTED))
    assert code == 0 and "-> Declaration/GoodsShipment" in out
