"""Screening messages against a watch list: hits, levels, suppressions, results.

Screening is a layer like the rules layer (:class:`ScreenLayer` implements
:class:`tradestd.validation.RuleLayer`), so everything that carries rule issues carries
hits: single files, ``-j N`` batches, ``--record`` streams (hits placed on the batch's
lines), JSON messages (hits at JSON Pointers), and the text, SARIF and HTML reports.
A :class:`Hit` *is* an :class:`~tradestd.issues.Issue` (code ``SCREEN_ALERT`` at
severity error, ``SCREEN_REVIEW`` at severity warning) with the screening facts added.

Levels (docs/screening.md):

* ``alert``: a listed CAS RN (check digit valid) anywhere in the text; a listed name,
  synonym, trade name or listed misspelling (normalised: case, accents, punctuation,
  plurals, word order); a near spelling of a listed name of two or more words with at
  most one edit per near-spelt word and at least one word exact; an HS subheading (6 digits) or national code (8+ digits) of a
  listed substance; a listed UN number (``UNDGID`` or ``UN 1942`` in text).
* ``review``: an HS heading (4 digits) alone; another near spelling; a name or CAS hit
  whose text states a concentration at or below the substance's limit value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Container, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from stdnum import casrn

from ..intake import DEFAULT_LIMITS, Limits, Source, XmlDocument
from ..issues import Issue, Layer, Report, RulePackRef, Severity
from ..locate import Locator, element_path
from ..registry import DetectionError, MessageType, Registry, bundled_registry
from ..rules import RuleRunner
from ..rules.codelists import code_lists
from ..rules.view import MessageView, child_text, local, text
from ..schemaset import SchemaSet
from ..stream.results import NoRecordsError
from ..stream.source import BatchSource
from ..validation import Validator
from .facts import ItemFacts, ShipmentFacts, goods_item, item_facts, shipment_facts
from .names import NameHit
from .watchlist import Substance, Watchlist, WatchlistError, load_watchlist

__all__ = ["ALERT", "REVIEW", "Hit", "ScreenLayer", "ScreenResult", "Screener",
           "ScreeningValidator", "Suppression", "load_suppressions", "screen_report"]

ALERT = "alert"
REVIEW = "review"
CODES = {ALERT: "SCREEN_ALERT", REVIEW: "SCREEN_REVIEW"}
SEVERITIES = {ALERT: Severity.ERROR, REVIEW: Severity.WARNING}
#: Classification types that carry a commodity code (HS, national tariff, EU CN/TARIC);
#: a Classification without a type counts too. ``TRA``/``TRC`` (TARIC additional and
#: 2-digit codes) and other types do not.
COMMODITY_TYPES = frozenset({"HS", "TAR", "TSP", "GN", "CN", "HTS", "TARIC", "CUS"})
_NAMED_GOODS = frozenset({"Commodity", "Chemical", "GoodsItem", "GovernmentAgencyGoodsItem"})
#: Elements whose text is searched for substance names (``Name`` only in a goods item
#: or chemical); a CAS RN is found in any text.
TEXT_ELEMENTS = ("Description", "StatementDescription", "GoodsDescription", "Remarks",
                 "Content", "Text", "Name")
_TAGS = tuple(f"{{*}}{name}" for name in ("Classification", "UNDGID", *TEXT_ELEMENTS))
#: Where a CAS RN (or anything) sits: elements with a text node that contains ``$n``.
_CONTAINING = etree.XPath("descendant-or-self::*[text()[contains(., $n)]]")
#: The middle of a CAS RN: fast to find; the digits before it are read off by hand.
_CAS_TAIL = re.compile(r"-\d\d-\d")
_CAS = re.compile(r"(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])")
_UN_TEXT = re.compile(r"\bUN\s?-?(\d{4})\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*(?:%|per\s?cent|pct)", re.IGNORECASE)
PACK_REF = RulePackRef("screen", "1.0.0")


@dataclass(frozen=True, slots=True)
class Hit(Issue):
    """A watch-list hit: an issue (location, why it fired) plus what was found."""

    substance: str = ""  # id in the watch list
    substance_name: str = ""
    matched: str = ""  # hs | cas | name | un
    text: str = ""  # the matched text as written
    level: str = ALERT
    item: ItemFacts | None = None
    facts: ShipmentFacts | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "substance": self.substance_name, "substance_id": self.substance,
            "matched": self.matched, "text": self.text, "level": self.level,
            "line": self.line, "column": self.column, "path": self.path, "why": self.message,
        }
        if self.record is not None:
            data["record"] = self.record
        if self.item is not None:
            data["item"] = {"path": self.item.path, "line": self.item.line,
                            "sequence": self.item.sequence,
                            "description": self.item.description,
                            "quantities": [list(q) for q in self.item.quantities],
                            "packages": [list(p) for p in self.item.packages]}
        return data


@dataclass(frozen=True, slots=True)
class Suppression:
    """Silences hits: every field given must match (message ID, item sequence, substance id)."""

    message: str | None = None
    item: str | None = None
    substance: str | None = None
    reason: str = ""

    def covers(self, hit: Hit) -> bool:
        facts, item = hit.facts, hit.item
        return ((self.message is None or (facts is not None and facts.message_id == self.message))
                and (self.item is None or (item is not None and item.sequence == self.item))
                and (self.substance is None or self.substance in (hit.substance,
                                                                  hit.substance_name)))


def load_suppressions(paths: Sequence[str | Path]) -> tuple[Suppression, ...]:
    """Suppress lists (JSON, TOML or CSV with fields message, item, substance, reason)."""
    found: list[Suppression] = []
    for path in paths:
        name = str(path)
        try:
            text_ = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise WatchlistError(name, None, f"cannot be read: {exc}") from None
        suffix = Path(path).suffix.lower()
        rows: list[tuple[int | None, Any]]
        try:
            if suffix == ".csv":
                reader = csv.DictReader(io.StringIO(text_))
                rows = [(reader.line_num, dict(row)) for row in reader]
            elif suffix == ".toml":
                rows = [(None, row) for row in tomllib.loads(text_).get("suppress", [])]
            elif suffix == ".json":
                data = json.loads(text_)
                rows = [(None, row) for row in (data.get("suppress", []) if isinstance(data, dict)
                                                else data)]
            else:
                raise WatchlistError(name, None, "a suppress list is a .json, .toml or .csv file")
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise WatchlistError(name, getattr(exc, "lineno", None),
                                 f"not readable: {exc}") from None
        for index, (line, row) in enumerate(rows):
            where = line if line is not None else None
            if not isinstance(row, dict):
                raise WatchlistError(name, where, f"entry {index + 1} is not a table/object")
            unknown = sorted(set(row) - {"message", "item", "substance", "reason"})
            if unknown:
                raise WatchlistError(name, where, f"entry {index + 1}: unknown field(s) "
                                     f"{', '.join(str(u) for u in unknown)}")
            values = {k: (str(v).strip() or None) if v is not None else None
                      for k, v in row.items()}
            if not any(values.get(k) for k in ("message", "item", "substance")):
                raise WatchlistError(name, where, f"entry {index + 1} names no message, item "
                                     "or substance: it would silence everything")
            found.append(Suppression(values.get("message"), values.get("item"),
                                     values.get("substance"), values.get("reason") or ""))
    return tuple(found)


class ScreenLayer:
    """The screening layer: one pass over the message's index, precompiled matchers.

    With ``rules`` (a :class:`~tradestd.rules.RuleRunner`), the rule packs run on the same
    view of the message before it is screened: validation and screening share one parse
    and one index (``tradestd screen --validate``).
    """

    def __init__(self, watchlist: Watchlist | None = None,
                 suppressions: Sequence[Suppression] = (), *,
                 rules: RuleRunner | None = None) -> None:
        self.watchlist = watchlist if watchlist is not None else load_watchlist()
        self.suppressions = tuple(suppressions)
        self.rules = rules
        self._compiled = self.watchlist.compiled()
        self._codes = rules.codes if rules is not None else code_lists()

    def packs_for(self, message_type: MessageType | None) -> tuple[RulePackRef, ...]:
        own = RulePackRef(f"screen:{self.watchlist.id}", self.watchlist.version or "-")
        packs = self.rules.packs_for(message_type) if self.rules is not None else ()
        return (*packs, own)

    def check(self, doc: XmlDocument, locator: Locator, message_type: MessageType | None,
              *, schema_set: SchemaSet | None = None) -> Iterable[Issue]:
        """Rules (when given) and screening over one view. ``schema_set`` is the set in
        use, for rules that read it from the view (the pipeline passes it to layers whose
        ``check`` takes it)."""
        if doc.root is None:
            return []
        view = None
        issues: list[Issue] = []
        if self.rules is not None:
            view = self._view(doc.root, message_type, schema_set)
            issues += self.rules.check_view(view, locator, message_type)
        issues += self.screen(doc.root, locator, message_type, view)
        return issues

    def _view(self, root: etree._Element, message_type: MessageType | None,
              schema_set: SchemaSet | None = None) -> MessageView:
        view = MessageView(root, self._codes,
                           family=message_type.family if message_type else None,
                           message_type=message_type.key if message_type else None)
        if schema_set is not None:
            setattr(view, "schema_set", schema_set)  # noqa: B010 - views that know their set
        return view

    def screen(self, root: etree._Element, locator: Locator | None = None,
               message_type: MessageType | None = None,
               view: MessageView | None = None) -> list[Hit]:
        """Every unsuppressed hit in one message (suppressed ones are dropped here).

        Classifications, UN numbers, descriptions and goods names are selected by libxml2
        (``iter`` with tag names); listed CAS numbers are searched for in all the text of
        the message at once (serialized by libxml2) by a regular expression anchored on
        their rare ``-dd-d`` part, and only a candidate is looked for in the tree, where
        the element's own text decides (boundaries, check digit). The view
        (for the shipment facts) is built only when something hit, unless the rules layer
        already built it.
        """
        found = sorted(self._find(root), key=lambda f: f[4] != ALERT)  # alerts first
        if not found:
            return []
        facts = shipment_facts(view if view is not None else self._view(root, message_type))
        items: dict[etree._Element, ItemFacts] = {}
        hits: list[Hit] = []
        seen: set[tuple[int, str, str]] = set()
        for element, substance, kind, matched, level, why in found:
            key = (id(element), substance.id, kind)
            if key in seen:
                continue
            seen.add(key)
            item_el = goods_item(element)
            item = None
            if item_el is not None:
                item = items.get(item_el)
                if item is None:
                    item = items[item_el] = item_facts(item_el)
            line, column = locator.position(element) if locator is not None else \
                (element.sourceline, None)
            hit = Hit(CODES[level], SEVERITIES[level], Layer.RULES, why, line, column,
                      element_path(element), rule_id=substance.id, substance=substance.id,
                      substance_name=substance.name, matched=kind, text=matched, level=level,
                      item=item, facts=facts)
            if not any(s.covers(hit) for s in self.suppressions):
                hits.append(hit)
        return hits

    def _find(self, root: etree._Element
              ) -> Iterator[tuple[etree._Element, Substance, str, str, str, str]]:
        compiled = self._compiled
        for element in root.iter(*_TAGS):  # selected by libxml2, whatever the namespace
            name = local(element)
            if name == "Classification":
                yield from self._hs(element)
                continue
            value = element.text
            if not value:
                continue
            if name == "UNDGID":
                number = value.strip().upper().removeprefix("UN").strip()
                for substance in compiled.by_un.get(number, ()):
                    yield (element, substance, "un", value.strip(), ALERT,
                           (f"UN number {number} is listed for {substance.name} "
                            f"({_source(substance)})"))
            elif name != "Name" or _goods_parent(element):
                yield from self._names(element, value)
        all_text = etree.tostring(root, method="text", encoding="unicode")
        for number in _cas_candidates(all_text, compiled.by_cas):
            for element in _CONTAINING(root, n=number):
                assert isinstance(element, etree._Element)
                yield from self._cas(element, element.text or "")

    def _hs(self, row: etree._Element
            ) -> Iterator[tuple[etree._Element, Substance, str, str, str, str]]:
        kind = child_text(row, "IdentificationTypeCode")
        if kind is not None and kind.upper() not in COMMODITY_TYPES:
            return
        id_el = next((c for c in row if local(c) == "ID"), None)
        value = text(id_el)
        if id_el is None or value is None:
            return
        digits = value.replace(".", "").replace(" ", "")
        if len(digits) < 4 or not digits.isdigit():
            return
        for code, substance in self._compiled.hs_matches(digits):
            depth = min(len(code), len(digits))
            level = ALERT if depth >= 6 else REVIEW
            what = "subheading" if depth == 6 else ("heading" if depth == 4 else "code")
            yield (id_el, substance, "hs", value, level,
                   (f"commodity code {value} ({kind or 'no type'}) matches HS {what} "
                   f"{code[:depth]} listed for {substance.name} ({_source(substance)})"))

    def _cas(self, element: etree._Element, value: str
             ) -> Iterator[tuple[etree._Element, Substance, str, str, str, str]]:
        for match in _CAS.finditer(value):
            number = match.group(0)
            if not casrn.is_valid(number):
                continue
            for substance in self._compiled.by_cas.get(number, ()):
                level, note = _concentration(value, substance, ALERT)
                yield (element, substance, "cas", number, level,
                       (f"CAS RN {number} (check digit valid) is {substance.name} "
                       f"({_source(substance)}){note}"))

    def _names(self, element: etree._Element, value: str
               ) -> Iterator[tuple[etree._Element, Substance, str, str, str, str]]:
        compiled = self._compiled
        for match in _UN_TEXT.finditer(value):
            for substance in compiled.by_un.get(match.group(1), ()):
                yield (element, substance, "un", match.group(0), ALERT,
                       (f"{match.group(0)} is listed for {substance.name} "
                       f"({_source(substance)})"))
        for hit in compiled.names.find(value):
            listed = self.watchlist.get(hit.phrase.substance)
            if listed is None:
                continue
            level, why = _name_level(hit, listed)
            level, note = _concentration(value, listed, level)
            yield element, listed, "name", hit.text, level, why + note


def _cas_candidates(text: str, listed: Container[str]) -> Iterator[str]:
    """Listed CAS numbers that may occur in ``text`` (all the texts of a message run
    together, so a number's neighbours may touch it: every 2-7 digit ending before a
    ``-dd-d`` is tried). Linear: anchored on the rare ``-dd-d`` part."""
    seen: set[str] = set()
    for match in _CAS_TAIL.finditer(text):
        start = match.start()
        first = start
        while first > 0 and start - first < 7 and text[first - 1].isdigit():
            first -= 1
        tail = match.group(0)
        for begin in range(first, start - 1):
            number = text[begin:start] + tail
            if number in listed and number not in seen:
                seen.add(number)
                yield number


def _goods_parent(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and local(parent) in _NAMED_GOODS


def _source(substance: Substance) -> str:
    return f"source {substance.source or substance.origin}"


def _name_level(hit: NameHit, substance: Substance) -> tuple[str, str]:
    phrase = hit.phrase
    kind = phrase.kind.replace("_", " ")
    if not hit.fuzzy:
        return ALERT, (f"{hit.text!r} is the {kind} {phrase.text!r} of {substance.name} "
                       f"({_source(substance)})")
    spelled = ", ".join(f"{written!r} read as {read!r}" for written, read in hit.fuzzy)
    strong = len(phrase.words) >= 2 and hit.distance <= len(hit.fuzzy) and \
        len(hit.fuzzy) < len(phrase.words)
    level = ALERT if strong else REVIEW
    return level, (f"{hit.text!r} is a near spelling of the {kind} {phrase.text!r} of "
                   f"{substance.name} ({spelled}; {_source(substance)})")


def _concentration(value: str, substance: Substance, level: str) -> tuple[str, str]:
    """Downgrade to review when every stated percentage is at or below the limit value."""
    threshold = substance.threshold
    if threshold is None:
        return level, ""
    stated = [float(m.group(1).replace(",", ".")) for m in _PERCENT.finditer(value)]
    if not stated:
        return level, f"; limit value {threshold.describe()}, no concentration stated"
    if max(stated) <= threshold.percent:
        return REVIEW, (f"; stated concentration {max(stated):g} % is at or below the limit "
                        f"value {threshold.describe()}")
    return level, (f"; stated concentration {max(stated):g} % is above the limit value "
                  f"{threshold.describe()}")


class ScreeningValidator(Validator):
    """A :class:`~tradestd.validation.Validator` whose layers are syntax and screening.

    Screening works on local names whatever the schema: detection is attempted and its
    failure is no issue, and the schema layer runs only for JSON messages (their
    conversion to XML needs it). With ``with_validation`` set, every layer of ``tradestd
    validate`` runs too (the rules of a :class:`ScreenLayer` built with ``rules``).
    """

    with_validation: bool = False

    def validate_document(self, doc: XmlDocument) -> Report:
        if self.with_validation:
            return super().validate_document(doc)
        if not doc.ok or self.rules is None:
            return Report(doc.name, tuple(doc.issues), None, (Layer.SYNTAX,))
        assert doc.root is not None
        message_type = self.message_type
        if message_type is None and self.schema_set is None:
            try:
                message_type = self.registry.detect(doc.root)
            except DetectionError:
                message_type = None
        issues = [*doc.issues, *self.rules.check(doc, doc.locator(), message_type)]
        label = message_type.key if message_type else (self.schema_set.name if self.schema_set
                                                       else None)
        return Report(doc.name, tuple(issues), label, (Layer.SYNTAX, Layer.RULES),
                      self.rules.packs_for(message_type))


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """The screening of one message (or one record of a batch)."""

    path: str
    hits: tuple[Hit, ...] = ()
    issues: tuple[Issue, ...] = ()  # problems reading the message (not hits)
    message_type: str | None = None
    record: int | None = None
    record_line: int | None = None

    @classmethod
    def from_report(cls, report: Report, record: int | None = None,
                    record_line: int | None = None) -> ScreenResult:
        hits = tuple(i for i in report.issues if isinstance(i, Hit))
        others = tuple(i for i in report.issues if not isinstance(i, Hit))
        return cls(report.source, hits, others, report.message_type, record, record_line)

    @property
    def facts(self) -> ShipmentFacts | None:
        return next((h.facts for h in self.hits if h.facts is not None), None)

    @property
    def alerts(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.level == ALERT)

    @property
    def level(self) -> str | None:
        """``alert``, ``review`` or ``None`` (no hit)."""
        if self.alerts:
            return ALERT
        return REVIEW if self.hits else None

    @property
    def ok(self) -> bool:
        """No error besides hits: the message was read (and, when validated, is valid)."""
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def report(self) -> Report:
        """As a :class:`Report` (hits are issues), for the text/SARIF/HTML reporters."""
        return Report(self.path, (*self.issues, *self.hits), self.message_type,
                      (Layer.SYNTAX, Layer.RULES), (PACK_REF,))

    def to_dict(self) -> dict[str, Any]:
        """One entry of the JSON report's ``results``."""
        facts = self.facts
        data: dict[str, Any] = {"path": self.path}
        if self.record is not None:
            data["record"] = self.record
            data["record_line"] = self.record_line
        data.update({
            "message_type": self.message_type,
            "message_id": facts.message_id if facts else None,
            "level": self.level,
            "hits": [h.to_dict() for h in sorted(self.hits, key=lambda h: h.sort_key)],
            "issues": [i.to_dict() for i in self.issues],
            "shipment": facts.to_dict() if facts else None,
        })
        return data


