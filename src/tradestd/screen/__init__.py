"""Screening goods declarations and cargo reports for explosive-precursor chemicals.

Start from :class:`Screener` (``Screener().screen_bytes(data, name)`` ->
:class:`ScreenResult`, ``.to_dict()`` in the JSON report's shape) and
:func:`screen_report` for a whole run; :func:`load_watchlist` reads the bundled list
and the user's own; :func:`draft_notification` turns a result with alerts into a
precursor notification. See docs/screening.md.
"""

from .facts import ItemFacts, Party, ShipmentFacts, Transport
from .options import ScreenOptions
from .screener import (
    ALERT,
    REVIEW,
    Hit,
    Screener,
    ScreeningValidator,
    ScreenLayer,
    ScreenResult,
    Suppression,
    load_suppressions,
    screen_report,
)
from .watchlist import Substance, Threshold, Watchlist, WatchlistError, load_watchlist

__all__ = ["ALERT", "REVIEW", "Hit", "ItemFacts", "Party", "ScreenLayer", "ScreenOptions", "ScreenResult",
           "Screener", "ScreeningValidator", "ShipmentFacts", "Substance", "Suppression",
           "Threshold", "Transport", "Watchlist", "WatchlistError", "load_suppressions",
           "load_watchlist", "screen_report"]
