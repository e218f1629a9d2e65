"""``tradestd translate --dask``: on a LocalCluster, the same report, outputs and exit code
as a local run (the source and target schema sets and the mapping travel as files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, FIXTURES

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from tradestd.batch import ValidatorOptions
from tradestd.cli.main import main
from tradestd.dask.work import TRANSLATED, Job, Unit, run_units
from tradestd.wco.translate import TranslateOptions, TranslationReport

pytestmark = pytest.mark.allow_loopback_server

UK = CORPORA / "uk-cds" / "xsd" / "declaration"
VALID = FIXTURES / "declaration" / "valid"


def test_a_translating_job_rebuilds_its_translator_from_shipped_files(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[map]\n"Declaration/FunctionCode" = ""\n', encoding="utf-8")
    options = TranslateOptions(ValidatorOptions("wco-declaration"), "wco-declaration",
                               map_file=str(mapping))
    job = Job.from_options(options)
    assert job.translating is not None and job.translating.mapping is not None
    (report,) = run_units(job, [Unit(str(VALID / "import-fr-air-single.xml"))], TRANSLATED)
    assert isinstance(report, TranslationReport) and report.translation is not None
    assert [n.reason for n in report.translation.not_carried] == ["dropped by the mapping file"]


@pytest.mark.skipif(not UK.is_dir(), reason="uk-cds corpus not found")
def test_translate_on_the_cluster_writes_what_a_local_run_writes(
        address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["translate", "--from-schema", "wco-declaration",
            "--to-xsd", str(UK / "DocumentMetaData_2_DMS.xsd"),
            "--to-xsd", str(UK / "WCO_DEC_2_DMS.xsd"), "--format", "json"]
    local = main([*args, "-o", str(tmp_path / "local"), str(VALID)])
    local_out = json.loads(capsys.readouterr().out)
    remote = main([*args, "--dask", address, "-o", str(tmp_path / "remote"), str(VALID)])
    remote_out = json.loads(capsys.readouterr().out)
    assert remote == local == 1  # some bundled values have no UK counterpart
    for a, b in zip(local_out["results"], remote_out["results"], strict=True):
        assert {**a, "output": None} == {**b, "output": None}
        assert Path(a["output"]).read_bytes() == Path(b["output"]).read_bytes()
