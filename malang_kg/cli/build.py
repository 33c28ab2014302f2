"""``malang-kg build`` and ``malang-kg validate``."""

from __future__ import annotations

import argparse
import sys

from malang_kg.cli import Subparsers, add_settings_flags, settings_from_args
from malang_kg.pipeline.run import load_sources, run_build, validate_with
from malang_kg.pipeline.sources import BuildError

BUILD_FLAGS = ("BASE_IRI", "DATA_DIR", "STORE", "KEEP_BUILDS", "BUILD_ENGINE")


def _build(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    try:
        run_build(settings)
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


def _validate(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    try:
        sources = load_sources(settings)
    except BuildError as error:
        print(f"validation failed: {error}", file=sys.stderr)
        return 1
    report = validate_with(sources, settings)
    print(report.render())
    return 0 if report.conforms else 1


def register(subparsers: Subparsers) -> None:
    build = subparsers.add_parser(
        "build",
        help="parse, validate, reason and write a new build, then make it current",
        description="Parse ontology/ and data/ (and MALANG_KG_DATA_DIR), validate them against "
        "ontology/shapes.ttl, materialise OWL RL entailments (rules from the ontology closed by "
        "owlrl, or owlrl itself with --build-engine reference), and write a new build under "
        "STORE/builds/, switching STORE/current to it atomically.",
    )
    add_settings_flags(build, *BUILD_FLAGS)
    build.set_defaults(handler=_build)

    check = subparsers.add_parser(
        "validate",
        help="validate the data against the SHACL shapes and print a readable report",
        description="Run the SHACL shapes of ontology/shapes.ttl over the data alone; exit 1 if "
        "the data does not conform.",
    )
    add_settings_flags(check, "BASE_IRI", "DATA_DIR", "BUILD_ENGINE")
    check.set_defaults(handler=_validate)
