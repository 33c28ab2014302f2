"""The ``malang-kg`` command line.

Subcommands are registered through a small registry: a *registrar* is a function that takes the
sub-parser collection, adds its sub-parser (with ``add_settings_flags`` for the settings it uses)
and sets ``handler`` (``Callable[[argparse.Namespace], int]``) with ``set_defaults``. The handler
gets the parsed arguments; ``settings_from_args`` turns them into the effective ``Settings``.

Commands that live in other modules are listed in ``COMMAND_MODULES``: each such module defines
``register(subparsers) -> None``, a registrar as above.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import TypeAlias

from malang_kg import __version__
from malang_kg.config import (
    SETTINGS,
    SETTINGS_BY_NAME,
    ConfigError,
    Settings,
    load_settings,
    settings_markdown_table,
)

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]
Registrar: TypeAlias = Callable[[Subparsers], None]

# Modules whose ``register(subparsers)`` adds further subcommands, in the order they are listed
# in ``malang-kg --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "malang_kg.cli.build",
    "malang_kg.server",
    "synthetic",
    "malang_kg.engine.remote.publish",
)

_DEST_PREFIX = "setting_"


def _dest(name: str) -> str:
    return _DEST_PREFIX + name.lower()


def add_settings_flags(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the CLI flags of the named settings (see ``malang_kg.config.SETTINGS``) to ``parser``.

    Values stay raw strings here; ``settings_from_args`` validates them like environment values.
    """
    for name in names:
        setting = SETTINGS_BY_NAME[name]
        if setting.cli_flag is None:
            raise ValueError(f"setting {name} has no CLI flag")
        parser.add_argument(
            setting.cli_flag,
            dest=_dest(name),
            metavar=name,
            default=None,
            help=f"{setting.help} [env: {setting.env_var}]".replace("%", "%%"),
        )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The effective settings: flags given in ``args`` override the environment and defaults."""
    overrides = {
        setting.name: getattr(args, _dest(setting.name))
        for setting in SETTINGS
        if hasattr(args, _dest(setting.name))
    }
    return load_settings(overrides)


def _settings_command(args: argparse.Namespace) -> int:
    sys.stdout.write(settings_markdown_table())
    return 0


def _register_settings(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "settings",
        help="print the table of settings (environment variables, CLI flags, defaults)",
        description="Print the settings table as Markdown, as in README.md.",
    )
    parser.set_defaults(handler=_settings_command)


def _registrars() -> list[Registrar]:
    registrars: list[Registrar] = []
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        registrars.append(module.register)
    registrars.append(_register_settings)
    return registrars


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="malang-kg",
        description="Build, validate and serve the open knowledge graph of Malang City.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for register in _registrars():
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
