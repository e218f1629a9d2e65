"""Validation findings as immutable values: Issue, Severity, Layer and Report.

Every layer (syntax, schema, rules) yields :class:`Issue` values; nothing in the
library raises for a problem *in the message*. Exceptions are kept for problems
in the *configuration* (an unknown schema id, an XSD that does not compile).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["EXCERPT_CHARS", "MAX_MESSAGE_CHARS", "Issue", "Layer", "Report", "RulePackRef",
           "Severity", "excerpt", "quote", "shorten_quoted"]


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: ``ERROR`` > ``WARNING`` > ``INFO``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of: error, warning, info"
            ) from None


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


#: Characters of a value that an issue message quotes; a longer value is cut to these,
#: an ellipsis and its length.
EXCERPT_CHARS = 80
#: Longest issue message; a longer one (a value quoted in a way :func:`shorten_quoted`
#: cannot see) is cut, saying so.
MAX_MESSAGE_CHARS = 1000
#: A quoted value: the opening quote follows no letter, the closing one precedes none (so
#: the prose between two quoted values is not taken for one).
#: A quote left open to the end is a value an engine cut short in its own message.
_LONG_QUOTED = re.compile(
    r"(?<![\w'])'([^']{N,})'(?![\w'])|(?<![\w\"])\"([^\"]{N,})\"(?![\w\"])"
    r"|(?<![\w'\"])['\"]([^'\"]{N,})\Z".replace("N", str(EXCERPT_CHARS + 1)))


def excerpt(value: str) -> str:
    """``value`` when short, else its first :data:`EXCERPT_CHARS` characters, an
    ellipsis and its length."""
    if len(value) <= EXCERPT_CHARS:
        return value
    return f"{value[:EXCERPT_CHARS]}\u2026 ({len(value):,} characters)"


def quote(value: object) -> str:
    """A value quoted for an issue message: ``repr`` of a short one; of a long one, the
    ``repr`` of its first :data:`EXCERPT_CHARS` characters, an ellipsis and its length."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= EXCERPT_CHARS:
        return repr(value)
    head = repr(text[:EXCERPT_CHARS]) if isinstance(value, str) else text[:EXCERPT_CHARS]
    return f"{head}\u2026 ({len(text):,} characters)"


#: A Python list printed in an engine's text: ``['a', 'b']`` (of quoted strings).
_PY_LIST = re.compile(r"\[((?:'[^']*'|\"[^\"]*\")(?:, (?:'[^']*'|\"[^\"]*\"))*)\]")
_PY_ITEM = re.compile(r"'[^']*'|\"[^\"]*\"")


def plain_lists(text: str) -> str:
    """An engine's sentence without Python list reprs: ``one of ['a', 'b']`` -> ``one of
    a, b`` (for messages engines write, whose lists a message must not print raw)."""
    return _PY_LIST.sub(lambda m: ", ".join(v[1:-1] for v in _PY_ITEM.findall(m.group(1))),
                        text)


def shorten_quoted(text: str) -> str:
    """``text`` with every value quoted in it (``'...'`` or ``"..."``) longer than
    :data:`EXCERPT_CHARS` cut as :func:`quote` does: for messages engines write."""
    if len(text) <= EXCERPT_CHARS:
        return text
    return _LONG_QUOTED.sub(_shortened, text)


def _shortened(match: re.Match[str]) -> str:
    value = match.group(1) or match.group(2)
    if value is not None:
        return quote(value)
    cut = match.group(3)  # already cut by the engine: its full length is not known
    return f"{cut[:EXCERPT_CHARS]!r}\u2026 (over {len(cut):,} characters)"


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    message = shorten_quoted(message)
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    note = f"\u2026 (message cut: {len(message):,} characters)"
    return message[:MAX_MESSAGE_CHARS - len(note)] + note


class Layer(str, enum.Enum):
    """The validation layer that produced an issue, in the order they run."""

    INTAKE = "intake"  # reading bytes: missing file, too large, unreadable
    SYNTAX = "syntax"  # well-formedness, forbidden DTD/entities/XInclude
    SCHEMA = "schema"  # XSD or JSON Schema
    RULES = "rules"  # business rules and code lists


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about one message.

    ``path`` is an XPath with positions for XML messages (``/md:MetaData/Declaration/
    GoodsShipment/GovernmentAgencyGoodsItem[2]``) and a JSON Pointer for JSON ones.
    ``line``/``column`` are 1-based and ``None`` where unknown. ``message`` is at most
    :data:`MAX_MESSAGE_CHARS` long (values quoted in it are cut to excerpts).
    """

    code: str
    severity: Severity
    layer: Layer
    message: str
    line: int | None = None
    column: int | None = None
    path: str | None = None
    rule_id: str | None = None
    record: int | None = None  # index of the record in a batch stream, 0-based

    def __post_init__(self) -> None:
        # However it was built, a message never carries a whole huge value.
        if len(self.message) > MAX_MESSAGE_CHARS:
            object.__setattr__(self, "message", _bounded(self.message))

    def with_severity(self, severity: Severity) -> Issue:
        return replace(self, severity=severity)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "layer": self.layer.value,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }
        if self.rule_id is not None:
            data["rule_id"] = self.rule_id
        if self.record is not None:
            data["record"] = self.record
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """The issue :meth:`to_dict` describes (reports that crossed a process or a network)."""
        return cls(data["code"], Severity(data["severity"]), Layer(data["layer"]),
                   data["message"], data.get("line"), data.get("column"), data.get("path"),
                   data.get("rule_id"), data.get("record"))

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.line or 0, self.column or 0, -self.severity.rank, self.code)


@dataclass(frozen=True, slots=True)
class RulePackRef:
    """Identity of a rule pack applied to a message, named in every report."""

    id: str
    version: str
    effective_from: str | None = None
    digest: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RulePackRef:
        return cls(data["id"], data["version"], data.get("effective_from"), data.get("digest"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "effective_from": self.effective_from,
            "digest": self.digest,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The verdict on one message: all issues of all layers that ran."""

    source: str
    issues: tuple[Issue, ...] = ()
    message_type: str | None = None
    layers: tuple[Layer, ...] = ()
    rule_packs: tuple[RulePackRef, ...] = field(default=())

    @property
    def valid(self) -> bool:
        """True when no issue has severity ``error``."""
        return not any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    def failed(self, fail_on: Severity = Severity.ERROR) -> bool:
        """True when some issue is at least as severe as ``fail_on``."""
        return any(i.severity.rank >= fail_on.rank for i in self.issues)

    def best_issue(self) -> Issue | None:
        """The issue a reader should see first: most severe, earliest layer, earliest line."""
        if not self.issues:
            return None
        order = list(Layer)
        return min(
            self.issues,
            key=lambda i: (-i.severity.rank, order.index(i.layer), i.line or 0, i.column or 0),
        )

    def with_issues(self, issues: Iterable[Issue]) -> Report:
        return replace(self, issues=tuple(issues))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report :meth:`to_dict` describes; ``valid`` follows from the issues."""
        return cls(data["path"], tuple(Issue.from_dict(i) for i in data.get("issues", ())),
                   data.get("message_type"), tuple(Layer(x) for x in data.get("layers", ())),
                   tuple(RulePackRef.from_dict(p) for p in data.get("rule_packs", ())))

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.source,
            "valid": self.valid,
            "message_type": self.message_type,
            "layers": [layer.value for layer in self.layers],
            "rule_packs": [p.to_dict() for p in self.rule_packs],
            "issues": [i.to_dict() for i in self.issues],
        }
