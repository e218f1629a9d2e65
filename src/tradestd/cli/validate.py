"""``tradestd validate``: check messages, write a report, exit 0/1/2.

Options -> settings (command line over configuration file over defaults) -> batch
run -> reporter -> exit code: 0 all valid, 1 some invalid or unreadable, 2 usage or
configuration error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from .. import __version__
from ..batch import STDIN, ValidatorOptions, run_batch
from ..batch import Progress as ProgressCallback
from ..issues import Severity
from ..report import REPORTERS, Reporter, RunResult, get_reporter
from ..report.text import TextReporter, summary_line
from ..schemaset import SchemaError
from .dask import dask_option, dask_partition, dask_session
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_jobs,
    configured_schema,
    input_files,
    limits_option,
    resolve_schema,
    schema_options,
)
from .output import report_stream
from .rule_options import make_rule_layer, rule_options
from .stream import record_option, validate_batches, write_merged_batches

#: Show a progress bar (on a terminal) from this many inputs on.
PROGRESS_FROM = 20


@dataclass(frozen=True)
class Settings:
    """What the run uses, after merging command line, configuration file and defaults."""

    schema_id: str | None
    xsd: tuple[str, ...]
    format: str
    fail_on: Severity
    max_issues: int | None
    jobs: int
    exclude: tuple[str, ...]


@click.command("validate")
@schema_options
@limits_option
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default=None,
              help="Report format (default: text, or `format` in the configuration file).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file; a summary still goes to the terminal.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (0: one per CPU). Results are the same, in the same order.")
@click.option("--max-issues", type=click.IntRange(min=1), default=None,
              help="Show at most N issues per file, the most relevant ones.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default=None,
              help="Lowest severity that makes a file invalid (exit code 1). Default: error.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip inputs matching this glob (path or file name); repeatable.")
@config_options
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print information issues and valid files.")
@rule_options
@record_option
@dask_option
@click.argument("paths", nargs=-1, required=True)
def validate_command(schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None,
                     fmt: str | None, output: str | None, jobs: int | None,
                     max_issues: int | None, fail_on: str | None, exclude: tuple[str, ...],
                     quiet: bool, verbose: bool,
                     rule_specs: tuple[str, ...], schematron: tuple[str, ...],
                     disable: tuple[str, ...], severities: tuple[str, ...],
                     codelists: tuple[str, ...], record: str | None,
                     dask_address: str | None, paths: tuple[str, ...]) -> int:
    """Validate XML and JSON messages: files, directories (recursive), globs, or - for stdin."""
    if quiet and verbose:
        raise ConfigError("-q and -v exclude each other")
    config = command_config()
    schema_id, xsd = configured_schema(schema_id, xsd, config)
    settings = Settings(
        schema_id=schema_id,
        xsd=xsd,
        format=fmt or config.format or "text",
        fail_on=Severity.parse(fail_on) if fail_on else config.fail_on or Severity.ERROR,
        max_issues=max_issues or config.max_issues,
        jobs=configured_jobs(jobs, config),
        exclude=exclude or config.exclude,
    )
    resolve_schema(settings.schema_id, settings.xsd)  # usage errors before any work
    packs = _unique((*config.rule_packs, *rule_specs, *schematron))
    rules = make_rule_layer(packs, disable, severities, config.rules, codelists)
    spec = ValidatorOptions(settings.schema_id, settings.xsd, max_bytes, packs, rules.settings)
    if dask_address:
        return _on_dask(dask_address, spec, paths, record, settings, output,
                        -1 if quiet else (1 if verbose else 0))
    if record:
        return validate_batches(spec, paths, record, fmt=settings.format,
                                output=output, quiet=quiet, verbose=verbose,
                                fail_on=settings.fail_on, max_issues=settings.max_issues,
                                jobs=settings.jobs)
    files = input_files(paths, exclude=settings.exclude)
    try:
        with _progress_bar(len(files)) as progress:
            reports = run_batch(files, spec, jobs=settings.jobs, stdin=_stdin(files),
                                progress=progress)
    except SchemaError as exc:  # a detected type's XSDs, or XSDs edited mid-run
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    run = RunResult(reports, fail_on=settings.fail_on, tool_version=__version__,
                    max_issues=settings.max_issues)
    _write_report(run, settings.format, output, -1 if quiet else (1 if verbose else 0))
    return 0 if run.ok else 1


def _on_dask(address: str, spec: ValidatorOptions, paths: tuple[str, ...], record: str | None,
             settings: Settings, output: str | None, verbosity: int) -> int:
    """The same run on a Dask cluster: the same report, the same exit code."""
    with dask_session(address) as tdask:
        try:
            job = tdask.Job.from_options(spec)
            plan = tdask.plan_for(job, paths, record=record, exclude=settings.exclude,
                                  partition_size=dask_partition())
        except (ValueError, SchemaError) as exc:
            raise ConfigError(str(exc)) from None
        results = tdask.collect(plan.bag())
    if record:
        return write_merged_batches(tdask.merge_batches(results, fail_on=settings.fail_on),
                                    fmt=settings.format, output=output, verbosity=verbosity,
                                    max_issues=settings.max_issues)
    run = RunResult(tdask.reports_of(results), fail_on=settings.fail_on,
                    tool_version=__version__, max_issues=settings.max_issues)
    _write_report(run, settings.format, output, verbosity)
    return 0 if run.ok else 1


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """``items`` without repeats, in their first order."""
    return tuple(dict.fromkeys(items))


def _stdin(files: list[str]) -> BinaryIO | None:
    """Standard input when ``-`` is among the inputs and there is one (CI may have none)."""
    if STDIN not in files or sys.stdin is None:
        return None
    return sys.stdin.buffer


def _reporter(fmt: str, verbosity: int, out: TextIO) -> Reporter:
    if fmt == "text":
        return TextReporter(verbosity, color=_wants_color(out))
    return get_reporter(fmt)


def _wants_color(out: TextIO) -> bool:
    return (out.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


def _write_report(run: RunResult, fmt: str, output: str | None, verbosity: int) -> None:
    if output is None:
        _reporter(fmt, verbosity, sys.stdout).render(run, sys.stdout)
        return
    with report_stream(output) as fh:
        _reporter(fmt, verbosity, fh).render(run, fh)
    click.echo(f"{summary_line(run)}; {fmt} report written to {output}")


@contextmanager
def _progress_bar(total: int) -> Iterator[ProgressCallback | None]:
    """A transient rich progress bar on stderr, only on a terminal and for long runs."""
    console = Console(stderr=True)
    if total < PROGRESS_FROM or not console.is_terminal:
        yield None
        return
    with Progress("validating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("validate", total=total)

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        yield advance
