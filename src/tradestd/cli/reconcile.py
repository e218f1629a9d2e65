"""``tradestd reconcile``: which announced precursor shipments arrived, short, elsewhere or never.

Exit codes: 0 nothing overdue, in discrepancy or unannounced; 1 otherwise; 2 usage or
configuration error (no inputs, a schema set that does not compile, a bad watch list or
state file, DuckDB missing).
"""

from __future__ import annotations

from datetime import date

import click

from .. import __version__
from ..inputs import NoInputsError
from ..reconcile import DuckDBMissing, ReconcileOptions, StateError, reconcile
from ..reconcile.extract import Excluded, Shipment
from ..reconcile.notify import write_follow_ups
from ..report.reconcile import FORMATS, render, summary_line
from ..schemaset import SchemaError
from ..screen.options import ScreenOptions
from ..screen.watchlist import WatchlistError
from .dask import dask_option, dask_partition, dask_session
from .options import (
    ConfigError,
    command_config,
    config_options,
    configured_format,
    limits_option,
)
from .output import report_stream, unwritable


def _day(_: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2026-12-07") from None


@click.command("reconcile")
@click.option("--exports", multiple=True, required=True, metavar="PATH",
              help="Export side: precursor notifications, export declarations, cargo "
                   "reports (files, folders, globs); repeatable.")
@click.option("--imports", multiple=True, required=True, metavar="PATH",
              help="Import side: import declarations, arrival/status notifications, cargo "
                   "reports; repeatable.")
@click.option("--xsd", multiple=True, type=click.Path(dir_okay=True),
              help="Schema set of both sides' own messages (bundled types are detected).")
@click.option("--export-xsd", multiple=True, type=click.Path(dir_okay=True),
              help="Schema set of the export side (instead of --xsd).")
@click.option("--import-xsd", multiple=True, type=click.Path(dir_okay=True),
              help="Schema set of the import side (instead of --xsd).")
@click.option("--as-of", callback=_day, help="The day statuses are judged on (default today).")
@click.option("--window-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Days after dispatch (or expected arrival) an arrival is awaited.")
@click.option("--tolerance", type=click.FloatRange(min=0, max=100), default=5.0,
              show_default=True, help="Quantity difference (percent) that is not flagged.")
@click.option("--assume-dispatch", callback=_day,
              help="Dispatch date for shipments that carry none.")
@click.option("--all-goods", is_flag=True,
              help="Count every goods line, not only those on the watch lists.")
@click.option("--watchlist", "watchlists", multiple=True, type=click.Path(dir_okay=False),
              help="A watch list as for tradestd screen; repeatable.")
@click.option("--no-bundled-list", is_flag=True, help="Screen with the --watchlist files only.")
@click.option("--notify-dir", type=click.Path(file_okay=False),
              help="Draft a status (discrepancy) or enquiry (overdue) follow-up of the "
                   "precursor notice for each such shipment here.")
@click.option("--state", type=click.Path(dir_okay=False),
              help="Keep the shipments seen here (JSON Lines) so that a daily feed adds to "
                   "earlier runs.")
@click.option("--memory-limit", default="1GB", show_default=True,
              help="DuckDB's memory limit; past it the join spills to --temp-dir.")
@click.option("--temp-dir", type=click.Path(file_okay=False),
              help="Where DuckDB spills (default: its own).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format (default: text, or `format` in the configuration file "
                   "when it is one of these).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report here (atomically); the summary still goes to the "
                   "terminal.")
@limits_option
@dask_option
@config_options
def reconcile_command(exports: tuple[str, ...], imports: tuple[str, ...],
                      xsd: tuple[str, ...], export_xsd: tuple[str, ...],
                      import_xsd: tuple[str, ...], as_of: date | None, window_days: int,
                      tolerance: float, assume_dispatch: date | None, all_goods: bool,
                      watchlists: tuple[str, ...], no_bundled_list: bool,
                      notify_dir: str | None, state: str | None,
                      memory_limit: str, temp_dir: str | None, fmt: str | None,
                      output: str | None,
                      max_bytes: int | None, dask_address: str | None) -> int:
    """Reconcile exported precursor shipments with imports (docs/reconcile.md)."""
    config = command_config()
    if not (xsd or export_xsd or import_xsd):
        xsd = config.xsd  # the configuration file's schema set, for both sides
    fmt = configured_format(fmt, config, FORMATS)
    if xsd and (export_xsd or import_xsd):
        raise ConfigError("give --xsd, or --export-xsd/--import-xsd, not both")
    if no_bundled_list and not watchlists:
        raise ConfigError("--no-bundled-list needs at least one --watchlist")
    options = ReconcileOptions(as_of, window_days, tolerance, assume_dispatch, all_goods,
                               export_xsd or xsd, import_xsd or xsd, watchlists,
                               not no_bundled_list, max_bytes, state, memory_limit, temp_dir)
    try:
        if dask_address:
            with dask_session(dask_address) as tdask:
                def on_cluster(side: str, recipe: ScreenOptions, all_goods: bool,
                               files: list[str]) -> list[Shipment | Excluded]:
                    found: list[Shipment | Excluded] = tdask.reconcile_extract(
                        side, recipe, files, all_goods=all_goods,
                        partition_size=dask_partition())
                    return found

                rec = reconcile(exports, imports, options, read=on_cluster)
        else:
            rec = reconcile(exports, imports, options)
    except NoInputsError as exc:
        raise ConfigError(str(exc)) from None
    except DuckDBMissing as exc:
        raise ConfigError(str(exc)) from None
    except WatchlistError as exc:
        raise ConfigError(f"bad list: {exc}") from None
    except SchemaError as exc:
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    except (StateError, ValueError) as exc:  # a state file, a memory limit
        raise ConfigError(str(exc)) from None
    try:
        drafts = write_follow_ups(rec, notify_dir, watchlists, not no_bundled_list) \
            if notify_dir else []
    except OSError as exc:
        raise unwritable(str(notify_dir), exc) from None
    with report_stream(output) as out:
        render(rec, fmt, out, __version__)
    for draft in drafts:
        click.echo(draft.summary_line(), err=True)
    if output or fmt != "text":
        click.echo(summary_line(rec) + (f"; report written to {output}" if output else ""),
                   err=True)
    return 1 if rec.failed else 0
