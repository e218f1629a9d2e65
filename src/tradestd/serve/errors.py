"""Every error the API gives is JSON: ``{"error": {"status", "code", "message"}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .catalog import BadRequest

__all__ = ["error_response", "install_handlers"]

class Busy(Exception):
    """Every worker is busy and the queue is full: answered 503 with Retry-After."""


class TimedOut(Exception):
    """The request's work did not end within the time limit: answered 504."""


_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 408: "BODY_TIMEOUT",
          413: "BODY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "BAD_PARAMETER",
          500: "INTERNAL_ERROR", 501: "NOT_IMPLEMENTED", 503: "BUSY", 504: "TIMEOUT"}


def error_response(status: int, message: str, *,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "code": _CODES.get(status, f"HTTP_{status}"),
                      "message": message}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _parameter_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where
                     else str(error.get("msg", "invalid")))
    return "; ".join(parts) or "invalid parameters"


def install_handlers(app: FastAPI, retry_after: int) -> None:
    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return error_response(exc.status_code, str(exc.detail), headers=exc.headers)

    async def bad_parameter(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, _parameter_message(exc))

    async def bad_request(_: Request, exc: Exception) -> JSONResponse:
        return error_response(400, str(exc))

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        return error_response(503, "the server is busy: every worker is in use and the "
                                   f"queue is full; retry in {retry_after} s",
                              headers={"Retry-After": str(retry_after)})

    async def timed_out(_: Request, exc: Exception) -> JSONResponse:
        return error_response(504, "the request was not done within the server's time limit")

    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        return error_response(500, f"tradestd failed on this request ({type(exc).__name__}); "
                                   "the server is still running, please report it")

    handlers: dict[Any, Any] = {HTTPException: http_error, RequestValidationError: bad_parameter,
                                BadRequest: bad_request, Busy: busy, TimedOut: timed_out,
                                Exception: crashed}
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
