"""``tradestd convert``: XML <-> JSON under the schema-driven convention."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from ..batch import ValidatorOptions
from ..convert.batch import Converter, Job, Outcome, plan_jobs, write_outcome
from ..registry import bundled_registry
from ..report.text import format_issue
from .dask import dask_option, dask_partition, dask_session
from .options import ConfigError, limits_option, make_limits, resolve_schema, schema_options
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
@record_option
@container_option
@dask_option
@click.argument("inputs", nargs=-1, required=True)
def convert_command(schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None,
                    to: str | None, output: str | None, indent: int | None, quiet: bool,
                    record: str | None, container: str, dask_address: str | None,
                    inputs: tuple[str, ...]) -> int:
    """Convert messages between XML and JSON, losslessly (docs/json-convention.md).

    Each input is validated first (XSD for XML; JSON Schema, then XSD, for JSON); an
    invalid input is reported and skipped. Outputs are written atomically. Exit code:
    0 all converted, 1 some not, 2 usage or configuration error.
    """
    schema_set, message_type = resolve_schema(schema_id, xsd)
    if record and dask_address:
        raise ConfigError("--dask converts message files; to convert batch files on a cluster "
                          "use tradestd.dask.convert (JSON Lines partitions, docs/scale.md)")
    if record:
        return convert_batch(schema_set, message_type, make_limits(max_bytes), inputs,
                             output=output, to=to, record=record, container=container,
                             quiet=quiet)
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
    for job, done in zip(jobs, outcomes, strict=True):
        outcome = write_outcome(done)
        for issue in sorted(outcome.report.issues, key=lambda i: i.sort_key):
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
