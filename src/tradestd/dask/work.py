"""What runs inside a Dask worker: plain functions over a picklable :class:`Job`.

Nothing here imports Dask, so the same functions run (and are tested) in any process.
A worker process builds its :class:`~tradestd.validation.Validator` once per job (the
schema set compiled from the shipped :class:`~tradestd.dask.files.FileSet`) and keeps it
for every later task of that job. Every message ends in a plain dict, the shape of the
JSON report v1 (``Report.to_dict``); a crash while checking one message becomes that
message's ``INTERNAL_ERROR`` issue, exactly as in a local run.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..batch import ValidatorOptions, _internal_error, _Task, _validate_one
from ..config import RuleSettings
from ..convert.batch import Converter, Outcome, write_atomic
from ..convert.batch import Job as ConvertJob
from ..intake import Limits
from ..issues import Issue, Layer, Report, Severity
from ..reconcile.extract import Excluded, Extractor, Shipment
from ..registry import bundled_registry
from ..schemaset import load_schema_set
from ..screen import ScreenResult
from ..screen.options import ScreenOptions
from ..stream.results import NoRecordsError, RecordReport
from ..validation import Validator
from ..wco.translate import TranslateOptions
from .files import FileSet

__all__ = ["EXTRACTED", "REPORTS", "SCREENED", "SCREEN_DICTS", "TRANSLATED", "Job",
           "Reconciling", "Screening", "Shape", "Translating", "Unit", "convert_jobs",
           "excluded_of", "extract_units", "internal_error", "job_for", "run_units",
           "write_partition"]

#: The shipped copies of rule files and schema sets are compiled once per worker process.
_BUILT: dict[str, Validator] = {}
_BUILT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Screening:
    """What makes a job screen rather than validate: the user's watch lists (each with
    the name the client knows it by) and suppress lists travel as :class:`FileSet`."""

    watchlists: tuple[tuple[str, FileSet], ...] = ()
    bundled: bool = True
    suppress: tuple[FileSet, ...] = ()
    validate: bool = False

    @classmethod
    def from_options(cls, options: ScreenOptions) -> Screening:
        return cls(tuple((name, FileSet.from_paths([name])) for name in options.watchlists),
                   options.bundled, tuple(FileSet.from_paths([p]) for p in options.suppress),
                   options.validate)


@dataclass(frozen=True)
class Translating:
    """What makes a job translate (``tradestd translate``): the source schema (a bundled
    id, or XSDs shipped as a :class:`FileSet`; neither: detected per message) and the
    mapping file. The job's own schema is the target."""

    from_schema: str | None = None
    from_files: FileSet | None = None
    mapping: FileSet | None = None

    @classmethod
    def from_options(cls, options: TranslateOptions) -> Translating:
        files = None
        if options.from_xsd:
            source = load_schema_set(list(options.from_xsd))
            files = FileSet.from_paths(source.files, source.all_files)
        return cls(None if files else options.from_schema, files,
                   FileSet.from_paths([options.map_file]) if options.map_file else None)


