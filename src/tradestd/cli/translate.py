"""``tradestd translate``: carry messages from one schema set to another by WCO ID."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from .. import __version__
from ..batch import STDIN, STDIN_NAME, ValidatorOptions, run_batch
from ..convert.batch import Job, plan_jobs, write_atomic
from ..convert.values import ConversionError
from ..inputs import expand_inputs
from ..issues import Issue, Layer, Report, Severity
from ..registry import MessageType, bundled_registry
from ..report.translate import FORMATS, BatchWriter, Outcome, render, summary
from ..schemaset import SchemaError, SchemaSet
from ..stream import record_candidates
from ..stream.schemaconverter import SchemaConverter
from ..stream.translate import BatchTranslation
from ..wco.plan import (
    Entry,
    Mapping,
    MappingError,
    NoWcoIds,
    Plan,
    load_mapping,
    require_wco_ids,
)
from ..wco.translate import TranslateOptions, Translation, TranslationReport
from .dask import dask_option, dask_partition, dask_session
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_format,
    configured_jobs,
    configured_schema,
    limits_option,
    resolve_schema,
)
from .output import report_stream, unwritable
from .rule_options import make_rule_layer, rule_options
from .stream import container_option, record_option
from .validate import _stdin as stdin_of

PLAN_FORMATS = ("table", "json", "csv")


def _side(schema_id: str | None, xsd: tuple[str, ...], side: str
          ) -> tuple[SchemaSet | None, MessageType | None]:
    if schema_id and xsd:
        raise ConfigError(f"give either --{side}-schema or --{side}-xsd, not both")
    schema_set, message_type = resolve_schema(schema_id, xsd)
    if message_type is not None:
        schema_set = message_type.schema_set()
    return schema_set, message_type


@click.command("translate")
@click.option("--from-xsd", "from_xsd", multiple=True, type=click.Path(dir_okay=True),
              help="XSD file or directory of the source schema set; repeat to combine an "
                   "envelope and a payload schema. Default: `schema`/`xsd` of the "
                   "configuration file, else detected for bundled types.")
@click.option("--from-schema", "from_schema", metavar="ID",
              help="Bundled message type of the sources. Default: detected per message.")
@click.option("--to-xsd", "to_xsd", multiple=True, type=click.Path(dir_okay=True),
              help="XSD file or directory of the target schema set; repeatable.")
@click.option("--to-schema", "to_schema", metavar="ID", help="Bundled target message type.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False),
              help="TOML mapping file: [map] \"source path\" = \"target path\" pairs that add "
                   "to or override the WCO ID matching (docs/translate.md).")
@click.option("--plan", "show_plan", is_flag=True,
              help="Print the translation plan (source path, WCO ID chain, target path, "
                   "status) instead of translating.")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "table", "csv"]), default=None,
              help="Report format: text, json, sarif, html (default text, or `format` in "
                   "the configuration file); with --plan: table, json, csv (default table).")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Output file, or directory for several inputs (paths relative to each "
                   "directory given are kept). Without it, one input in the text format goes "
                   "to standard output; otherwise only the report is made.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file (default: standard output, or standard "
                   "error when the result goes to standard output).")
@click.option("--to", "to", type=click.Choice(["xml", "json"]), default="xml",
              show_default=True, help="Write the result as XML or as tradestd JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: print only the summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (0: one per CPU; default 1, or `jobs` in the "
                   "configuration file). Results are the same, in the same order.")
@record_option
@click.option("--rejects", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="With --record: keep going past records without a valid result; they "
                   "go, with their issues, to FILE (JSON Lines) and the rest to the output "
                   "(records in = records out + rejected). Without it a batch is all or "
                   "nothing.")
@container_option
@limits_option
@rule_options
@dask_option
@config_options
@click.argument("inputs", nargs=-1)
def translate_command(from_xsd: tuple[str, ...], from_schema: str | None,
                      to_xsd: tuple[str, ...], to_schema: str | None, map_file: str | None,
                      show_plan: bool, fmt: str | None, output: str | None,
                      report_file: str | None, to: str, quiet: bool, jobs: int | None,
                      record: str | None, rejects: str | None, container: str,
                      max_bytes: int | None,
                      rule_specs: tuple[str, ...], schematron: tuple[str, ...],
                      disable: tuple[str, ...], severities: tuple[str, ...],
                      codelists: tuple[str, ...], dask_address: str | None,
                      inputs: tuple[str, ...]) -> int:
    """Carry each message from its schema set to another, by WCO ID: every value goes to
    the element with the same WCO ID class chain and data element ID in the target (moved
    classes included), in the target's order and namespaces. Every value is either carried
    or listed as not carried, with the reason; elements the target requires and the source
    cannot fill are listed as needed. Results are checked against the target (and the rule
    packs of --rules) and written atomically only when valid.

    Exit 0 when every value was carried and every result is valid, 1 otherwise, 2 for a
    usage or configuration error."""
    if not to_schema and not to_xsd:
        raise ConfigError("give the target schema set: --to-xsd FILE... or --to-schema ID")
    # the configuration file names the user's own set: the source, unless given here
    config = command_config()
    from_schema, from_xsd = configured_schema(from_schema, from_xsd, config)
    target, _ = _side(to_schema, to_xsd, "to")
    source, _ = _side(from_schema, from_xsd, "from")
    assert target is not None
    mapping = _mapping(map_file)
    if show_plan:
        if source is None:
            raise ConfigError("--plan needs the source schema set: --from-xsd or --from-schema")
        return _print_plan(_plan(source, target, mapping), fmt or "table", report_file)
    fmt = configured_format(fmt, config, FORMATS)
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt} is for --plan; reports are text, json, sarif or html")
    if not inputs:
        raise ConfigError("give the messages to translate (files or directories)")
    if source is not None:
        _plan(source, target, mapping)  # usage errors (no WCO IDs, mapping) before any work
    else:
        try:
            require_wco_ids(target, "target")
        except NoWcoIds as exc:
            raise ConfigError(str(exc)) from None
    packs = (*rule_specs, *schematron)
    rules = make_rule_layer(packs, disable, severities, config.rules, codelists)
    spec = TranslateOptions(ValidatorOptions(to_schema, to_xsd, max_bytes, packs,
                                             rules.settings),
                            from_schema, from_xsd, map_file)
    if rejects and not record:
        raise ConfigError("--rejects needs --record: it keeps the bad records of a batch")
    if record:
        if dask_address or jobs not in (None, 1):
            raise ConfigError("--record translates a batch in this process; -j and --dask "
                              "share out message files")
        return _translate_batch(spec, source, target, inputs, record, output=output,
                                rejects=rejects, container=container, to=to, fmt=fmt,
                                report_file=report_file, quiet=quiet)
    planned = _jobs(inputs, output, to)
    files = [job.source for job in planned]
    try:
        if dask_address:
            reports = _on_dask(dask_address, spec, files)
        else:
            reports = run_batch(files, spec, stdin=stdin_of(files),
                                jobs=configured_jobs(jobs, config))
    except SchemaError as exc:  # a detected type's XSDs, or XSDs edited mid-run
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    outcomes = [_finish(job, _translation_of(report), target, to)
                for job, report in zip(planned, reports, strict=True)]
    stdout_result = len(planned) == 1 and planned[0].target is None and fmt == "text"
    _report(fmt, outcomes, report_file, quiet, to_stderr=stdout_result)
    return 0 if all(o.translation.complete for o in outcomes) else 1


def _translate_batch(spec: TranslateOptions, source: SchemaSet | None, target: SchemaSet,
                     inputs: tuple[str, ...], record: str, *, output: str | None,
                     rejects: str | None, container: str, to: str, fmt: str,
                     report_file: str | None, quiet: bool) -> int:
    """``--record``: one XML batch, record by record, into an XML batch of the results
    (or JSON Lines with ``--to json``); exit 0 when every record was translated whole
    and the batch was written."""
    if len(inputs) != 1:
        raise ConfigError("--record translates one batch at a time")
    if fmt not in ("text", "json"):
        raise ConfigError(f"--record reports in text or json, not {fmt}")
    batch, target_file = inputs[0], output or "-"
    if rejects is not None and (rejects == "-" or rejects in (batch, target_file)):
        raise ConfigError("--rejects needs a file of its own, apart from the input and -o")
    if target_file != "-" and Path(target_file).is_dir():
        raise ConfigError(f"-o {target_file} is a directory; --record writes one batch file")
    translator = spec.build()
    registry = bundled_registry()
    if source is not None:  # the source set's global elements (an envelope first)
        candidates = list(_plan(source, target, translator.mapping).source.globals)
    else:
        candidates = record_candidates(list(registry))
    converter = SchemaConverter(target, None, registry) if to == "json" else None
    try:
        run = BatchTranslation(batch, target_file, translator,
                               record=None if record == "auto" else record,
                               candidates=candidates, limits=translator.limits,
                               rejects=rejects, container=container, converter=converter)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    complete = True
    report_to = report_file if report_file else None
    try:
        with report_stream(report_to) if report_to or target_file != "-" else \
                _stderr() as out:
            writer = BatchWriter(fmt, out, __version__, quiet)
            for done in run:
                translation = _translation_of(done.report)
                complete = complete and translation.complete
                written = translation.valid and target_file != "-" and not done.failed()
                writer.record(run.summary.source, done.index, done.line, translation,
                              target_file if written else None)
            line = writer.end(run.summary)
            writer.close()
    except OSError as exc:  # the output or the rejects file cannot be made
        raise unwritable(str(exc.filename or target_file), exc) from None
    except SchemaError as exc:  # a detected type's XSDs
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    if report_to:
        click.echo(line, err=True)
    return 0 if run.summary.written and complete else 1


@contextmanager
def _stderr() -> Iterator[TextIO]:
    """The report beside a result on standard output."""
    yield sys.stderr


def _on_dask(address: str, spec: TranslateOptions, files: list[str]) -> list[Report]:
    """The same translations on a Dask cluster; the results come back and are written
    here, as in a local run."""
    if STDIN in files:
        raise ConfigError("standard input cannot be shared out to Dask workers; give files")
    with dask_session(address) as tdask:
        reports: list[Report] = tdask.translate_reports(spec, files,
                                                        partition_size=dask_partition())
        return reports


def _mapping(map_file: str | None) -> Mapping | None:
    if map_file is None:
        return None
    try:
        return load_mapping(map_file)
    except MappingError as exc:
        raise ConfigError(f"mapping file: {exc}") from None


def _plan(source: SchemaSet, target: SchemaSet, mapping: Mapping | None) -> Plan:
    try:
        return source.translation_plan(target, mapping)
    except NoWcoIds as exc:
        raise ConfigError(str(exc)) from None
    except MappingError as exc:
        raise ConfigError(f"mapping file: {exc}") from None


def _jobs(inputs: tuple[str, ...], output: str | None, to: str) -> list[Job]:
    if output is None:  # a report only (one input in the text format: the result on stdout)
        return [Job(path, None, to) for path in expand_inputs(inputs)]
    try:
        jobs = plan_jobs(list(inputs), output, "json")  # XML inputs, as convert --to json
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if to == "xml":
        jobs = [dataclasses.replace(j, target=j.target.with_suffix(".xml"), to="xml")
                if j.target is not None else dataclasses.replace(j, to="xml") for j in jobs]
    seen: dict[Path, str] = {}
    for job in jobs:
        if job.target is None:
            continue
        if job.target in seen:
            raise ConfigError(f"{seen[job.target]} and {job.source} would both be written to "
                              f"{job.target}; give their common directory instead")
        if Path(job.source).resolve() == job.target.resolve():
            raise ConfigError(f"{job.source} would be overwritten by its translation")
        seen[job.target] = job.source
    return jobs


def _translation_of(report: Report) -> Translation:
    """The translation a worker made (a crash leaves only its report)."""
    if isinstance(report, TranslationReport) and report.translation is not None:
        return report.translation
    return Translation(report.source, None, (), (), (), report, False)


def _finish(job: Job, done: Translation, target: SchemaSet, to: str) -> Outcome:
    """Write a valid result to its target (as JSON with ``--to json``)."""
    done = _named(done, job)
    if done.xml is None or not done.valid:
        return Outcome(done)
    data = done.xml
    if to == "json":
        try:
            data = (target.to_json(done.xml, indent=2) + "\n").encode("utf-8")
        except ConversionError as exc:
            return Outcome(_failed(done, f"the result cannot be written as JSON: {exc}"))
    if job.target is None:  # standard output, after the run
        return Outcome(done, None, data)
    try:
        write_atomic(job.target, data)
    except OSError as exc:
        return Outcome(_failed(done, f"cannot write {job.target}: {exc.strerror or exc}"))
    return Outcome(done, str(job.target), data)


def _named(done: Translation, job: Job) -> Translation:
    """Standard input is named ``<stdin>`` in reports, as in validate."""
    if job.source != STDIN:
        return done
    return dataclasses.replace(done, source=STDIN_NAME,
                               report=dataclasses.replace(done.report, source=STDIN_NAME))


def _failed(done: Translation, message: str) -> Translation:
    issue = Issue("OUTPUT_UNWRITABLE", Severity.ERROR, Layer.INTAKE, message)
    return dataclasses.replace(done, report=done.report.with_issues(done.report.issues
                                                                    + (issue,)))


def _report(fmt: str, outcomes: list[Outcome], report_file: str | None, quiet: bool,
            to_stderr: bool) -> None:
    if to_stderr:  # one result on standard output, the report beside it
        for outcome in outcomes:
            if outcome.result is not None and outcome.output is None:
                sys.stdout.buffer.write(outcome.result)
                sys.stdout.flush()
    text = io.StringIO()
    if quiet and fmt == "text":
        text.write(summary(outcomes) + "\n")
    else:
        render(fmt, outcomes, text, __version__)
    if report_file:
        try:
            write_atomic(Path(report_file), text.getvalue().encode("utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot write the report {report_file}: "
                              f"{exc.strerror or exc}") from None
        click.echo(summary(outcomes), err=True)
    else:
        click.echo(text.getvalue().rstrip("\n"), err=to_stderr)


def _print_plan(plan: Plan, fmt: str, report_file: str | None) -> int:
    if fmt not in PLAN_FORMATS:
        raise ConfigError(f"--plan prints table, json or csv, not {fmt}")
    rows = plan.rows(with_classes=False)
    if fmt == "json":
        text = json.dumps({"version": 1, "source": plan.source.schema_set.name,
                           "target": plan.target.schema_set.name,
                           "pairs": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=False)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["source", "wco_chain", "target", "status",
                                                    "detail"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row.to_dict(), "target": row.target or ""})
        text = buffer.getvalue().rstrip("\n")
    else:
        text = _table(rows)
    if report_file:
        write_atomic(Path(report_file), (text + "\n").encode("utf-8"))
    else:
        click.echo(text)
    return 0


def _table(rows: list[Entry]) -> str:
    cells = [(r.status, r.chain, r.source, r.target or "-", r.detail) for r in rows]
    heads = ("STATUS", "WCO CHAIN", "SOURCE", "TARGET", "DETAIL")
    widths = [max([len(heads[i])] + [len(c[i]) for c in cells]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, [*widths, 0], strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, [*widths, 0], strict=True)).rstrip()
              for cell in cells]
    return "\n".join(lines)
