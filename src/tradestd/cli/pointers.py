"""``tradestd pointers``: resolve the Pointer chains of responses and amendments."""

from __future__ import annotations

import json
from typing import Any

import click

from ..intake import XmlDocument, load_xml
from ..wco.ids import WcoIds
from ..wco.pointers import ChainResult, read_chains, resolve_chains
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_schema,
    input_files,
    resolve_schema,
    schema_options,
)


@click.command("pointers")
@schema_options
@click.option("--declaration", "declaration", type=click.Path(dir_okay=False),
              help="The document the chains point into: each resolved chain also names its "
                   "element there (line, column, XPath, value).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@config_options
@click.argument("messages", nargs=-1, required=True)
def pointers_command(schema_id: str | None, xsd: tuple[str, ...], declaration: str | None,
                     fmt: str, messages: tuple[str, ...]) -> int:
    """Resolve every Error/Pointer and Amendment/Pointer chain of MESSAGE... through the WCO
    IDs of the schema set of the document pointed at (--xsd or --schema; default: the
    bundled message type whose root class starts the chain).

    Exit 0 when every chain resolves (and, with --declaration, is found there), 1 otherwise,
    2 for a usage or configuration problem."""
    schema_id, xsd = configured_schema(schema_id, xsd, command_config())
    schema_set, message_type = resolve_schema(schema_id, xsd)
    if message_type is not None:
        schema_set = message_type.schema_set()
    ids: WcoIds | None = schema_set.wco_ids if schema_set is not None else None
    target: XmlDocument | None = None
    if declaration is not None:
        target = load_xml(declaration)
        if not target.ok:
            problems = "; ".join(i.message for i in target.issues)
            raise ConfigError(f"--declaration {declaration} cannot be read: {problems}")
    results: list[dict[str, Any]] = []
    ok = True
    for path in input_files(messages, (".xml",)):
        doc = load_xml(path)
        if not doc.ok or doc.root is None:
            ok = False
            results.append({"path": doc.name, "error": "; ".join(i.message for i in doc.issues),
                            "chains": []})
            continue
        found = resolve_chains(read_chains(doc.root), ids, target)
        ok = ok and all(_complete(r) for r in found)
        results.append({"path": doc.name, "chains": [r.to_dict(doc) for r in found]})
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "results": results}, indent=2, ensure_ascii=False))
    else:
        click.echo(_text(results))
    return 0 if ok else 1


def _complete(result: ChainResult) -> bool:
    return result.resolution.resolved and (result.located is None or result.located.found)


def _text(results: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for result in results:
        lines.append(result["path"])
        if "error" in result:
            lines.append(f"  cannot be read: {result['error']}")
            continue
        if not result["chains"]:
            lines.append("  no Pointer chains")
        for chain in result["chains"]:
            holder = chain["holder"]
            code = f" {holder['code']}" if holder["code"] else ""
            lines.append(f"  {holder['name']}{code} (line {holder['line']}): {chain['chain']}")
            if chain["resolved"]:
                lines.append(f"    -> {chain['schema_path']}  [{chain['wco_name'] or '-'}, "
                             f"{chain['format'] or '-'}]  {chain['xsd']}")
            else:
                lines.append(f"    unresolved: {chain['reason']}")
            lines += [f"    note: {note}" for note in chain["notes"]]
            located = chain.get("declaration")
            if located is not None and chain["resolved"]:
                where = f"line {located['line']}, column {located['column']}"
                if located["found"]:
                    value = "" if located["value"] is None else f" = {located['value']!r}"
                    lines.append(f"    in the declaration: {located['xpath']}{value} ({where})")
                else:
                    lines.append(f"    not in the declaration: {located['reason']} "
                                 f"(nearest: {located['xpath']}, {where})")
                lines += [f"    note: {note}" for note in located["notes"]]
    return "\n".join(lines)
