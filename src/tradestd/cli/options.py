"""Options shared by several commands, and turning them into library objects."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigFileError, find_config, load_config
from ..inputs import NoInputsError, expand_inputs
from ..intake import Limits
from ..registry import MessageType, UnknownMessageType, bundled_registry
from ..schemaset import SchemaError, SchemaSet, load_schema_set

__all__ = ["ConfigError", "command_config", "config_options", "configured_schema", "input_files",
           "limits_option", "read_config", "resolve_schema", "schema_options"]


class ConfigError(click.ClickException):
    """A usage or configuration problem: exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"tradestd: error: {self.format_message()}", err=True)


def schema_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--xsd", "xsd", multiple=True, type=click.Path(dir_okay=True),
                        help="XSD file or directory; repeat to combine an envelope and a payload "
                             "schema into one set.")(func)
    func = click.option("--schema", "schema_id", metavar="ID",
                        help="Bundled message type id (see `tradestd schemas`), e.g. "
                             "wco-declaration or wco-declaration@1.0. Default: detect.")(func)
    return func


def input_files(paths: Sequence[str], extensions: Sequence[str] = (".xml", ".json"),
                exclude: Sequence[str] = ()) -> list[str]:
    """The files named by FILES|DIRS|GLOBS arguments; none at all is a usage error that
    names the folders and patterns, so a wrong path never passes a build with 0 files."""
    try:
        return expand_inputs(paths, extensions=extensions, exclude=exclude)
    except NoInputsError as exc:
        raise ConfigError(str(exc)) from None


def limits_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--max-bytes", type=click.IntRange(min=1), default=None,
                        help="Refuse single messages larger than this (default 200 MiB).")(func)


def make_limits(max_bytes: int | None) -> Limits:
    return Limits(max_bytes=max_bytes) if max_bytes else Limits()


def resolve_schema(schema_id: str | None, xsd: tuple[str, ...]
                   ) -> tuple[SchemaSet | None, MessageType | None]:
    """Turn ``--schema``/``--xsd`` into a schema set or message type (or neither: detect)."""
    if schema_id and xsd:
        raise ConfigError("give either --schema or --xsd, not both")
    if xsd:
        try:
            return load_schema_set(list(xsd)), None
        except SchemaError as exc:
            raise ConfigError(f"schema set cannot be built: {exc}") from None
    if schema_id:
        try:
            message_type = bundled_registry().get(schema_id)
            message_type.schema_set()
            return None, message_type
        except UnknownMessageType as exc:
            raise ConfigError(str(exc)) from None
        except SchemaError as exc:
            raise ConfigError(f"bundled schema {schema_id} cannot be built: {exc}") from None
    return None, None


_CONFIG_META = "tradestd.config_options"


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--no-config``, the same on every command; the command reads
    the result with :func:`command_config`."""
    func = click.option("--no-config", is_flag=True, expose_value=False,
                        callback=_remember_config,
                        help="Ignore configuration files.")(func)
    return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        expose_value=False, callback=_remember_config,
                        help="Configuration file (default: tradestd.toml or pyproject.toml "
                             "[tool.tradestd], searched from the working directory "
                             "upward).")(func)


def _remember_config(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_CONFIG_META, {})[param.name] = value
    return value


def command_config() -> Config:
    """The configuration of the running command (``--config``/``--no-config``, else the
    file found from the working directory upward), read once; problems are usage errors."""
    ctx = click.get_current_context()
    options = ctx.meta.get(_CONFIG_META, {})
    if "tradestd.config" not in ctx.meta:
        ctx.meta["tradestd.config"] = read_config(options.get("config_path"),
                                         bool(options.get("no_config")))
    config: Config = ctx.meta["tradestd.config"]
    return config


def configured_schema(schema_id: str | None, xsd: tuple[str, ...], config: Config
                      ) -> tuple[str | None, tuple[str, ...]]:
    """``--schema``/``--xsd`` when given, else the configuration file's ``schema``/``xsd``."""
    if schema_id or xsd:
        return schema_id, xsd
    return config.schema, config.xsd


def configured_format(fmt: str | None, config: Config, formats: Collection[str]) -> str:
    """``--format`` when given, else the configuration file's ``format`` when the command
    has that format, else text."""
    if fmt:
        return fmt
    return config.format if config.format is not None and config.format in formats else "text"


def configured_jobs(jobs: int | None, config: Config) -> int:
    """Worker processes: ``-j`` when given, else the configuration file's ``jobs``, else 1;
    0 means one per CPU."""
    chosen = jobs if jobs is not None else config.jobs
    if chosen == 0:
        return os.cpu_count() or 1
    return chosen or 1


def read_config(config_path: str | None, no_config: bool) -> Config:
    """The configuration file named by ``--config``, else the one found from the working
    directory upward (none with ``--no-config``); problems are usage errors."""
    if config_path and no_config:
        raise ConfigError("--config and --no-config exclude each other")
    try:
        if config_path:
            if not Path(config_path).is_file():
                raise ConfigError(f"{config_path}: no such configuration file")
            return load_config(Path(config_path))
        found = None if no_config else find_config(Path.cwd())
        return load_config(found) if found else Config()
    except ConfigFileError as exc:
        raise ConfigError(f"bad configuration: {exc}") from None
