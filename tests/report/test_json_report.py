"""The JSON report keeps its version-1 shape; --max-issues adds issues_omitted."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sample_runs import sample_run

from tradestd.report.json import JsonReporter


def test_shape_and_omitted_count(tmp_path: Path) -> None:
    out = io.StringIO()
    JsonReporter().render(sample_run(tmp_path, max_issues=2), out)
    data = json.loads(out.getvalue())
    assert data["version"] == 1
    assert set(data) == {"version", "tool", "fail_on", "summary", "notes", "results"}
    first = data["results"][0]
    assert first["valid"] is False
    assert len(first["issues"]) == 2 and first["issues_omitted"] == 1
    assert "issues_omitted" not in data["results"][1]
    assert data["summary"]["errors"] == 10  # counts every issue, shown or not
