"""``tradestd convert``: XML <-> JSON under the schema-driven convention."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from ..batch import ValidatorOptions
from ..convert.batch import Converter, Job, Outcome, plan_jobs, write_outcome
from ..registry import bundled_registry
from ..report.run import RunNotes
from ..report.text import format_issue
from .dask import dask_option, dask_partition, dask_session
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_schema,
    limits_option,
    make_limits,
    resolve_schema,
    schema_options,
)
from .stream import container_option, convert_batch, record_option


@click.command("convert")
@schema_options
@limits_option
@click.option("--to", "to", type=click.Choice(["json", "xml"]), default=None,
              help="Target format. Default: from each input's extension (.json -> XML, "
                   "anything else -> JSON).")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Output file, or directory for several inputs (relative names are kept "
                   "with the new extension). Default: standard output for one input.")
@click.option("--indent", type=click.IntRange(min=0, max=8), default=None,
              help="Pretty-print with this indentation.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the summary.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print the run's notes (e.g. that xsi:schemaLocation hints are "
                   "ignored), once.")
@record_option
@container_option
@click.option("--rejects", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="With --record: keep going past bad records; they go, with their "
                   "issues, to FILE (JSON Lines) and the rest to the output (records in = "
                   "records out + rejected). Without it a batch is all or nothing.")
@config_options
@dask_option
@click.argument("inputs", nargs=-1, required=True)
def convert_command(schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None,
                    to: str | None, output: str | None, indent: int | None, quiet: bool,
                    verbose: bool, record: str | None, container: str, rejects: str | None,
                    dask_address: str | None, inputs: tuple[str, ...]) -> int:
    """Convert messages between XML and JSON, losslessly (docs/json-convention.md).

    Each input is validated first (XSD for XML; JSON Schema, then XSD, for JSON); an
    invalid input is reported and skipped. Outputs are written atomically. Exit code:
    0 all converted, 1 some not, 2 usage or configuration error.
    """
    if quiet and verbose:
        raise ConfigError("-q and -v exclude each other")
    if rejects and not record:
        raise ConfigError("--rejects needs --record: it keeps the bad records of a batch")
    schema_id, xsd = configured_schema(schema_id, xsd, command_config())
    schema_set, message_type = resolve_schema(schema_id, xsd)
    if record and dask_address:
        raise ConfigError("--dask converts message files; to convert batch files on a cluster "
                          "use tradestd.dask.convert (JSON Lines partitions, docs/scale.md)")
    if record:
        return convert_batch(schema_set, message_type, make_limits(max_bytes), inputs,
                             output=output, to=to, record=record, container=container,
                             quiet=quiet, verbose=verbose, rejects=rejects)
    try:
        jobs = plan_jobs(list(inputs), output, to)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    outcomes: Iterable[Outcome]
    if dask_address:
        outcomes = _on_dask(dask_address, schema_id, xsd, max_bytes, indent, jobs)
    else:
        converter = Converter(bundled_registry(), schema_set, message_type,
                              make_limits(max_bytes), indent)
        outcomes = (converter.convert(job) for job in jobs)
    converted = 0
    notes = RunNotes()
    for job, done in zip(jobs, outcomes, strict=True):
        outcome = write_outcome(done)
        for issue in sorted(notes.take(outcome.report.issues), key=lambda i: i.sort_key):
            click.echo(format_issue(outcome.report.source, issue), err=True)
        if not outcome.converted:
            click.echo(f"{job.source}: not converted", err=True)
            continue
        converted += 1
        if job.target is None:
            assert outcome.output is not None
            sys.stdout.buffer.write(outcome.output)
            sys.stdout.flush()
        elif not quiet:
            click.echo(f"{job.source} -> {job.target}")
    if verbose:
        for note in notes.notes():
            click.echo(note.text(), err=True)
    if output or quiet:
        click.echo(f"{converted} of {len(jobs)} converted", err=output is None)
    return 0 if converted == len(jobs) else 1


def _on_dask(address: str, schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None,
             indent: int | None, jobs: list[Job]) -> list[Outcome]:
    """Convert on a Dask cluster; the outputs come back and are written here, as locally."""
    if any(job.source == "-" for job in jobs):
        raise ConfigError("standard input cannot be shared out to Dask workers; give files")
    with dask_session(address) as tdask:
        job = tdask.Job.from_options(ValidatorOptions(schema_id, xsd, max_bytes))
        done: list[Outcome] = tdask.convert_outcomes(job, jobs, indent,
                                                      partition_size=dask_partition())
        return done
