"""A run with every kind of outcome, for the reporter tests: valid and invalid files
validated for real, a hostile message, a broken and a missing file, stdin, and
hand-made reports with warnings, information, rule ids and record numbers."""

from __future__ import annotations

from pathlib import Path

from sample_messages import CONSIGNMENT_XSD, consignment, write_batch

from tradestd.batch import ValidatorOptions, run_batch
from tradestd.issues import Issue, Layer, Report, Severity
from tradestd.report import RunResult

HOSTILE = "<script>alert('x')</script>"


def sample_run(folder: Path, max_issues: int | None = None) -> RunResult:
    paths = [str(p) for p in write_batch(folder / "batch", 6, items=3, invalid_every=3)]
    hostile = folder / "hostile.xml"
    hostile.write_text(consignment(7, 2, hostile=HOSTILE), encoding="utf-8")
    broken = folder / "broken.xml"
    broken.write_text("<Consignment>\n  <ID>1</ID>\n</Consign>\n", encoding="utf-8")
    inputs = paths + [str(hostile), str(broken), str(folder / "missing.xml")]
    reports = run_batch(inputs, ValidatorOptions(xsd=(str(CONSIGNMENT_XSD),)))
    reports += [_stdin_report(), _rules_report(folder / "batch" / "consignment-0001.xml")]
    return RunResult(reports, tool_version="9.9", max_issues=max_issues)


def _stdin_report() -> Report:
    issue = Issue("SCHEMA_PATTERN", Severity.ERROR, Layer.SCHEMA, "bad value on stdin", 3, 7,
                  "/Consignment/ID")
    return Report("<stdin>", (issue,), "consignment.xsd")


def _rules_report(source: Path) -> Report:
    """Rule findings on an existing file: a warning with a rule id, information, a record."""
    warning = Issue("RULE_FAILED", Severity.WARNING, Layer.RULES, "gross mass looks low, 100%,\n"
                    "check: the scale", 5, 5, "/Consignment/Item[1]/GrossMass", rule_id="CN-004")
    info = Issue("RULE_NOTE", Severity.INFO, Layer.RULES, "country DE is in the EU", 4, 3,
                 "/Consignment/Item[1]/OriginCountry", rule_id="CN-010", record=0)
    return Report(str(source), (warning, info), "consignment.xsd")
