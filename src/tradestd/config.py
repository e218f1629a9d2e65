"""Project configuration: ``tradestd.toml`` or ``[tool.tradestd]`` in ``pyproject.toml``.

The file is looked for from a start folder (the working directory) upward; the first
``tradestd.toml``, or ``pyproject.toml`` that has a ``[tool.tradestd]`` table, wins::

    schema = "wco-declaration"        # or xsd = ["schemas/envelope.xsd", "schemas/dec.xsd"]
    format = "text"                   # text, json, junit, sarif, github, html
    fail_on = "error"                 # or "warning"
    max_issues = 50                   # per file
    jobs = 4
    exclude = ["build/*", "*.tmp.xml"]

    [rules]
    packs = ["wco", "rules/national.py"]   # bundled pack ids or Python rule modules
    schematron = ["rules/national.sch"]
    disable = ["WCO-IMO-001"]
    severity = { "WCO-ADDR-001" = "error" }
    extensions = { country = ["XI", "EU"] }
    codelists = { country = "codes/countries.json", "currency:replace" = "cur.csv" }

    [serve]                           # tradestd serve only (see tradestd.serve.settings)
    timeout = 30

Relative ``xsd``, ``packs`` (``.py``), ``schematron`` and ``codelists`` paths are relative to
the configuration file. Command-line options
override the file, which overrides the defaults. A malformed file raises
:class:`ConfigFileError`, which names the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .issues import Severity
from .report import REPORTERS

if TYPE_CHECKING:
    from .codelistfiles import UserCodeList

__all__ = [
    "CONFIG_NAME",
    "Config",
    "ConfigFileError",
    "RuleSettings",
    "find_config",
    "load_config",
]

CONFIG_NAME = "tradestd.toml"
_KEYS = {"schema", "xsd", "format", "fail_on", "max_issues", "jobs", "exclude", "rules",
         "serve"}
_RULE_KEYS = {"packs", "schematron", "disable", "severity", "extensions", "codelists"}


class ConfigFileError(ValueError):
    """A configuration file cannot be used: names the file and the offending key."""

    def __init__(self, path: Path, key: str | None, reason: str,
                 line: int | None = None) -> None:
        if line is None and key:
            line = _locate(path, key)
        at = f"{path}:{line}" if line else f"{path}"
        where = f"{at}: {key}: " if key else f"{at}: "
        super().__init__(where + reason)
        self.path = path
        self.key = key
        self.line = line


@dataclass(frozen=True)
class RuleSettings:
    """The ``[rules]`` table, handed to the rules layer as it is."""

    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    extensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: User code list files, read when the settings are made (``--codelist``, ``codelists``).
    codelists: tuple[UserCodeList, ...] = ()


@dataclass(frozen=True)
class Config:
    """Settings from a configuration file; ``None`` means "not set there"."""

    path: Path | None = None
    schema: str | None = None
    xsd: tuple[str, ...] = ()
    format: str | None = None
    fail_on: Severity | None = None
    max_issues: int | None = None
    jobs: int | None = None
    exclude: tuple[str, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    #: The ``[serve]`` table as written; ``tradestd serve`` checks it (tradestd.serve.settings).
    serve: Mapping[str, Any] = field(default_factory=dict)
    #: ``[rules] packs`` then ``schematron``: specs for the rules layer, as ``--rules`` and
    #: ``--schematron`` take them (files made absolute against the configuration file).
    rule_packs: tuple[str, ...] = ()


def find_config(start: Path) -> Path | None:
    """The nearest ``tradestd.toml`` or ``pyproject.toml`` with ``[tool.tradestd]``.

    The search goes upward from ``start`` and stops at the project's root: the first
    folder holding a ``pyproject.toml`` or a ``.git``, so a stray file above a checkout
    never configures it.
    """
    for folder in (start.resolve(), *start.resolve().parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if pyproject.is_file() or (folder / ".git").exists():
            return None
    return None


def _has_tool_table(pyproject: Path) -> bool:
    data = _read_toml(pyproject)
    return isinstance(data.get("tool"), dict) and "tradestd" in data["tool"]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(path, None, f"cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(path, None, f"is not valid TOML: {exc}") from None


def load_config(path: Path) -> Config:
    """Read and check one configuration file (either kind)."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tradestd", {})
        if not isinstance(data, dict):
            raise ConfigFileError(path, "tool.tradestd", "must be a table")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigFileError(path, unknown[0],
                              f"unknown key; known keys: {', '.join(sorted(_KEYS))}")
    if "schema" in data and "xsd" in data:
        raise ConfigFileError(path, "xsd", "give either schema or xsd, not both")
    base = path.parent
    return Config(
        path=path,
        schema=_opt_str(path, data, "schema"),
        xsd=tuple(str(base / p) for p in _str_list(path, data.get("xsd", []), "xsd")),
        format=_format(path, data),
        fail_on=_fail_on(path, data.get("fail_on")),
        max_issues=_opt_positive(path, data, "max_issues"),
        jobs=_opt_positive(path, data, "jobs"),
        exclude=_str_list(path, data.get("exclude", []), "exclude"),
        rules=_rules(path, data.get("rules", {})),
        serve=_table(path, data.get("serve", {}), "serve"),
        rule_packs=_rule_packs(path, data.get("rules", {})),
    )


