"""Validate many inputs, in worker processes when asked, with results in input order.

Each worker builds its own :class:`~tradestd.validation.Validator` once, from a
picklable :class:`ValidatorSpec` (compiled schemas never cross a process boundary),
and then validates chunks of inputs. ``-`` (stdin) is read by the calling process.

Whatever happens to one input, it gets a report: an exception while validating it
becomes an ``INTERNAL_ERROR`` issue on that input, and a worker process that dies is
replaced while its inputs are retried one by one, so only the input that kills a
worker is reported as such. Only a :class:`~tradestd.schemaset.SchemaError` (a schema
set that cannot be compiled: configuration, not input) stops the batch, raised to the
caller.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing.context import BaseContext
from typing import IO, Protocol

from .intake import Limits
from .issues import Issue, Layer, Report, Severity
from .registry import bundled_registry
from .rules import RuleRunner, RuleSettings, load_pack
from .schemaset import SchemaError, load_schema_set
from .validation import Validator

__all__ = ["STDIN", "Progress", "ValidatorOptions", "ValidatorSpec", "run_batch"]

STDIN = "-"
STDIN_NAME = "<stdin>"

#: Called after each finished input with (done, total).
Progress = Callable[[int, int], None]


class ValidatorSpec(Protocol):
    """Picklable recipe for a validator: each worker process calls ``build`` once."""

    def build(self) -> Validator: ...


@dataclass(frozen=True)
class ValidatorOptions:
    """The plain options a validator is made of (``--schema``, ``--xsd``, ``--max-bytes``,
    the extra rule packs and the rule settings)."""

    schema_id: str | None = None
    xsd: tuple[str, ...] = ()
    max_bytes: int | None = None
    rule_packs: tuple[str, ...] = ()
    rule_settings: RuleSettings = field(default_factory=RuleSettings)

    def build(self) -> Validator:
        rules = RuleRunner([load_pack(spec) for spec in self.rule_packs],
                           settings=self.rule_settings)
        validator = Validator(limits=Limits(max_bytes=self.max_bytes) if self.max_bytes
                              else Limits(), rules=rules)
        if self.xsd:
            validator.schema_set = load_schema_set(list(self.xsd))
        elif self.schema_id:
            validator.message_type = bundled_registry().get(self.schema_id)
        return validator


@dataclass(frozen=True)
class _Task:
    source: str
    data: bytes | None = None  # stdin, read by the parent


_WORKER_VALIDATOR: Validator | None = None


def process_context() -> BaseContext:
    """fork where the platform has it and the process has no other thread (forking a
    threaded process can deadlock): workers then start with the parent's compiled schema
    sets. Otherwise the platform's default start method, and workers build their own."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _init_worker(spec: ValidatorSpec) -> None:
    """Build the worker's validator, unless it was inherited warm from the parent (fork)."""
    global _WORKER_VALIDATOR
    if _WORKER_VALIDATOR is None:
        _WORKER_VALIDATOR = spec.build()


def _validate_chunk(tasks: list[_Task]) -> list[Report]:
    assert _WORKER_VALIDATOR is not None
    return [_validate_one(_WORKER_VALIDATOR, task) for task in tasks]


def _validate_one(validator: Validator, task: _Task) -> Report:
    try:
        if task.data is not None:
            return replace(validator.validate(task.data), source=STDIN_NAME)
        return validator.validate(task.source)
    except SchemaError:
        raise  # the schema set is broken (or changed on disk): a configuration error
    except Exception as exc:  # noqa: BLE001 - a crash is this input's result, not the batch's
        return _internal_error(task, f"{type(exc).__name__}: {exc}")


def _internal_error(task: _Task, detail: str) -> Report:
    name = STDIN_NAME if task.data is not None else task.source
    issue = Issue("INTERNAL_ERROR", Severity.ERROR, Layer.INTAKE,
                  f"tradestd failed while checking this input ({detail}); "
                  "the verdict is unknown, please report it")
    return Report(name, (issue,))


def run_batch(inputs: Sequence[str], spec: ValidatorSpec, *, jobs: int = 1,
              stdin: IO[bytes] | None = None, progress: Progress | None = None
              ) -> list[Report]:
    """One report per input, in input order; ``jobs`` > 1 uses worker processes.

    ``inputs`` are paths or ``-``, already expanded (see :func:`tradestd.inputs.expand_inputs`).
    """
    tasks = [_Task(item, _read_stdin(stdin) if item == STDIN else None) for item in inputs]
    reports: list[Report] = []
    for report in _run(tasks, spec, jobs):
        reports.append(report)
        if progress is not None:
            progress(len(reports), len(tasks))
    return reports


def _read_stdin(stdin: IO[bytes] | None) -> bytes:
    return stdin.read() if stdin is not None else b""


def _run(tasks: list[_Task], spec: ValidatorSpec, jobs: int) -> Iterator[Report]:
    if jobs <= 1 or len(tasks) <= 1:
        validator = spec.build()
        for task in tasks:
            yield _validate_one(validator, task)
        return
    # Built and warmed once here; forked workers inherit it (no imports, no compiling).
    global _WORKER_VALIDATOR
    _WORKER_VALIDATOR = warm_validator(spec.build())
    try:
        yield from _run_parallel(tasks, spec, min(jobs, len(tasks)))
    finally:
        _WORKER_VALIDATOR = None


def warm_validator(validator: Validator) -> Validator:
    """Compile every schema set the validator may need (all bundled ones when detecting)."""
    if validator.schema_set is None:
        kinds = [validator.message_type] if validator.message_type else list(validator.registry)
        for kind in kinds:
            kind.schema_set()
    return validator


def _chunks(tasks: list[_Task], jobs: int) -> list[list[_Task]]:
    """Enough chunks to balance the workers, few enough to keep overhead low."""
    size = max(1, min(64, len(tasks) // (jobs * 8)))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _run_parallel(tasks: list[_Task], spec: ValidatorSpec, jobs: int) -> Iterator[Report]:
    pending = _chunks(tasks, jobs)
    while pending:
        done = yield from _pool_pass(pending, spec, jobs)
        if done == len(pending):
            return
        failed, pending = pending[done], pending[done + 1:]
        if len(failed) > 1:
            pending = [[task] for task in failed] + pending
        else:
            yield from _isolated(failed[0], spec)


def _pool_pass(chunks: list[list[_Task]], spec: ValidatorSpec, jobs: int
               ) -> Generator[Report, None, int]:
    """Yield the chunks' reports in order until a worker dies; return the chunks done."""
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(spec,),
                             mp_context=process_context()) as pool:
        futures: list[Future[list[Report]]] = [pool.submit(_validate_chunk, c) for c in chunks]
        try:
            for future in futures:
                yield from future.result()
                done += 1
        except BrokenProcessPool:
            pass
    return done


def _isolated(task: _Task, spec: ValidatorSpec) -> Iterator[Report]:
    """Retry one input alone: blame it only if it kills a worker of its own too."""
    if (yield from _pool_pass([[task]], spec, 1)) == 0:
        yield _internal_error(task, "the worker process died while checking it")
