"""``tradestd rules``: list rule packs and their rules (ids, severities, titles, scopes)."""

from __future__ import annotations

import json

import click

from ..rules import Pack, bundled_packs
from .rule_options import load_packs


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--rules", "rule_specs", multiple=True, metavar="PACK|FILE",
              help="List only these packs: bundled ids, .py rule modules or .sch files.")
def rules_command(fmt: str, rule_specs: tuple[str, ...]) -> int:
    """List the rules of the bundled packs (or of the packs given with --rules)."""
    packs: list[Pack] = load_packs(rule_specs) if rule_specs else list(bundled_packs())
    if fmt == "json":
        click.echo(json.dumps([_pack_dict(p) for p in packs], indent=2))
        return 0
    for pack in packs:
        ref = pack.ref
        effective = f", effective {ref.effective_from}" if ref.effective_from else ""
        click.echo(f"{ref.id} {ref.version}{effective} ({len(pack.rules)} rules)")
        width = max((len(r.id) for r in pack.rules), default=0)
        for r in pack.rules:
            click.echo(f"  {r.id:<{width}}  {r.severity.value:<7}  {r.title}  "
                       f"[{r.scope.describe()}]")
    return 0


def _pack_dict(pack: Pack) -> dict[str, object]:
    return {**pack.ref.to_dict(), "rules": [r.to_dict() for r in pack.rules]}
