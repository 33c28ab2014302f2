"""CLI flags made from the settings table: ``@settings_options("PORT", ...)`` gives a command the
flags of those settings (with ``envvar=`` from the table), and ``settings_from`` turns what the
command received into the effective, validated ``Settings``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from malang_kg.config import SETTINGS_BY_NAME, Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def settings_options(*names: str) -> Callable[[F], F]:
    """Add the flags of the named settings to a command. Values stay raw text: ``settings_from``
    validates them as it validates the environment, so errors read the same."""

    def decorate(command: F) -> F:
        for name in reversed(names):
            row = SETTINGS_BY_NAME[name]
            if row.cli_flag is None:
                raise ValueError(f"setting {name} has no CLI flag")
            command = click.option(
                row.cli_flag,
                row.field_name,
                metavar=name,
                default=None,
                envvar=row.env_var,
                show_envvar=True,
                help=row.help,
            )(command)
        return command

    return decorate


def settings_from(values: Mapping[str, Any]) -> Settings:
    """The effective settings from a command's parameters (the flags of ``settings_options``)."""
    overrides = {
        name.upper(): value
        for name, value in values.items()
        if name.upper() in SETTINGS_BY_NAME and (value is None or isinstance(value, str))
    }
    return load_settings(overrides)
