"""``POST /v1/screen``: the adapter to the screening library (``tradestd.screen``).

Kept to one place: while ``tradestd.screen`` is not part of the installation the endpoint
answers 501. Otherwise each message is screened (``Screener.screen_bytes``) and the answer
is the screening JSON report of ``tradestd screen --format json`` (``screen_report``).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from typing import Any

from .. import __version__
from .catalog import Catalog, Target
from .service import Message

__all__ = ["ScreeningUnavailable", "screen_job", "screen_messages"]

#: One screener per schema name (built once: the watch list is compiled), per process.
_SCREENERS: dict[str | None, Any] = {}
_LOCK = threading.Lock()


class ScreeningUnavailable(Exception):
    """Answered with 501 and this message."""


def screen_messages(catalog: Catalog, schema: str | None, target: Target,
                    messages: Sequence[Message]) -> dict[str, Any]:
    """Screen the messages; the screening JSON report (``{"version": 1, "results", ...}``)."""
    try:
        screening = importlib.import_module("tradestd.screen")
    except ImportError:
        raise ScreeningUnavailable("screening (tradestd.screen) is not part of this "
                                   "installation") from None
    with _LOCK:
        screener = _SCREENERS.get(schema)
        if screener is None:
            screener = _SCREENERS[schema] = screening.Screener(
                schema=target.message_type or target.schema_set, limits=catalog.limits,
                registry=catalog.detection)
    results = [screener.screen_bytes(m.data, m.name) for m in messages]
    report: dict[str, Any] = screening.screen_report(results, watchlist=screener.watchlist,
                                                     tool_version=__version__)
    return report


def screen_job(catalog: Catalog, schema: str | None, messages: list[Message]) -> dict[str, Any]:
    """The endpoint's job (run in a worker thread or process)."""
    return screen_messages(catalog, schema, catalog.target(schema), messages)
