"""``--record``: the CLI side of streaming batches (validate and convert)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, suppress
from typing import Any, Protocol, TextIO

import click

from .. import __version__
from ..batch import ValidatorSpec
from ..intake import Limits
from ..issues import Severity
from ..registry import MessageType, bundled_registry
from ..report.run import RunNotes
from ..report.stream import StreamJsonWriter, StreamTextWriter
from ..report.text import format_issue
from ..schemaset import SchemaSet
from ..stream import NoRecordsError, RecordReport, StreamSummary
from ..stream.convert import DEFAULT_CONTAINER, JsonLinesToXml, XmlToJsonLines
from ..stream.parallel import iter_validate_parallel
from ..stream.schemaconverter import SchemaConverter
from ..stream.validate import JSON_LINES_SUFFIXES
from ..validation import Validator
from .options import ConfigError
from .output import report_stream, unwritable
from .progress import StreamProgress

__all__ = ["Batch", "container_option", "convert_batch", "record_option", "validate_batches",
           "write_merged_batches"]


class Batch(Protocol):
    """A batch's record reports, filling in :attr:`summary` as it is iterated."""

    summary: StreamSummary

    def __iter__(self) -> Iterator[RecordReport]: ...


def record_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--record", metavar="NAME|auto",
        help="Stream each input as a batch of records: NAME is the record element "
             "({namespace}local or a local name), auto detects it (the bundled message "
             "types, or the --xsd set's own global elements: docs/streaming.md). Memory "
             "stays flat however large the file.")(func)


def _writer(fmt: str, out: TextIO, quiet: bool, verbose: bool, max_issues: int | None
            ) -> StreamTextWriter | StreamJsonWriter:
    if fmt == "text":
        return StreamTextWriter(out, -1 if quiet else (1 if verbose else 0), max_issues)
    if fmt == "json":
        return StreamJsonWriter(out, __version__, verbose, max_issues)
    raise ConfigError(f"--record supports --format text or json, not {fmt}")


def container_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--container", default=DEFAULT_CONTAINER, show_default=True, metavar="NAME",
        help="With --record, the element written around the records of an XML batch made "
             "from JSON Lines ({namespace}local or a name).")(func)


def validate_batches(spec: ValidatorSpec, paths: Sequence[str], record: str | None, *,
                     fmt: str, output: str | None, quiet: bool, verbose: bool,
                     fail_on: Severity = Severity.ERROR, max_issues: int | None = None,
                     jobs: int = 1) -> int:
    """Validate each path as a batch; exit 0 when every record passes and every batch is whole.

    ``jobs`` > 1 shares the records of each batch file out to worker processes (stdin
    streams in this process); ``fail_on`` decides which records count as invalid;
    ``max_issues`` caps the issues written per batch.
    """
    validator = spec.build()
    streams = (iter_validate_parallel(path, spec, jobs=jobs, fail_on=fail_on,
                                      record=None if record == "auto" else record,
                                      validator=validator) for path in paths)
    return _write_batches(streams, fmt=fmt, output=output, quiet=quiet, verbose=verbose,
                          max_issues=max_issues)


def write_merged_batches(batches: Iterable[Batch], *, fmt: str, output: str | None,
                         verbosity: int, max_issues: int | None = None) -> int:
    """Write batches checked elsewhere (a Dask cluster) exactly as a local run does."""
    return _write_batches(batches, fmt=fmt, output=output, quiet=verbosity < 0,
                          verbose=verbosity > 0, max_issues=max_issues, progress=False)


def _write_batches(batches: Iterable[Batch], *, fmt: str, output: str | None, quiet: bool,
                   verbose: bool, max_issues: int | None, progress: bool = True) -> int:
    ok = True
    summaries: list[str] = []
    with ExitStack() as stack:
        out = stack.enter_context(report_stream(output))
        writer = _writer(fmt, out, quiet, verbose, max_issues)
        bar = stack.enter_context(StreamProgress(enabled=progress and not quiet))
        for stream in batches:
            ok = _run_one(stream, writer, bar, summaries) and ok
        writer.close()
    if output:
        click.echo("\n".join(summaries))
    return 0 if ok else 1


