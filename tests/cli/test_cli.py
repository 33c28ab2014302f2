"""The command line (``malang_kg/cli/``): its setting flags come from the settings table."""

from __future__ import annotations

from typing import Any

import click
import pytest

from malang_kg import cli
from malang_kg.cli.options import settings_from, settings_options
from malang_kg.config import (
    SETTINGS,
    SETTINGS_BY_NAME,
    ConfigError,
    Settings,
    settings_markdown_table,
)


def _settings_command() -> click.Command:
    @click.command()
    @settings_options("PORT", "WORKERS", "BASE_IRI")
    def show(**values: Any) -> Settings:
        return settings_from(values)

    return show


def test_settings_flags_override_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALANG_KG_PORT", "6000")
    monkeypatch.setenv("MALANG_KG_WORKERS", "7")
    monkeypatch.setenv("MALANG_KG_BASE_IRI", "")  # empty: unset, as for load_settings
    command = _settings_command()
    settings = command.main(["--port", "8000"], standalone_mode=False)
    assert settings.port == 8000
    assert settings.workers == 7
    assert settings.base_iri == "https://w3id.org/malang-kg/"
    with pytest.raises(ConfigError, match="MALANG_KG_BASE_IRI"):
        command.main(["--base-iri", "nope"], standalone_mode=False)


def test_flags_come_from_the_table_with_their_variables() -> None:
    params = {param.name: param for param in _settings_command().params}
    assert isinstance(params["port"], click.Option)
    assert params["port"].opts == ["--port"]
    assert params["port"].envvar == "MALANG_KG_PORT"
    assert params["port"].help == SETTINGS_BY_NAME["PORT"].help


def test_settings_without_flag_cannot_be_made_options() -> None:
    with pytest.raises(ValueError, match="HOME"):
        settings_options("HOME")(lambda: None)


def test_help_texts_are_short() -> None:
    for setting in SETTINGS:
        sentences = [s for s in setting.help.replace("e.g.", "eg").split(". ") if s.strip()]
        assert len(sentences) <= 2 and len(setting.help) <= 240, setting.name


def test_cli_settings_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["settings"]) == 0
    assert capsys.readouterr().out == settings_markdown_table()


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("malang-kg ")


def test_cli_without_command_fails() -> None:
    assert cli.main([]) == 2


def test_cli_reports_config_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> str:
        raise ConfigError("MALANG_KG_PORT (--port): expected an integer, got 'x'")

    monkeypatch.setattr(cli, "settings_markdown_table", broken)
    assert cli.main(["settings"]) == 2
    assert capsys.readouterr().err == (
        "error: MALANG_KG_PORT (--port): expected an integer, got 'x'\n"
    )
