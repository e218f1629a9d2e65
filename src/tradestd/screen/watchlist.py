"""Watch lists: the bundled, versioned, sourced precursor list and the user's own lists.

A list is a set of substances, each with an ``id``, a ``name``, CAS registry numbers,
HS codes (4-digit headings, 6-digit subheadings, 8- or 10-digit national codes), UN
numbers, synonyms, trade names, common misspellings, an optional concentration
threshold and the source it comes from. User lists (JSON, TOML or CSV; see
docs/screening.md) add entries, or replace the entry with the same ``id``.

Every list is checked when it loads (CAS check digits with python-stdnum, HS and UN
formats, required fields, duplicate ids); any problem raises :class:`WatchlistError`
naming the file, the line and the problem. A bad list is a configuration error, never a
silently shorter list.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from stdnum import casrn
from stdnum.exceptions import ValidationError

from .names import NameMatcher, Phrase, phrase_words

__all__ = ["BUNDLED", "Substance", "Threshold", "Watchlist", "WatchlistError", "load_watchlist"]

BUNDLED = "bundled"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_HS = re.compile(r"^\d{4}(\d{2}(\d{2}(\d{2})?)?)?$")
_UN = re.compile(r"^\d{4}$")
_LIST_FIELDS = ("cas", "hs", "un", "synonyms", "trade_names", "misspellings", "exclude")
_KNOWN_FIELDS = frozenset({"id", "name", "source", "note", "threshold", *_LIST_FIELDS})


class WatchlistError(ValueError):
    """A watch list that cannot be used: ``path``, ``line`` (or ``None``) and ``problem``."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class Threshold:
    """A concentration limit value (``percent``) and, where the source gives one, an upper one."""

    percent: float
    basis: str = "w/w"
    upper_percent: float | None = None

    def describe(self) -> str:
        return f"{self.percent:g} % {self.basis}"


@dataclass(frozen=True, slots=True)
class Substance:
    id: str
    name: str
    cas: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    un: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    trade_names: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    threshold: Threshold | None = None
    source: str = ""
    note: str = ""
    origin: str = BUNDLED  # the list file it comes from

    def phrases(self) -> Iterator[Phrase]:
        exclude = frozenset(w for text in self.exclude for w in phrase_words(text))
        for kind, texts in (("name", (self.name,)), ("synonym", self.synonyms),
                            ("trade_name", self.trade_names),
                            ("misspelling", self.misspellings)):
            for text in texts:
                yield Phrase(self.id, text, phrase_words(text), kind, exclude)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "cas": list(self.cas),
                                "hs": list(self.hs), "un": list(self.un), "source": self.source}
        if self.threshold is not None:
            data["threshold"] = {"percent": self.threshold.percent,
                                 "basis": self.threshold.basis,
                                 "upper_percent": self.threshold.upper_percent}
        return data


@dataclass
class Watchlist:
    """Substances by id, with the matchers compiled once (see :meth:`compiled`)."""

    substances: dict[str, Substance] = field(default_factory=dict)
    id: str = "custom"
    version: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    _compiled: Compiled | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.substances)

    def __iter__(self) -> Iterator[Substance]:
        return iter(self.substances.values())

    def get(self, substance_id: str) -> Substance | None:
        return self.substances.get(substance_id)

    def extended(self, other: Watchlist) -> Watchlist:
        """This list with ``other``'s entries added, or replacing those with the same id."""
        merged = Watchlist(dict(self.substances), self.id, self.version,
                           {**self.sources, **other.sources}, [*self.files, *other.files])
        merged.substances.update(other.substances)
        return merged

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "substances": len(self.substances),
                "files": list(self.files)}

    def compiled(self) -> Compiled:
        if self._compiled is None:
            self._compiled = Compiled(self)
        return self._compiled


