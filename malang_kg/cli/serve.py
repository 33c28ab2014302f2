"""``malang-kg serve`` and ``malang-kg reload`` (the server itself is ``malang_kg/server.py``)."""

from __future__ import annotations

from typing import Any

import click

from malang_kg.cli.options import settings_from, settings_options
from malang_kg.pipeline.sources import BuildError
from malang_kg.server import reload_servers, serve_forever

SERVE_FLAGS = (
    "HOST",
    "PORT",
    "WORKERS",
    "THREADS",
    "STORE",
    "BASE_IRI",
    "DATA_DIR",
    "KEEP_BUILDS",
    "QUERY_TIMEOUT",
    "MAX_ROWS",
    "MAX_QUERY_BYTES",
    "MAX_NESTING",
    "QUERY_MEMORY_MB",
    "CACHE_MB",
    "FRONT",
    "FRONT_CACHE_SECONDS",
    "LARGE_ANSWERS",
    "SERVE_FROM",
    "RATE_LIMIT",
    "RATE_LIMIT_STORAGE",
    "TRUSTED_PROXIES",
    "QUERY_BUDGET",
    "ERROR_QUERIES",
)


@click.command("serve")
@settings_options(*SERVE_FLAGS)
def serve(**values: Any) -> int:
    """Serve the current build over HTTP with gunicorn (building first if there is none).
    SIGHUP, or `malang-kg reload`, switches to the current build without dropping a request;
    SIGTERM stops after the requests in flight."""
    settings = settings_from(values)
    try:
        return serve_forever(settings)
    except BuildError as error:
        click.echo(f"build failed: {error}", err=True)
        return 1


@click.command("reload")
@settings_options("STORE")
@click.option(
    "--timeout",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds to wait for the servers to finish switching (0: do not wait).",
)
def reload(timeout: float, **values: Any) -> int:
    """Switch every `malang-kg serve` running over STORE to the current build, without
    downtime: requests in flight finish on the old build, new ones get the new build."""
    return reload_servers(settings_from(values).store, timeout)


COMMANDS = (serve, reload)
