"""Entry point: ``tradestd [COMMAND] ...``. Exit codes: 0 ok, 1 invalid, 2 usage/config."""

from __future__ import annotations

import sys

import click

from ..about import versions
from .convert import convert_command
from .generate import generate_command
from .ids import ids_command
from .jsonschema import jsonschema_command
from .pointers import pointers_command
from .reconcile import reconcile_command
from .rules import rules_command
from .schemas import schemas_command
from .screen import screen_command
from .serve import serve_command
from .translate import translate_command
from .validate import validate_command

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _print_versions(context: click.Context, _: click.Parameter, value: bool) -> None:
    if value and not context.resilient_parsing:
        found = versions()
        width = max(map(len, found))
        for name, number in found.items():
            click.echo(f"{name:<{width}}  {number}")
        context.exit(EXIT_OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_versions,
              help="Show the versions of tradestd and of the libraries it runs on, and exit.")
def cli() -> None:
    """Validate customs and cargo messages (WCO Data Model) and convert XML <-> JSON."""


cli.add_command(validate_command)
cli.add_command(schemas_command)
cli.add_command(convert_command)
cli.add_command(jsonschema_command)
cli.add_command(rules_command)
cli.add_command(ids_command)
cli.add_command(pointers_command)
cli.add_command(screen_command)
cli.add_command(serve_command)
cli.add_command(translate_command)
cli.add_command(generate_command)
cli.add_command(reconcile_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (never the error count)."""
    try:
        rv = cli.main(args=argv, prog_name="tradestd", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    return int(rv or 0)


if __name__ == "__main__":
    sys.exit(main())
