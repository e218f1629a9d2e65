"""``tradestd validate --record``: reports by record, summary by record, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradestd.cli.main import main

from .batches import SCHEMA, batch, record


@pytest.fixture()
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "day.xml"
    path.write_bytes(batch([record("D0"), record("D1", amount="abc"), record("D2")]))
    return path


def test_text_report_names_record_and_line(feed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", str(feed)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith(f"{feed}:14:7: record 1: error SCHEMA_INVALID_VALUE")
    assert "3 records checked: 2 valid, 1 invalid; 1 errors" in out[-1]


def test_json_report_gives_index_line_and_record_counts(
        feed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration",
                 "--format", "json", str(feed)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["kind"] == "stream"
    (one,) = report["batches"]
    assert [(r["record"], r["line"], r["valid"]) for r in one["results"]] == [(1, 10, False)]
    assert one["results"][0]["issues"][0]["record"] == 1
    assert one["summary"]["records"] == 3 and one["summary"]["complete"] is True
    assert report["summary"] == {"batches": 1, "records": 3, "valid": 2, "invalid": 1,
                                 "errors": 1, "warnings": 0, "infos": 0, "complete": 1}


def test_verbose_json_lists_every_record(feed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format", "json", "-v",
          str(feed)])
    report = json.loads(capsys.readouterr().out)
    assert [r["record"] for r in report["batches"][0]["results"]] == [0, 1, 2]


def test_valid_batch_exits_0_and_broken_batch_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(batch([record("D0")]))
    assert main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", str(good)]) == 0
    cut = tmp_path / "cut.xml"
    cut.write_bytes(batch([record("D0")])[:-12])
    assert main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", str(cut)]) == 1
    out = capsys.readouterr().out
    assert "XML_TRUNCATED" in out and "INCOMPLETE" in out


def test_report_to_file(feed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format", "json",
          "-o", str(target), str(feed)])
    assert json.loads(target.read_text())["summary"]["records"] == 3
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "3 records checked: 2 valid, 1 invalid" in out


def test_auto_with_xsd_detects_records_from_the_set_itself(
        feed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tradestd import registry
    monkeypatch.setattr(registry, "_BUNDLED", registry.Registry())  # no bundled type helps
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "auto", str(feed)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "record 1: error SCHEMA_INVALID_VALUE" in out
    assert "3 records checked: 2 valid, 1 invalid" in out


def test_convert_record_both_ways(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "day.xml"
    source.write_bytes(batch([record("D0"), record("D1")]))
    jsonl, back = tmp_path / "day.jsonl", tmp_path / "back.xml"
    assert main(["convert", "--xsd", str(SCHEMA), "--record", "Declaration", "-o", str(jsonl),
                 str(source)]) == 0
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 2
    assert main(["convert", "--xsd", str(SCHEMA), "--record", "auto", "--container", "Day",
                 "-o", str(back), str(jsonl)]) == 0
    assert back.read_text(encoding="utf-8").count("<ns0:Declaration ") == 2
    err = capsys.readouterr().err
    assert "2 records read, 2 converted, 0 failed; written to" in err


def test_convert_record_refuses_a_broken_batch(
        feed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.jsonl"
    assert main(["convert", "--xsd", str(SCHEMA), "--record", "Declaration", "-o", str(target),
                 str(feed)]) == 1
    err = capsys.readouterr().err
    assert "record 1: error SCHEMA_INVALID_VALUE" in err
    assert "3 records read, 2 converted, 1 failed; nothing written" in err
    assert not target.exists()


def test_convert_record_takes_one_batch(feed: Path) -> None:
    assert main(["convert", "--xsd", str(SCHEMA), "--record", "Declaration", str(feed),
                 str(feed)]) == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys
    data = batch([record("D0"), record("D1")])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "-"]) == 0
    assert "<stdin>: 2 records checked: 2 valid" in capsys.readouterr().out


def test_fail_on_warning_counts_records_with_warnings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "declaration" / "valid" / \
        "import-de-sea-containers.xml"
    text = fixture.read_text(encoding="utf-8").split("?>", 1)[1]
    warned = text.replace("TotalPackageQuantity>", "TotalPackageQuantity>1", 1)
    assert warned != text
    feed = tmp_path / "day.xml"
    feed.write_text(f"<Day>{text}{warned}</Day>", encoding="utf-8")
    assert main(["validate", "--record", "auto", str(feed)]) == 0
    assert "2 records checked: 2 valid, 0 invalid; 0 errors, 1 warnings" in \
        capsys.readouterr().out
    assert main(["validate", "--record", "auto", "--fail-on", "warning", str(feed)]) == 1
    assert "2 records checked: 1 valid, 1 invalid" in capsys.readouterr().out


def test_other_report_formats_are_a_usage_error(feed: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration",
                 "--format", "junit", str(feed)])
    assert code == 2
    assert "--record supports --format text or json" in capsys.readouterr().err


def test_max_issues_caps_what_a_batch_writes_and_counts_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "day.xml"
    feed.write_bytes(batch([record(f"D{i}", amount="abc") for i in range(5)]))
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration",
                 "--max-issues", "3", str(feed)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(": record ")[1].split(":")[0] for line in out[:-1]] == ["0", "1", "2"]
    assert ("5 records checked: 0 valid, 5 invalid; 5 errors, 0 warnings; 2 more issues not "
            "shown (--max-issues 3)") in out[-1]


def test_max_issues_in_json_cuts_the_record_that_crosses_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "day.xml"
    feed.write_bytes(batch([record("D0", amount="abc"), record("D1", amount="abc", currency=None),
                            record("D2", amount="abc"), record("D3")]))
    for second_batch in (False, True):  # the cap starts again with each batch
        paths = [str(feed), str(feed)] if second_batch else [str(feed)]
        main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format", "json",
              "--max-issues", "2", *paths])
        report = json.loads(capsys.readouterr().out)
        for one in report["batches"]:
            results = one["results"]
            assert [(r["record"], len(r["issues"]), r.get("issues_omitted")) for r in results] \
                == [(0, 1, None), (1, 1, 1)]
            assert results[1]["issues"][0]["code"] in {"SCHEMA_INVALID_VALUE",
                                                       "SCHEMA_MISSING_ATTRIBUTE"}
            assert one["summary"]["issues_omitted"] == 2
            assert one["summary"]["errors"] == 4 and one["summary"]["invalid"] == 3
