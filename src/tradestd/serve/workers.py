"""Where a request's job runs: in the worker thread (default), or in a worker process
that is killed when the time limit passes (``isolate``).

A job is a module-level function ``job(catalog, *args)`` with picklable arguments (see
:mod:`.service`). Threads share the app's catalog. Worker processes are started with
``spawn``, each builds its own catalog from the settings (compiled once), and there is
one per worker thread; a process that overruns the time limit, or dies, is killed and
replaced, so a message that is slow to check costs its time limit and no more.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .catalog import Catalog
from .guard import TimedOut
from .settings import ServeSettings

__all__ = ["ProcessRunner", "ThreadRunner", "WorkerDied"]

#: How long a new worker process may take to compile its schema sets.
STARTUP_SECONDS = 300.0


class WorkerDied(RuntimeError):
    """The worker process ended while checking the request (answered with 500)."""


class ThreadRunner:
    """Runs the job in the calling (worker) thread with the shared catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __call__(self, job: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        return job(self.catalog, *args)


def _serve_jobs(conn: Connection, settings_env: str) -> None:
    """A worker process: build the catalog, say so, then run jobs until the pipe closes."""
    catalog = Catalog(ServeSettings.from_env(settings_env))
    catalog.warm()
    conn.send(("ready", None))
    while True:
        try:
            job, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", job(catalog, *args)))
        except Exception as exc:  # noqa: BLE001 - the request's error, not the worker's
            try:
                conn.send(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False


class ProcessRunner:
    """``size`` worker processes; each call takes an idle one (there is one per thread)."""

    def __init__(self, settings: ServeSettings, size: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._settings = settings.to_env()
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve_jobs, args=(child, self._settings),
                                        name="tradestd-serve-worker", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(10)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def wait_ready(self) -> None:
        """Block until every idle worker has compiled its catalog (raises if one failed)."""
        workers = []
        while True:
            try:
                workers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        try:
            for worker in workers:
                self._ready(worker)
        finally:
            for worker in workers:
                self._idle.put(worker)

    def _ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(STARTUP_SECONDS):
            raise WorkerDied("a worker process did not start in time")
        try:
            worker.conn.recv()
        except EOFError:
            raise WorkerDied("a worker process failed to start") from None
        worker.ready = True

    def __call__(self, job: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        worker = self._idle.get()
        try:
            self._ready(worker)
            worker.conn.send((job, args))
            if not worker.conn.poll(timeout):
                raise TimedOut()
            status, value = worker.conn.recv()
        except (TimedOut, WorkerDied, EOFError, OSError) as exc:
            self._stop(worker)  # killed mid-job: its memory and CPU are given back
            worker = self._start()
            self._ready(worker)  # the slot is free again when a worker is
            if isinstance(exc, (TimedOut, WorkerDied)):
                raise
            raise WorkerDied("the worker process ended while checking this request") \
                from None
        finally:
            self._idle.put(worker)
        if status == "error":
            raise value
        return value

    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._stop(worker)
