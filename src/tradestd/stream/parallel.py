"""One batch file, several worker processes: ``tradestd validate --record ... -j N``.

Each of the ``n`` workers opens the same file and reads every record, but checks only
the records whose index is its own modulo ``n`` (:class:`RecordStream` ``share``); the
parent merges their reports back into record order. Reading a record is a fraction of
the cost of checking it (XSD, rules, locating issues), and no record has to be copied
between processes: only the reports of checked records cross, a few dozen at a time.
Each worker streams in flat memory exactly as a single process does and finds the same
problems of the batch itself (not well-formed, truncated), so the merged stream gives
the same reports, in the same order, as one process.

Only a batch that every worker can open by its name (a path) is shared out; stdin,
bytes and open streams stream in the calling process (:func:`iter_validate_parallel`).
A worker that dies or fails ends the batch with a ``STREAM_WORKER_FAILED`` issue that
names the last record reported, never a partial verdict passed off as complete.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..batch import ValidatorSpec, process_context, warm_validator
from ..intake import source_name
from ..issues import Issue, Layer, Severity
from ..validation import Validator
from .results import NoRecordsError, RecordReport, StreamSummary
from .source import BatchSource
from .validate import RecordStream

__all__ = ["ParallelRecordStream", "iter_validate_parallel"]

#: Reports a worker sends at a time: small enough for steady progress, large enough
#: that pickling and pipe calls stay a small share of the work.
_CHUNK = 32
STREAM_WORKER_FAILED = "STREAM_WORKER_FAILED"

#: The parent's validator, inherited warm by workers forked from it.
_WARM: Validator | None = None


def iter_validate_parallel(source: BatchSource, spec: ValidatorSpec, *, jobs: int,
                           record: str | None = None, fail_on: Severity = Severity.ERROR,
                           validator: Validator | None = None
                           ) -> ParallelRecordStream | RecordStream:
    """Validate a batch record by record with ``jobs`` worker processes when it is a path
    (and ``jobs`` > 1); otherwise in this process. Both yield :class:`RecordReport` values
    in record order and fill in :attr:`summary` on the way. ``validator``, when given, is
    ``spec`` already built (reused across batches)."""
    built = validator if validator is not None else spec.build()
    if jobs > 1 and isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-" \
            and os.path.isfile(source):
        return ParallelRecordStream(source, spec, jobs, record=record, fail_on=fail_on,
                                    validator=built)
    stream = built.iter_validate(source, record=record)
    stream.summary.fail_on = fail_on
    return stream


class ParallelRecordStream:
    """Iterate one batch's :class:`RecordReport` values, checked by ``jobs`` workers."""

    def __init__(self, source: str | os.PathLike[str], spec: ValidatorSpec, jobs: int, *,
                 record: str | None = None, fail_on: Severity = Severity.ERROR,
                 validator: Validator | None = None) -> None:
        if jobs < 2:
            raise ValueError("a parallel stream needs at least 2 workers")
        self._source = source
        self._spec = spec
        self._jobs = jobs
        self._record = record
        self._validator = validator
        self.summary = StreamSummary(source=source_name(source), fail_on=fail_on)

    def __iter__(self) -> Iterator[RecordReport]:
        global _WARM
        started = time.perf_counter()
        context = process_context()
        # Forked workers start from this validator with its schema sets compiled.
        _WARM = warm_validator(self._validator or self._spec.build())
        if self._record is None:  # told once here, not once per worker
            _WARM.record_tags()
        workers: list[tuple[Connection, BaseProcess]] = []
        try:
            for mine in range(self._jobs):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(  # type: ignore[attr-defined]
                    target=_work, args=(send, self._spec, self._source, self._record,
                                        (mine, self._jobs)), daemon=True)
                process.start()
                send.close()
                workers.append((receive, process))
            yield from self._merge(workers)
        finally:
            _WARM = None
            for receive, process in workers:
                receive.close()
                if process.is_alive():
                    process.terminate()
                process.join()
            self.summary.seconds = time.perf_counter() - started
        if self.summary.records == 0:
            raise NoRecordsError(self.summary.source, self.summary.issues)

    def _merge(self, workers: list[tuple[Connection, BaseProcess]]) -> Iterator[RecordReport]:
        """Record i comes from worker i mod n; each sends its own records in order."""
        summary = self.summary
        waiting: list[deque[RecordReport]] = [deque() for _ in workers]
        ended: list[Any] = [None] * len(workers)
        index = 0
        while True:
            mine = index % len(workers)
            while not waiting[mine] and ended[mine] is None:
                message = _receive(workers[mine][0])
                if message[0] == "reports":
                    waiting[mine].extend(message[1])
                elif message[0] == "end":
                    ended[mine] = message[1]
                else:
                    summary.issues.append(self._failure(index, message[1]))
                    return
            if not waiting[mine]:
                break  # that worker read the whole batch: no record ``index``
            report = waiting[mine].popleft()
            if report.index != index:
                summary.issues.append(self._failure(
                    index, f"record {report.index} arrived where record {index} was due"))
                return
            summary.count(report)
            summary.bytes_read = report.offset
            yield report
            index += 1
        # Every worker read the same batch: the one that ended speaks for all.
        issues, summary.record_tag, summary.bytes_read, summary.size, summary.source = ended[mine]
        summary.issues.extend(issues)

    def _failure(self, index: int, detail: str) -> Issue:
        done = f"after record {index - 1}" if index else "before the first record"
        return Issue(STREAM_WORKER_FAILED, Severity.ERROR, Layer.INTAKE,
                     f"a worker process checking every {self._jobs}th record failed {done} "
                     f"({detail}); the batch was not checked to its end")


def _receive(connection: Connection) -> tuple[str, Any]:
    try:
        message: tuple[str, Any] = connection.recv()
    except (EOFError, OSError):
        return ("failed", "it stopped unexpectedly")
    return message


def _work(send: Connection, spec: ValidatorSpec, source: str | os.PathLike[str],
          record: str | None, share: tuple[int, int]) -> None:
    """A worker: stream the batch, check its share of the records, send the reports."""
    try:
        validator = _WARM if _WARM is not None else spec.build()
        stream = validator.iter_validate(source, record=record, share=share)
        chunk: list[RecordReport] = []
        try:
            for report in stream:
                chunk.append(report)
                if len(chunk) >= _CHUNK:
                    send.send(("reports", chunk))
                    chunk = []
        except NoRecordsError:
            pass  # the parent raises it, from the issues in the summary sent below
        if chunk:
            send.send(("reports", chunk))
        s = stream.summary
        send.send(("end", (s.issues, s.record_tag, s.bytes_read, s.size, s.source)))
    except Exception as exc:  # noqa: BLE001 - reported by the parent as the batch's failure
        send.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