def _locate(path: Path, key: str) -> int | None:
    """The line of a dotted key (``jobs``, ``rules.severity.R-1``, ``serve.timeout``): the
    assignment in its table, else that table's header."""
    first, _, rest = key.partition(".")
    if rest and first in ("rules", "serve"):
        return _key_line(path, rest.split(".")[0], first) or _key_line(path, first)
    return _key_line(path, first)


def _key_line(path: Path, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` is set (in ``[table]`` when given), for a located message;
    None when it cannot be told (a dotted or inline form)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    quoted = re.escape(key)
    assignment = re.compile(rf'^\s*(?:{quoted}|"{quoted}"|\'{quoted}\')\s*=')
    header = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
    current: str | None = None
    for number, line in enumerate(lines, 1):
        found = header.match(line)
        if found:
            name = found.group(1).strip()
            current = name.removeprefix("tool.tradestd").lstrip(".") or None \
                if name.startswith("tool.tradestd") or path.name != "pyproject.toml" else "-"
            if table is None and current == key:
                return number
            continue
        if current == table and assignment.match(line):
            return number
    return None


def _rule_packs(path: Path, table: Any) -> tuple[str, ...]:
    """``[rules] packs`` (bundled ids, ``.py`` modules) and ``schematron`` (files), with
    files relative to the configuration file; the packs themselves load when used."""
    if not isinstance(table, dict):
        return ()
    packs = _str_list(path, table.get("packs", []), "rules.packs")
    schematron = _str_list(path, table.get("schematron", []), "rules.schematron")
    base = path.parent
    return (*(str(base / p) if p.endswith(".py") or "/" in p else p for p in packs),
            *(str(base / p) for p in schematron))


def _table(path: Path, value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigFileError(path, key, "must be a table")
    return value


def _opt_str(path: Path, data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigFileError(path, key, f"must be a string, not {type(value).__name__}")
    return value


def _str_list(path: Path, value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigFileError(path, key, "must be a list of strings")
    return tuple(value)


def _format(path: Path, data: Mapping[str, Any]) -> str | None:
    value = _opt_str(path, data, "format")
    if value is not None and value not in REPORTERS:
        raise ConfigFileError(path, "format", f"unknown format {value!r}; choose from "
                                              f"{', '.join(REPORTERS)}")
    return value


def _opt_positive(path: Path, data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigFileError(path, key, f"must be a positive integer, not {value!r}")
    return value


def _opt_severity(path: Path, value: Any, key: str) -> Severity | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigFileError(path, key, "must be a string: error, warning or info")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigFileError(path, key, str(exc)) from None


def _fail_on(path: Path, value: Any) -> Severity | None:
    severity = _opt_severity(path, value, "fail_on")
    if severity is Severity.INFO:
        raise ConfigFileError(path, "fail_on", "must be error or warning")
    return severity


def _rules(path: Path, table: Any) -> RuleSettings:
    if not isinstance(table, dict):
        raise ConfigFileError(path, "rules", "must be a table")
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise ConfigFileError(path, f"rules.{unknown[0]}",
                              f"unknown key; known keys: {', '.join(sorted(_RULE_KEYS))}")
    severity = table.get("severity", {})
    extensions = table.get("extensions", {})
    if not isinstance(severity, dict):
        raise ConfigFileError(path, "rules.severity", "must be a table of rule id = severity")
    if not isinstance(extensions, dict):
        raise ConfigFileError(path, "rules.extensions", "must be a table of name = [values]")
    return RuleSettings(
        disable=_str_list(path, table.get("disable", []), "rules.disable"),
        severity={rule: _required_severity(path, value, f"rules.severity.{rule}")
                  for rule, value in severity.items()},
        extensions={name: _str_list(path, values, f"rules.extensions.{name}")
                    for name, values in extensions.items()},
        codelists=_codelists(path, table.get("codelists", {})),
    )


def _codelists(path: Path, table: Any) -> tuple[UserCodeList, ...]:
    """``codelists = { country = "c.json", "currency:replace" = ["a.csv", "b.txt"] }``."""
    from .codelistfiles import CodeListFileError, load_code_list, parse_codelist_key

    if not isinstance(table, dict):
        raise ConfigFileError(path, "rules.codelists",
                              'must be a table of kind = "file" (or a list of files)')
    lists = []
    for key, value in table.items():
        where = f"rules.codelists.{key}"
        files = [value] if isinstance(value, str) else _str_list(path, value, where)
        try:
            kind, replace = parse_codelist_key(key)
            lists += [load_code_list(kind, path.parent / f, replace) for f in files]
        except CodeListFileError as exc:
            raise ConfigFileError(path, where, str(exc)) from None
    return tuple(lists)


def _required_severity(path: Path, value: Any, key: str) -> Severity:
    parsed = _opt_severity(path, value, key)
    if parsed is None:
        raise ConfigFileError(path, key, "must be a severity")
    return parsed
