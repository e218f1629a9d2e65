"""How a user tunes the rules: disable rules, change severities, extend code lists.

The settings value is :class:`tradestd.config.RuleSettings`, filled from the ``[rules]``
table of ``tradestd.toml`` (or ``[tool.tradestd.rules]``)::

    [rules]
    disable = ["DEC-PKG-001"]
    severity = { "WCO-IMO-001" = "error" }
    extensions = { country = ["XU"], currency = ["XTS"] }
    codelists = { country = "national/countries.json" }

The command line (``--disable``, ``--severity``, ``--codelist``) adds to it with
:func:`with_overrides`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..codelistfiles import UserCodeList
from ..config import RuleSettings
from ..issues import Severity

__all__ = ["RuleSettings", "unknown_rule_ids", "with_overrides"]


def with_overrides(settings: RuleSettings, disable: Iterable[str] = (),
                   severity: Mapping[str, Severity] | None = None,
                   codelists: Iterable[UserCodeList] = ()) -> RuleSettings:
    """``settings`` with more disabled rules, severity overrides and code lists (command
    line over file: its code lists apply after the file's)."""
    return replace(settings, disable=(*settings.disable, *disable),
                   severity={**settings.severity, **(severity or {})},
                   codelists=(*settings.codelists, *codelists))


def unknown_rule_ids(settings: RuleSettings, known: Iterable[str]) -> list[str]:
    """Rule ids the settings name that no loaded pack defines (a likely typo)."""
    return sorted((set(settings.disable) | set(settings.severity)) - set(known))
