"""User rules in ISO Schematron, run through lxml's ``isoschematron``.

Each ``sch:assert`` / ``sch:report`` is one rule: its ``@id`` is the rule id (one is
assigned, ``<PACK>-<n>``, where it has none), ``@role`` the severity (``error``,
``warning``/``warn``, ``info``; ``fatal`` is an error) and its text the title. The SVRL
report's ``location`` XPaths are resolved back to elements, so the issues carry the
same line, column and path as those of Python rules.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, isoschematron

from ..intake import load_xml
from ..issues import RulePackRef, Severity
from .engine import Finding, Outcome, Rule, RulePackError, file_digest
from .view import MessageView

__all__ = ["SchematronPack", "load_schematron"]

SCH = "http://purl.oclc.org/dsdl/schematron"
SVRL = "http://purl.oclc.org/dsdl/svrl"
_ROLES = {"error": Severity.ERROR, "fatal": Severity.ERROR, "warning": Severity.WARNING,
          "warn": Severity.WARNING, "info": Severity.INFO, "information": Severity.INFO}


def _evaluated_by_pack(msg: MessageView) -> Iterable[Finding]:
    """Schematron rules are evaluated together by their pack, not one by one."""
    return ()


@dataclass(frozen=True)
class SchematronPack:
    """A compiled Schematron schema acting as a rule pack."""

    id: str
    version: str
    rules: tuple[Rule, ...]
    schema: isoschematron.Schematron
    digest: str
    #: ``Schematron`` keeps its last report on the object: one validation at a time.
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def ref(self) -> RulePackRef:
        return RulePackRef(self.id, self.version, None, self.digest)

    def run(self, msg: MessageView, enabled: Callable[[str], bool]) -> Iterator[Outcome]:
        by_id = {r.id: r for r in self.rules}
        tree = msg.root.getroottree()
        problem: str | None
        with self.lock:
            try:
                self.schema.validate(tree)
            except (etree.XSLTApplyError, etree.XPathError) as exc:
                report, problem = None, f"Schematron pack {self.id} failed to run: {exc}"
            else:
                report, problem = self.schema.validation_report, None
        if problem is not None:
            yield Outcome(self.rules[0], msg.payload, problem, crashed=True)
        if report is None:
            return
        for entry in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
            found = by_id.get(entry.get("id", ""))
            if found is None or not enabled(found.id):
                continue
            yield Outcome(found, _element_at(tree, entry.get("location", "")), _message(entry))


def _element_at(tree: etree._ElementTree, location: str) -> etree._Element | None:
    try:
        hits = tree.xpath(location)
    except etree.XPathError:
        return None
    if isinstance(hits, list) and hits and isinstance(hits[0], etree._Element):
        return hits[0]
    return None


def _message(entry: etree._Element) -> str:
    node = entry.find(f"{{{SVRL}}}text")
    words = "".join(node.itertext()).split() if node is not None else []
    return " ".join(words) or f"Schematron test failed: {entry.get('test', '')}"


def _pack_id(root: etree._Element, path: Path) -> str:
    return root.get("id") or re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem)


def _collect_rules(root: etree._Element, pack_id: str) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    prefix = re.sub(r"[^A-Z0-9]+", "-", pack_id.upper()).strip("-") or "SCH"
    checks = root.iter(f"{{{SCH}}}assert", f"{{{SCH}}}report")
    for number, check in enumerate(checks, start=1):
        rule_id = check.get("id") or f"{prefix}-{number:03d}"
        check.set("id", rule_id)  # so that the SVRL report names it
        role = (check.get("role") or "error").lower()
        severity = _ROLES.get(role)
        if severity is None:
            raise RulePackError(f"rule {rule_id}: unknown role {role!r}; use error, warning "
                                "or info")
        title = " ".join("".join(check.itertext()).split()) or check.get("test", "")
        rules.append(Rule(rule_id, severity, title, _evaluated_by_pack))
    if not rules:
        raise RulePackError("the Schematron schema has no assert or report")
    return tuple(rules)


def load_schematron(path: Path) -> SchematronPack:
    """Compile an ISO Schematron file as a rule pack (id from ``@id`` or the file name)."""
    doc = load_xml(path)
    if not doc.ok or doc.root is None or doc.tree is None:
        reason = doc.issues[0].message if doc.issues else "cannot be read"
        raise RulePackError(f"{path}: {reason}")
    root = doc.root
    if root.tag != f"{{{SCH}}}schema":
        raise RulePackError(f"{path}: not an ISO Schematron schema (root must be "
                            f"{{{SCH}}}schema)")
    pack_id = _pack_id(root, path)
    try:
        rules = _collect_rules(root, pack_id)
        schema = isoschematron.Schematron(doc.tree, store_report=True)
    except RulePackError as exc:
        raise RulePackError(f"{path}: {exc}") from None
    except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
        raise RulePackError(f"{path}: Schematron does not compile: {exc}") from None
    version = root.get("schemaVersion") or "0"
    return SchematronPack(pack_id, version, rules, schema, file_digest(path))
