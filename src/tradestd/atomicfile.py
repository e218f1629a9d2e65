"""Writing a file atomically: into a temporary file beside the target, renamed over it
only when the writing finished, so a reader never sees half a file and a failed run
leaves the old one in place. Missing parent folders are made."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["open_atomic", "write_atomic"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def open_atomic(target: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary stream whose bytes replace ``target`` when the block ends without an
    exception (nothing changes otherwise). Raises :class:`OSError` when the folder
    cannot be made or the file cannot be written."""
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o666 & ~_UMASK
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                         dir=path.parent)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (see :func:`open_atomic`)."""
    with open_atomic(target) as out:
        out.write(data)
