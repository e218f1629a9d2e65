"""Keeping one server up under hostile or heavy load.

- :class:`BodyLimit` (ASGI middleware): a body over the limit is refused with 413, from
  its ``Content-Length`` before anything is read into memory, or while it streams in
  (chunked uploads): the request never holds more than the limit in memory. Before the
  413 goes out, the rest of the body is read and thrown away, up to
  :data:`LINGER_BYTES` past the limit and :data:`LINGER_SECONDS` (a lingering close, as
  nginx does): clients that send the whole body before reading the answer (Python's
  urllib and requests) then read the 413 instead of "Connection reset by peer". A client
  that asked ``Expect: 100-continue`` is answered at once, before it sends the body.
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

__all__ = ["LINGER_BYTES", "LINGER_IDLE_SECONDS", "LINGER_SECONDS", "BodyLimit", "Busy", "Gate",
           "Runner", "Slot", "TimedOut", "too_large"]

T = TypeVar("T")
#: How far past the body limit an oversized body is still read (and thrown away) so that
#: its sender can read the 413; a body declared larger than limit + this is answered at
#: once (and such a client may see its connection reset).
LINGER_BYTES = 64 * 1024 * 1024
#: How long reading an oversized body to its end may take before the 413 goes anyway,
#: and how long the reading waits for the next piece (nginx's lingering_time and
#: lingering_timeout): a client that stops sending is answered then.
LINGER_SECONDS = 10.0
LINGER_IDLE_SECONDS = 2.0


async def _discard(receive: Receive, most: int) -> None:
    """Read and drop request body messages until the body ends, ``most`` more bytes
    have come, :data:`LINGER_SECONDS` have passed or none came for
    :data:`LINGER_IDLE_SECONDS`; nothing is kept."""
    deadline = asyncio.get_running_loop().time() + LINGER_SECONDS
    read = 0
    while read <= most:
        left = deadline - asyncio.get_running_loop().time()
        try:
            message = await asyncio.wait_for(receive(), min(left, LINGER_IDLE_SECONDS))
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than the {limit:,}-byte limit",
                         headers={"Connection": "close"})


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413 (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length")
        waits = headers.get(b"expect", b"").lower() == b"100-continue"
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            # nothing is kept: the body is thrown away as it comes (when it is not far over
            # the limit and the client is not waiting for a go-ahead), then the client is
            # told and the connection closed
            status = 413 if declared.isdigit() else 400
            message = too_large(self.max_bytes).detail if status == 413 \
                else "the Content-Length header is not a number"
            if status == 413 and not waits and int(declared) - self.max_bytes <= LINGER_BYTES:
                await _discard(receive, int(declared))
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
                    if message.get("more_body", False):
                        await _discard(receive, LINGER_BYTES)
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
