"""``--dask ADDRESS|local[:N]``: run validate, convert or screen on a Dask cluster."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import click

from .options import ConfigError

__all__ = ["dask_option", "dask_partition", "dask_session"]


#: messages per Dask task unless ``--dask-partition`` says otherwise
DEFAULT_PARTITION = 16
_PARTITION_KEY = "tradestd.dask_partition"


def dask_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--dask-partition", type=click.IntRange(min=1), default=DEFAULT_PARTITION,
        metavar="N", expose_value=False, callback=_remember_partition,
        help=f"With --dask: messages (or batch shares) per Dask task; default "
             f"{DEFAULT_PARTITION}. Archives run better with hundreds to thousands: each "
             "task costs a scheduler round trip, and a failed task is retried whole.")(func)
    return click.option(
        "--dask", "dask_address", metavar="ADDRESS|local[:N]", default=None,
        help="Run on a Dask cluster: a scheduler address (tcp://host:8786), or local[:N] "
             "for a LocalCluster of N worker processes. Same output and exit codes as a "
             "local run. Needs the dask extra: pip install 'tradestd[dask]'.")(func)


def _remember_partition(ctx: click.Context, _param: click.Parameter, value: int) -> int:
    ctx.meta[_PARTITION_KEY] = value
    return value


def dask_partition() -> int:
    """The ``--dask-partition`` of the running command."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_PARTITION_KEY, DEFAULT_PARTITION)) if ctx else DEFAULT_PARTITION


@contextmanager
def dask_session(address: str) -> Iterator[ModuleType]:
    """The :mod:`tradestd.dask` module, with a client connected for the block."""
    try:
        from .. import dask as tdask
    except ImportError as exc:
        raise ConfigError(f"--dask needs the dask extra ({exc.name} is missing): "
                          "pip install 'tradestd[dask]'") from None
    try:
        session = tdask.connect(address)
        session.__enter__()
    except (ValueError, OSError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler {address!r}: {exc}") from None
    try:
        yield tdask
    finally:
        session.__exit__(None, None, None)
