"""``tradestd validate``: check messages, print a report, exit 0/1/2."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..inputs import expand_inputs
from ..issues import Severity
from ..report import RunResult, get_reporter
from ..report.text import TextReporter, summary_line
from ..validation import Validator
from .options import ConfigError, limits_option, make_limits, resolve_schema, schema_options
from .rule_options import make_rule_layer, rule_options


@click.command("validate")
@schema_options
@limits_option
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file; a summary still goes to the terminal.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Also print information issues and valid files.")
@rule_options
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error",
              show_default=True, help="Lowest severity that makes a file invalid (exit code 1).")
@click.argument("paths", nargs=-1, required=True)
def validate_command(schema_id: str | None, xsd: tuple[str, ...], max_bytes: int | None, fmt: str,
                     output: str | None, quiet: bool, verbose: bool, rule_specs: tuple[str, ...],
                     schematron: tuple[str, ...], disable: tuple[str, ...],
                     severities: tuple[str, ...], fail_on: str, paths: tuple[str, ...]) -> int:
    """Validate XML messages: files, directories (recursive), globs, or - for stdin."""
    if quiet and verbose:
        raise ConfigError("-q and -v exclude each other")
    schema_set, message_type = resolve_schema(schema_id, xsd)
    rules = make_rule_layer(rule_specs, schematron, disable, severities)
    validator = Validator(schema_set=schema_set, message_type=message_type,
                          limits=make_limits(max_bytes), rules=rules)
    files = expand_inputs(paths)
    run = RunResult(tool_version=__version__, fail_on=Severity.parse(fail_on))
    for item in files:
        run.reports.append(validator.validate(item))
    reporter = TextReporter(-1 if quiet else (1 if verbose else 0)) if fmt == "text" \
        else get_reporter(fmt)
    if output:
        target = Path(output)
        with target.open("w", encoding="utf-8") as fh:
            reporter.render(run, fh)
        click.echo(summary_line(run), err=False)
    else:
        reporter.render(run, sys.stdout)
    return 0 if run.ok else 1
