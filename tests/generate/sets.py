"""The schema sets generation is proven on, and the measures taken on each.

Shared by ``tests/generate`` (few instances, fast) and ``benchmarks/bench_generate.py``
(1,000 instances each): every bundled message type; the uk-cds 2.3 declaration and
notification sets and uk-cds 2.12; the UBL, CII (EN 16931) and eFTI schema sets of the
corpora (``/work/shared/corpora``, skipped when absent).
"""

from __future__ import annotations

import collections
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradestd.generate import MessageFactory, coverage
from tradestd.generate.builder import Rejected
from tradestd.generate.chooser import RandomChooser
from tradestd.generate.mutants import mutants
from tradestd.intake import load_xml
from tradestd.issues import Severity
from tradestd.registry import MessageType, bundled_registry
from tradestd.rules.catalog import load_pack
from tradestd.rules.runner import RuleRunner
from tradestd.schemaset import SchemaSet, load_schema_set
from tradestd.validation import Validator

_CII = "cii/schema/D16B SCRDM (Subset)/{}/CII/uncefact/data/standard/"
#: corpus -> (label, XSD files relative to the corpus folder) generation is measured on
CORPUS_SETS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "uk-cds": [("declaration", ("xsd/declaration/DocumentMetaData_2_DMS.xsd",
                                "xsd/declaration/WCO_DEC_2_DMS.xsd")),
               ("notification", ("xsd/notification/DocumentMetaData_2_DMS.xsd",
                                 "xsd/notification/WCO_RES_2_DMS.xsd"))],
    "uk-cds-2.12": [("declaration", ("xsd/declaration/DocumentMetaData_2_DMS.xsd",
                                     "xsd/declaration/WCO_DEC_2_DMS.xsd"))],
    "ubl": [("invoice-2.1", ("xsd/_wrappers/ubl21-UBL-Invoice-2.1.xsd",)),
            ("invoice-2.1-root-Invoice", ("xsd/_wrappers/ubl21-UBL-Invoice-2.1.xsd",)),
            ("creditnote-2.1", ("xsd/_wrappers/ubl21-UBL-CreditNote-2.1.xsd",)),
            ("invoice-2.0", ("xsd/_wrappers/ubl20-UBL-Invoice-2.0.xsd",)),
            ("order-2.0", ("xsd/_wrappers/ubl20-UBL-Order-2.0.xsd",))],
    "cii-en16931": [
        ("cii-uncoupled", (_CII.format("uncoupled clm") + "CrossIndustryInvoice_100pD16B.xsd",)),
        ("cii-coupled", (_CII.format("coupled clm") + "CrossIndustryInvoice_100pD16B.xsd",)),
        ("edifact-invoic", ("edifact/schema/INVOIC_D14B_ISO20625.xsd",))],
    "efti": [("gate", ("schema/xsd/edelivery/gate.xsd",)),
             ("consignment-identifier", ("schema/xsd/consignment-identifier.xsd",)),
             ("consignment-common", ("schema/xsd/consignment-common.xsd",))],
}

#: sets measured with ``--root``: the one root their messages have (the UBL 2.1 Invoice
#: reaches the whole UBL, XML Signature and XAdES libraries through the extension wildcard)
ROOTS: dict[str, str] = {"ubl/invoice-2.1-root-Invoice": "Invoice"}

#: WCO DM sets and the packs their messages must pass
WCO_PACKS: dict[str, tuple[str, ...]] = {
    "wco-declaration": ("wco", "declaration"), "wco-cargo": ("wco",),
    "wco-response": ("wco",), "wco-precursor": ("wco",),
    "uk-cds/declaration": ("wco", "declaration"), "uk-cds/notification": ("wco",),
    "uk-cds-2.12/declaration": ("wco", "declaration"),
}


@dataclass
class Target:
    name: str
    schema_set: SchemaSet
    message_type: MessageType | None = None

    @property
    def packs(self) -> tuple[str, ...]:
        return WCO_PACKS.get(self.name, ())

    @property
    def root(self) -> str | None:
        return ROOTS.get(self.name)


