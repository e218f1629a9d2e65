"""``--record auto`` and ``SchemaSet.iter_validate`` with the user's own schema set.

Records are told by the set itself (docs/streaming.md, "Records of your own schema set"):
the first element that is a document element of the set (a global element no declaration
refers to), or the element a list wrapper of the set repeats. A batch that gives no record
raises :class:`NoRecordsError` in the library and fails the command with a message that
names the set's candidates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORPORA, DATA

from tradestd import NoRecordsError, SchemaSet, Validator, load_schema_set
from tradestd.cli.main import main
from tradestd.stream.detect import record_tags_of

from .batches import drain

LIST_SET = DATA / "stream" / "listset" / "consignments.xsd"
C = "urn:tradestd:test:consignments"
UK = CORPORA / "uk-cds"
UK_XSD = [UK / "xsd" / "declaration" / "DocumentMetaData_2_DMS.xsd",
          UK / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd"]
MD = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"


def consignment(ident: str, mass: str = "12.5") -> str:
    return (f"  <Consignment>\n    <ID>{ident}</ID>\n    <GrossMass>{mass}</GrossMass>\n"
            f"    <Party><Name>p {ident}</Name></Party>\n  </Consignment>\n")


def listed(*records: str, root: str = "ConsignmentList", head: str = "") -> bytes:
    return (f'<?xml version="1.0"?>\n<{root} xmlns="{C}">\n{head}' + "".join(records)
            + f"</{root}>\n").encode()


@pytest.fixture(scope="module")
def list_set() -> SchemaSet:
    return load_schema_set(LIST_SET)


def test_the_set_names_its_document_elements_and_list_wrappers(list_set: SchemaSet) -> None:
    tags = record_tags_of(list_set)
    assert tags.tags == (f"{{{C}}}ConsignmentList", f"{{{C}}}Notice")  # Party is a part
    assert dict(tags.wrappers) == {f"{{{C}}}ConsignmentList": f"{{{C}}}Consignment"}
    assert "consignments.xsd" in tags.origin


def test_a_list_wrapper_streams_the_element_it_repeats(list_set: SchemaSet) -> None:
    data = listed(consignment("C1"), consignment("C2", mass="heavy"), consignment("C3"),
                  head="  <Header><Sender>S</Sender></Header>\n")
    stream = list_set.iter_validate(data)
    reports = list(stream)
    assert [(r.index, r.line, r.valid) for r in reports] == [
        (0, 4, True), (1, 9, False), (2, 14, True)]
    (bad,) = reports[1].issues
    assert (bad.code, bad.line, bad.column, bad.path) == (
        "SCHEMA_INVALID_VALUE", 11, 5, "/Consignment/GrossMass")
    assert stream.summary.record_tag == f"{{{C}}}Consignment"
    (header,) = stream.summary.issues  # the wrapper's header is said, never dropped
    assert header.code == "STREAM_CONTAINER_CONTENT" and "Header" in header.message


def test_records_of_a_wrapper_inside_a_container_the_set_does_not_declare(
        list_set: SchemaSet) -> None:
    inner = listed(consignment("C1"), consignment("C2")).split(b"?>", 1)[1]
    wrapped = list(list_set.iter_validate(b"<Day>" + inner + b"</Day>"))
    assert [(r.index, r.valid) for r in wrapped] == [(0, True), (1, True)]
    bare = f'<x:Day xmlns:x="urn:x">\n{consignment("C1")}{consignment("C2")}</x:Day>'
    stream = list_set.iter_validate(bare.replace("<Consignment>", f'<Consignment xmlns="{C}">')
                                    .encode())
    assert [r.index for r in stream] == [0, 1] and stream.summary.ok
    assert stream.summary.record_tag == f"{{{C}}}Consignment"


def test_a_message_with_repeated_lines_is_one_record(list_set: SchemaSet) -> None:
    notice = (f'<Notice xmlns="{C}"><Reference>R</Reference><Line><Text>a</Text></Line>'
              "<Line><Text>b</Text></Line></Notice>").encode()
    reports = list(list_set.iter_validate(notice))
    assert [(r.index, r.valid) for r in reports] == [(0, True)]


def test_no_record_in_a_non_empty_file_raises_and_names_the_candidates(
        list_set: SchemaSet) -> None:
    stream = list_set.iter_validate(b'<Other xmlns="urn:other"><Consignment/></Other>')
    with pytest.raises(NoRecordsError) as raised:
        for _ in stream:
            pytest.fail("no record may be yielded")
    (issue,) = raised.value.issues
    assert issue.code == "STREAM_EMPTY" and issue.line == 1
    assert "ConsignmentList, Notice" in issue.message and "--record NAME" in issue.message
    assert "consignments.xsd" in str(raised.value)
    assert stream.summary.issues == [issue] and not stream.summary.ok


@pytest.mark.parametrize("data", [b"", b"  \n", b"not xml at all", b"<a><b></a>"])
def test_every_batch_without_records_raises(list_set: SchemaSet, data: bytes) -> None:
    with pytest.raises(NoRecordsError):
        list(list_set.iter_validate(data))
    with pytest.raises(NoRecordsError):
        list(Validator(schema_set=list_set).iter_validate(data))


def test_conversion_without_records_raises_and_writes_nothing(
        list_set: SchemaSet, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with pytest.raises(NoRecordsError, match="STREAM_EMPTY|none of its elements"):
        list(list_set.iter_to_json(b'<Other xmlns="urn:other"/>', target))
    assert not target.exists()
    assert drain(list_set.iter_to_json(listed(consignment("C1")), target)) != []
    assert json.loads(target.read_text())["Consignment"]["ID"] == "C1"


def test_cli_auto_with_the_users_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    day = tmp_path / "day.xml"
    day.write_bytes(listed(consignment("C1"), consignment("C2")))
    assert main(["validate", "--xsd", str(LIST_SET), "--record", "auto", str(day)]) == 0
    assert "2 records checked: 2 valid" in capsys.readouterr().out
    other = tmp_path / "other.xml"
    other.write_bytes(b'<Other xmlns="urn:other"><Consignment/></Other>\n')
    assert main(["validate", "--xsd", str(LIST_SET), "--record", "auto", str(other)]) == 1
    out = capsys.readouterr().out
    assert "error STREAM_EMPTY" in out and "ConsignmentList, Notice" in out
    assert "0 records checked" in out and "FAILED: no record in the batch" in out
    jsonl = tmp_path / "day.jsonl"
    assert main(["convert", "--xsd", str(LIST_SET), "--record", "auto", "-o", str(jsonl),
                 str(other)]) == 1
    assert "STREAM_EMPTY" in capsys.readouterr().err and not jsonl.exists()
    assert main(["convert", "--xsd", str(LIST_SET), "--record", "auto", "-o", str(jsonl),
                 str(day)]) == 0
    assert len(jsonl.read_text().splitlines()) == 2


# -- uk-cds: envelope + payload ---------------------------------------------------------

def _uk_batch(tmp_path: Path, count: int) -> tuple[Path, list[Path]]:
    cases = json.loads((UK / "cases.json").read_text(encoding="utf-8"))["cases"]
    files = [UK / c["xml"] for c in cases
             if c["kind"] == "dec" and c["expect"] == "valid"][:count]
    bodies = [re.sub(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*\?>\s*", b"", f.read_bytes()) for f in files]
    path = tmp_path / "uk-day.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<Batch xmlns="urn:my:batch">\n'
                     + b"\n".join(bodies) + b"\n</Batch>\n")
    return path, files


@pytest.mark.corpora
@pytest.mark.skipif(not UK.is_dir(), reason="uk-cds corpus not found")
def test_uk_cds_batch_streams_its_envelopes(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path, files = _uk_batch(tmp_path, 4)
    schema_set = load_schema_set(UK_XSD)
    assert record_tags_of(schema_set).tags[0] == f"{{{MD}}}MetaData"
    stream = schema_set.iter_validate(path)
    reports = list(stream)
    assert len(reports) == len(files) == 4 and all(r.valid for r in reports)
    assert stream.summary.record_tag == f"{{{MD}}}MetaData" and stream.summary.ok
    # a broken value in the third declaration is reported at its line in the batch
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"<(\w+:)?MetaData\b", text)]
    assert len(starts) == 4
    broken = path.with_name("uk-broken.xml")
    at = text.index("FunctionalReferenceID>", starts[2])
    end = text.index("<", at)
    broken.write_text(text[:at + len("FunctionalReferenceID>")] + "x" * 40 + text[end:],
                      encoding="utf-8")
    line = text[:at].count("\n") + 1
    reports = list(schema_set.iter_validate(broken))
    assert [r.valid for r in reports] == [True, True, False, True]
    assert [(i.code, i.line) for i in reports[2].report.errors] == [("SCHEMA_MAX_LENGTH", line)]
    xsd = [arg for f in UK_XSD for arg in ("--xsd", str(f))]
    assert main(["validate", *xsd, "--record", "auto", str(path)]) == 0
    assert "4 records checked: 4 valid" in capsys.readouterr().out
    one = files[0]  # a single declaration is a batch of one
    assert len(list(schema_set.iter_validate(one))) == 1


@pytest.mark.parametrize(("data", "records"), [
    (listed(consignment("C1"), consignment("C2"), consignment("C3")), 3),
    (listed(consignment("C1")), 1),  # fewer records than workers: a worker sees none
    (b'<Other xmlns="urn:other"><Consignment/></Other>', 0),
])
def test_worker_processes_detect_the_same_records(tmp_path: Path, data: bytes,
                                                  records: int) -> None:
    from tradestd.batch import ValidatorOptions
    from tradestd.stream.parallel import iter_validate_parallel

    path = tmp_path / "day.xml"
    path.write_bytes(data)
    stream = iter_validate_parallel(path, ValidatorOptions(xsd=(str(LIST_SET),)), jobs=2)
    if records:
        assert [r.index for r in stream] == list(range(records)) and stream.summary.ok
        assert stream.summary.record_tag == f"{{{C}}}Consignment"
    else:
        with pytest.raises(NoRecordsError, match="ConsignmentList, Notice"):
            list(stream)
        assert [i.code for i in stream.summary.issues] == ["STREAM_EMPTY"]
