"""The ``malang-kg`` command line (Click). Each module of this package holds the commands of one
task (build, serve, publish, synth); every flag of a setting is made from the settings table
(``cli/options.py``), so a command's flags, environment variables and help never drift apart."""

from __future__ import annotations

import sys

import click

from malang_kg import __version__
from malang_kg.cli import build, publish, serve, synth
from malang_kg.config import ConfigError, settings_markdown_table

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="malang-kg", message="%(prog)s %(version)s")
def commands() -> None:
    """Build, validate and serve the open knowledge graph of Malang City."""


@commands.command("settings")
def settings_table() -> int:
    """Print the table of settings (environment variables, CLI flags, defaults) as Markdown."""
    sys.stdout.write(settings_markdown_table())
    return 0


for module in (build, serve, synth, publish):
    for command in module.COMMANDS:
        commands.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run ``malang-kg`` with ``argv`` (default: the process's arguments); the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        with click.Context(commands, info_name="malang-kg") as context:
            click.echo(commands.get_help(context), err=True)
        return 2
    try:
        result = commands.main(args=args, prog_name="malang-kg", standalone_mode=False)
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        return 2
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    return result if isinstance(result, int) else 0
