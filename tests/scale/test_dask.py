"""``tradestd.dask`` and ``--dask``: on a LocalCluster of 2 worker processes, the same
reports and exit codes as a local run; faults (a killed worker, a message that kills
its worker, an unreadable batch) lose nothing and report nothing twice."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, FIXTURES, ROOT

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from dask import config as dask_config
from stream.batches import SCHEMA, batch, record

from tradestd import dask as tdask
from tradestd.cli.main import main
from tradestd.dask.work import Job, Unit, run_units
from tradestd.screen import ScreenOptions

pytestmark = pytest.mark.allow_loopback_server

MIXED = [record(f"D{i}", amount="abc" if i in (3, 5) else "1.50") for i in range(9)]
BATCHES: dict[str, bytes] = {
    "mixed": batch(MIXED),
    "not well-formed in the middle": batch(
        [*MIXED[:4], record("D4").replace("</Item>", "</Itm>"), *MIXED[5:]]),
    "truncated": batch(MIXED)[:-60],
    "fewer records than workers": batch(MIXED[3:4]),
    "empty file": b"",
    "generated, 300 records": batch([record(f"G{i}", amount="x" if i % 37 == 0 else "2.00")
                                     for i in range(300)]),
}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out = capsys.readouterr().out
    return code, out


def _same(args: list[str], address: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``args`` locally and on the cluster; assert the same exit code and output."""
    local = _run(args, capsys)
    remote = _run([*args[:1], "--dask", address, *args[1:]], capsys)
    assert remote == local
    return local[1]


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "text"])
def test_fixtures_give_the_local_report(fmt: str, address: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = _same(["validate", "--format", fmt, "--rules", "wco", str(FIXTURES)], address, capsys)
    if fmt == "json":
        data = json.loads(out)
        assert data["summary"]["files"] > 100 and data["summary"]["invalid"] > 50


def test_an_xsd_set_travels_as_files(address: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _same(["validate", "--format", "json", "--xsd", str(ROOT / "schemas/declaration/1.0"),
                 str(FIXTURES / "declaration")], address, capsys)
    assert json.loads(out)["summary"]["files"] > 50


def _strip_seconds(text: str) -> dict[str, Any]:
    data = json.loads(text)
    for one in data["batches"]:
        one["summary"].pop("seconds")
    return data


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_batches_give_the_local_report(name: str, tmp_path: Path, address: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.xml"
    path.write_bytes(BATCHES[name])
    args = ["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format", "json",
            "-v", str(path)]
    local = _run(args, capsys)
    remote = _run([*args[:1], "--dask", address, *args[1:]], capsys)
    assert remote[0] == local[0]
    assert _strip_seconds(remote[1]) == _strip_seconds(local[1])
    assert _strip_seconds(local[1])["batches"][0]["results"] or \
        _strip_seconds(local[1])["batches"][0]["summary"]["issues"]


def test_an_unreadable_batch_is_reported_and_the_rest_goes_on(
        tmp_path: Path, address: str, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(BATCHES["mixed"])
    missing = tmp_path / "missing.xml"
    args = ["validate", "--xsd", str(SCHEMA), "--record", "Declaration", "--format", "json",
            str(missing), str(good)]
    local = _run(args, capsys)
    remote = _run([*args[:1], "--dask", address, *args[1:]], capsys)
    assert remote[0] == local[0] == 1
    data = _strip_seconds(remote[1])
    assert data == _strip_seconds(local[1])
    first, second = data["batches"]
    assert first["summary"]["complete"] is False and first["summary"]["issues"]
    assert second["summary"]["records"] == 9 and second["summary"]["invalid"] == 2


def test_text_batches_match_except_timing(tmp_path: Path, address: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.xml"
    path.write_bytes(BATCHES["mixed"])
    args = ["validate", "--xsd", str(SCHEMA), "--record", "Declaration", str(path)]
    local = _run(args, capsys)
    remote = _run([*args[:1], "--dask", address, *args[1:]], capsys)
    assert remote[0] == local[0] == 1
    assert remote[1].rsplit(";", 1)[0] == local[1].rsplit(";", 1)[0]
    assert "9 records checked: 7 valid, 2 invalid" in remote[1]


@pytest.mark.corpora
def test_uk_cds_declarations_give_the_local_report(address: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cds = CORPORA / "uk-cds"
    if not cds.is_dir():
        pytest.skip(f"corpus not present: {cds}")
    out = _same(["validate", "--format", "json", "--rules", "wco",
                 "--xsd", str(cds / "xsd/declaration/DocumentMetaData_2_DMS.xsd"),
                 "--xsd", str(cds / "xsd/declaration/WCO_DEC_2_DMS.xsd"),
                 str(cds / "messages")], address, capsys)
    assert json.loads(out)["summary"]["files"] >= 59


def test_library_summary_and_reports_match_a_local_run(cluster: Any) -> None:
    with distributed.Client(cluster):
        bag = tdask.validate([str(FIXTURES / "cargo")], rules=["wco"], partition_size=5)
        results = tdask.collect(bag)
        assert all(isinstance(r, dict) and "issues" in r for r in results)
        summary = tdask.summary(results)
        out = io.StringIO()
        ok = tdask.write_reports(results, out, fmt="json")
    local = io.StringIO()
    from tradestd.batch import ValidatorOptions, run_batch
    from tradestd.inputs import expand_inputs
    from tradestd.report import RunResult, get_reporter
    from tradestd.rules import RuleSettings
    reports = run_batch(expand_inputs([str(FIXTURES / "cargo")], (".xml", ".json")),
                        ValidatorOptions(rule_packs=("wco",), rule_settings=RuleSettings()))
    run = RunResult(reports, tool_version=tdask.__dict__["__version__"])
    get_reporter("json").render(run, local)
    assert out.getvalue() == local.getvalue()
    assert summary == run.summary().to_dict() and ok == run.ok


def test_convert_partitions_count_in_and_out(tmp_path: Path, cluster: Any) -> None:
    out = tmp_path / "parts"
    with distributed.Client(cluster):
        manifests = tdask.collect(tdask.convert([str(FIXTURES / "declaration")],
                                                output=str(out), schema="wco-declaration",
                                                partition_size=7))
    assert len(manifests) > 5
    converted = 0
    for manifest in manifests:
        part = Path(manifest["file"])
        lines = part.read_bytes().splitlines()
        assert manifest["in"] == manifest["out"] + len(manifest["failed"])
        assert len(lines) == manifest["out"]
        converted += manifest["out"]
        for line in lines:
            assert isinstance(json.loads(line), dict)
    assert converted > 10
    assert not list(out.glob(".*.part"))  # no temporary file left behind


def test_cli_convert_writes_what_a_local_run_writes(
        tmp_path: Path, address: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "cargo"
    local_dir, remote_dir = tmp_path / "local", tmp_path / "remote"
    local = main(["convert", "-o", str(local_dir), str(source)])
    local_err = capsys.readouterr()
    remote = main(["convert", "--dask", address, "-o", str(remote_dir), str(source)])
    remote_err = capsys.readouterr()
    assert remote == local
    assert remote_err.err.replace(str(remote_dir), "D") == local_err.err.replace(str(local_dir),
                                                                                  "D")
    local_files = sorted(p.relative_to(local_dir) for p in local_dir.rglob("*") if p.is_file())
    remote_files = sorted(p.relative_to(remote_dir) for p in remote_dir.rglob("*")
                          if p.is_file())
    assert local_files == remote_files and len(local_files) > 3
    for name in local_files:
        assert (local_dir / name).read_bytes() == (remote_dir / name).read_bytes()


def _slow_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "slow_rules.py"
    rules.write_text(
        "import time\n"
        "from tradestd.rules import rule\n\n\n"
        "@rule('TEST-SLOW-001', 'info', 'takes its time')\n"
        "def slow(msg):\n"
        "    time.sleep(0.05)\n"
        "    return ()\n", encoding="utf-8")
    return rules


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, address: str,
                                               cluster: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = _slow_rules(tmp_path)
    args = ["validate", "--format", "json", "--rules", str(rules), str(FIXTURES)]
    local = _run(args, capsys)
    with distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())

    def kill_one() -> None:
        time.sleep(1.0)  # the run is under way: ~190 messages at 50 ms each on 2 workers
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one)
    killer.start()
    remote = _run([*args[:1], "--dask", address, *args[1:]], capsys)
    killer.join()
    assert remote == local
    with distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        assert pids[0] not in client.run(os.getpid).values()  # it really died


@pytest.mark.parametrize("command", ["validate", "screen"])
def test_a_message_that_kills_every_worker_is_that_messages_issue(command: str,
                                                                  tmp_path: Path) -> None:
    killer = tmp_path / "killer.py"
    killer.write_text(
        "import os\n"
        "from tradestd.rules import rule\n\n\n"
        "@rule('TEST-DIE-001', 'error', 'kills its process on one message')\n"
        "def die(msg):\n"
        "    if any('POISON' in (e.text or '') for e in msg.ending('Name')):\n"
        "        os._exit(3)\n"
        "    return ()\n", encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    sample = (FIXTURES / "cargo" / "valid" / "air-prearrival-single-house-gb-us.xml").read_text(
        encoding="utf-8")
    assert "<Name>" in sample
    for name in ("a.xml", "poison.xml", "z.xml"):
        text = sample.replace("<Name>", "<Name>POISON ", 1) if name == "poison.xml" else sample
        (inputs / name).write_text(text, encoding="utf-8")
    # The scheduler reads allowed-failures when it starts: 0 retries keeps the test short.
    with dask_config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as local, \
            distributed.Client(local):
        if command == "validate":
            results = tdask.collect(tdask.validate([str(inputs)], rules=[str(killer)],
                                                   partition_size=3))
        else:  # screening, with validation (the killer rule), as ScreenResult values
            options = ScreenOptions(validate=True, rule_packs=(str(killer),))
            results = [r.to_dict() for r in tdask.screen_results(options, [str(inputs)],
                                                                 partition_size=3)]
    assert [Path(r["path"]).name for r in results] == ["a.xml", "poison.xml", "z.xml"]
    assert [i["code"] for i in results[1]["issues"]] == ["INTERNAL_ERROR"]
    assert "killed every worker" in results[1]["issues"][0]["message"]
    assert not any(i["severity"] == "error" for r in (results[0], results[2])
                   for i in r["issues"])


def test_a_crash_inside_the_pipeline_is_that_messages_issue(tmp_path: Path) -> None:
    job = Job(schema_id="wco-declaration")
    results = run_units(job, [Unit(str(tmp_path / "missing.xml")),
                              Unit(str(next((FIXTURES / "declaration" / "valid").glob("*.xml"))))])
    assert results[0]["valid"] is False and results[0]["issues"][0]["layer"] == "intake"
    assert results[1]["valid"] is True


def test_bad_dask_address_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dask", "local:two", str(FIXTURES / "cargo")]) == 2
    assert "local:N" in capsys.readouterr().err


def test_the_job_is_one_node_of_the_graph_not_a_copy_per_partition() -> None:
    """Schema files travel once per worker: each partition's task names the job's node."""
    import pickle

    xsd = sorted(str(p) for p in (ROOT / "schemas").rglob("*.xsd") if "cargo" in p.parts)
    bag = tdask.validate([str(FIXTURES / "cargo")], rules=["wco"], partition_size=2, xsd=xsd)
    graph = dict(bag.__dask_graph__())
    jobs = [key for key in graph if str(key).startswith("tradestd-job-")]
    assert len(jobs) == 1
    partitions = [key for key in graph if str(key).startswith("tradestd-validate-")]
    assert len(partitions) > 2
    job_size = len(pickle.dumps(graph[jobs[0]]))
    assert job_size > 10_000  # the schema files are in it
    assert all(len(pickle.dumps(graph[key])) < 2_000 for key in partitions)


@pytest.mark.parametrize("command", ["validate", "screen", "convert"])
def test_dask_partition_sets_the_messages_per_task(command: str, address: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``--dask-partition N`` reaches the library as ``partition_size``; the output is the
    local one whatever N."""
    import tradestd.dask as library

    seen: list[int] = []
    for name in ("plan_for", "screen_results", "convert_outcomes"):
        original = getattr(library, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            seen.append(kwargs["partition_size"])
            return _original(*args, **kwargs)

        monkeypatch.setattr(library, name, spy)
    source = FIXTURES / "declaration" / "valid"
    args = {"validate": ["validate", "--format", "json", str(source)],
            "screen": ["screen", "--format", "json", str(source)],
            "convert": ["convert", "-q", "-o", str(tmp_path / "out"), str(source)]}[command]
    local = _run(args, capsys)
    remote = _run([args[0], "--dask", address, "--dask-partition", "3", *args[1:]], capsys)
    assert remote[0] == local[0]
    if command != "convert":
        assert remote[1] == local[1]
    assert seen and set(seen) == {3}
    assert main([args[0], "--dask-partition", "0", str(source)]) == 2  # at least 1
