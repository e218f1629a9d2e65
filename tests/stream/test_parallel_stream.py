"""``validate --record -j N``: worker processes share a batch out and give the same reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tradestd.batch import ValidatorOptions
from tradestd.cli.main import main
from tradestd.stream import RecordStream
from tradestd.stream.parallel import _CHUNK, ParallelRecordStream, iter_validate_parallel

from .batches import SCHEMA, batch, record

MIXED = [record(f"D{i}", amount="abc" if i in (3, 5) else "1.50") for i in range(9)]
BROKEN = [*MIXED[:4], record("D4").replace("</Item>", "</Itm>"), *MIXED[5:]]

CASES: dict[str, bytes] = {
    "mixed": batch(MIXED),
    "not well-formed in the middle": batch(BROKEN),
    "truncated": batch(MIXED)[:-60],
    "fewer records than workers": batch(MIXED[3:4]),
    "empty file": b"",
    "content outside the records": batch(MIXED[:2], head="  <Note>x</Note>\n"),
}


def _report(path: Path, jobs: int, *extra: str) -> tuple[int, dict[str, Any]]:
    target = path.with_suffix(f".j{jobs}.json")
    code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format",
                 "json", "-v", "-j", str(jobs), "-o", str(target), *extra, str(path)])
    report = json.loads(target.read_text(encoding="utf-8"))
    for one in report["batches"]:
        one["summary"].pop("seconds")
    return code, report


@pytest.mark.parametrize("name", sorted(CASES))
def test_workers_give_the_reports_of_one_process(name: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.xml"
    path.write_bytes(CASES[name])
    alone = _report(path, 1)
    assert alone[1]["batches"][0]["results"] or alone[1]["batches"][0]["summary"]["issues"]
    assert _report(path, 2) == alone
    assert _report(path, 3) == alone


def test_json_lines_are_shared_out_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xml = tmp_path / "day.xml"
    xml.write_bytes(batch([record(f"D{i}") for i in range(9)]))
    jsonl = tmp_path / "day.jsonl"
    assert main(["convert", "--xsd", str(SCHEMA), "--record", "Declaration", "-o", str(jsonl),
                 str(xml)]) == 0
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9 and '"1.50"' in lines[5]
    lines[5] = lines[5].replace('"1.50"', '"abc"')
    jsonl.write_text("\n".join([*lines[:3], "{not json", *lines[3:]]) + "\n", encoding="utf-8")
    code, alone = _report(jsonl, 1)
    assert code == 1 and alone["summary"]["records"] == 10
    assert [r["record"] for r in alone["batches"][0]["results"] if not r["valid"]] == [3, 6]
    assert _report(jsonl, 2) == (code, alone)


def test_text_output_and_exit_code_match(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.xml"
    path.write_bytes(batch(MIXED))
    outputs = []
    for jobs in ("1", "2"):
        code = main(["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "-j", jobs,
                     str(path)])
        text = capsys.readouterr().out
        outputs.append((code, text.rsplit(";", 1)[0]))  # the timing differs
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and "9 records checked: 7 valid, 2 invalid" in outputs[0][1]


def test_a_worker_that_dies_ends_the_batch_as_incomplete(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "deadly.py"
    rules.write_text(
        "import os\n"
        "from tradestd.rules import rule\n\n\n"
        "@rule('TEST-DIE-001', 'error', 'kills its process on record D70')\n"
        "def die(msg):\n"
        "    if any(e.text == 'D70' for e in msg.all('ID')):\n"
        "        os._exit(3)\n"
        "    return ()\n", encoding="utf-8")
    path = tmp_path / "day.xml"
    path.write_bytes(batch([record(f"D{i}") for i in range(100)]))
    code, report = _report(path, 2, "--rules", str(rules))
    assert code == 1
    (one,) = report["batches"]
    # Worker 0 sent its first _CHUNK reports (records 0, 2, ...) and died on record 70
    # with the next ones unsent: those are lost, and the merge stops where they stop.
    assert 2 * _CHUNK <= 70
    assert [r["record"] for r in one["results"]] == list(range(2 * _CHUNK))
    (issue,) = one["summary"]["issues"]
    assert issue["code"] == "STREAM_WORKER_FAILED"
    assert f"after record {2 * _CHUNK - 1}" in issue["message"]
    assert one["summary"]["complete"] is False


def test_only_paths_are_shared_out(tmp_path: Path) -> None:
    spec = ValidatorOptions(xsd=(str(SCHEMA),))
    data = batch(MIXED)
    assert isinstance(iter_validate_parallel(data, spec, jobs=2, record="Declaration"),
                      RecordStream)
    path = tmp_path / "day.xml"
    path.write_bytes(data)
    assert isinstance(iter_validate_parallel(path, spec, jobs=1, record="Declaration"),
                      RecordStream)
    stream = iter_validate_parallel(path, spec, jobs=2, record="Declaration")
    assert isinstance(stream, ParallelRecordStream)
    assert [r.index for r in stream] == list(range(9))
    assert (stream.summary.records, stream.summary.invalid, stream.summary.ok) == (9, 2, False)
    with pytest.raises(ValueError, match="at least 2"):
        ParallelRecordStream(path, spec, 1)
