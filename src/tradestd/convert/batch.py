"""Converting files: choosing targets, checking inputs, writing outputs atomically.

Used by ``tradestd convert``; every failure is a :class:`~tradestd.issues.Report`
with issues, never an exception, so one bad file does not stop a batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..atomicfile import write_atomic
from ..inputs import NoInputsError, files_in, no_inputs_reason
from ..intake import DEFAULT_LIMITS, Limits, load_xml
from ..issues import Issue, Layer, Report, Severity
from ..registry import DetectionError, MessageType, Registry
from ..schemaset import SchemaSet
from .jsonintake import load_json
from .jsontext import json_bytes
from .plan import plan_for
from .to_json import element_to_data
from .validate import check_and_convert
from .values import ConversionError

__all__ = ["SOURCE_SUFFIXES", "Converter", "Job", "Outcome", "plan_jobs", "write_atomic",
           "write_outcome"]

SOURCE_SUFFIXES = {"json": (".xml",), "xml": (".json",), None: (".xml", ".json")}


@dataclass(frozen=True, slots=True)
class Job:
    """One file to convert: ``target`` None means standard output."""

    source: str
    target: Path | None
    to: str  # "json" or "xml"
    data: bytes | None = None  # the message itself when it is not a file (``source`` names it)


@dataclass(frozen=True, slots=True)
class Outcome:
    job: Job
    report: Report
    output: bytes | None = None

    @property
    def converted(self) -> bool:
        return self.output is not None


def _direction(path: str, to: str | None) -> str:
    if to:
        return to
    return "xml" if path.lower().endswith(".json") else "json"


def plan_jobs(inputs: Sequence[str], output: str | None, to: str | None) -> list[Job]:
    """Targets for the inputs. Several inputs or a directory need ``output`` as a
    directory; relative names are kept with the new extension. One input goes into
    ``output`` when it is a directory or ends with ``/``, else to that file name.
    Raises ValueError (:class:`~tradestd.inputs.NoInputsError` when the folders hold
    nothing to convert)."""
    expanded: list[tuple[str, Path | None]] = []  # (file, path relative to its directory)
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            found = files_in(path, SOURCE_SUFFIXES[to])
            expanded.extend((str(p), p.relative_to(path)) for p in found)
        else:
            expanded.append((item, None if item == "-" else Path(path.name)))
    if not expanded:  # only folders, none with a file to convert
        raise NoInputsError(no_inputs_reason(inputs, SOURCE_SUFFIXES[to]))
    several = len(inputs) > 1 or any(item != "-" and Path(item).is_dir() for item in inputs)
    if several and not output:
        raise ValueError("several inputs or a directory need -o DIRECTORY")
    if several and output and Path(output).is_file():
        raise ValueError(f"-o {output} is a file; several inputs need a directory")
    jobs = []
    for source, relative in expanded:
        direction = _direction(source, to)
        if several:
            assert output is not None and relative is not None
            target: Path | None = Path(output) / relative.with_suffix("." + direction)
        elif output:
            out = Path(output)
            as_directory = out.is_dir() or output.endswith(("/", os.sep))
            target = out / Path(source).with_suffix("." + direction).name if as_directory \
                else out
        else:
            target = None
        jobs.append(Job(source, target, direction))
    return jobs


@dataclass
class Converter:
    """Converts files with one schema set, or with the type detected per file."""

    registry: Registry
    schema_set: SchemaSet | None = None
    message_type: MessageType | None = None
    limits: Limits = DEFAULT_LIMITS
    indent: int | None = None

    def _resolve(self, detect: object) -> tuple[SchemaSet, MessageType | None]:
        if self.schema_set is not None:
            return self.schema_set, self.message_type
        if self.message_type is not None:
            return self.message_type.schema_set(), self.message_type
        found = self.registry.detect_json(detect) if not isinstance(detect, etree._Element) \
            else self.registry.detect(detect)
        return found.schema_set(), found

    def run(self, job: Job) -> Outcome:
        """Convert ``job`` and write its target (see :func:`write_outcome`)."""
        return write_outcome(self.convert(job))

    def convert(self, job: Job) -> Outcome:
        """Convert ``job`` in memory; nothing is written."""
        return self.to_json(job) if job.to == "json" else self.to_xml(job)

    def to_json(self, job: Job) -> Outcome:
        # XSD validation and the JSON both ignore comments and processing instructions
        doc = load_xml(_input(job), self.limits, comments=False)
        if not doc.ok or doc.root is None:
            return Outcome(job, Report(doc.name, tuple(doc.issues), None, (Layer.SYNTAX,)))
        try:
            schema_set, message_type = self._resolve(doc.root)
        except DetectionError as exc:
            return _failed(job, doc.name, "MESSAGE_TYPE_UNKNOWN", str(exc), doc.root.sourceline)
        label = message_type.key if message_type else schema_set.name
        issues = list(doc.issues) + schema_set.schema_issues(doc)
        if doc.envelope:
            issues.append(Issue("SOAP_NOT_CONVERTED", Severity.INFO, Layer.SYNTAX,
                                f"the {doc.envelope} envelope is transport and is not "
                                "converted: the output holds the message in its Body"))
        report = Report(doc.name, tuple(issues), label, (Layer.SYNTAX, Layer.SCHEMA))
        if not report.valid:
            return Outcome(job, report)
        try:
            data = element_to_data(plan_for(schema_set), doc.root)
        except ConversionError as exc:
            return _failed(job, doc.name, "CONVERSION_FAILED", exc.reason, exc.line)
        return Outcome(job, report, json_bytes(data, indent=self.indent) + b"\n")

    def to_xml(self, job: Job) -> Outcome:
        doc = load_json(_input(job), self.limits)
        if not doc.ok:
            return Outcome(job, Report(doc.name, tuple(doc.issues), None, (Layer.SYNTAX,)))
        try:
            schema_set, message_type = self._resolve(doc.data)
        except DetectionError as exc:
            return _failed(job, doc.name, "MESSAGE_TYPE_UNKNOWN", str(exc), 1)
        label = message_type.key if message_type else schema_set.name
        issues, xml = check_and_convert(doc, schema_set, message_type)
        report = Report(doc.name, tuple(issues), label, (Layer.SYNTAX, Layer.SCHEMA))
        if xml is None or xml.root is None or not report.valid:
            return Outcome(job, report)
        root = xml.root
        if self.indent:
            etree.indent(root, space=" " * self.indent)
        output = etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
        return Outcome(job, report, output)


def write_outcome(outcome: Outcome) -> Outcome:
    """Write a converted output to its job's target atomically; a write that fails
    becomes an ``OUTPUT_UNWRITABLE`` issue on the outcome (standard output: no-op)."""
    job = outcome.job
    if outcome.output is not None and job.target is not None:
        try:
            write_atomic(job.target, outcome.output)
        except OSError as exc:
            issue = Issue("OUTPUT_UNWRITABLE", Severity.ERROR, Layer.INTAKE,
                          f"cannot write {job.target}: {exc.strerror or exc}")
            return Outcome(job, outcome.report.with_issues(outcome.report.issues + (issue,)))
    return outcome
def _input(job: Job) -> str | bytes:
    return job.data if job.data is not None else job.source


def _failed(job: Job, name: str, code: str, message: str, line: int | None) -> Outcome:
    issue = Issue(code, Severity.ERROR, Layer.SCHEMA, message, line)
    return Outcome(job, Report(name, (issue,), None, (Layer.SYNTAX,)))
