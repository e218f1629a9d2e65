"""Entry point: ``tradestd [COMMAND] ...``. Exit codes: 0 ok, 1 invalid, 2 usage/config."""

from __future__ import annotations

import sys

import click

from .. import __version__
from .convert import convert_command
from .jsonschema import jsonschema_command
from .rules import rules_command
from .schemas import schemas_command
from .serve import serve_command
from .validate import validate_command

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tradestd")
def cli() -> None:
    """Validate customs and cargo messages (WCO Data Model) and convert XML <-> JSON."""


cli.add_command(validate_command)
cli.add_command(schemas_command)
cli.add_command(convert_command)
cli.add_command(jsonschema_command)
cli.add_command(rules_command)
cli.add_command(serve_command)


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