@dataclass(frozen=True)
class Reconciling:
    """What makes a job read shipments for ``tradestd reconcile``: the side and whether
    every goods line counts (the screening recipe is the job's own)."""

    side: str
    all_goods: bool = False


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to check messages: a picklable recipe, no paths of the
    client's machine (schema sets, rule files, watch and suppress lists travel as
    :class:`FileSet` values). With ``screening``, the worker screens (``tradestd screen``)."""

    schema_id: str | None = None
    schema_files: FileSet | None = None
    rule_packs: tuple[str | FileSet, ...] = ()
    rule_settings: RuleSettings = field(default_factory=RuleSettings)
    max_bytes: int | None = None
    screening: Screening | None = None
    translating: Translating | None = None
    reconciling: Reconciling | None = None

    @classmethod
    def from_options(cls, options: ValidatorOptions | ScreenOptions | TranslateOptions
                     ) -> Job:
        """The job of a local recipe (``--schema``/``--xsd``, rule packs, settings; for
        screening the watch and suppress lists too; for translating, the target's and
        the source's)."""
        if isinstance(options, TranslateOptions):
            return replace(cls.from_options(options.target),
                           translating=Translating.from_options(options))
        job = job_for(options.schema_id, options.xsd, options.rule_packs,
                      options.rule_settings, options.max_bytes)
        if isinstance(options, ScreenOptions):
            return replace(job, screening=Screening.from_options(options))
        return job

    @cached_property
    def key(self) -> str:
        """Names this job's validator in a worker's cache (computed once per object: a
        worker gets one copy of the job for all its partitions, see
        :func:`~tradestd.dask.client.shared`)."""
        return hashlib.sha256(pickle.dumps(self)).hexdigest()

    def options(self) -> ValidatorOptions | ScreenOptions | TranslateOptions:
        """The local recipe, with shipped files unpacked on this machine."""
        xsd = tuple(str(p) for p in self.schema_files.materialize()) if self.schema_files \
            else ()
        packs = tuple(_local(p) if isinstance(p, FileSet) else p for p in self.rule_packs)
        schema_id = None if xsd else self.schema_id
        t = self.translating
        if t is not None:
            source = tuple(str(p) for p in t.from_files.materialize()) if t.from_files \
                else ()
            return TranslateOptions(
                ValidatorOptions(schema_id, xsd, self.max_bytes, packs, self.rule_settings),
                t.from_schema, source, _local(t.mapping) if t.mapping else None)
        s = self.screening
        if s is None:
            return ValidatorOptions(schema_id, xsd, self.max_bytes, packs, self.rule_settings)
        return ScreenOptions(schema_id, xsd, self.max_bytes,
                             tuple(_local(f) for _, f in s.watchlists), s.bundled,
                             tuple(_local(f) for f in s.suppress), s.validate, packs,
                             self.rule_settings, tuple(name for name, _ in s.watchlists))

    def validator(self) -> Validator:
        key = self.key
        with _BUILT_LOCK:
            built = _BUILT.get(key)
            if built is None:
                built = _BUILT[key] = self.options().build()
            return built

    @property
    def limits(self) -> Limits:
        return Limits(max_bytes=self.max_bytes) if self.max_bytes else Limits()


def _local(files: FileSet) -> str:
    """A single shipped file, unpacked on this machine."""
    return str(files.materialize()[0])


@dataclass(frozen=True)
class Unit:
    """One piece of work: a message file, or one share of a batch file's records
    (the records whose index is ``share[0]`` modulo ``share[1]``)."""

    path: str
    record: str | None = None  # None: a whole message; "auto" or a name: a batch
    share: tuple[int, int] = (0, 1)

    @property
    def batch(self) -> bool:
        return self.record is not None


def report_dict(report: Report) -> dict[str, Any]:
    return report.to_dict()


def record_dict(path: str, record: RecordReport) -> dict[str, Any]:
    """A record's report with the batch it came from and where it was read."""
    return {"path": path, **record.to_dict(), "offset": record.offset}


def screen_message(report: Report) -> ScreenResult:
    return ScreenResult.from_report(report)


def screen_record(path: str, record: RecordReport) -> ScreenResult:
    return ScreenResult.from_report(record.report, record.index, record.line)


def screen_message_dict(report: Report) -> dict[str, Any]:
    return screen_message(report).to_dict()


def screen_record_dict(path: str, record: RecordReport) -> dict[str, Any]:
    return screen_record(path, record).to_dict()


@dataclass(frozen=True)
class Shape:
    """What a worker hands back for a message's report and for a batch record's report
    (module-level functions, so a shape pickles by name)."""

    name: str
    message: Callable[[Report], Any]
    record: Callable[[str, RecordReport], Any]


#: Validation: JSON report v1 dicts (``Report.to_dict``), records with path and offset.
REPORTS = Shape("validate", report_dict, record_dict)
#: Screening, as plain dicts (``ScreenResult.to_dict``).
SCREEN_DICTS = Shape("screen", screen_message_dict, screen_record_dict)
#: Screening, as :class:`~tradestd.screen.ScreenResult` values (what the CLI renders).
SCREENED = Shape("screened", screen_message, screen_record)


def translated_message(report: Report) -> Report:
    """A translation's report as it is: a :class:`~tradestd.wco.translate.TranslationReport`
    (or the ``INTERNAL_ERROR`` report of a crash)."""
    return report


def translated_record(path: str, record: RecordReport) -> RecordReport:
    return record


#: Translation: the reports with their translations (what ``tradestd translate`` writes).
TRANSLATED = Shape("translated", translated_message, translated_record)


def run_units(job: Job, units: Sequence[Unit], shape: Shape = REPORTS) -> list[Any]:
    """Check (or screen) every unit; a message file gives one result, a batch share gives
    a result per checked record and then one ``{"path", "batch": {...}}`` dict with the
    batch's facts. ``shape`` says what a result is."""
    validator = job.validator()
    out: list[Any] = []
    for unit in units:
        if unit.batch:
            out.extend(_share(validator, unit, shape))
        else:
            out.append(shape.message(_validate_one(validator, _Task(unit.path))))
    return out


def _share(validator: Validator, unit: Unit, shape: Shape) -> Iterator[Any]:
    record = None if unit.record == "auto" else unit.record
    stream = validator.iter_validate(unit.path, record=record, share=unit.share)
    try:
        for report in stream:
            yield shape.record(unit.path, report)
    except NoRecordsError:
        pass  # why is in the summary's issues, sent below with the batch
    except Exception as exc:  # noqa: BLE001 - a crash ends this share as the batch's issue
        stream.summary.issues.append(Issue(
            "INTERNAL_ERROR", Severity.ERROR, Layer.INTAKE,
            f"tradestd failed while streaming this batch ({type(exc).__name__}: {exc}); "
            "the batch was not checked to its end, please report it"))
    s = stream.summary
    yield {"path": unit.path, "batch": {
        "share": list(unit.share), "record_element": s.record_tag, "bytes": s.bytes_read,
        "size": s.size, "source": s.source, "issues": [i.to_dict() for i in s.issues]}}


def internal_error(unit: Unit, detail: str, shape: Shape = REPORTS) -> Any:
    """The report of a unit that killed every worker it ran on."""
    if unit.batch:
        issue = Issue("INTERNAL_ERROR", Severity.ERROR, Layer.INTAKE,
                      f"a worker process died while checking this batch ({detail}); "
                      "the batch was not checked to its end, please report it")
        return {"path": unit.path, "batch": {
            "share": list(unit.share), "record_element": None, "bytes": 0, "size": None,
            "source": unit.path, "issues": [issue.to_dict()]}}
    return shape.message(_internal_error(_Task(unit.path), detail))


# -- reconciliation -------------------------------------------------------------------

_EXTRACTORS: dict[str, Extractor] = {}


def excluded_of(report: Report) -> Excluded:
    """The exclusion of a message whose reading crashed or killed its workers."""
    error = next((i for i in report.issues if i.severity is Severity.ERROR), None)
    return Excluded(report.source, error.message if error else "it could not be read")


def _excluded_record(path: str, record: RecordReport) -> Excluded:
    return excluded_of(record.report)


#: Reconciliation: :class:`~tradestd.reconcile.Shipment` or ``Excluded`` per message.
EXTRACTED = Shape("extracted", excluded_of, _excluded_record)


def extract_units(job: Job, units: Sequence[Unit], shape: Shape = EXTRACTED
                  ) -> list[Shipment | Excluded]:
    """Read the shipment of every message (``tradestd reconcile --dask``); the extractor
    is built once per job and worker process."""
    assert job.reconciling is not None, "a reconcile job"
    with _BUILT_LOCK:
        extractor = _EXTRACTORS.get(job.key)
        if extractor is None:
            options = job.options()
            assert isinstance(options, ScreenOptions)
            extractor = _EXTRACTORS[job.key] = Extractor.from_recipe(
                job.reconciling.side, options, job.reconciling.all_goods)
    out: list[Shipment | Excluded] = []
    for unit in units:
        try:
            out.append(extractor.read(unit.path))
        except Exception as exc:  # noqa: BLE001 - a crash is this message's exclusion
            out.append(shape.message(_internal_error(_Task(unit.path),
                                                     f"{type(exc).__name__}: {exc}")))
    return out


# -- conversion -----------------------------------------------------------------------


def convert_jobs(job: Job, conversions: Sequence[ConvertJob], indent: int | None = None
                 ) -> list[Outcome]:
    """Convert each file in memory (the client writes the outputs, as a local run does)."""
    validator = job.validator()
    converter = Converter(bundled_registry(), validator.schema_set, validator.message_type,
                          job.limits, indent)
    out: list[Outcome] = []
    for conversion in conversions:
        try:
            out.append(converter.convert(conversion))
        except Exception as exc:  # noqa: BLE001 - a crash is this input's result
            out.append(Outcome(conversion, _internal_error(_Task(conversion.source),
                                                           f"{type(exc).__name__}: {exc}")))
    return out


def write_partition(job: Job, index: int, paths: Sequence[str], output: str,
                    indent: int | None = None) -> dict[str, Any]:
    """Convert a partition's XML messages to one JSON Lines file, written atomically.

    The file ``part-NNNNN.jsonl`` holds one line per converted message, in input order;
    messages that cannot be converted are listed in the returned manifest with their
    issues. The manifest's counts always satisfy ``in == out + len(failed)``.
    """
    outcomes = convert_jobs(job, [ConvertJob(p, None, "json") for p in paths])
    failed = [report_dict(o.report) for o in outcomes if o.output is None]
    lines = [_one_line(o.output) for o in outcomes if o.output is not None]
    target = Path(output) / f"part-{index:05d}.jsonl"
    if len(paths) != len(lines) + len(failed):  # pragma: no cover - an invariant
        raise AssertionError(f"partition {index}: counts in and out differ")
    manifest = {"partition": index, "file": str(target), "in": len(paths), "out": len(lines),
                "failed": failed, "sources": list(paths)}
    write_atomic(target, b"".join(lines))
    return manifest


def _one_line(output: bytes) -> bytes:
    """A converted message as one JSON Lines line (the converter may have indented it)."""
    return json.dumps(json.loads(output), ensure_ascii=False, separators=(",", ":")) \
        .encode("utf-8") + b"\n"


def job_for(schema_id: str | None, xsd: Sequence[str], rule_packs: Sequence[str],
            rule_settings: RuleSettings | None, max_bytes: int | None) -> Job:
    """A job from command-line style options: XSDs and rule files become file sets."""
    schema_files = None
    if xsd:
        schema_set = load_schema_set(list(xsd))
        schema_files = FileSet.from_paths(schema_set.files, schema_set.all_files)
    packs: list[str | FileSet] = []
    for spec in rule_packs:
        packs.append(FileSet.from_paths([spec]) if os.path.isfile(spec) else spec)
    return Job(schema_id if not xsd else None, schema_files, tuple(packs),
               rule_settings or RuleSettings(), max_bytes)