class Compiled:
    """Lookup tables of a watch list: CAS, UN, HS by heading, and the name matcher."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.by_cas: dict[str, list[Substance]] = {}
        self.by_un: dict[str, list[Substance]] = {}
        self.by_heading: dict[str, list[tuple[str, Substance]]] = {}
        phrases: list[Phrase] = []
        for substance in watchlist:
            for cas in substance.cas:
                self.by_cas.setdefault(cas, []).append(substance)
            for un in substance.un:
                self.by_un.setdefault(un, []).append(substance)
            for code in substance.hs:
                self.by_heading.setdefault(code[:4], []).append((code, substance))
            phrases.extend(substance.phrases())
        self.names = NameMatcher(phrases)

    def hs_matches(self, digits: str) -> list[tuple[str, Substance]]:
        """Listed codes that are a prefix of ``digits`` or that ``digits`` is a prefix of."""
        return [(code, substance) for code, substance in self.by_heading.get(digits[:4], ())
                if digits.startswith(code) or code.startswith(digits)]


def bundled_watchlist() -> Watchlist:
    """The precursor list shipped with tradestd (``screen/data/watchlist.json``)."""
    text = resources.files(__package__).joinpath("data/watchlist.json").read_text("utf-8")
    return _from_json_text(text, BUNDLED)


def load_watchlist(paths: Sequence[str | Path] = (), *, bundled: bool = True,
                   names: Sequence[str] = ()) -> Watchlist:
    """The bundled list (unless ``bundled`` is false) extended by each file in turn;
    ``names`` (optional, one per path) name the files in hits and errors."""
    result = bundled_watchlist() if bundled else Watchlist(id="custom")
    for index, path in enumerate(paths):
        result = result.extended(read_watchlist(path, names[index] if names else None))
    return result


def read_watchlist(path: str | Path, name: str | None = None) -> Watchlist:
    """One user list, by its extension: ``.json``, ``.toml`` or ``.csv``; ``name``
    (default: ``path``) names it in hits and errors."""
    name = name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WatchlistError(name, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(name, None, f"cannot be read: {exc}") from None
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return _from_json_text(text, name)
    if suffix == ".toml":
        return _from_toml_text(text, name)
    if suffix == ".csv":
        return _from_csv_text(text, name)
    raise WatchlistError(name, None, "a watch list is a .json, .toml or .csv file")


def _from_json_text(text: str, name: str) -> Watchlist:
    from ..convert.jsonintake import load_json  # JSON with positions, for the lines

    doc = load_json(text.encode("utf-8"))
    if not doc.ok:
        issue = doc.issues[0]
        raise WatchlistError(name, issue.line, f"not valid JSON: {issue.message}")
    data = doc.data
    if isinstance(data, list):
        data = {"substances": data}
    if not isinstance(data, dict) or not isinstance(data.get("substances"), list):
        raise WatchlistError(name, 1, 'expected an object with a "substances" array')

    def line_of(index: int) -> int | None:
        return doc.locator.position(f"/substances/{index}")[0]

    return _build(name, data, data["substances"], line_of)


def _from_toml_text(text: str, name: str) -> Watchlist:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise WatchlistError(name, int(match.group(1)) if match else None,
                             f"not valid TOML: {exc}") from None
    entries = data.get("substances", data.get("substance"))
    if not isinstance(entries, list):
        raise WatchlistError(name, 1, "expected [[substances]] tables")
    starts = [i + 1 for i, line in enumerate(text.splitlines())
              if re.match(r"^\s*\[\[\s*substances?\s*\]\]", line)]

    def line_of(index: int) -> int | None:
        return starts[index] if index < len(starts) else None

    return _build(name, data, entries, line_of)


def _from_csv_text(text: str, name: str) -> Watchlist:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "id" not in header or "name" not in header:
        raise WatchlistError(name, 1, "the header row must name at least the columns id "
                             "and name (and may add cas, hs, un, synonyms, trade_names, "
                             "misspellings, exclude, threshold, source, note)")
    unknown = [h for h in header if h not in _KNOWN_FIELDS]
    if unknown:
        raise WatchlistError(name, 1, f"unknown column(s): {', '.join(unknown)}")
    entries: list[dict[str, Any]] = []
    lines: list[int] = []
    for row in reader:
        lines.append(reader.line_num)
        entry: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None or not value.strip():
                continue
            key, value = key.strip(), value.strip()
            if key in _LIST_FIELDS:
                entry[key] = [v.strip() for v in re.split(r"[;|]", value) if v.strip()]
            elif key == "threshold":
                entry[key] = value
            else:
                entry[key] = value
        entries.append(entry)

    def line_of(index: int) -> int | None:
        return lines[index]

    return _build(name, {}, entries, line_of)


def _build(name: str, header: Mapping[str, Any], entries: list[Any],
           line_of: Any) -> Watchlist:
    result = Watchlist(id=str(header.get("id", Path(name).stem)),
                       version=str(header.get("version", "")), files=[name])
    sources = header.get("sources")
    if isinstance(sources, dict):
        result.sources = {str(k): str(v) for k, v in sources.items()}
    for index, entry in enumerate(entries):
        line = line_of(index)
        substance = _substance(entry, name, line)
        if substance.id in result.substances:
            raise WatchlistError(name, line, f"substance id {substance.id!r} appears twice")
        result.substances[substance.id] = substance
    return result


def _strings(entry: Mapping[str, Any], key: str, name: str, line: int | None) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WatchlistError(name, line, f"{key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _substance(entry: Any, name: str, line: int | None) -> Substance:
    if not isinstance(entry, dict):
        raise WatchlistError(name, line, "a substance entry must be a table/object")
    unknown = sorted(set(entry) - _KNOWN_FIELDS)
    if unknown:
        raise WatchlistError(name, line, f"unknown field(s): {', '.join(unknown)}")
    sid, title = entry.get("id"), entry.get("name")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise WatchlistError(name, line, f"id {sid!r} must be lower-case letters, digits, "
                             "'.', '_' or '-' (at most 64)")
    if not isinstance(title, str) or not title.strip():
        raise WatchlistError(name, line, f"substance {sid}: name is missing")
    lists = {key: _strings(entry, key, name, line) for key in _LIST_FIELDS}
    for cas in lists["cas"]:
        try:
            casrn.validate(cas)
        except ValidationError as exc:
            raise WatchlistError(name, line, f"substance {sid}: CAS RN {cas!r} is not "
                                 f"valid ({exc})") from None
        if casrn.compact(cas) != cas:
            raise WatchlistError(name, line, f"substance {sid}: write CAS RN {cas!r} as "
                                 f"{casrn.compact(cas)}")
    hs = tuple(code.replace(".", "").replace(" ", "") for code in lists["hs"])
    for code in hs:
        if not _HS.match(code) or not 1 <= int(code[:2]) <= 97 or code[:2] == "77":
            raise WatchlistError(name, line, f"substance {sid}: HS code {code!r} is not a "
                                 "4-, 6-, 8- or 10-digit code of chapters 01-97")
    for un in lists["un"]:
        if not _UN.match(un.removeprefix("UN").strip()):
            raise WatchlistError(name, line, f"substance {sid}: UN number {un!r} is not "
                                 "four digits")
    names = [title, *lists["synonyms"], *lists["trade_names"], *lists["misspellings"]]
    for text in names:
        if not phrase_words(text):
            raise WatchlistError(name, line, f"substance {sid}: name {text!r} has no words "
                                 "to search for")
    if not (lists["cas"] or hs or lists["un"] or names):
        raise WatchlistError(name, line, f"substance {sid}: nothing to match")
    return Substance(
        id=sid, name=title.strip(), cas=lists["cas"], hs=hs,
        un=tuple(u.removeprefix("UN").strip() for u in lists["un"]),
        synonyms=lists["synonyms"], trade_names=lists["trade_names"],
        misspellings=lists["misspellings"], exclude=lists["exclude"],
        threshold=_threshold(entry.get("threshold"), sid, name, line),
        source=str(entry.get("source", "")), note=str(entry.get("note", "")), origin=name)


def _threshold(value: Any, sid: str, name: str, line: int | None) -> Threshold | None:
    if value is None:
        return None
    if isinstance(value, str):  # CSV: "12" or "12% w/w"
        match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*(.*)$", value)
        if not match:
            raise WatchlistError(name, line, f"substance {sid}: threshold {value!r} is not "
                                 "a percentage")
        return _checked(Threshold(float(match.group(1)), match.group(2) or "w/w"),
                        sid, name, line)
    if not isinstance(value, dict) or not isinstance(value.get("percent"), (int, float)):
        raise WatchlistError(name, line, f"substance {sid}: threshold needs a number "
                             "'percent'")
    upper = value.get("upper_percent")
    if upper is not None and not isinstance(upper, (int, float)):
        raise WatchlistError(name, line, f"substance {sid}: upper_percent must be a number")
    return _checked(Threshold(float(value["percent"]), str(value.get("basis", "w/w")),
                              float(upper) if upper is not None else None), sid, name, line)


def _checked(threshold: Threshold, sid: str, name: str, line: int | None) -> Threshold:
    if not 0 < threshold.percent <= 100:
        raise WatchlistError(name, line, f"substance {sid}: threshold {threshold.percent} "
                             "is not between 0 and 100 %")
    return threshold
