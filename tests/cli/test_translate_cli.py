"""``tradestd translate`` on the command line: reports, outputs, plan, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, FIXTURES

from tradestd.cli.main import main

UK = CORPORA / "uk-cds" / "xsd" / "declaration"
UK_XSD = ["--to-xsd", str(UK / "DocumentMetaData_2_DMS.xsd"),
          "--to-xsd", str(UK / "WCO_DEC_2_DMS.xsd")]
VALID = FIXTURES / "declaration" / "valid"
needs_uk = pytest.mark.skipif(not UK.is_dir(), reason="uk-cds corpus not found")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@needs_uk
def test_json_report_follows_the_contract(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "translate", "--from-schema", "wco-declaration", *UK_XSD,
                        "--format", "json", "-o", str(tmp_path), str(VALID))
    report = json.loads(out)
    assert set(report) == {"version", "results"} and report["version"] == 1
    results = report["results"]
    assert len(results) == len(list(VALID.glob("*.xml")))
    for result in results:
        assert set(result) == {"path", "output", "valid", "carried", "not_carried", "needed",
                               "issues"}
        assert result["valid"] and isinstance(result["carried"], int)
        assert Path(result["output"]).is_file()
        assert Path(result["output"]).relative_to(tmp_path)
        for item in result["not_carried"]:
            assert set(item) == {"line", "path", "value", "reason"}
    assert code == 1  # some values of the bundled declarations have no UK counterpart
    assert any(r["not_carried"] for r in results)


@needs_uk
def test_detected_source_text_report_and_result_on_stdout(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "translate", *UK_XSD,
                          str(VALID / "import-fr-air-single.xml"))
    assert out.startswith("<?xml") and "urn:wco:datamodel:WCO:DEC-DMS:2" in out
    assert "not carried: line 67:" in err and "MethodCode" in err
    assert code == 1


@needs_uk
def test_sarif_html_and_json_output(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    source = str(VALID / "import-fr-air-single.xml")
    code, out, _ = _run(capsys, "translate", *UK_XSD, "--format", "sarif", source)
    sarif = json.loads(out)
    codes = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "TRANSLATE_NOT_CARRIED" in codes and code == 1
    page = tmp_path / "r.html"
    code, _, err = _run(capsys, "translate", *UK_XSD, "--format", "html", "--report",
                        str(page), source)
    html = page.read_text(encoding="utf-8")
    assert 'class="carried"' in html and 'class="left"' in html and "1 not carried" in err
    assert code == 1
    target = tmp_path / "out.json"
    code, _, _ = _run(capsys, "translate", *UK_XSD, "--to", "json", "-o", str(target), source)
    assert code == 1
    assert "Declaration" in json.loads(target.read_text(encoding="utf-8"))


@needs_uk
def test_plan_as_table_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("translate", "--plan", "--from-schema", "wco-declaration", *UK_XSD)
    code, out, _ = _run(capsys, *args)
    assert code == 0 and out.splitlines()[0].split()[:2] == ["STATUS", "WCO"]
    code, out, _ = _run(capsys, *args, "--format", "json")
    pairs = json.loads(out)["pairs"]
    assert {"source", "wco_chain", "target", "status", "detail"} == set(pairs[0])
    (carrier,) = [p for p in pairs if p["source"] == "Declaration/Consignment/Carrier/Name"]
    assert carrier["status"] == "no counterpart" and carrier["target"] is None
    code, out, _ = _run(capsys, *args, "--format", "csv")
    assert out.splitlines()[0] == "source,wco_chain,target,status,detail"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    message = str(VALID / "import-fr-air-single.xml")
    assert _run(capsys, "translate", message)[0] == 2  # no target
    code, _, err = _run(capsys, "translate", "--to-schema", "wco-declaration", "--to-xsd",
                        "x.xsd", message)
    assert code == 2 and "--to-schema or --to-xsd" in err
    bad = tmp_path / "map.toml"
    bad.write_text('[map]\n"Declaration/Nope" = "Declaration/ID"\n', encoding="utf-8")
    code, _, err = _run(capsys, "translate", "--from-schema", "wco-declaration",
                        "--to-schema", "wco-declaration", "--map", str(bad), message)
    assert code == 2 and f"{bad}:2:" in err and "Declaration/Nope" in err
    plain = tmp_path / "plain.xsd"
    plain.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                     '<xs:element name="Declaration" type="xs:string"/></xs:schema>',
                     encoding="utf-8")
    code, _, err = _run(capsys, "translate", "--from-schema", "wco-declaration",
                        "--to-xsd", str(plain), message)
    assert code == 2 and "--map" in err and "no WCO ID" in err
    code, _, err = _run(capsys, "translate", "--to-schema", "wco-declaration",
                        str(VALID), str(VALID / "import-fr-air-single.xml"), "-o",
                        str(tmp_path / "o"))
    assert code == 2 and "would both be written" in err


def test_an_invalid_source_is_reported_with_no_output(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    text = (VALID / "import-fr-air-single.xml").read_text(encoding="utf-8")
    broken.write_text(text.replace("<dec:FunctionCode>", "<dec:Nonsense/><dec:FunctionCode>",
                                   1), encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = _run(capsys, "translate", "--from-schema", "wco-declaration",
                        "--to-schema", "wco-declaration", "--format", "json", "-o",
                        str(out_dir / "x.xml"), str(broken))
    result = json.loads(out)["results"][0]
    assert code == 1 and result["output"] is None and not result["valid"]
    assert "TRANSLATE_SOURCE_INVALID" in {i["code"] for i in result["issues"]}
    assert not out_dir.exists()


def test_standard_input_and_an_undetectable_message(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    data = (VALID / "import-fr-air-single.xml").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = _run(capsys, "translate", "--to-schema", "wco-declaration", "-")
    assert code == 0 and out.startswith("<?xml") and err.startswith("<stdin>: valid")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"<foo/>")))
    code, out, err = _run(capsys, "translate", "--to-schema", "wco-declaration", "-")
    assert code == 1 and not out
    assert "<stdin>:1: error MESSAGE_TYPE_UNKNOWN" in err and "--from-xsd" in err


def test_worker_processes_give_the_same_results(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    args = ("translate", "--from-schema", "wco-declaration", "--to-schema", "wco-declaration",
            "--format", "json")
    one = _run(capsys, *args, "-o", str(tmp_path / "one"), str(VALID))
    two = _run(capsys, *args, "-j", "2", "-o", str(tmp_path / "two"), str(VALID))
    assert one[0] == two[0] == 0
    first, second = json.loads(one[1])["results"], json.loads(two[1])["results"]
    for a, b in zip(first, second, strict=True):
        assert a["output"].replace("/one/", "/two/") == b["output"]
        assert {**a, "output": None} == {**b, "output": None}
        assert Path(a["output"]).read_bytes() == Path(b["output"]).read_bytes()


@needs_uk
def test_the_result_is_checked_with_the_rule_packs(capsys: pytest.CaptureFixture[str]) -> None:
    source = CORPORA / "uk-cds" / "messages" / "Trade Test 4 Sample Messages" / \
        "TTM4_TC001_Type Z ex warehouse into free circulation (40 71).xml"
    code, out, _ = _run(capsys, "translate", "--from-xsd", str(UK / "DocumentMetaData_2_DMS.xsd"),
                        "--from-xsd", str(UK / "WCO_DEC_2_DMS.xsd"), "--to-schema",
                        "wco-declaration", "--rules", "wco", "--format", "json", str(source))
    (result,) = json.loads(out)["results"]
    rules = {i["rule_id"] for i in result["issues"] if i.get("rule_id")}
    assert "WCO-IMO-001" in rules  # the UK sample's vessel ID '12345', now in the result
    assert all(i["line"] is None or i["line"] > 0 for i in result["issues"])
    assert code == 1 and result["valid"]  # warnings only; values of the UK set are left
