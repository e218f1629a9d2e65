"""Reporters: turn a run's reports into text, JSON, ... One module per format.

A reporter is any object with a ``name`` and a ``render(run, out)`` method
(:class:`Reporter`). The CLI picks one by ``--format``; the library never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Protocol, TextIO, runtime_checkable

from .run import RunResult, Summary

__all__ = ["REPORTERS", "Reporter", "RunResult", "Summary", "get_reporter"]


@runtime_checkable
class Reporter(Protocol):
    name: str

    def render(self, run: RunResult, out: TextIO) -> None: ...


def _lazy(module: str, cls: str) -> Callable[[], Reporter]:
    """A factory that imports the reporter's module only when that format is asked for."""
    def make() -> Reporter:
        reporter: Reporter = getattr(import_module(f".{module}", __name__), cls)()
        return reporter
    return make


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": _lazy("text", "TextReporter"),
    "json": _lazy("json", "JsonReporter"),
    "junit": _lazy("junit", "JunitReporter"),
    "sarif": _lazy("sarif", "SarifReporter"),
    "github": _lazy("github", "GithubReporter"),
    "html": _lazy("html", "HtmlReporter"),
}


def get_reporter(name: str) -> Reporter:
    try:
        return REPORTERS[name]()
    except KeyError:
        raise ValueError(f"unknown report format {name!r}; choose from {', '.join(REPORTERS)}") from None
