"""Reporters: turn a run's reports into text, JSON, ... One module per format.

A reporter is any object with a ``name`` and a ``render(run, out)`` method
(:class:`Reporter`). The CLI picks one by ``--format``; the library never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TextIO, runtime_checkable

from .run import RunResult, Summary

__all__ = ["REPORTERS", "Reporter", "RunResult", "Summary", "get_reporter"]


@runtime_checkable
class Reporter(Protocol):
    name: str

    def render(self, run: RunResult, out: TextIO) -> None: ...


def _text() -> Reporter:
    from .text import TextReporter
    return TextReporter()


def _json() -> Reporter:
    from .json import JsonReporter
    return JsonReporter()


def _junit() -> Reporter:
    from .junit import JunitReporter
    return JunitReporter()


def _sarif() -> Reporter:
    from .sarif import SarifReporter
    return SarifReporter()


def _github() -> Reporter:
    from .github import GithubReporter
    return GithubReporter()


def _html() -> Reporter:
    from .html import HtmlReporter
    return HtmlReporter()


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": _text,
    "json": _json,
    "junit": _junit,
    "sarif": _sarif,
    "github": _github,
    "html": _html,
}


def get_reporter(name: str) -> Reporter:
    try:
        return REPORTERS[name]()
    except KeyError:
        raise ValueError(f"unknown report format {name!r}; choose from {', '.join(REPORTERS)}") from None
