"""``--record``: the CLI side of streaming batches (validate)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any, TextIO

import click

from .. import __version__
from ..report.stream import StreamJsonWriter, StreamTextWriter, stream_summary_line
from ..stream import RecordStream
from ..validation import Validator
from .options import ConfigError
from .progress import StreamProgress

__all__ = ["record_option", "validate_batches"]


def record_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--record", metavar="NAME|auto",
        help="Stream each input as a batch of records: NAME is the record element "
             "({namespace}local or a local name), auto detects it for the bundled message "
             "types. Memory stays flat however large the file.")(func)


def _writer(fmt: str, out: TextIO, quiet: bool, verbose: bool
            ) -> StreamTextWriter | StreamJsonWriter:
    if fmt == "text":
        return StreamTextWriter(out, -1 if quiet else (1 if verbose else 0))
    if fmt == "json":
        return StreamJsonWriter(out, __version__, verbose)
    raise ConfigError(f"--record supports --format text or json, not {fmt}")


def validate_batches(validator: Validator, paths: Sequence[str], record: str | None, *,
                     fmt: str, output: str | None, quiet: bool, verbose: bool) -> int:
    """Validate each path as a batch; exit 0 when every record is valid and every batch whole."""
    ok = True
    summaries: list[str] = []
    with ExitStack() as stack:
        out: TextIO = sys.stdout
        if output:
            out = stack.enter_context(open(output, "w", encoding="utf-8"))
        writer = _writer(fmt, out, quiet, verbose)
        progress = stack.enter_context(StreamProgress(enabled=not quiet))
        for path in paths:
            stream = validator.iter_validate(path, record=None if record == "auto" else record)
            ok = _run_one(stream, writer, progress) and ok
            summaries.append(stream_summary_line(stream.summary))
        writer.close()
    if output:
        click.echo("\n".join(summaries))
    return 0 if ok else 1


def _run_one(stream: RecordStream, writer: StreamTextWriter | StreamJsonWriter,
             progress: StreamProgress) -> bool:
    summary = stream.summary
    started = False
    for record in stream:
        if not started:
            writer.begin(summary.source)
            progress.begin(summary.source, summary.size)
            started = True
        writer.record(summary.source, record)
        progress.update(summary.records, record.offset, summary.size)
    if not started:
        writer.begin(summary.source)
    writer.end(summary)
    return summary.ok
