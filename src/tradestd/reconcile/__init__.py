"""Reconciling precursor exports with imports (``tradestd reconcile``, docs/reconcile.md).

- :mod:`.extract`: shipments read by WCO ID from any WCO DM message, screened;
- :mod:`.engine`: the join in DuckDB (the ``reconcile`` extra);
- :mod:`.core`: :func:`reconcile`, :class:`Reconciliation`, the state of a daily feed.
"""

from .core import (
    STATUSES,
    Item,
    ReconcileOptions,
    Reconciliation,
    StateError,
    match,
    reconcile,
)
from .engine import DuckDBMissing, MatchOptions
from .extract import EXPORT, IMPORT, Excluded, Extractor, Fact, GoodsLine, Shipment

__all__ = ["EXPORT", "IMPORT", "STATUSES", "DuckDBMissing", "Excluded", "Extractor", "Fact",
           "GoodsLine", "Item", "MatchOptions", "ReconcileOptions", "Reconciliation",
           "Shipment", "StateError", "match", "reconcile"]
