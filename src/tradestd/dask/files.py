"""File sets that travel to Dask workers: relative paths and bytes, named by a digest.

A schema set (an envelope XSD, a payload XSD and everything they include or import) or
a user's rule file is read once by the client and sent inside the task graph. Each
worker process checks the digest, writes the files once into a private cache folder
named by that digest and compiles from there, so no worker needs the client's file
system (or any shared one).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileSet", "FileSetError", "cache_root"]

#: Environment variable naming the folder where workers unpack file sets.
CACHE_ENV = "TRADESTD_DASK_CACHE"


class FileSetError(ValueError):
    """A file set cannot be built (unreadable file) or arrived damaged (digest mismatch)."""


def cache_root() -> Path:
    """Where a worker unpacks file sets: ``$TRADESTD_DASK_CACHE`` or the temp folder."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "tradestd-filesets"


def _digest(files: Iterable[tuple[str, bytes]]) -> str:
    sha = hashlib.sha256()
    for name, data in sorted(files):
        encoded = name.encode("utf-8")
        sha.update(len(encoded).to_bytes(8, "big") + encoded)
        sha.update(len(data).to_bytes(8, "big") + data)
    return sha.hexdigest()


@dataclass(frozen=True)
class FileSet:
    """Files by relative path (``/`` separated), the entry points among them, a digest."""

    files: tuple[tuple[str, bytes], ...]
    entries: tuple[str, ...]
    digest: str

    @classmethod
    def from_paths(cls, entries: Sequence[str | os.PathLike[str]],
                   closure: Iterable[str | os.PathLike[str]] = ()) -> FileSet:
        """Read ``entries`` and every file of ``closure`` (what they include or import),
        relative to the deepest folder that holds them all."""
        tops = [Path(p).resolve() for p in entries]
        everything = list(dict.fromkeys([*tops, *(Path(p).resolve() for p in closure)]))
        if not everything:
            raise FileSetError("a file set needs at least one file")
        base = Path(os.path.commonpath([p.parent for p in everything]))
        files: list[tuple[str, bytes]] = []
        for path in everything:
            try:
                files.append((path.relative_to(base).as_posix(), path.read_bytes()))
            except OSError as exc:
                raise FileSetError(f"cannot read {path}: {exc.strerror or exc}") from None
        names = tuple(p.relative_to(base).as_posix() for p in tops)
        return cls(tuple(files), names, _digest(files))

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)

    def verify(self) -> None:
        """Raise :class:`FileSetError` unless the bytes are the ones the digest names."""
        if _digest(self.files) != self.digest:
            raise FileSetError(f"file set {self.digest[:12]} arrived damaged (digest mismatch)")
        for name, _ in self.files:
            parts = Path(name).parts
            if Path(name).is_absolute() or ".." in parts:
                raise FileSetError(f"file set {self.digest[:12]} names a file outside itself: "
                                   f"{name}")

    def materialize(self, root: Path | None = None) -> list[Path]:
        """The entry points as local paths, unpacked once per digest under ``root``."""
        folder = (root or cache_root()) / self.digest
        if not (folder / ".complete").is_file():
            self.verify()
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{self.digest[:12]}.", dir=folder.parent))
            try:
                for name, data in self.files:
                    target = staging / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                (staging / ".complete").write_text(self.digest, encoding="ascii")
                try:
                    os.rename(staging, folder)
                except OSError:  # another process of this machine unpacked it first
                    if not (folder / ".complete").is_file():
                        raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return [folder / name for name in self.entries]
