"""Where a report goes: standard output, or a file written atomically (``-o``).

Every command that writes a report to a file goes through :func:`report_stream`: the
folder is made when missing, the file appears only once the report is complete, and a
file that cannot be written is a usage error (exit 2) naming it, never a traceback.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..atomicfile import open_atomic
from .options import ConfigError

__all__ = ["report_stream", "unwritable"]


def unwritable(output: str, exc: OSError) -> ConfigError:
    """The usage error for an output file that cannot be written."""
    reason = exc.strerror or str(exc)
    if exc.filename and str(exc.filename) != output:
        reason += f" ({exc.filename})"
    return ConfigError(f"cannot write {output}: {reason}")


@contextmanager
def report_stream(output: str | None) -> Iterator[TextIO]:
    """Standard output, or a UTF-8 text stream whose content replaces ``output`` when
    the block ends without an exception."""
    if output is None:
        yield sys.stdout
        return
    try:
        with open_atomic(output) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            try:
                yield text
                text.flush()
            finally:
                text.detach()
    except OSError as exc:
        raise unwritable(output, exc) from None
