"""``POST /v1/screen``: the adapter to the screening library (``tradestd.screen``).

Kept to one function so that wiring it is one place: while ``tradestd.screen`` is not
part of the installation, or its call is not wired here, the endpoint answers 501.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from .catalog import Catalog, Target
from .service import Message

__all__ = ["ScreeningUnavailable", "screen_job", "screen_messages"]


class ScreeningUnavailable(Exception):
    """Answered with 501 and this message."""


def screen_messages(target: Target, messages: Sequence[Message]) -> dict[str, Any]:
    """Screen the messages; the screening JSON report (``{"version": 1, "results", ...}``)."""
    try:
        screening = importlib.import_module("tradestd.screen")
    except ImportError:
        raise ScreeningUnavailable("screening (tradestd.screen) is not part of this "
                                   "installation") from None
    # Integrator: call the screening library's API here, e.g. screen each message's bytes
    # under its name with target.resolved_set / target.message_type and return its JSON
    # report as a dict. Until then the endpoint says so instead of guessing.
    raise ScreeningUnavailable(f"{screening.__name__} is installed but the HTTP adapter "
                               "(tradestd/serve/screening.py) is not wired to it yet")


def screen_job(catalog: Catalog, schema: str | None, messages: list[Message]) -> dict[str, Any]:
    """The endpoint's job (run in a worker thread or process)."""
    return screen_messages(catalog.target(schema), messages)
