"""The versioned JSON report (see docs/report-json.md for the shape)."""

from __future__ import annotations

import json
from typing import TextIO

from .run import RunResult

__all__ = ["JsonReporter"]


class JsonReporter:
    name = "json"

    def render(self, run: RunResult, out: TextIO) -> None:
        json.dump(run.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
