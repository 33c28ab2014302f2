"""``malang-kg publish``: load the current build into an external SPARQL engine."""

from __future__ import annotations

from typing import Any

import click

from malang_kg.cli.options import settings_from, settings_options
from malang_kg.engine.errors import QueryError
from malang_kg.engine.remote.client import BackendConfig
from malang_kg.engine.remote.publish import BATCH_TRIPLES, PublishError
from malang_kg.engine.remote.publish import publish as publish_build
from malang_kg.store.builds import NoBuildError, current_build_dir


@click.command("publish")
@settings_options(
    "STORE",
    "BACKEND_URL",
    "BACKEND_UPDATE_URL",
    "BACKEND_STORE_URL",
    "BACKEND_USER",
    "BACKEND_TIMEOUT",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=BATCH_TRIPLES,
    show_default=True,
    help="Statements per request; statements sharing blank nodes always go together.",
)
def publish(batch_size: int, **values: Any) -> int:
    """Replace every named graph of the current build (inferences included) in the engine at
    BACKEND_STORE_URL (Graph Store Protocol) or BACKEND_UPDATE_URL (SPARQL Update), in
    batches, then write the build description graph the service reads."""
    settings = settings_from(values)
    try:
        build_dir = current_build_dir(settings.store)
        publish_build(build_dir, BackendConfig.from_settings(settings), batch_size, _say)
    except NoBuildError as error:
        click.echo(f"publish: {error}", err=True)
        return 1
    except (PublishError, QueryError) as error:
        click.echo(f"publish failed: {error}", err=True)
        return 1
    return 0


def _say(line: str) -> None:
    click.echo(line)


COMMANDS = (publish,)
