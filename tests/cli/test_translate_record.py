"""``tradestd translate --record``: an XML batch translated record by record, on a small user
schema set in two versions (tests/data/translate: envelope + payload, WCO IDs, a class
moved, an element renamed, an element dropped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA
from lxml import etree

from tradestd import load_schema_set, translate
from tradestd.cli.main import main
from tradestd.intake import load_xml
from tradestd.stream.translate import BatchTranslation
from tradestd.wco.translate import TranslationReport, Translator, translate_document

HERE = DATA / "translate"
BATCH = HERE / "batch.xml"
V1 = [HERE / "envelope.xsd", HERE / "v1" / "declaration.xsd"]
V2 = [HERE / "envelope.xsd", HERE / "v2" / "declaration.xsd"]
SETS = ["--from-xsd", str(V1[0]), "--from-xsd", str(V1[1]),
        "--to-xsd", str(V2[0]), "--to-xsd", str(V2[1])]
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _values(element: etree._Element) -> int:
    """Leaf texts and attributes (not xsi:*), as docs/translate.md counts them."""
    count = 0
    for each in element.iter(etree.Element):
        count += sum(1 for name in each.attrib if not name.startswith(XSI))
        count += 0 if len(each) else 1
    return count


def _records(path: Path) -> list[etree._Element]:
    root = etree.parse(str(path)).getroot()
    return [child for child in root if isinstance(child.tag, str)]


def test_json_report_accounts_for_every_value_of_every_record(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file, rejects = tmp_path / "out.xml", tmp_path / "rejects.jsonl"
    code, out, _ = _run(capsys, "translate", *SETS, "--record", "auto", "--format", "json",
                        "--rejects", str(rejects), "-o", str(out_file), str(BATCH))
    report = json.loads(out)
    assert set(report) == {"version", "results", "batches"}
    results = report["results"]
    assert [r["record"] for r in results] == [0, 1, 2]
    sources = _records(BATCH)
    for result, source in zip(results[:2], sources, strict=False):
        assert result["valid"] and result["output"] == str(out_file)
        # nothing lost silently: carried + not carried = every value of the record
        assert result["carried"] + len(result["not_carried"]) == _values(source)
    assert results[0]["not_carried"] == [] and results[0]["carried"] == 10
    (left,) = results[1]["not_carried"]
    assert left["value"] == "Urgent" and left["path"].endswith("Declaration/Remarks")
    assert left["line"] == 34 and "no counterpart" in left["reason"]
    refused = results[2]
    assert not refused["valid"] and refused["output"] is None
    assert {i["code"] for i in refused["issues"]} >= {"TRANSLATE_SOURCE_INVALID",
                                                      "SCHEMA_MAX_LENGTH"}
    assert any(i["line"] == 47 for i in refused["issues"])  # placed in the batch
    (batch,) = report["batches"]
    assert batch["records_in"] == 3 == batch["records_out"] + batch["rejected"]
    assert batch["written"] and batch["carried"] == 16 and batch["not_carried"] == 1
    # the output: the two results, each valid under version 2, in record order
    v2 = load_schema_set(V2)
    written = _records(out_file)
    assert len(written) == 2
    for element in written:
        assert v2.validate(etree.tostring(element)).valid
    assert [e.findtext(".//{urn:test:trade:v2}ID") for e in written] == ["DEC-0001",
                                                                         "DEC-0002"]
    (line,) = rejects.read_text(encoding="utf-8").splitlines()
    rejected = json.loads(line)
    assert rejected["index"] == 2 and "IMPORT" in rejected["record"]
    assert code == 1  # a value not carried, a record refused


def test_a_batch_is_all_or_nothing_without_rejects(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    out_file = tmp_path / "out.xml"
    code, out, _ = _run(capsys, "translate", *SETS, "--record", "auto", "-o", str(out_file),
                        str(BATCH))
    assert code == 1 and not out_file.exists() and not list(tmp_path.iterdir())
    assert "CONVERT_INCOMPLETE" in out and "nothing written" in out
    assert "record 1: valid; 6 carried, 1 not carried" in out
    assert "not carried: line 34: /md:MetaData/Declaration/Remarks = 'Urgent'" in out


def test_whole_batch_records_in_equal_records_out_and_json_lines(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    text = BATCH.read_text(encoding="utf-8").replace("<TypeCode>IMPORT", "<TypeCode>IM")
    good.write_text(text.replace("<Remarks>Urgent</Remarks>", ""), encoding="utf-8")
    out_file = tmp_path / "out.xml"
    code, out, _ = _run(capsys, "translate", *SETS, "--record", "MetaData", "-o",
                        str(out_file), str(good))
    assert code == 0, out
    assert "3 records read, 3 translated and written, 0 failed; 20 values carried" in out
    assert len(_records(out_file)) == 3
    lines = tmp_path / "out.jsonl"
    code, out, _ = _run(capsys, "translate", *SETS, "--record", "auto", "--to", "json",
                        "-o", str(lines), str(good))
    assert code == 0, out
    rows = [json.loads(row) for row in lines.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and all("MetaData" in row for row in rows)
    # and back: version 2 -> version 1 gives the records we started from
    back = tmp_path / "back.xml"
    args = ["--from-xsd", str(V2[0]), "--from-xsd", str(V2[1]),
            "--to-xsd", str(V1[0]), "--to-xsd", str(V1[1])]
    code, out, _ = _run(capsys, "translate", *args, "--record", "auto", "-o", str(back),
                        str(out_file))
    assert code == 0, out
    assert [_shape(e) for e in _records(back)] == [_shape(e) for e in _records(good)]


def _shape(element: etree._Element) -> tuple[object, ...]:
    """An element as names, values and children (prefixes and layout left out)."""
    children = [c for c in element if isinstance(c.tag, str)]
    return (element.tag, sorted(element.attrib.items()),
            (element.text or "").strip() if not children else "",
            [_shape(c) for c in children])


def test_library_batch_matches_one_message_translations(tmp_path: Path) -> None:
    v1, v2 = load_schema_set(V1), load_schema_set(V2)
    run = BatchTranslation(BATCH, tmp_path / "out.xml", Translator(schema_set=v2,
                                                                   source_set=v1),
                           record="{urn:test:trade:meta}MetaData", rejects=tmp_path / "r")
    reports = list(run)
    assert run.summary.written and run.summary.records_in == 3
    for report, element in zip(reports, _records(BATCH), strict=True):
        assert isinstance(report.report, TranslationReport)
        done = report.report.translation
        assert done is not None
        alone = translate(etree.tostring(element), v1, v2)
        assert done.valid == alone.valid and done.xml == alone.xml
        assert len(done.carried) == len(alone.carried)
        assert [(n.path, n.value, n.reason) for n in done.not_carried] == [
            (n.path, n.value, n.reason) for n in alone.not_carried]
        # the lines are the batch's own
        assert all(n.line is not None and n.line > report.line for n in done.not_carried)


@pytest.mark.parametrize(("extra", "message"), [
    (["--rejects", "r.jsonl"], "--rejects needs --record"),
    (["--record", "auto", "-j", "2"], "-j and --dask"),
    (["--record", "auto", "--format", "sarif"], "text or json"),
    (["--record", "auto", str(BATCH)], "one batch at a time"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], extra: list[str],
                      message: str) -> None:
    code, _, err = _run(capsys, "translate", *SETS, *extra, str(BATCH))
    assert code == 2 and message in err


def test_copied_content_carries_no_stray_namespace_declarations() -> None:
    """Content copied whole (version 1 to itself) loses the declarations of its own start
    tags that no name uses, as the walk value by value does; prefixes become the result's."""
    v1, again = load_schema_set(V1), load_schema_set([V1[1], V1[0]])
    plan = v1.translation_plan(again)
    message = (b'<md:MetaData xmlns:md="urn:test:trade:meta"><md:SenderID>S</md:SenderID>'
               b'<d:Declaration xmlns:d="urn:test:trade:v1"><d:ID>1</d:ID>'
               b"<d:TypeCode>IM</d:TypeCode><d:GoodsShipment>"
               b'<d:GoodsItem xmlns:x="urn:unused" xmlns:e="urn:test:trade:v1">'
               b'<e:SequenceNumeric xmlns:y="urn:y">1</e:SequenceNumeric>'
               b'<d:GrossMass unitCode="KGM">2</d:GrossMass></d:GoodsItem>'
               b"</d:GoodsShipment></d:Declaration></md:MetaData>")
    fast = translate_document(load_xml(message, comments=False), plan)
    slow = translate_document(load_xml(message, comments=False), plan, copies=False)
    assert fast.complete and fast.xml == slow.xml
    assert list(fast.carried) == list(slow.carried) and len(fast.carried) == 6
    assert fast.xml is not None and b"urn:unused" not in fast.xml and b"<e:" not in fast.xml
