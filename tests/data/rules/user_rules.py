"""A user's own rules, loaded with ``--rules tests/data/rules/user_rules.py`` (test data)."""

from collections.abc import Iterator

from tradestd.rules import Finding, MessageView, child, rule, text

PACK_ID = "acme"
PACK_VERSION = "2.3"
PACK_EFFECTIVE_FROM = "2026-01-01"


@rule("ACME-DESC-001", "warning", "Goods descriptions are at least 10 characters")
def long_descriptions(msg: MessageView) -> Iterator[Finding]:
    for description in msg.all("Description"):
        value = text(description) or ""
        if len(value) < 10:
            yield Finding(description, f"Description {value!r} is shorter than 10 characters")


@rule("ACME-BROKEN-001", "info", "A rule with a bug", families=["declaration"])
def broken(msg: MessageView) -> Iterator[Finding]:
    item = child(msg.payload, "NoSuchElement")
    yield Finding(msg.payload, f"{item.text}")  # raises: item is None
