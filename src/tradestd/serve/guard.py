"""Keeping one server up under hostile or heavy load.

- :class:`BodyLimit` (ASGI middleware): a body over the limit is refused with 413, from
  its ``Content-Length`` before anything is read, or while it streams in (chunked
  uploads): the request never holds more than the limit in memory.
- :class:`Gate`: bounded concurrency and a time limit. At most ``active`` requests are
  worked on (in worker threads) and ``queued`` more wait; beyond that a request is
  answered 503 with ``Retry-After`` at once, before its body is read. So memory is
  bounded by (active + queued) x the body limit. A request that is not done within the
  time limit (waiting included) is answered 504; its work cannot be interrupted inside
  the XML engines, so it keeps its slot until it ends: the bound holds even then.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Self, TypeVar

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import Busy, TimedOut, error_response

__all__ = ["BodyLimit", "Busy", "Gate", "Runner", "Slot", "TimedOut", "too_large"]

T = TypeVar("T")


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than the {limit:,}-byte limit")


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413 (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            # the body is not read: the client is told at once and the connection closed
            status = 413 if declared.isdigit() else 400
            message = too_large(self.max_bytes).detail if status == 413 \
                else "the Content-Length header is not a number"
            response = error_response(status, message, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0
        limit = self.max_bytes

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self.app(scope, limited, send)


#: ``runner(job, args, timeout)`` calls ``job(catalog, *args)`` and returns its result.
Runner = Callable[[Callable[..., Any], tuple[Any, ...], float], Any]


class Gate:
    """Admission (``active`` + ``queued`` slots), worker threads and the time limit."""

    def __init__(self, active: int, queued: int, timeout: float, runner: Runner) -> None:
        self.capacity = active + queued
        self.timeout = timeout
        #: Calls ``job(catalog, *args)``: in the worker thread itself, or in a process.
        self.runner = runner
        self._executor = ThreadPoolExecutor(max_workers=active,
                                            thread_name_prefix="tradestd-serve")
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        """Slots taken now (requests admitted and not finished, timed-out work included)."""
        return self._held

    def slot(self) -> Slot:
        """Take a slot or raise :class:`Busy`; use as ``async with gate.slot() as slot``."""
        with self._lock:
            if self._held >= self.capacity:
                raise Busy()
            self._held += 1
        return Slot(self)

    def _release(self, *_: object) -> None:
        with self._lock:
            self._held -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.runner, "close", None)
        if close is not None:
            close()


class Slot:
    """One admitted request: runs its work in a worker thread within the time limit."""

    def __init__(self, gate: Gate) -> None:
        self._gate = gate
        self._future: Future[Any] | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._future is None:  # no work was started: free the slot now
            self._gate._release()

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(catalog, *args)`` through the gate's runner, within the time limit."""
        assert self._future is None, "one piece of work per slot"
        gate = self._gate
        future = self._future = gate._executor.submit(gate.runner, job, args, gate.timeout)
        future.add_done_callback(self._gate._release)  # also when it ends after a timeout
        try:  # on timeout, wait_for cancels the future: a queued job never starts
            return await asyncio.wait_for(asyncio.wrap_future(future), self._gate.timeout)
        except TimeoutError:
            raise TimedOut() from None
