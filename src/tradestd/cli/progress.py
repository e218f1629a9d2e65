"""A progress bar for long batch streams: records, bytes and rates, on a terminal only."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.text import Text

__all__ = ["StreamProgress"]


class _RecordsColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        records = int(task.fields.get("records", 0))
        rate = records / task.elapsed if task.elapsed else 0.0
        return Text(f"{records:,} records  {rate:,.0f}/s")


class StreamProgress:
    """Shows progress on stderr when it is a terminal; otherwise does nothing."""

    def __init__(self, enabled: bool = True) -> None:
        self._progress: Progress | None = None
        if enabled and sys.stderr.isatty():
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                TransferSpeedColumn(), _RecordsColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True)
        self._task: TaskID | None = None
        self._started = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None and self._started:
            self._progress.stop()

    def begin(self, name: str, size: int | None) -> None:
        if self._progress is not None:
            if not self._started:  # at the first record: worker processes are forked by
                self._progress.start()  # then, before rich's refresh thread exists
                self._started = True
            if self._task is not None:
                self._progress.remove_task(self._task)
            self._task = self._progress.add_task(name, total=size, records=0)

    def update(self, records: int, bytes_read: int, size: int | None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=bytes_read, total=size, records=records)
