"""``tradestd serve``: the HTTP API and web page (needs the ``serve`` extra)."""

from __future__ import annotations

import os

import click

from ..config import ConfigFileError
from ..schemaset import SchemaError
from .options import ConfigError, command_config, config_options


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Put a reverse proxy with TLS and authentication in "
                   "front before binding anything but loopback (docs/serve.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--schema-set", "schema_sets", multiple=True, metavar="NAME=XSD[,XSD...]",
              help="Serve a schema set of your own under NAME (request it with "
                   "?schema=NAME); repeatable.")
@config_options
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes; each compiles the schema sets once.")
@click.option("--max-body", "max_body_bytes", type=click.IntRange(min=1), default=None,
              help="Largest request body in bytes (default 16 MiB; 413 above).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Seconds per request, queueing included (default 30; 504 after).")
@click.option("--max-active", type=click.IntRange(min=1), default=None,
              help="Requests worked on at once per process (default 2).")
@click.option("--max-queued", type=click.IntRange(min=0), default=None,
              help="Requests waiting per process (default 8); beyond: 503 + Retry-After.")
@click.option("--isolate/--no-isolate", default=None,
              help="Check each request in a worker process that is killed when the time "
                   "limit passes (default), or in a worker thread, which cannot be stopped "
                   "and finishes its work.")
def serve_command(host: str, port: int, schema_sets: tuple[str, ...], workers: int,
                  max_body_bytes: int | None, timeout: float | None, max_active: int | None,
                  max_queued: int | None, isolate: bool | None) -> int:
    """Serve the HTTP API (/v1/validate, /v1/convert, ...) and the web page at /."""
    try:
        import uvicorn

        from ..serve.app import SETTINGS_ENV, create_app
        from ..serve.catalog import Catalog
        from ..serve.settings import ServeSettings, parse_schema_set, settings_from_table
    except ImportError as exc:
        raise ConfigError(f"tradestd serve needs the serve extra ({exc.name} is missing): "
                          "pip install 'tradestd[serve]'") from None
    config = command_config()
    try:
        settings = settings_from_table(config.path, config.serve, config.rules) \
            if config.path else ServeSettings()
        named = dict(parse_schema_set(option) for option in schema_sets)
        settings = settings.with_overrides(
            schema_sets={**settings.schema_sets, **named} if named else None,
            max_body_bytes=max_body_bytes, timeout=timeout, max_active=max_active,
            max_queued=max_queued, isolate=isolate)
        # every schema set is compiled now, so a bad one is an error before listening;
        # with --workers N each worker process builds its own app
        app = create_app(settings) if workers == 1 else None
        if app is None:
            Catalog(settings)
    except (ConfigFileError, ValueError) as exc:
        raise ConfigError(str(exc)) from None
    except SchemaError as exc:
        raise ConfigError(f"schema set cannot be built: {exc}") from None
    # uvicorn's own connection cap: far above the app's admission bound, so the app
    # answers first (503 JSON with Retry-After); it only bounds idle connections.
    connections = 4 * (settings.max_active + settings.max_queued) + 32
    click.echo(f"tradestd serve: http://{host}:{port}/ (API under /v1, docs at /docs)",
               err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("tradestd serve: warning: listening beyond loopback without TLS or "
                   "authentication; put a reverse proxy in front (docs/serve.md)", err=True)
    if app is None:
        os.environ[SETTINGS_ENV] = settings.to_env()
        uvicorn.run("tradestd.serve.app:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, limit_concurrency=connections,
                    timeout_keep_alive=5)
    else:
        uvicorn.run(app, host=host, port=port, limit_concurrency=connections,
                    timeout_keep_alive=5)
    return 0

