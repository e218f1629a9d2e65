"""tradestd reconcile --dask: the shipments are read on the cluster, the report is the local one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA

pytest.importorskip("distributed", reason="the dask extra is not installed")
pytest.importorskip("duckdb", reason="the reconcile extra is not installed")

from reconcile.scenario import load as load_scenario

from tradestd.cli.main import main


def _both(args: list[str], address: str, tmp_path: Path) -> dict[str, object]:
    local, remote = tmp_path / "local.json", tmp_path / "remote.json"
    assert main([*args, "-o", str(local)]) == 1
    assert main([*args, "--dask", address, "--dask-partition", "3", "-o", str(remote)]) == 1
    data: dict[str, object] = json.loads(local.read_text(encoding="utf-8"))
    assert json.loads(remote.read_text(encoding="utf-8")) == data
    return data


def test_bundled_scenario_on_the_cluster(address: str, tmp_path: Path) -> None:
    scn = load_scenario()
    scn.build(tmp_path / "s", variant="bundled", shipments=20)
    (tmp_path / "s" / "exports" / "broken.xml").write_bytes(b"<oops>")
    data = _both(["reconcile", "--exports", str(tmp_path / "s" / "exports"), "--imports",
                  str(tmp_path / "s" / "imports"), "--as-of", scn.AS_OF.isoformat(),
                  "--format", "json", "--no-config"], address, tmp_path)
    summary = data["summary"]
    assert isinstance(summary, dict)
    assert summary["excluded"] == 1 and summary["overdue"] >= 1


@pytest.mark.corpora
def test_user_schema_sets_travel_as_files(address: str, tmp_path: Path) -> None:
    if not (CORPORA / "uk-cds").is_dir():
        pytest.skip("corpora absent")
    scn = load_scenario()
    built = scn.build(tmp_path / "s", variant="uk-cds", shipments=10, corpora=CORPORA)
    xsd = [a for x in built.export_xsd for a in ("--xsd", x)]
    data = _both(["reconcile", "--exports", str(tmp_path / "s" / "exports"), "--imports",
                  str(tmp_path / "s" / "imports"), *xsd, "--as-of", scn.AS_OF.isoformat(),
                  "--format", "json", "--no-config"], address, tmp_path)
    assert data["excluded"] == []
