"""Hostile growth: inputs built to be expensive cost time and memory linear in their size.

The families are those of ``benchmarks/bench_hostile.py`` (which prints the figures at
1x, 10x and 100x). Here each family runs at two sizes ten times apart, and the ratio of
the times must stay far below the hundredfold of quadratic growth (< 30 where linear
gives about 10). No absolute time is asserted.
"""

from __future__ import annotations

import gc
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

import tradestd
from tradestd.cli.main import main
from tradestd.issues import EXCERPT_CHARS, MAX_MESSAGE_CHARS
from tradestd.report import REPORTERS

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_hostile

FAMILIES = {family.name: family for family in bench_hostile.FAMILIES}
#: The size at 1x of each family here: large enough to stand above timer noise.
SIZES = {
    "sibling-errors": 15_000,
    "spread-errors": 30,
    "deep-nesting": 30,
    "huge-text": 900_000,
    "many-attributes": 5_000,
    "many-namespaces": 20_000,
    "json-long-string": 500_000,
    "json-huge-number": 50_000,
    "json-array-items": 20_000,
}
#: Linear growth makes 10x the size cost about 10x the time; quadratic, 100x.
MAX_RATIO = 30


@pytest.fixture(scope="module")
def warm() -> None:
    """Compile the bundled schema sets and both XSD engines before anything is timed."""
    tradestd.validate(bench_hostile._WARM)


def _seconds(data: bytes | str, runs: int) -> tuple[float, tradestd.Report]:
    """CPU seconds of this process, the best of ``runs``: other processes sharing the
    machine neither count nor disturb the ratio much. The objects the suite left alive are
    frozen first: the collector's passes over them cost with the heap, not the input."""
    best, report = float("inf"), None
    gc.collect()
    gc.freeze()
    try:
        for _ in range(runs):
            start = time.process_time()
            report = tradestd.validate(data)
            best = min(best, time.process_time() - start)
    finally:
        gc.unfreeze()
    assert report is not None
    return best, report


def _message(family: str, n: int) -> bytes | str:
    data = FAMILIES[family].build(n)
    return data.decode() if FAMILIES[family].suffix == ".json" else data


def test_every_benchmark_family_is_tested() -> None:
    assert set(SIZES) == set(FAMILIES)


@pytest.mark.parametrize("family", sorted(SIZES))
def test_ten_times_the_input_costs_about_ten_times_the_time(family: str, warm: None) -> None:
    small, small_report = _seconds(_message(family, SIZES[family]), 3)
    large, large_report = _seconds(_message(family, SIZES[family] * 10), 2)
    assert not small_report.valid and not large_report.valid
    assert large / max(small, 1e-3) < MAX_RATIO, (family, small, large)
    assert all(len(i.message) <= MAX_MESSAGE_CHARS for i in large_report.issues)


def test_many_sibling_errors_are_not_cross_checked_beyond_the_budget(warm: None) -> None:
    report = tradestd.validate(FAMILIES["sibling-errors"].build(150_000))
    codes = [i.code for i in report.issues]
    assert codes.count("SCHEMA_UNEXPECTED_ELEMENT") == 1
    note = next(i for i in report.issues if i.code == "SCHEMA_NOT_CROSS_CHECKED")
    assert note.severity is tradestd.Severity.INFO
    assert "150,000" in note.message and "budget" in note.message


def test_few_sibling_errors_are_still_cross_checked(warm: None) -> None:
    report = tradestd.validate(FAMILIES["sibling-errors"].build(50))
    assert [i.code for i in report.errors] == ["SCHEMA_UNEXPECTED_ELEMENT"]
    assert "SCHEMA_NOT_CROSS_CHECKED" not in {i.code for i in report.issues}


def test_many_json_schema_issues_stop_at_the_cap(warm: None) -> None:
    from tradestd.convert.validate import MAX_SCHEMA_ISSUES

    report = tradestd.validate(FAMILIES["json-array-items"].build(MAX_SCHEMA_ISSUES * 3)
                               .decode())
    errors = report.errors
    assert len(errors) == MAX_SCHEMA_ISSUES
    assert all(e.line == 1 and e.column is not None for e in errors)
    assert [i.code for i in report.issues if i.severity is tradestd.Severity.INFO] \
        == ["JSON_SCHEMA_ISSUES_CUT"]


_CHILD = """
import json, re, sys
import tradestd

def peak_kb():  # VmHWM: this process's own peak (ru_maxrss starts from the parent's RSS)
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

tradestd.validate('{"Declaration": {}}')
base = peak_kb()
report = tradestd.validate(sys.argv[1])
print(json.dumps({"grown_kb": peak_kb() - base, "valid": report.valid}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is in Linux's /proc")
def test_a_long_json_string_costs_a_small_multiple_of_its_size(tmp_path: Path) -> None:
    import subprocess

    size = 20_000_000
    path = tmp_path / "long.json"
    path.write_bytes(FAMILIES["json-long-string"].build(size))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["valid"] is False
    # the text, its parsed value and a few transient copies; before: 120x the string
    assert result["grown_kb"] * 1024 < 10 * size, result


@pytest.mark.slow
def test_the_six_megabyte_message_of_a_million_and_a_half_siblings(warm: None) -> None:
    data = FAMILIES["sibling-errors"].build(1_500_000)
    assert len(data) > 6_000_000
    report = tradestd.validate(data)
    assert [i.code for i in report.errors] == ["SCHEMA_UNEXPECTED_ELEMENT"]
    assert any(i.code == "SCHEMA_NOT_CROSS_CHECKED" for i in report.issues)


# ------------------------------------------------------------------ excerpts in reports

LONG = 1_000_000
_RUN = re.compile("x{" + str(EXCERPT_CHARS + 1) + ",}")
#: The HTML report also shows the source line of an issue, cut to about 160 characters.
_REPORT_RUN = re.compile("x{200,}")


def _long_value_xml() -> str:
    """A date-time of a million characters: its pattern error quotes it (so does a rule)."""
    xml = (ROOT / "fixtures" / "declaration" / "valid" / "cancellation-nl.xml").read_text()
    return xml.replace("20261119153000+0100", "x" * LONG, 1)


def _long_value_messages(tmp_path: Path) -> list[Path]:
    xml_path = tmp_path / "long-value.xml"
    xml_path.write_text(_long_value_xml(), encoding="utf-8")
    json_path = tmp_path / "long-value.json"
    json_path.write_bytes(FAMILIES["json-long-string"].build(LONG))
    return [xml_path, json_path]


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_a_huge_value_is_quoted_as_a_short_excerpt_in_every_format(
        fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _long_value_messages(tmp_path)
    assert main(["validate", "--format", fmt, "--verbose", *map(str, paths)]) == 1
    out, err = capsys.readouterr()
    assert len(out) < 100_000, len(out)  # the value itself is a million characters
    assert not _REPORT_RUN.search(out + err)
    assert out.count(f"{LONG:,} characters") >= 2  # one excerpt from each message


def test_quoted_values_are_cut_where_messages_are_built(warm: None) -> None:
    reports: list[Any] = [
        tradestd.validate(_long_value_xml().encode()),
        tradestd.validate(FAMILIES["json-long-string"].build(LONG).decode()),
    ]
    for report in reports:
        quoting = [i for i in report.issues if "x" * EXCERPT_CHARS in i.message]
        assert quoting, report.issues
        for issue in quoting:
            # the length, or "over N" where the engine had cut the value itself
            assert not _RUN.search(issue.message) and " characters)" in issue.message
