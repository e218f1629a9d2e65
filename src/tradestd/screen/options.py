"""The screening recipe: plain, picklable options a screening validator is built from.

Worker processes (``tradestd screen -j N``) and Dask workers (``tradestd.dask.screen``)
each build their own :class:`ScreeningValidator` from a :class:`ScreenOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..intake import Limits
from ..registry import bundled_registry
from ..rules import RuleRunner, RuleSettings, load_pack
from ..schemaset import load_schema_set
from .screener import ScreeningValidator, ScreenLayer, load_suppressions
from .watchlist import load_watchlist

__all__ = ["ScreenOptions"]


@dataclass(frozen=True)
class ScreenOptions:
    """Picklable recipe for the screening validator each worker builds.

    ``watchlist_names`` (optional, one per watch list) is how each list is named in
    hits and errors when ``watchlists`` are local copies of the user's files (a Dask
    worker unpacks them under a cache folder): the user's own paths, as a local run.
    """

    schema_id: str | None = None
    xsd: tuple[str, ...] = ()
    max_bytes: int | None = None
    watchlists: tuple[str, ...] = ()
    bundled: bool = True
    suppress: tuple[str, ...] = ()
    validate: bool = False
    rule_packs: tuple[str, ...] = ()
    rule_settings: RuleSettings = field(default_factory=RuleSettings)
    watchlist_names: tuple[str, ...] = ()

    def build(self) -> ScreeningValidator:
        rules = RuleRunner([load_pack(spec) for spec in self.rule_packs],
                           settings=self.rule_settings) if self.validate else None
        layer = ScreenLayer(load_watchlist(self.watchlists, bundled=self.bundled,
                                           names=self.watchlist_names),
                            load_suppressions(self.suppress), rules=rules)
        validator = ScreeningValidator(limits=Limits(max_bytes=self.max_bytes)
                                       if self.max_bytes else Limits(), rules=layer)
        validator.with_validation = self.validate
        if self.xsd:
            validator.schema_set = load_schema_set(list(self.xsd))
        elif self.schema_id:
            validator.message_type = bundled_registry().get(self.schema_id)
        return validator