def bundled_targets() -> list[Target]:
    return [Target(t.id, t.schema_set(), t) for t in bundled_registry()]


def corpus_targets(corpora: Path, names: list[str] | None = None) -> list[Target]:
    found = []
    for corpus, sets in CORPUS_SETS.items():
        for short, files in sets:
            paths = [corpora / corpus / f for f in files]
            if not all(p.is_file() for p in paths):
                continue
            label = f"{corpus}/{short}"
            if names and label not in names:
                continue
            found.append(Target(label, load_schema_set(paths)))
    return found


@dataclass
class Measures:
    name: str
    count: int = 0
    libxml2_valid: int = 0
    xmlschema_valid: int = 0
    coverage: float = 0.0
    seconds: float = 0.0
    rule_errors: collections.Counter[str] = field(default_factory=collections.Counter)
    rule_messages: int = 0
    mutants: int = 0
    mutants_exact: int = 0
    mutant_failures: list[str] = field(default_factory=list)
    invalid_examples: list[str] = field(default_factory=list)
    mean_bytes: float = 0.0
    #: baselines in the same run: single draws without steering, and validating the series
    unsteered_seconds: float = 0.0
    unsteered_count: int = 0
    unsteered_bytes: float = 0.0
    validate_seconds: float = 0.0
    #: generating the ``rules_count`` messages that pass the packs (draws, consistency
    #: pass, the packs' own check, redraws)
    rules_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"set": self.name, "messages": self.count,
                "valid_libxml2": self.libxml2_valid, "valid_xmlschema": self.xmlschema_valid,
                "coverage": round(self.coverage, 4),
                "per_second": round(self.count / self.seconds, 1) if self.seconds else None,
                "mean_bytes": round(self.mean_bytes),
                "unsteered_per_second": round(self.unsteered_count / self.unsteered_seconds, 1)
                if self.unsteered_seconds else None,
                "unsteered_mean_bytes": round(self.unsteered_bytes),
                "validate_per_second": round(self.count / self.validate_seconds, 1)
                if self.validate_seconds else None,
                "rule_messages": self.rule_messages,
                "rule_errors": dict(self.rule_errors), "mutants": self.mutants,
                "rules_per_second": round(self.rule_messages / self.rules_seconds, 1)
                if self.rules_seconds else None,
                "mutants_exact": self.mutants_exact}

    def line(self) -> str:
        rate = f"{self.count / self.seconds:.0f}/s" if self.seconds else "-"
        if self.unsteered_seconds:
            rate += (f" (mean {self.mean_bytes / 1024:.1f} KB; unsteered draws "
                     f"{self.unsteered_count / self.unsteered_seconds:.0f}/s, mean "
                     f"{self.unsteered_bytes / 1024:.1f} KB; tradestd validate of the series "
                     f"{self.count / self.validate_seconds:.0f}/s: generation runs at "
                     f"x{self.validate_seconds / self.seconds:.2f} of it)")
        rules = (f"; rules: {self.rule_messages} generated at "
                 f"{self.rule_messages / self.rules_seconds:.0f}/s and checked, "
                 f"{sum(self.rule_errors.values())} error findings") if self.rule_messages else ""
        muts = f"; mutants {self.mutants_exact}/{self.mutants} exact" if self.mutants else ""
        return (f"{self.name}: {self.count} messages, valid libxml2 {self.libxml2_valid}, "
                f"xmlschema {self.xmlschema_valid}; coverage {self.coverage:.1%}; "
                f"{rate}{rules}{muts}")


