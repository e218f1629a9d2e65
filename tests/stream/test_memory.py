"""Peak memory stays flat as a batch grows (measured in fresh subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .batches import NS, SCHEMA, record

CHILD = """
import sys
from tradestd import load_schema_set
schema_set = load_schema_set(sys.argv[1])
stream = schema_set.iter_validate(sys.argv[2], record="Declaration")
count = sum(1 for report in stream if report.valid)
assert count == stream.summary.records == int(sys.argv[3]), (count, stream.summary)
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]))
"""


def _write_feed(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Batch xmlns="{NS}">\n')
        for index in range(count):
            out.write(record(f"D{index}"))
        out.write("</Batch>\n")


def _peak_kib(feed: Path, count: int) -> int:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", CHILD, str(SCHEMA), str(feed), str(count)],
                          capture_output=True, text=True, env=env, check=True, timeout=120)
    return int(done.stdout.strip())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_peak_rss_does_not_grow_with_the_feed(tmp_path: Path) -> None:
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    _write_feed(small, 8_000)
    _write_feed(large, 32_000)  # four times as many records, about 5 MB
    growth = _peak_kib(large, 32_000) - _peak_kib(small, 8_000)
    # Keeping each record would cost well over 20 MB here; streaming costs nothing.
    assert growth < 4_096, f"peak RSS grew by {growth} KiB for 24,000 more records"
