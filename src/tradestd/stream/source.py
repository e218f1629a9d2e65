"""Opening a batch for reading in chunks: a path, ``-`` for stdin, bytes or a binary stream.

Unlike :func:`tradestd.intake.read_source`, nothing here reads the whole input: a batch
may be far larger than memory. Failures to open become :class:`~tradestd.issues.Issue`
values (``INPUT_NOT_FOUND``, ``INPUT_UNREADABLE``).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from ..intake import IntakeError, source_name
from ..issues import Issue, Layer, Severity

__all__ = ["BatchSource", "OpenBatch", "open_batch"]

#: What a caller may hand to the streaming API.
BatchSource = str | os.PathLike[str] | bytes | bytearray | IO[bytes]


@dataclass(frozen=True, slots=True)
class OpenBatch:
    name: str
    stream: IO[bytes]
    size: int | None  # total bytes when known (regular files), for progress


def _problem(code: str, message: str) -> IntakeError:
    return IntakeError(Issue(code, Severity.ERROR, Layer.INTAKE, message))


def _size(stream: IO[Any]) -> int | None:
    try:
        stat = os.fstat(stream.fileno())
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
    return stat.st_size if stat.st_size > 0 else None


@contextmanager
def open_batch(source: BatchSource) -> Iterator[OpenBatch]:
    """Yield the batch as a binary stream; raise :class:`IntakeError` when it cannot be opened."""
    name = source_name(source)
    if isinstance(source, (bytes, bytearray)):
        yield OpenBatch(name, io.BytesIO(bytes(source)), len(source))
        return
    if isinstance(source, str) and source == "-":
        yield OpenBatch(name, sys.stdin.buffer, None)
        return
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if os.path.isdir(path):
            raise _problem("INPUT_UNREADABLE", f"{name} is a directory, not a file")
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise _problem("INPUT_NOT_FOUND", f"{name}: no such file") from None
        except OSError as exc:
            raise _problem("INPUT_UNREADABLE",
                           f"{name} cannot be read: {exc.strerror or exc}") from None
        with handle:
            yield OpenBatch(name, handle, _size(handle))
        return
    if hasattr(source, "read"):
        yield OpenBatch(name, source, _size(source))
        return
    raise TypeError(f"cannot read a batch from {type(source).__name__}")