@dataclass
class Screener:
    """Screens messages against a watch list. Build once, call per message; thread-safe.

    ``schema`` is optional: a bundled id, a :class:`MessageType` or a :class:`SchemaSet`
    (needed to read JSON messages of a schema that is not bundled); XML is screened by
    local names whatever its schema.
    """

    watchlist: Watchlist | None = None
    suppressions: Sequence[Suppression] = ()
    schema: str | MessageType | SchemaSet | None = None
    limits: Limits = DEFAULT_LIMITS
    registry: Registry = field(default_factory=bundled_registry)
    #: Also run every layer of ``tradestd validate`` (schema, and these rules: by default
    #: the bundled packs of bundled types), sharing the parse and the index.
    validate: bool = False
    rules: RuleRunner | None = None
    _validator: ScreeningValidator | None = field(default=None, init=False, repr=False)

    @property
    def validator(self) -> ScreeningValidator:
        if self._validator is None:
            rules = (self.rules or RuleRunner()) if self.validate else None
            layer = ScreenLayer(self.watchlist, self.suppressions, rules=rules)
            self.watchlist = layer.watchlist
            validator = ScreeningValidator(registry=self.registry, limits=self.limits,
                                           rules=layer)
            validator.with_validation = self.validate
            if isinstance(self.schema, SchemaSet):
                validator.schema_set = self.schema
            elif isinstance(self.schema, MessageType):
                validator.message_type = self.schema
            elif isinstance(self.schema, str):
                validator.message_type = self.registry.get(self.schema)
            self._validator = validator
        return self._validator

    def screen(self, source: Source) -> ScreenResult:
        """One message: a path, bytes, XML/JSON text or a binary stream."""
        return ScreenResult.from_report(self.validator.validate(source))

    def screen_bytes(self, data: bytes, name: str = "<bytes>") -> ScreenResult:
        """One message held in memory (XML or JSON), reported under ``name``."""
        return replace(self.screen(data), path=name)

    def screen_document(self, doc: XmlDocument) -> ScreenResult:
        return ScreenResult.from_report(self.validator.validate_document(doc))

    def iter_screen(self, source: BatchSource, *, record: str | None = None
                    ) -> Iterator[ScreenResult]:
        """A batch file record by record (XML or JSON Lines), hits on the batch's lines."""
        stream = self.validator.iter_validate(source, record=record)
        with suppress(NoRecordsError):  # why is in summary.issues, yielded below
            for report in stream:
                yield ScreenResult.from_report(report.report, report.index, report.line)
        if stream.summary.issues:
            yield ScreenResult(stream.summary.source, (), tuple(stream.summary.issues))


def summary(results: Iterable[ScreenResult], fail_on: str = ALERT) -> dict[str, Any]:
    counts = {"messages": 0, "alert": 0, "review": 0, "clear": 0, "invalid": 0,
              "hits": 0, "alerts": 0, "reviews": 0}
    for result in results:
        counts["messages"] += 1
        counts[result.level or "clear"] += 1
        counts["invalid"] += 0 if result.ok else 1
        counts["hits"] += len(result.hits)
        counts["alerts"] += len(result.alerts)
        counts["reviews"] += len(result.hits) - len(result.alerts)
    counts["failed"] = counts["alert"] + (counts["review"] if fail_on == REVIEW else 0) + \
        counts["invalid"]
    return counts


def screen_report(results: Sequence[ScreenResult], *, watchlist: Watchlist | None = None,
                  fail_on: str = ALERT, tool_version: str = "",
                  drafts: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The full JSON report (``version`` 1): results, summary, the list used, drafts."""
    data: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "tradestd", "version": tool_version},
        "fail_on": fail_on,
        "watchlist": watchlist.describe() if watchlist is not None else None,
        "results": [r.to_dict() for r in results],
        "summary": summary(results, fail_on),
    }
    if drafts:
        data["drafts"] = list(drafts)
    return data
