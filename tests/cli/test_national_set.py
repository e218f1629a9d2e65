"""The rest of a user's path with a national schema set (issue 20, point 6): clashing
schema files named, a transport wrapper accepted alike by every command, the
xsi:schemaLocation note once per run, and batch conversion with ``--rejects``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPORA, DATA
from lxml import etree

from tradestd.cli.main import main

NATIONAL = DATA / "national"
MESSAGES = NATIONAL / "messages"
SET = [NATIONAL / "envelope.xsd", NATIONAL / "declaration.xsd", NATIONAL / "transport.xsd"]
XSD = [arg for path in SET for arg in ("--xsd", str(path))]
NO_WRAPPER = [arg for path in SET[:2] for arg in ("--xsd", str(path))]
BATCH = MESSAGES / "batch.xml"
UK_CDS = CORPORA / "uk-cds"
UK_XSD = UK_CDS / "xsd" / "declaration"
UK_SET = ["--xsd", str(UK_XSD / "DocumentMetaData_2_DMS.xsd"),
          "--xsd", str(UK_XSD / "WCO_DEC_2_DMS.xsd")]
corpus = pytest.mark.skipif(not UK_CDS.is_dir(), reason="corpus uk-cds not present")


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------- 6a: clashing files


def test_a_component_defined_twice_names_both_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "validate", "--xsd", NATIONAL, MESSAGES / "enveloped-valid.xml")
    assert code == 2
    assert "A global model group definition 'Declaration' does already exist" in err
    assert (f"group 'Declaration' is defined in {NATIONAL / 'clash' / 'cancel.xsd'}:13 and in "
            f"{NATIONAL / 'envelope.xsd'}:14") in err
    # the files of one envelope with its payload compile
    assert _run(capsys, "validate", *XSD, MESSAGES / "enveloped-valid.xml")[0] == 0


@pytest.mark.corpora
@corpus
def test_uk_cds_folder_names_every_clashing_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "validate", "--xsd", UK_CDS / "xsd",
                        UK_CDS / "messages" / "wco_dec_metadata.xml")
    assert code == 2
    files = re.findall(r"(\S+\.xsd):\d+", err.partition("is defined in")[2])
    assert sorted(Path(f).relative_to(UK_CDS / "xsd").as_posix() for f in files) == [
        "declaration/CANCEL_METADATA.xsd", "declaration/DocumentMetaData_2_DMS.xsd",
        "notification/DocumentMetaData_2_DMS.xsd"]


# ------------------------------------------------------- 6b: a national transport wrapper


def test_a_declared_wrapper_is_accepted_by_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrapped = MESSAGES / "wrapped-valid.xml"
    assert _run(capsys, "validate", *XSD, wrapped)[0] == 0
    code, out, _ = _run(capsys, "convert", *XSD, wrapped)
    assert code == 0
    data = json.loads(out)
    assert data["submitDeclarationRequest"]["MetaData"]["WCOTypeName"] == "DEC"
    as_json = tmp_path / "wrapped.json"
    as_json.write_text(out, encoding="utf-8")
    assert _run(capsys, "validate", *XSD, as_json)[0] == 0
    code, out, _ = _run(capsys, "convert", *XSD, as_json)
    assert code == 0
    back = etree.fromstring(out.encode())
    assert back.tag == "{urn:test:national:transport}submitDeclarationRequest"
    assert back.findtext(".//{urn:test:national:declaration}FunctionalReferenceID") == "NAT-0002"
    assert _run(capsys, "screen", "--validate", *XSD, wrapped)[0] == 0
    # as a record of a batch, too
    code, out, _ = _run(capsys, "convert", *XSD, "--record", "submitDeclarationRequest", wrapped)
    assert code == 0 and json.loads(out) == data
    # and an invalid payload inside the wrapper is invalid for all of them, at its element
    bad = MESSAGES / "wrapped-invalid.xml"
    code, out, _ = _run(capsys, "validate", *XSD, bad)
    assert code == 1 and "SCHEMA_MAX_LENGTH" in out
    code, _, err = _run(capsys, "convert", *XSD, bad)
    assert code == 1 and "SCHEMA_MAX_LENGTH" in err and "not converted" in err


def test_an_undeclared_wrapper_is_refused_alike(capsys: pytest.CaptureFixture[str]) -> None:
    wrapped = MESSAGES / "wrapped-valid.xml"
    code, out, _ = _run(capsys, "validate", *NO_WRAPPER, wrapped)
    assert code == 1 and "SCHEMA_UNKNOWN_ROOT" in out
    code, _, err = _run(capsys, "convert", *NO_WRAPPER, wrapped)
    assert code == 1 and "SCHEMA_UNKNOWN_ROOT" in err and "not converted" in err
    code, out, _ = _run(capsys, "screen", "--validate", *NO_WRAPPER, wrapped)
    assert code == 1 and "SCHEMA_UNKNOWN_ROOT" in out


def test_a_wrapper_set_from_the_configuration_file_serves_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """validate read tradestd.toml and convert did not: the same file now serves both."""
    for path in SET:
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(MESSAGES / "wrapped-valid.xml", tmp_path / "m.xml")
    (tmp_path / "tradestd.toml").write_text(
        'xsd = ["envelope.xsd", "declaration.xsd", "transport.xsd"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "validate", "m.xml")[0] == 0
    code, out, _ = _run(capsys, "convert", "m.xml")
    assert code == 0 and "submitDeclarationRequest" in json.loads(out)


@pytest.mark.corpora
@corpus
def test_uk_cds_declaration_in_a_transport_wrapper(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A wrapper of the user's own around a real declaration: the UK envelope and payload,
    a transport XSD that imports the envelope; every command accepts it alike."""
    envelope = UK_XSD / "DocumentMetaData_2_DMS.xsd"
    namespace = etree.parse(str(envelope)).getroot().get("targetNamespace")
    transport = tmp_path / "transport.xsd"
    transport.write_text(f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
      xmlns:md="{namespace}" targetNamespace="urn:test:transport" elementFormDefault="qualified">
  <xs:import namespace="{namespace}" schemaLocation="{envelope.as_uri()}"/>
  <xs:element name="submitDeclarationRequest">
    <xs:complexType><xs:sequence><xs:element ref="md:MetaData"/></xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
""", encoding="utf-8")
    wrapper = etree.Element("{urn:test:transport}submitDeclarationRequest",
                            nsmap={"t": "urn:test:transport"})
    wrapper.append(etree.parse(str(UK_CDS / "messages" / "wco_dec_metadata.xml")).getroot())
    message = tmp_path / "wrapped.xml"
    message.write_bytes(etree.tostring(wrapper, xml_declaration=True, encoding="UTF-8"))
    xsd = [*UK_SET, "--xsd", str(transport)]
    assert _run(capsys, "validate", *xsd, message)[0] == 0
    code, out, _ = _run(capsys, "convert", *xsd, message)
    assert code == 0 and "MetaData" in json.loads(out)["submitDeclarationRequest"]
    as_json = tmp_path / "wrapped.json"
    as_json.write_text(out, encoding="utf-8")
    assert _run(capsys, "validate", *xsd, as_json)[0] == 0
    code, out, _ = _run(capsys, "convert", *xsd, as_json)
    assert code == 0 and etree.fromstring(out.encode()).tag == wrapper.tag
    # without the wrapper's XSD, both refuse it, for the same reason
    code, out, _ = _run(capsys, "validate", *UK_SET, message)
    assert code == 1 and "SCHEMA_UNKNOWN_ROOT" in out
    code, _, err = _run(capsys, "convert", *UK_SET, message)
    assert code == 1 and "SCHEMA_UNKNOWN_ROOT" in err


# ------------------------------------------------- 6c: the schemaLocation note, once


def _copies(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        path = tmp_path / f"m{index}.xml"
        shutil.copy(MESSAGES / "enveloped-valid.xml", path)
        paths.append(path)
    return paths


def test_convert_says_the_schema_location_note_once_and_only_with_v(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _copies(tmp_path, 3)
    code, _, err = _run(capsys, "convert", *XSD, "-q", "-o", tmp_path / "out", *files)
    assert code == 0
    assert "XML_SCHEMA_LOCATION_IGNORED" not in err
    code, _, err = _run(capsys, "convert", *XSD, "-v", "-o", tmp_path / "out", *files)
    assert code == 0
    notes = [line for line in err.splitlines() if "XML_SCHEMA_LOCATION_IGNORED" in line]
    assert notes == [("note: xsi:schemaLocation is ignored: schemas are never fetched from a "
                      "message's hints, only from the chosen schema set "
                      "(XML_SCHEMA_LOCATION_IGNORED, 3 messages)")]


def test_reports_keep_the_note_at_run_level(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    files = _copies(tmp_path, 3)
    code, out, _ = _run(capsys, "validate", *XSD, "--format", "github", *files)
    assert code == 0 and "::notice" not in out
    code, out, _ = _run(capsys, "validate", *XSD, "--format", "json", *files)
    data = json.loads(out)
    assert data["notes"] == [{"code": "XML_SCHEMA_LOCATION_IGNORED", "severity": "info",
                              "message": data["notes"][0]["message"], "messages": 3}]
    assert all(not r["issues"] for r in data["results"])
    code, out, _ = _run(capsys, "validate", *XSD, "--format", "sarif", *files)
    sarif = json.loads(out)["runs"][0]
    assert sarif["results"] == []
    [notification] = sarif["invocations"][0]["toolExecutionNotifications"]
    assert notification["descriptor"]["id"] == "XML_SCHEMA_LOCATION_IGNORED"
    assert notification["message"]["text"].endswith("(3 messages)")
    code, out, _ = _run(capsys, "validate", *XSD, "--format", "html", *files)
    assert out.count("XML_SCHEMA_LOCATION_IGNORED") == 1
    code, out, _ = _run(capsys, "validate", *XSD, *files)
    assert "XML_SCHEMA_LOCATION_IGNORED" not in out
    code, out, _ = _run(capsys, "validate", *XSD, "-v", *files)
    assert out.count("XML_SCHEMA_LOCATION_IGNORED") == 1
    code, out, _ = _run(capsys, "screen", *XSD, "--format", "json", *files)
    screened = json.loads(out)
    assert screened["notes"][0]["messages"] == 3
    assert "XML_SCHEMA_LOCATION_IGNORED" not in json.dumps(screened["results"])
    # a batch: once per run, and in the JSON stream report's notes
    code, out, _ = _run(capsys, "validate", *XSD, "--record", "MetaData", "-v", BATCH)
    assert out.count("XML_SCHEMA_LOCATION_IGNORED") == 1
    code, out, _ = _run(capsys, "validate", *XSD, "--record", "MetaData", "--format", "json",
                        BATCH)
    stream = json.loads(out)
    assert stream["notes"][0]["messages"] == 5
    assert "XML_SCHEMA_LOCATION_IGNORED" not in json.dumps(stream["batches"])


@pytest.mark.corpora
@corpus
def test_uk_cds_conversion_is_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = UK_CDS / "messages" / "Trade Test 4 Sample Messages"
    code, out, err = _run(capsys, "convert", *UK_SET, "-q", "-o", tmp_path / "out", folder)
    converted = len(list((tmp_path / "out").rglob("*.json")))
    assert code == 0 and converted > 10
    assert err == "" and out == f"{converted} of {converted} converted\n"
    code, out, _ = _run(capsys, "validate", *UK_SET, "--format", "github", folder)
    assert code == 0 and "::" not in out


# ------------------------------------------------------------ 6d: --rejects


def test_rejects_keep_a_batch_going(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, rejects = tmp_path / "out.jsonl", tmp_path / "bad" / "rejects.jsonl"
    code, _, err = _run(capsys, "convert", *XSD, "--record", "MetaData", "-o", out, BATCH)
    assert code == 1 and not out.exists() and "nothing written" in err  # all or nothing
    code, _, err = _run(capsys, "convert", *XSD, "--record", "MetaData", "-o", out,
                        "--rejects", rejects, BATCH)
    assert code == 1  # some records were rejected
    assert "5 records read, 4 converted, 1 rejected" in err
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["MetaData"]["WCOTypeName"] for r in written] == ["DEC"] * 4
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["index"] == 2 and reject["line"] > 1
    assert [i["code"] for i in reject["issues"] if i["severity"] == "error"] == [
        "SCHEMA_UNEXPECTED_ELEMENT"]
    record = etree.fromstring(reject["record"].encode())
    assert record.findtext(".//{urn:test:national:declaration}FunctionalReferenceID") == "NAT-B3"
    # back: the JSON Lines with a broken line and an invalid record added
    lines = out.read_text(encoding="utf-8").splitlines()
    invalid = lines[0].replace('"FunctionCode":"9"', '"FunctionCode":"999"')
    assert invalid != lines[0]
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_text("\n".join([*lines, "{not json", invalid]) + "\n", encoding="utf-8")
    xml_out, xml_rejects = tmp_path / "back.xml", tmp_path / "back-rejects.jsonl"
    code, _, err = _run(capsys, "convert", *XSD, "--record", "auto", "-o", xml_out,
                        "--rejects", xml_rejects, jsonl)
    assert code == 1
    assert "6 records read, 4 converted, 2 rejected" in err
    batch = etree.parse(str(xml_out)).getroot()
    assert len(batch) == 4
    back_rejects = [json.loads(x) for x in xml_rejects.read_text(encoding="utf-8").splitlines()]
    assert [r["record"] for r in back_rejects] == ["{not json", invalid]
    assert [[i["code"] for i in r["issues"] if i["severity"] == "error"]
            for r in back_rejects] == [["JSON_MALFORMED"], ["SCHEMA_PATTERN"]]


def test_rejects_all_good_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    text = BATCH.read_text(encoding="utf-8").replace("<Bogus>1</Bogus>", "")
    good.write_text(text, encoding="utf-8")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    code, _, err = _run(capsys, "convert", *XSD, "--record", "MetaData", "-o", out,
                        "--rejects", rejects, good)
    assert code == 0 and rejects.read_text() == ""
    assert len(out.read_text().splitlines()) == 5
    # a batch that cannot be read to its end writes neither file
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.rindex("<md:MetaData")], encoding="utf-8")
    out2, rejects2 = tmp_path / "out2.jsonl", tmp_path / "rejects2.jsonl"
    code, _, err = _run(capsys, "convert", *XSD, "--record", "MetaData", "-o", out2,
                        "--rejects", rejects2, cut)
    assert code == 1 and not out2.exists() and not rejects2.exists()
    assert f"nothing was written to {out2} nor to {rejects2}" in err
    assert _run(capsys, "convert", *XSD, "--rejects", rejects, good)[0] == 2
    assert _run(capsys, "convert", *XSD, "--record", "MetaData", "-o", out, "--rejects", out,
                good)[0] == 2


@pytest.mark.corpora
@corpus
def test_uk_cds_batch_with_one_bad_record(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    sources = sorted((UK_CDS / "messages" / "Trade Test 4 Sample Messages").rglob("*.xml"))[:12]
    records = [etree.tostring(etree.parse(str(p)).getroot(), encoding="unicode")
               for p in sources]
    bad = etree.fromstring(records[5].encode())
    bad.insert(0, etree.Element(f"{{{etree.QName(bad).namespace}}}Bogus"))  # not in MetaData
    records[5] = etree.tostring(bad, encoding="unicode")
    batch = tmp_path / "day.xml"
    batch.write_text("<Batch>\n" + "\n".join(records) + "\n</Batch>\n", encoding="utf-8")
    out, rejects = tmp_path / "day.jsonl", tmp_path / "day-rejects.jsonl"
    code, _, err = _run(capsys, "convert", *UK_SET, "--record", "MetaData", "-o", out,
                        "--rejects", rejects, batch)
    assert code == 1, err
    assert f"{len(records)} records read, {len(records) - 1} converted, 1 rejected" in err
    assert len(out.read_text().splitlines()) == len(records) - 1
    [reject] = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["index"] == 5
