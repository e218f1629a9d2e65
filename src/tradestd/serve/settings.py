"""What ``tradestd serve`` runs with: named schema sets, limits and the rule settings.

Sources, later over earlier: defaults, the ``[serve]`` table of the configuration file,
the command line::

    [serve]
    max_body_bytes = 16777216     # one request, whole body (413 above)
    timeout = 30                  # seconds per request, queueing included (504 after)
    max_active = 2                # requests worked on at once (worker threads)
    max_queued = 8                # requests waiting for a worker (503 + Retry-After beyond)
    isolate = true                # false: check in worker threads (not stopped at the limit)

    [serve.schema_sets]
    cds-dec = ["xsd/DocumentMetaData_2_DMS.xsd", "xsd/WCO_DEC_2_DMS.xsd"]

Relative XSD paths are relative to the configuration file. The settings are plain,
picklable values (``to_env``/``from_env``), so worker processes can rebuild the app.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..config import ConfigFileError, RuleSettings

__all__ = ["ServeSettings", "parse_schema_set", "settings_from_table"]

_LIMIT_KEYS = ("max_body_bytes", "timeout", "max_active", "max_queued", "isolate")


@dataclass(frozen=True)
class ServeSettings:
    """The server's configuration; every value has a safe default."""

    #: Named schema sets served besides the bundled message types: NAME -> XSD files.
    schema_sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_body_bytes: int = 16 * 1024 * 1024
    timeout: float = 30.0
    max_active: int = 2
    max_queued: int = 8
    #: Most files in one multipart request.
    max_files: int = 100
    retry_after: int = 2
    #: Run each request's work in a worker process that is killed at the time limit
    #: (``False``: in the worker thread, which cannot be stopped and ends its work).
    isolate: bool = True
    rules: RuleSettings = field(default_factory=RuleSettings)

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_active", "max_files", "retry_after"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_queued < 0:
            raise ValueError("max_queued must not be negative")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    def to_env(self) -> str:
        """The settings as one environment-variable value, for ``--workers N`` processes
        started by this process (whatever the rule settings hold: user code lists too)."""
        return base64.b64encode(pickle.dumps(self)).decode("ascii")

    @classmethod
    def from_env(cls, text: str) -> ServeSettings:
        """Inverse of :meth:`to_env`; only for values this process's parent wrote."""
        settings = pickle.loads(base64.b64decode(text))  # written by our parent: trusted
        if not isinstance(settings, cls):
            raise TypeError("not serve settings")
        return settings

    def with_overrides(self, **changes: Any) -> ServeSettings:
        """A copy with the given values set (``None`` values are left out)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if v is not None and k in known})


def parse_schema_set(option: str) -> tuple[str, tuple[str, ...]]:
    """``NAME=a.xsd,b.xsd`` -> ``("NAME", ("a.xsd", "b.xsd"))``; ValueError if malformed."""
    name, sep, files = option.partition("=")
    paths = tuple(p.strip() for p in files.split(",") if p.strip())
    if not sep or not name.strip() or not paths:
        raise ValueError(f"--schema-set {option!r}: expected NAME=XSD[,XSD...]")
    return name.strip(), paths


def settings_from_table(path: Path, table: Mapping[str, Any],
                        rules: RuleSettings) -> ServeSettings:
    """Check the ``[serve]`` table of configuration file ``path``."""
    unknown = sorted(set(table) - {*_LIMIT_KEYS, "schema_sets"})
    if unknown:
        raise ConfigFileError(path, f"serve.{unknown[0]}", "unknown key; known keys: "
                              f"{', '.join(sorted({*_LIMIT_KEYS, 'schema_sets'}))}")
    sets = table.get("schema_sets", {})
    if not isinstance(sets, dict):
        raise ConfigFileError(path, "serve.schema_sets", "must be a table of NAME = [XSD, ...]")
    schema_sets: dict[str, tuple[str, ...]] = {}
    for name, files in sets.items():
        if not isinstance(files, list) or not files \
                or not all(isinstance(f, str) for f in files):
            raise ConfigFileError(path, f"serve.schema_sets.{name}",
                                  "must be a non-empty list of XSD paths")
        schema_sets[name] = tuple(str(path.parent / f) for f in files)
    limits: dict[str, Any] = {}
    for key in _LIMIT_KEYS:
        value = table.get(key)
        if value is None:
            continue
        if key == "isolate":
            if not isinstance(value, bool):
                raise ConfigFileError(path, "serve.isolate",
                                      f"must be true or false, not {value!r}")
            limits[key] = value
            continue
        wanted = (int, float) if key == "timeout" else (int,)
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise ConfigFileError(path, f"serve.{key}", f"must be a number, not {value!r}")
        limits[key] = value
    try:
        return ServeSettings(schema_sets=schema_sets, rules=rules, **limits)
    except ValueError as exc:
        raise ConfigFileError(path, "serve", str(exc)) from None
