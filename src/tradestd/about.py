"""The versions tradestd runs with, for bug reports (``tradestd --version``).

Verdicts depend on the XML stack underneath: lxml and the libxml2 it was built with
(and the one loaded at run time, which may differ), xmlschema (and its XPath engine,
elementpath) for the second schema engine, and jsonschema for JSON validation.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from lxml import etree

__all__ = ["versions"]

#: Python distributions whose versions are reported, in the order shown.
_DISTRIBUTIONS = ("xmlschema", "elementpath", "jsonschema")


def _dotted(parts: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in parts)


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Name -> version of tradestd, Python and the libraries that decide its verdicts.

    ``libxml2`` is the library loaded at run time, ``libxml2 (lxml built against)`` the
    one lxml was compiled with. A package that is not installed (tradestd itself, run
    from a source tree) shows as ``not installed``.
    """
    found = {
        "tradestd": _installed("tradestd"),
        "python": platform.python_version(),
        "lxml": etree.__version__,
        "libxml2": _dotted(etree.LIBXML_VERSION),
        "libxml2 (lxml built against)": _dotted(etree.LIBXML_COMPILED_VERSION),
    }
    found.update((name, _installed(name)) for name in _DISTRIBUTIONS)
    return found
