"""Shared test fixtures: no network in any test, paths to the repo's data."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SCHEMAS = ROOT / "schemas"
DATA = Path(__file__).resolve().parent / "data"


def _find_corpora() -> Path:
    """``../shared/corpora`` beside the checkout (or beside a worktree's parent)."""
    override = os.environ.get("TRADESTD_CORPORA")
    if override:
        return Path(override)
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "corpora").is_dir():
            return base / "shared" / "corpora"
    return ROOT.parent / "shared" / "corpora"


CORPORA = _find_corpora()


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Any attempt to open a non-loopback connection fails the test."""
    if request.node.get_closest_marker("allow_loopback_server"):
        return
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host.startswith(("127.", "::1", "localhost")):
            return real_connect(self, address)  # type: ignore[arg-type]
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)  # type: ignore[arg-type]
        raise NetworkBlocked(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True, scope="session")
def _config_boundary(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Make every tmp_path a project of its own: a stray tradestd.toml in /tmp (or any
    folder above the base temp dir) must never configure a test."""
    marker = tmp_path_factory.getbasetemp() / "pyproject.toml"
    marker.write_text("# project-root marker for tradestd's config search in tests\n",
                      encoding="utf-8")
