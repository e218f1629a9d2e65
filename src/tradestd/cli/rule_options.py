"""Rule options shared by commands: ``--rules``, ``--schematron``, ``--disable``, ``--severity``,
``--codelist``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from ..codelistfiles import (
    CodeListFileError,
    UserCodeList,
    load_code_list,
    parse_codelist_spec,
)
from ..issues import Severity
from ..rules import Pack, RulePackError, RuleRunner, RuleSettings, bundled_packs, load_pack
from ..rules.settings import unknown_rule_ids, with_overrides
from .options import ConfigError

__all__ = ["load_codelists", "load_packs", "make_rule_layer", "parse_severities", "rule_options"]


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--codelist", "codelists", multiple=True, metavar="KIND=FILE",
                        help="Add the codes of FILE (JSON with code or value members, CSV "
                             "with a code or value column, or one code a line; FILE#FIELD "
                             "names the member or column) to a code list: country, "
                             "currency, unit, package, mode, location; KIND:replace=FILE "
                             "uses them instead of the bundled list. Repeatable.")(func)
    func = click.option("--severity", "severities", multiple=True, metavar="RULE=LEVEL",
                        help="Change a rule's severity (error, warning, info); repeatable.")(func)
    func = click.option("--disable", multiple=True, metavar="RULE",
                        help="Do not run this rule; repeatable.")(func)
    func = click.option("--schematron", multiple=True, type=click.Path(dir_okay=False),
                        help="Also run this ISO Schematron file as a rule pack; repeatable.")(func)
    func = click.option("--rules", "rule_specs", multiple=True, metavar="PACK|FILE.py",
                        help="Also run a bundled rule pack (wco, declaration, response, cargo, "
                             "precursor, eu-ucc, uk-cds) or a Python module of @rule functions; repeatable. "
                             "Bundled message types run their own packs anyway.")(func)
    return func


def parse_severities(values: Sequence[str]) -> dict[str, Severity]:
    """``["DEC-PKG-001=error"]`` -> ``{"DEC-PKG-001": Severity.ERROR}``; usage error if malformed."""
    result: dict[str, Severity] = {}
    for value in values:
        rule_id, sep, level = value.partition("=")
        if not sep or not rule_id.strip():
            raise ConfigError(f"--severity {value!r}: expected RULE=LEVEL")
        try:
            result[rule_id.strip()] = Severity.parse(level)
        except ValueError as exc:
            raise ConfigError(f"--severity {value!r}: {exc}") from None
    return result


def load_packs(specs: Sequence[str]) -> list[Pack]:
    try:
        return [load_pack(spec) for spec in specs]
    except RulePackError as exc:
        raise ConfigError(str(exc)) from None


def load_codelists(specs: Sequence[str]) -> list[UserCodeList]:
    """``--codelist`` values, read now: a bad spec or file is a usage error."""
    try:
        return [load_code_list(kind, path, replace)
                for kind, replace, path in map(parse_codelist_spec, specs)]
    except CodeListFileError as exc:
        raise ConfigError(str(exc)) from None


def make_rule_layer(pack_specs: Sequence[str], disable: Sequence[str],
                    severities: Sequence[str], base: RuleSettings | None = None,
                    codelists: Sequence[str] = ()) -> RuleRunner:
    """The rules layer of a validate run: bundled packs of bundled types plus the extras,
    with the configuration file's settings under the command line's. Usage errors (an
    unknown pack or rule id, a rule file that does not load, a bad code list file) raise
    :class:`ConfigError`."""
    settings = with_overrides(base or RuleSettings(), disable, parse_severities(severities),
                              load_codelists(codelists))
    packs = load_packs(pack_specs)
    unknown = unknown_rule_ids(settings, [r.id for p in (*bundled_packs(), *packs)
                                          for r in p.rules])
    if unknown:
        raise ConfigError(f"unknown rule id(s): {', '.join(unknown)} (see `tradestd rules`)")
    try:
        return RuleRunner(packs, settings=settings)
    except ValueError as exc:
        raise ConfigError(f"rule settings: {exc}") from None
