"""``tradestd generate``: valid test messages (and one-defect mutants) from a schema set."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..convert.batch import write_atomic
from ..generate import GenerationError, MessageFactory, coverage
from ..generate.mutants import mutants
from ..rules.engine import RulePackError
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_schema,
    resolve_schema,
    schema_options,
)


@click.command("generate")
@schema_options
@click.option("--root", default=None, metavar="NAME",
              help="Global element to generate (name, prefix:name or {namespace}name). "
                   "Default: the set's outermost global elements (for an envelope + payload "
                   "set, the envelope, with a payload in its wildcard).")
@click.option("-n", "--count", type=click.IntRange(min=0), default=10, show_default=True,
              help="Number of messages.")
@click.option("--seed", default="0", show_default=True,
              help="Seed: the same seed gives the same files.")
@click.option("--to", "target", type=click.Choice(["xml", "json"]), default="xml",
              show_default=True, help="Write XML, or JSON in tradestd's convention.")
@click.option("--rules", "packs", multiple=True, metavar="PACK",
              help="Rule pack the messages must also pass (wco, declaration, ...); repeat "
                   "for several. Turns on realistic values.")
@click.option("--mutants", "with_mutants", is_flag=True,
              help="Also write one-defect mutants and mutants/manifest.json naming the "
                   "finding each must produce.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Directory to write into (created if missing).")
@config_options
def generate_command(schema_id: str | None, xsd: tuple[str, ...], root: str | None,
                     count: int, seed: str, target: str, packs: tuple[str, ...],
                     with_mutants: bool, output: str) -> int:
    """Generate valid messages (and mutants) from a bundled type or XSD files (default:
    `schema`/`xsd` of the configuration file)."""
    schema_set, message_type = resolve_schema(*configured_schema(schema_id, xsd,
                                                                 command_config()))
    if message_type is not None:
        schema_set = message_type.schema_set()
    if schema_set is None:
        raise ConfigError("name the schema with --schema ID or --xsd FILE (or `schema`/`xsd` "
                          "in the configuration file)")
    try:
        factory = MessageFactory(schema_set, root, rules=list(packs), message_type=message_type)
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        produced = []
        manifest: list[dict[str, object]] = []
        width = max(4, len(str(count)))
        for index, message in enumerate(factory.messages(count, seed), start=1):
            stem = f"message-{index:0{width}d}"
            if target == "json":
                text = schema_set.to_json(message.xml, indent=2) + "\n"
                write_atomic(folder / f"{stem}.json", text.encode("utf-8"))
            else:
                write_atomic(folder / f"{stem}.xml", message.xml)
            produced.append(message)
            if with_mutants:
                for mutant in mutants(factory.generator, message.drawn, message.xml, packs):
                    name = f"mutants/{stem}-{mutant.kind}.xml"
                    write_atomic(folder / name, mutant.xml)
                    manifest.append(mutant.manifest_entry(name))
    except (GenerationError, RulePackError) as exc:
        raise ConfigError(str(exc)) from None
    except OSError as exc:
        raise ConfigError(f"cannot write to {output}: {exc.strerror or exc}") from None
    if with_mutants:
        document = {"message_type": message_type.key if message_type else schema_set.name,
                    "rule_packs": list(packs), "invalid": manifest}
        write_atomic(folder / "mutants" / "manifest.json",
                     (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    share = coverage(factory.reachable(), produced)
    click.echo(f"wrote {len(produced)} message(s) to {output}"
               + (f" and {len(manifest)} mutant(s)" if with_mutants else "")
               + f"; element coverage {share:.1%}", err=True)
    return 0
