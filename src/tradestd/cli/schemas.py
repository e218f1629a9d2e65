"""``tradestd schemas``: list the bundled message types."""

from __future__ import annotations

import json

import click

from ..registry import bundled_registry


@click.command("schemas")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def schemas_command(fmt: str) -> int:
    """List bundled message types with their ids, versions and root elements."""
    types = list(bundled_registry())
    if fmt == "json":
        click.echo(json.dumps([
            {"id": t.id, "version": t.version, "key": t.key, "title": t.title, "root": t.root,
             "envelope": t.envelope, "xsd": [str(p) for p in t.xsd],
             "rule_packs": list(t.rule_packs)} for t in types], indent=2))
        return 0
    if not types:
        click.echo("no bundled message types found")
        return 0
    width = max(len(t.key) for t in types)
    for t in types:
        click.echo(f"{t.key:<{width}}  {t.title}  [{t.root}]")
    return 0
