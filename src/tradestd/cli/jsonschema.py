"""``tradestd jsonschema``: the Draft 2020-12 JSON Schema derived from an XSD set."""

from __future__ import annotations

import json

import click

from ..atomicfile import write_atomic
from ..convert.validate import json_schema_for
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_schema,
    resolve_schema,
    schema_options,
)
from .output import unwritable


@click.command("jsonschema")
@schema_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to this file (default: standard output).")
@config_options
def jsonschema_command(schema_id: str | None, xsd: tuple[str, ...], output: str | None) -> int:
    """Print the JSON Schema of the JSON convention for a bundled type or XSD files."""
    schema_id, xsd = configured_schema(schema_id, xsd, command_config())
    schema_set, message_type = resolve_schema(schema_id, xsd)
    if message_type is not None:
        schema_set = message_type.schema_set()
    if schema_set is None:
        raise ConfigError("name the schema with --schema ID or --xsd FILE")
    text = json.dumps(json_schema_for(schema_set, message_type), indent=2,
                      ensure_ascii=False) + "\n"
    if output:
        try:
            write_atomic(output, text.encode("utf-8"))
        except OSError as exc:
            raise unwritable(output, exc) from None
    else:
        click.echo(text, nl=False)
    return 0