def measure(target: Target, count: int, *, seed: int = 0, rules_count: int = 0,
            mutant_count: int = 0) -> Measures:
    """Generate ``count`` messages: time, both engines' verdicts, coverage; then
    ``rules_count`` messages with the set's packs (error findings counted by the packs
    themselves) and the mutants of ``mutant_count`` of them."""
    result = Measures(target.name)
    factory = MessageFactory(target.schema_set, target.root,
                             message_type=target.message_type)
    started = time.process_time()
    produced = list(factory.messages(count, seed))
    result.seconds = time.process_time() - started
    result.count = len(produced)
    result.mean_bytes = sum(len(m.xml) for m in produced) / max(1, len(produced))
    started = time.process_time()
    for message in produced:
        target.schema_set.validate(message.xml)
    result.validate_seconds = time.process_time() - started
    unsteered = max(1, count // 5)
    started = time.process_time()
    sizes = []
    for index in range(unsteered):
        try:
            sizes.append(len(factory.draw(RandomChooser(f"u:{index}")).xml))
        except Rejected:
            continue
    result.unsteered_seconds = time.process_time() - started
    result.unsteered_count = len(sizes)
    result.unsteered_bytes = sum(sizes) / max(1, len(sizes))
    for message in produced:
        doc = load_xml(message.xml)
        first, second = target.schema_set.engine_verdicts(doc)
        result.libxml2_valid += bool(first)
        result.xmlschema_valid += second
        if not (first and second) and len(result.invalid_examples) < 3:
            result.invalid_examples.append(message.xml.decode("utf-8")[:3000])
    result.coverage = coverage(factory.reachable(), produced)
    packs = target.packs
    if packs and (rules_count or mutant_count):
        ruled = MessageFactory(target.schema_set, rules=list(packs),
                               message_type=target.message_type)
        checker = Validator(schema_set=target.schema_set,
                            rules=RuleRunner([load_pack(p) for p in packs], bundled=False))
        started = time.process_time()
        ruled_messages = list(ruled.messages(max(rules_count, mutant_count), seed))
        result.rules_seconds = time.process_time() - started
        for index, message in enumerate(ruled_messages):
            report = checker.validate(message.xml)
            result.rule_messages += 1
            for issue in report.issues:
                if issue.severity is Severity.ERROR:
                    result.rule_errors[issue.code] += 1
            if index >= mutant_count:
                continue
            for mutant in mutants(ruled.generator, message.drawn, message.xml, packs):
                result.mutants += 1
                found = [(i.code, i.line, i.path) for i in checker.validate(mutant.xml).issues
                         if i.severity is not Severity.INFO]
                if found == [(mutant.code, mutant.line, mutant.path)]:
                    result.mutants_exact += 1
                else:
                    result.mutant_failures.append(json.dumps(
                        {"kind": mutant.kind, "expected": [mutant.code, mutant.line, mutant.path],
                         "found": found}))
    return result


def generated_schema_share(examples: int, folder: Path) -> tuple[int, int, list[str]]:
    """Schemas drawn by the converter's strategies (``tests/convert``), ``examples`` of
    each kind: (compiled in both engines, all 6 generated instances valid under both,
    texts of the schemas that were not)."""
    import hashlib

    from hypothesis import HealthCheck, given, settings

    from tests.convert.roundtrip_strategies import SchemaChoice, compile_choice, schema_choices
    from tests.convert.schema_strategies import Generated, schemas
    from tradestd.schemaset import SchemaError

    counts = [0, 0]
    failures: list[str] = []

    def check(schema_set: SchemaSet, text: str) -> None:
        counts[0] += 1
        factory = MessageFactory(schema_set)
        for message in factory.messages(6, counts[0]):
            if schema_set.engine_verdicts(load_xml(message.xml)) != (True, True):
                failures.append(text)
                return
        counts[1] += 1

    run = settings(max_examples=examples, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))

    @run
    @given(schemas())
    def plain(generated: Generated) -> None:
        path = folder / (hashlib.sha256(generated.xsd.encode()).hexdigest()[:16] + ".xsd")
        path.write_text(generated.xsd, encoding="utf-8")
        try:
            schema_set = load_schema_set([path])
        except SchemaError:
            return
        check(schema_set, generated.xsd)

    @run
    @given(schema_choices())
    def round_trip(choice: SchemaChoice) -> None:
        check(compile_choice(choice, folder), choice.xsd())

    plain()
    round_trip()
    return counts[0], counts[1], failures
