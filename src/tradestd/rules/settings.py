"""How a user tunes the rules: disable rules, change severities, extend code lists.

The ``[rules]`` table of ``tradestd.toml`` (or ``[tool.tradestd.rules]``) and the CLI
options ``--disable`` and ``--severity`` fill one :class:`RuleSettings`::

    [rules]
    disable = ["DEC-PKG-001"]
    severity = { "WCO-IMO-001" = "error" }
    extensions = { country = ["XU"], currency = ["XTS"] }
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..issues import Severity

__all__ = ["RuleSettings"]


@dataclass(frozen=True)
class RuleSettings:
    """Rule ids to skip, severity overrides by rule id, and code-list extensions."""

    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    extensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def merged(self, disable: Iterable[str] = (),
               severity: Mapping[str, Severity] | None = None) -> RuleSettings:
        """These settings with more disabled rules and severity overrides (CLI over file)."""
        return replace(self, disable=(*self.disable, *disable),
                       severity={**self.severity, **(severity or {})})

    def unknown_ids(self, known: Iterable[str]) -> list[str]:
        """Rule ids named here that no loaded pack defines (a likely typo)."""
        names = set(self.disable) | set(self.severity)
        return sorted(names - set(known))
