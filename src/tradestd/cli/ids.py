"""``tradestd ids``: the WCO IDs a schema set's annotations declare, or one ID / chain."""

from __future__ import annotations

import csv
import io
import json

import click

from ..schemaset import SchemaSet
from ..wco.ids import Resolution, WcoIds, WcoNode
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_schema,
    resolve_schema,
    schema_options,
)

_COLUMNS = ("wco_id", "kind", "path", "wco_name", "format", "xsd")


def _row(node: WcoNode) -> dict[str, str]:
    return {"wco_id": node.wco_id or ("(extension)" if node.extension else "-"),
            "kind": node.kind, "path": node.path, "wco_name": node.wco_name or "",
            "format": node.format or "", "xsd": node.where}


def _table(nodes: list[WcoNode]) -> str:
    rows = [_row(n) for n in nodes]
    shown = ("wco_id", "kind", "path", "format", "wco_name")
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in shown[:-1]}
    lines = ["  ".join(c.upper().ljust(widths.get(c, 0)) for c in shown).rstrip()]
    lines += ["  ".join(r[c].ljust(widths.get(c, 0)) for c in shown).rstrip() for r in rows]
    return "\n".join(lines)


def _csv(nodes: list[WcoNode]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*_COLUMNS, "extension", "description"],
                            lineterminator="\n")
    writer.writeheader()
    for node in nodes:
        writer.writerow({**_row(node), "wco_id": node.wco_id or "", "extension": node.extension,
                         "description": node.description or ""})
    return out.getvalue().rstrip("\n")


def _resolution_text(found: Resolution) -> str:
    if not found.resolved or found.target is None:
        return f"{found.chain}: does not resolve: {found.reason}"
    node = found.target
    lines = [f"{found.chain}", f"  path    {node.path}", f"  name    {node.name}"
             + (f" ({node.wco_name})" if node.wco_name else ""),
             f"  kind    {node.kind}", f"  format  {node.format or '-'}",
             f"  xsd     {node.where}"]
    lines += [f"  note    {note}" for note in found.notes]
    return "\n".join(lines)


@click.command("ids")
@schema_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@config_options
@click.argument("query", required=False, metavar="[ID-OR-CHAIN]")
def ids_command(schema_id: str | None, xsd: tuple[str, ...], fmt: str,
                query: str | None) -> int:
    """List the WCO IDs of a schema set (from its xs:documentation WCOID annotations), or
    look one up: an ID (``228``) or a chain (``42A/67A/68A/03A/226``, ``42A/67A/68A[1]#006``).

    Exit 1 when the ID or chain names nothing in the schema set."""
    schema_id, xsd = configured_schema(schema_id, xsd, command_config())
    if not schema_id and not xsd:
        raise ConfigError("give the schema set: --xsd FILE... or --schema ID (or schema or "
                          "xsd in tradestd.toml)")
    schema_set, message_type = resolve_schema(schema_id, xsd)
    chosen: SchemaSet = schema_set if schema_set is not None else \
        message_type.schema_set()  # type: ignore[union-attr]
    ids: WcoIds = chosen.wco_ids
    if query is None:
        nodes = list(ids)
        if ids.truncated:
            click.echo("tradestd: warning: the schema set is too large to walk completely; "
                       "the table is cut off", err=True)
        _emit(nodes, fmt)
        return 0
    try:
        found = ids.lookup(query)
    except ValueError as exc:
        raise ConfigError(f"{query!r} is neither a WCO ID nor a chain: {exc}") from None
    if isinstance(found, Resolution):
        if fmt == "json":
            click.echo(json.dumps({"version": 1, "query": query, "chain": found.chain,
                                   "resolved": found.resolved,
                                   "reason": found.reason, "failed_step": found.failed_step,
                                   "notes": list(found.notes),
                                   "node": found.target.to_dict()
                                   if found.resolved and found.target else None}, indent=2))
        elif fmt == "csv":
            _emit([found.target] if found.resolved and found.target else [], fmt)
        else:
            click.echo(_resolution_text(found))
        return 0 if found.resolved else 1
    if fmt == "table" and not found:
        click.echo(f"{query}: no element or class of this schema set has this WCO ID")
    else:
        _emit(found, fmt)
    return 0 if found else 1


def _emit(nodes: list[WcoNode], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "ids": [n.to_dict() for n in nodes]}, indent=2))
    elif fmt == "csv":
        click.echo(_csv(nodes))
    else:
        click.echo(_table(nodes))
