"""``tradestd screen``: screen messages for explosive-precursor chemicals, draft notifications.

Exit codes as for validate: 0 nothing at or above ``--fail-on`` (and every input read),
1 a hit at or above it (or an unreadable input), 2 usage or configuration error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import replace
from typing import Any

import click

from .. import __version__
from ..batch import run_batch
from ..issues import Severity
from ..report import RunResult
from ..report.run import RunNote, RunNotes
from ..schemaset import SchemaError
from ..screen import ALERT, REVIEW, ScreeningValidator, ScreenLayer, ScreenResult, screen_report
from ..screen.drafts import write_drafts
from ..screen.options import ScreenOptions
from ..screen.watchlist import WatchlistError
from ..stream.parallel import iter_validate_parallel
from ..stream.results import NoRecordsError
from .dask import dask_option, dask_partition, dask_session
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_format,
    configured_jobs,
    configured_schema,
    input_files,
    limits_option,
    resolve_schema,
    schema_options,
)
from .output import report_stream, unwritable
from .rule_options import make_rule_layer, rule_options
from .stream import record_option
from .validate import _stdin, _write_report

FORMATS = ("text", "json", "sarif", "html")


@click.command("screen")
@schema_options
@limits_option
@click.option("--watchlist", "watchlists", multiple=True, type=click.Path(dir_okay=False),
              help="A watch list (JSON, TOML or CSV) whose entries add to or replace the "
                   "bundled list's; repeatable.")
@click.option("--no-bundled-list", is_flag=True,
              help="Screen with the --watchlist files only.")
@click.option("--suppress", multiple=True, type=click.Path(dir_okay=False),
              help="A suppress list (message, item, substance) of cleared hits; repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format (default: text, or `format` in the configuration file "
                   "when it is one of these).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file; a summary still goes to the terminal.")
@click.option("--notify-dir", type=click.Path(file_okay=False),
              help="Draft a precursor notification for each message with an alert here.")
@click.option("--validate", "with_validation", is_flag=True,
              help="Also validate (schema and rule packs, as tradestd validate), sharing "
                   "the parse and the index with screening; an invalid message fails the run.")
@rule_options
@click.option("--fail-on", type=click.Choice([ALERT, REVIEW]), default=ALERT, show_default=True,
              help="Lowest hit level that makes the run fail (exit code 1).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (0: one per CPU; default 1, or `jobs` in the "
                   "configuration file).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip inputs matching this glob.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Also print clear messages and notes.")
@record_option
@dask_option
@config_options
@click.argument("paths", nargs=-1, required=True)
def screen_command(schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None,
                   watchlists: tuple[str, ...], no_bundled_list: bool,
                   suppress: tuple[str, ...], fmt: str | None, output: str | None,
                   notify_dir: str | None, with_validation: bool, fail_on: str,
                   jobs: int | None, exclude: tuple[str, ...],
                   quiet: bool, verbose: bool, record: str | None, dask_address: str | None,
                   paths: tuple[str, ...], **rule_args: Any) -> int:
    """Screen declarations and cargo reports (any WCO DM schema) for precursor chemicals."""
    if quiet and verbose:
        raise ConfigError("-q and -v exclude each other")
    if no_bundled_list and not watchlists:
        raise ConfigError("--no-bundled-list needs at least one --watchlist")
    config = command_config()
    schema_id, xsd = configured_schema(schema_id, xsd, config)
    fmt = configured_format(fmt, config, FORMATS)
    exclude = exclude or config.exclude
    resolve_schema(schema_id, xsd)
    # the options of ``rule_options``, passed on as validate passes them
    packs = (*rule_args.pop("rule_specs"), *rule_args.pop("schematron"))
    disable, severities = rule_args.pop("disable"), rule_args.pop("severities")
    if (packs or disable or severities or any(rule_args.values())) and not with_validation:
        raise ConfigError("rule options (--rules, --schematron, --disable, --severity...) "
                          "need --validate")
    if with_validation:  # the configuration file's rules apply to validation only
        packs = tuple(dict.fromkeys((*config.rule_packs, *packs)))
    settings = make_rule_layer(packs, disable, severities,
                               config.rules if with_validation else None, **rule_args).settings
    spec = ScreenOptions(schema_id, xsd, max_bytes, watchlists, not no_bundled_list, suppress,
                         with_validation, packs, settings)
    try:
        validator = spec.build()
    except WatchlistError as exc:
        raise ConfigError(f"bad list: {exc}") from None
    jobs = configured_jobs(jobs, config)
    try:
        if dask_address:
            results = _on_dask(dask_address, spec, paths, record, exclude)
        elif record:
            results = list(_records(spec, validator, paths, record, jobs))
        else:
            files = input_files(paths, exclude=exclude)
            reports = run_batch(files, spec, jobs=jobs, stdin=_stdin(files))
            results = [ScreenResult.from_report(r) for r in reports]
    except SchemaError as exc:
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    taker = RunNotes()  # said once for the run, not on every message
    results = [replace(r, issues=taker.take(r.issues)) for r in results]
    notes = taker.notes()
    try:
        drafts = write_drafts(results, notify_dir) if notify_dir else []
    except OSError as exc:
        raise unwritable(str(notify_dir), exc) from None
    assert isinstance(validator.rules, ScreenLayer)
    data = screen_report(results, watchlist=validator.rules.watchlist, fail_on=fail_on,
                         tool_version=__version__, drafts=[d.to_dict() for d in drafts])
    data["notes"] = [note.to_dict() for note in notes]
    _render(results, data, fmt, output, -1 if quiet else (1 if verbose else 0), fail_on,
            notes)
    if drafts and fmt != "json":
        for draft in drafts:
            click.echo(draft.summary_line(), err=True)
    return 1 if data["summary"]["failed"] else 0


def _on_dask(address: str, spec: ScreenOptions, paths: tuple[str, ...], record: str | None,
             exclude: tuple[str, ...]) -> list[ScreenResult]:
    """The same screening on a Dask cluster: the same results, in the same order."""
    with dask_session(address) as tdask:
        try:
            results: list[ScreenResult] = tdask.screen_results(
                spec, paths, record=record, exclude=exclude, partition_size=dask_partition())
        except ValueError as exc:  # bad inputs (stdin), unreadable list files
            raise ConfigError(str(exc)) from None
        return results


def _records(spec: ScreenOptions, validator: ScreeningValidator, paths: tuple[str, ...],
             record: str, jobs: int) -> Iterator[ScreenResult]:
    for path in paths:
        stream = iter_validate_parallel(path, spec, jobs=jobs,
                                        record=None if record == "auto" else record,
                                        validator=validator)
        with suppress(NoRecordsError):  # why is in summary.issues, yielded below
            for report in stream:
                yield ScreenResult.from_report(report.report, report.index, report.line)
        if stream.summary.issues:
            yield ScreenResult(stream.summary.source, (), tuple(stream.summary.issues))


def _render(results: list[ScreenResult], data: dict[str, object], fmt: str,
            output: str | None, verbosity: int, fail_on: str, notes: list[RunNote]) -> None:
    if fmt != "json":
        run = RunResult([r.report() for r in results],
                        fail_on=Severity.ERROR if fail_on == ALERT else Severity.WARNING,
                        tool_version=__version__, notes=notes)
        _write_report(run, fmt, output, verbosity)
        return
    with report_stream(output) as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    if output:
        counts = data["summary"]
        assert isinstance(counts, dict)
        click.echo(f"{counts['messages']} messages screened: {counts['alert']} with alerts, "
                   f"{counts['review']} to review; json report written to {output}")
