"""``malang-kg build`` and ``malang-kg validate``."""

from __future__ import annotations

from typing import Any

import click

from malang_kg.cli.options import settings_from, settings_options
from malang_kg.pipeline.run import load_sources, run_build, validate_with
from malang_kg.pipeline.sources import BuildError

BUILD_FLAGS = ("BASE_IRI", "DATA_DIR", "STORE", "KEEP_BUILDS", "BUILD_ENGINE")


@click.command("build")
@settings_options(*BUILD_FLAGS)
def build(**values: Any) -> int:
    """Parse ontology/ and data/ (and DATA_DIR), validate them against ontology/shapes.ttl,
    materialise the OWL RL entailments and write a new build under STORE/builds/, switching
    STORE/current to it atomically."""
    settings = settings_from(values)
    try:
        run_build(settings)
    except BuildError as error:
        click.echo(f"build failed: {error}", err=True)
        return 1
    return 0


@click.command("validate")
@settings_options("BASE_IRI", "DATA_DIR", "BUILD_ENGINE")
def validate(**values: Any) -> int:
    """Run the SHACL shapes of ontology/shapes.ttl over the data alone and print a readable
    report; exit 1 if the data does not conform."""
    settings = settings_from(values)
    try:
        sources = load_sources(settings)
    except BuildError as error:
        click.echo(f"validation failed: {error}", err=True)
        return 1
    report = validate_with(sources, settings)
    click.echo(report.render())
    return 0 if report.conforms else 1


COMMANDS = (build, validate)