def _run_one(stream: Batch, writer: StreamTextWriter | StreamJsonWriter,
             progress: StreamProgress, summaries: list[str]) -> bool:
    summary = stream.summary
    started = False
    try:
        for record in stream:
            if not started:
                writer.begin(summary.source)
                progress.begin(summary.source, summary.size)
                started = True
            writer.record(summary.source, record)
            progress.update(summary.records, record.offset, summary.size)
    except NoRecordsError:
        pass  # why is in summary.issues, written below; the run fails on it
    if not started:
        writer.begin(summary.source)
    summaries.append(writer.end(summary))
    return summary.ok


def convert_batch(schema_set: SchemaSet | None, message_type: MessageType | None,
                  limits: Limits, inputs: Sequence[str], *, output: str | None,
                  to: str | None, record: str, container: str, quiet: bool,
                  verbose: bool = False, rejects: str | None = None) -> int:
    """Convert one batch record by record: XML -> JSON Lines or JSON Lines -> XML; with
    ``rejects``, the bad records go there and the rest is written."""
    if len(inputs) != 1:
        raise ConfigError("--record converts one batch at a time")
    source, target = inputs[0], output or "-"
    if rejects is not None and (rejects == "-" or rejects in (source, target)):
        raise ConfigError("--rejects needs a file of its own, apart from the input and -o")
    registry = bundled_registry()
    validator = Validator(schema_set=schema_set, message_type=message_type, limits=limits)
    converter = SchemaConverter(schema_set, message_type, registry)
    to_xml = to == "xml" or (to is None and source.lower().endswith(JSON_LINES_SUFFIXES))
    try:
        conversion: XmlToJsonLines | JsonLinesToXml
        if to_xml:
            conversion = JsonLinesToXml(source, target, converter, validator.validate_document,
                                        container=container, limits=limits, rejects=rejects)
        else:
            conversion = XmlToJsonLines(source, target, converter, validator.validate_document,
                                        record=None if record == "auto" else record,
                                        candidates=validator.record_tags(), limits=limits,
                                        rejects=rejects)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    summary = conversion.summary
    notes = RunNotes()
    try:
        with StreamProgress(enabled=not quiet) as progress, suppress(NoRecordsError):
            for report in conversion:
                if report.index == 0:
                    progress.begin(summary.source, summary.size)
                for issue in sorted(notes.take(report.issues), key=lambda i: i.sort_key):
                    click.echo(format_issue(summary.source, issue), err=True)
                progress.update(report.index + 1, report.offset, summary.size)
    except OSError as exc:  # the output or the rejects file cannot be made
        failed_at = os.path.abspath(str(exc.filename or target))
        which = next((f for f in (target, rejects) if f and os.path.abspath(f)
                      .startswith(failed_at)), target)
        raise unwritable(which, exc) from None
    for issue in summary.issues:
        click.echo(format_issue(summary.source, issue), err=True)
    if verbose:
        for note in notes.notes():
            click.echo(note.text(), err=True)
    if target == "-":
        outcome = "all written to standard output" if summary.written else \
            "the output on standard output is INCOMPLETE"
    else:
        outcome = f"written to {target}" if summary.written else "nothing written"
    if rejects is not None:
        outcome += f", the rejected records to {rejects}" if summary.written else ""
        failed = f"{summary.rejected:,} rejected" if summary.written else \
            f"{summary.failed:,} failed"
    else:
        failed = f"{summary.failed:,} failed"
    click.echo(f"{summary.source}: {summary.records_in:,} records read, "
               f"{summary.records_out:,} converted, {failed}; {outcome}", err=True)
    return 0 if summary.written and not summary.failed else 1
