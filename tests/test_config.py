"""Tests of the settings table (malang_kg.config) and its command-line surface (malang_kg.cli)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from malang_kg.config import (
    REPOSITORY_ROOT,
    SETTINGS,
    ConfigError,
    Settings,
    load_settings,
    settings_markdown_table,
)

ROOT = Path(__file__).resolve().parent.parent


def test_defaults() -> None:
    settings = load_settings(environ={})
    assert settings == Settings(
        home=ROOT,
        base_iri="https://w3id.org/malang-kg/",
        data_dir=None,
        store=ROOT / "var" / "store",
        keep_builds=3,
        build_engine="oxigraph",
        serve_from="auto",
        host="127.0.0.1",
        port=5000,
        workers=2,
        threads=4,
        query_timeout=10.0,
        max_rows=10_000,
        max_query_bytes=65_536,
        max_nesting=64,
        max_short_links=100_000,
        query_memory_mb=1024,
        front="none",
        front_cache_seconds=1.0,
        large_answers=2,
        cache_mb=64,
        rate_limit="6000/minute",
        rate_limit_storage="local",
        query_budget=60.0,
        error_queries=120,
        trusted_proxies=(),
        backend_url=None,
        backend_update_url=None,
        backend_store_url=None,
        backend_user=None,
        backend_password=None,
        backend_timeout=30.0,
    )
    assert REPOSITORY_ROOT == ROOT


def test_table_lists_every_setting_once_and_matches_settings_fields() -> None:
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    flags = [setting.cli_flag for setting in SETTINGS if setting.cli_flag]
    assert len(flags) == len(set(flags))
    assert [field.name for field in dataclasses.fields(Settings)] == [n.lower() for n in names]
    table = settings_markdown_table()
    for setting in SETTINGS:
        assert f"`MALANG_KG_{setting.name}`" in table


# Every setting but the paths, given in the environment.
ENVIRON = {
    "MALANG_KG_BASE_IRI": "http://example.org/kg/",
    "MALANG_KG_KEEP_BUILDS": "5",
    "MALANG_KG_BUILD_ENGINE": "reference",
    "MALANG_KG_HOST": "0.0.0.0",
    "MALANG_KG_PORT": "8080",
    "MALANG_KG_WORKERS": "8",
    "MALANG_KG_THREADS": "2",
    "MALANG_KG_QUERY_TIMEOUT": "2.5",
    "MALANG_KG_MAX_ROWS": "5",
    "MALANG_KG_MAX_QUERY_BYTES": "1024",
    "MALANG_KG_MAX_NESTING": "10",
    "MALANG_KG_MAX_SHORT_LINKS": "7",
    "MALANG_KG_SERVE_FROM": "memory",
    "MALANG_KG_QUERY_MEMORY_MB": "256",
    "MALANG_KG_FRONT": "nginx",
    "MALANG_KG_FRONT_CACHE_SECONDS": "2",
    "MALANG_KG_LARGE_ANSWERS": "3",
    "MALANG_KG_CACHE_MB": "0",
    "MALANG_KG_RATE_LIMIT": "30/minute",
    "MALANG_KG_RATE_LIMIT_STORAGE": "redis://localhost:6379",
    "MALANG_KG_BACKEND_URL": "http://127.0.0.1:7878/query",
    "MALANG_KG_BACKEND_UPDATE_URL": "http://127.0.0.1:7878/update",
    "MALANG_KG_BACKEND_STORE_URL": "https://db.example.org/ds/data?x=1",
    "MALANG_KG_BACKEND_USER": "reader",
    "MALANG_KG_BACKEND_PASSWORD": "secret words ",
    "MALANG_KG_BACKEND_TIMEOUT": "2.5",
    "MALANG_KG_TRUSTED_PROXIES": " 127.0.0.1, 10.1.2.3/8 ",
    "MALANG_KG_QUERY_BUDGET": "30",
    "MALANG_KG_ERROR_QUERIES": "10",
}


def test_environment_overrides_defaults(tmp_path: Path) -> None:
    environ = {
        "MALANG_KG_HOME": str(tmp_path),
        "MALANG_KG_DATA_DIR": str(tmp_path / "extra"),
        "MALANG_KG_STORE": str(tmp_path / "store"),
        **ENVIRON,
    }
    assert load_settings(environ=environ) == Settings(
        home=tmp_path,
        base_iri="http://example.org/kg/",
        data_dir=tmp_path / "extra",
        store=tmp_path / "store",
        keep_builds=5,
        build_engine="reference",
        serve_from="memory",
        host="0.0.0.0",
        port=8080,
        workers=8,
        threads=2,
        query_timeout=2.5,
        max_rows=5,
        max_query_bytes=1024,
        max_nesting=10,
        max_short_links=7,
        query_memory_mb=256,
        front="nginx",
        front_cache_seconds=2.0,
        large_answers=3,
        cache_mb=0,
        rate_limit="30/minute",
        rate_limit_storage="redis://localhost:6379",
        query_budget=30.0,
        error_queries=10,
        trusted_proxies=("127.0.0.1/32", "10.0.0.0/8"),
        backend_url="http://127.0.0.1:7878/query",
        backend_update_url="http://127.0.0.1:7878/update",
        backend_store_url="https://db.example.org/ds/data?x=1",
        backend_user="reader",
        backend_password="secret words ",
        backend_timeout=2.5,
    )


def test_empty_environment_variable_counts_as_unset() -> None:
    assert load_settings(environ={"MALANG_KG_PORT": ""}).port == 5000


def test_cli_override_beats_environment() -> None:
    environ = {"MALANG_KG_PORT": "6000", "MALANG_KG_HOST": "10.0.0.1"}
    settings = load_settings({"PORT": "7000", "HOST": None}, environ=environ)
    assert settings.port == 7000  # given on the command line
    assert settings.host == "10.0.0.1"  # None: flag not given, the environment applies


def test_relative_paths_are_resolved_against_home(tmp_path: Path) -> None:
    environ = {
        "MALANG_KG_HOME": str(tmp_path),
        "MALANG_KG_STORE": "out/store",
        "MALANG_KG_DATA_DIR": "more-data",
    }
    settings = load_settings(environ=environ)
    assert settings.store == tmp_path / "out" / "store"
    assert settings.data_dir == tmp_path / "more-data"
    # the default STORE follows HOME too
    assert load_settings(environ={"MALANG_KG_HOME": str(tmp_path)}).store == (
        tmp_path / "var" / "store"
    )
    # an absolute STORE is kept as it is
    elsewhere = tmp_path.parent / "elsewhere"
    assert load_settings({"STORE": str(elsewhere)}, environ=environ).store == elsewhere


def test_relative_home_is_resolved_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={"MALANG_KG_HOME": "proj"})
    assert settings.home == tmp_path / "proj"
    assert settings.store == tmp_path / "proj" / "var" / "store"


BAD_VALUES = [
    ("KEEP_BUILDS", "0"),
    ("KEEP_BUILDS", "-1"),
    ("KEEP_BUILDS", "three"),
    ("KEEP_BUILDS", "2.5"),
    ("PORT", "0"),
    ("PORT", "65536"),
    ("PORT", "http"),
    ("WORKERS", "0"),
    ("WORKERS", "many"),
    ("BASE_IRI", "https://w3id.org/malang-kg"),  # no trailing slash
    ("BASE_IRI", "ftp://example.org/kg/"),  # not http(s)
    ("BASE_IRI", "w3id.org/malang-kg/"),  # not absolute
    ("BASE_IRI", "/malang-kg/"),
    ("BASE_IRI", "https:///malang-kg/"),  # no host
    ("BASE_IRI", "https://example.org/kg#/"),  # fragment
    ("BASE_IRI", "https://example.org/kg?x=/"),  # query
    ("BASE_IRI", "https://example.org/my kg/"),  # space
    ("BASE_IRI", "https://example.org/<kg>/"),
    ("HOST", " "),
    ("STORE", " "),
    ("CACHE_MB", "-1"),
    ("RATE_LIMIT", "often"),
    ("RATE_LIMIT", "0/minute"),
    ("RATE_LIMIT", "10/fortnight"),
    ("BACKEND_URL", "localhost:7878/query"),  # not absolute
    ("BACKEND_URL", "ftp://example.org/sparql"),
    ("BACKEND_URL", "http://example.org/sparql#x"),
    ("BACKEND_STORE_URL", "http://example.org/my store"),
    ("BACKEND_UPDATE_URL", "http:///update"),  # no host
    ("BACKEND_TIMEOUT", "0"),
    ("SERVE_FROM", "tape"),
    ("BUILD_ENGINE", "owlrl"),
    ("FRONT", "apache"),
    ("FRONT_CACHE_SECONDS", "0"),
    ("LARGE_ANSWERS", "0"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_bad_environment_value_raises_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"MALANG_KG_{name}"):
        load_settings(environ={f"MALANG_KG_{name}": value})


@pytest.mark.parametrize(("name", "value"), [*BAD_VALUES, ("HOST", ""), ("STORE", "")])
def test_bad_cli_value_raises_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"MALANG_KG_{name}"):
        load_settings({name: value}, environ={})


@pytest.mark.parametrize(
    ("name", "value", "attribute", "expected"),
    [
        ("KEEP_BUILDS", "1", "keep_builds", 1),
        ("PORT", "1", "port", 1),
        ("PORT", "65535", "port", 65535),
        ("WORKERS", " 3 ", "workers", 3),
        ("BASE_IRI", "http://localhost:5000/", "base_iri", "http://localhost:5000/"),
        ("BASE_IRI", "https://example.org/a/b/", "base_iri", "https://example.org/a/b/"),
        ("RATE_LIMIT", "OFF", "rate_limit", "off"),
        ("RATE_LIMIT", "5/second;300/hour", "rate_limit", "5/second;300/hour"),
        ("BACKEND_URL", " ", "backend_url", None),
        ("BACKEND_URL", "http://[::1]:7878/query", "backend_url", "http://[::1]:7878/query"),
    ],
)
def test_boundary_values_are_accepted(
    name: str, value: str, attribute: str, expected: object
) -> None:
    assert getattr(load_settings({name: value}, environ={}), attribute) == expected


def test_unknown_override_is_rejected() -> None:
    with pytest.raises(ConfigError, match="NOPE"):
        load_settings({"NOPE": "1"}, environ={})


def test_readme_contains_the_current_settings_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- settings:start -->", "<!-- settings:end -->"
    assert readme.count(start) == 1
    assert readme.count(end) == 1
    embedded = readme.split(start, 1)[1].split(end, 1)[0]
    assert embedded.strip("\n") == settings_markdown_table().strip("\n")


def test_backend_password_has_no_flag_and_never_shows_in_repr() -> None:
    settings = load_settings({"BACKEND_PASSWORD": "hunter2"}, environ={})
    assert settings.backend_password == "hunter2"
    assert "hunter2" not in repr(settings)
    assert not any(s.cli_flag for s in SETTINGS if s.name == "BACKEND_PASSWORD")
