"""The settings of malang-kg, in one table: the ``Settings`` dataclass is the table.

Each field is one setting, declared with ``setting(default, help, kind)``; from it come the
environment variable ``MALANG_KG_<NAME>``, the CLI flag ``--<name>`` (where it has one), the
validation, ``malang-kg settings`` and the README's table. A CLI flag beats the environment, which
beats the default; an empty environment variable counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from malang_kg.config.values import ConfigError, Kind, parse
from malang_kg.iris import CANONICAL_BASE

ENV_PREFIX = "MALANG_KG_"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    """One row of the table. ``default`` is raw text, parsed like any given value."""

    default: str
    help: str
    kind: Kind
    flag: bool = True  # False: environment only (no CLI flag)
    default_doc: str | None = None  # how the default is written in the docs, if not verbatim
    minimum: float | None = None  # bounds for kinds "int" and "float"
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # for kind "str": the values allowed, if only some are
    name: str = ""  # the field's name, upper-case; filled in by ``SETTINGS``

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def cli_flag(self) -> str | None:
        return "--" + self.name.lower().replace("_", "-") if self.flag else None

    @property
    def field_name(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        """How messages name the setting: its variable, and its flag where it has one."""
        return self.env_var + (f" ({self.cli_flag})" if self.cli_flag else "")


def setting(default: str, help: str, kind: Kind, *, secret: bool = False, **options: Any) -> Any:
    """A field of ``Settings``: its row of the table (``secret`` keeps it out of ``repr``)."""
    return field(repr=not secret, metadata={"setting": Setting(default, help, kind, **options)})


@dataclass(frozen=True)
class Settings:
    """The effective, validated settings (``load_settings``)."""

    home: Path = setting(
        str(REPOSITORY_ROOT),
        "Project directory holding `ontology/`, `data/`, `queries/` and `sources/`.",
        "path",
        flag=False,
        default_doc="the repository root",
    )
    base_iri: str = setting(
        CANONICAL_BASE,
        "Base of every IRI the project mints (entities `{BASE}id/`, ontology `{BASE}ontology#`, "
        "graphs `{BASE}graph/`); an absolute http(s) IRI ending in `/`.",
        "iri",
    )
    data_dir: Path | None = setting(
        "",
        "Extra directory of Turtle files (searched recursively) to build besides `data/`.",
        "optional-path",
        default_doc="none",
    )
    store: Path = setting(
        "var/store",
        "Where builds are written and served from (relative to HOME).",
        "path",
        default_doc="`var/store` (under HOME)",
    )
    keep_builds: int = setting(
        "3", "How many complete builds to keep after a build (at least 1).", "int", minimum=1
    )
    build_engine: str = setting(
        "oxigraph",
        "How a build validates and reasons: `oxigraph` (shapes and OWL RL rules as SPARQL, for "
        "millions of triples) or `reference` (pyshacl and owlrl, slow beyond ~50,000 triples).",
        "str",
        choices=("oxigraph", "reference"),
    )
    serve_from: str = setting(
        "auto",
        "Where the embedded store answers from: `disk` (the build's read-only store), `memory` "
        "(loaded before the workers fork) or `auto` (memory up to 250,000 quads).",
        "str",
        choices=("auto", "disk", "memory"),
    )
    host: str = setting("127.0.0.1", "Address the server listens on.", "str")
    port: int = setting(
        "5000", "Port the server listens on (1-65535).", "int", minimum=1, maximum=65535
    )
    workers: int = setting(
        "2",
        "Server worker processes (at least 1); they share one copy of the store.",
        "int",
        minimum=1,
    )
    threads: int = setting(
        "4",
        "Request threads per worker, each with a query process of its own; give a worker more "
        "threads than the clients you expect to run slow queries at once.",
        "int",
        minimum=1,
        maximum=64,
    )
    query_timeout: float = setting(
        "10",
        "Seconds a query may run; past it its process is killed and the client gets 503.",
        "float",
        minimum=0.1,
        maximum=3600,
    )
    max_rows: int = setting(
        "10000",
        "Most rows (or triples) a query returns; a cut result says so (`X-SPARQL-MaxRows`).",
        "int",
        minimum=1,
    )
    max_query_bytes: int = setting(
        "65536",
        "Largest query accepted, in UTF-8 bytes; larger ones get 413.",
        "int",
        minimum=256,
    )
    max_short_links: int = setting(
        "100000",
        "Most short links (`/q/<id>`) kept in the store; past it new ones are refused with 503.",
        "int",
        minimum=1,
    )
    max_nesting: int = setting(
        "64",
        "Deepest nesting of `{}`, `()` and `[]` accepted in a query; deeper ones get 400.",
        "int",
        minimum=4,
        maximum=1000,
    )
    query_memory_mb: int = setting(
        "1024",
        "MiB a query may allocate beyond the store; more, and it is stopped with 503.",
        "int",
        minimum=64,
    )
    front: str = setting(
        "none",
        "What `malang-kg serve` puts in front of gunicorn: `none`, or `nginx` (Debian's), which "
        "micro-caches GET answers and revalidates them with the build's ETags.",
        "str",
        choices=("none", "nginx"),
    )
    front_cache_seconds: float = setting(
        "1",
        "Seconds the nginx front keeps a successful GET answer before it asks the app again.",
        "float",
        minimum=1,
        maximum=3600,
    )
    large_answers: int = setting(
        "2",
        "Queries that sort or group a large answer each worker computes at once; the others "
        "wait (within their time limit), so such answers never pile up in memory.",
        "int",
        minimum=1,
        maximum=64,
    )
    cache_mb: int = setting(
        "64",
        "MiB of answers each serving process keeps per build, least recently used evicted "
        "first; 0 turns the cache off.",
        "int",
        minimum=0,
        maximum=65536,
    )
    rate_limit: str = setting(
        "6000/minute",
        "Requests one client may make to `/sparql`, `/q`, `/api/*` and `/reconcile` together "
        "(`30/minute`, `5/second;300/hour`), or `off`; past it, 429. A flood guard: fair use is "
        "the query-time budget.",
        "rate",
    )
    rate_limit_storage: str = setting(
        "local",
        "Where the per-client counters (rate limit, query-time budget) live: `local`, a SQLite "
        "file every worker of this server shares (a new one at each start); "
        "`redis://host:6379` across servers; `memory://`, per worker.",
        "str",
    )
    query_budget: float = setting(
        "60",
        "Seconds of query time one client may use per minute on `/sparql`, `/q`, `/api/*` and "
        "`/reconcile`; past it, 429 with `Retry-After` until its minute ends. 0 turns it off.",
        "float",
        minimum=0,
        maximum=86400,
    )
    error_queries: int = setting(
        "120",
        "Failing queries (refused, failed, timed out) one client may send per minute; past it, "
        "429 until its minute ends.",
        "int",
        minimum=1,
        maximum=1_000_000,
    )
    trusted_proxies: tuple[str, ...] = setting(
        "",
        "Addresses or networks of the reverse proxies in front of the app (`127.0.0.1`, "
        "`10.0.0.0/8`, comma-separated): only from them is `X-Forwarded-For` believed. "
        "`serve --front nginx` trusts its own nginx.",
        "networks",
        default_doc="none",
    )
    backend_url: str | None = setting(
        "",
        "A SPARQL 1.1 query endpoint to answer every query instead of the embedded store "
        "(fill it with `malang-kg publish`).",
        "optional-url",
        default_doc="none (the embedded store)",
    )
    backend_update_url: str | None = setting(
        "",
        "The engine's SPARQL 1.1 Update endpoint, used by `malang-kg publish` only.",
        "optional-url",
        default_doc="none",
    )
    backend_store_url: str | None = setting(
        "",
        "The engine's Graph Store Protocol endpoint; `malang-kg publish` prefers it.",
        "optional-url",
        default_doc="none",
    )
    backend_user: str | None = setting(
        "",
        "User name for the engine's endpoints (HTTP basic, or digest when the engine asks).",
        "optional-str",
        default_doc="none",
    )
    backend_password: str | None = setting(
        "",
        "Password for BACKEND_USER; environment only, as a command line is visible to all.",
        "optional-str",
        secret=True,
        flag=False,
        default_doc="none",
    )
    backend_timeout: float = setting(
        "30",
        "Seconds to wait for the engine to connect, and for the service's own calls and "
        "`malang-kg publish`'s requests.",
        "float",
        minimum=0.5,
        maximum=3600,
    )


def _row(item: Field[Any]) -> Setting:
    row: Setting = item.metadata["setting"]
    return replace(row, name=item.name.upper())


SETTINGS: tuple[Setting, ...] = tuple(_row(item) for item in fields(Settings))
SETTINGS_BY_NAME: dict[str, Setting] = {row.name: row for row in SETTINGS}


def load_settings(
    overrides: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The effective settings: ``overrides`` (CLI flags, by setting name; None: not given) win
    over ``MALANG_KG_<NAME>`` in ``environ`` (default ``os.environ``), which win over the
    defaults. Raises ``ConfigError`` for an unusable value."""
    overrides = overrides or {}
    environ = os.environ if environ is None else environ
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")

    def raw(row: Setting) -> str:
        override = overrides.get(row.name)
        if override is not None:
            return override
        return environ.get(row.env_var) or row.default  # empty counts as unset

    # HOME comes first: a relative HOME is taken from the working directory, and every other
    # relative path from HOME.
    home_row = SETTINGS_BY_NAME["HOME"]
    home = parse(home_row, raw(home_row), Path.cwd())
    values: dict[str, Any] = {"home": home}
    for row in SETTINGS:
        if row is not home_row:
            values[row.field_name] = parse(row, raw(row), home)
    return Settings(**values)


def settings_markdown_table() -> str:
    """The settings as a Markdown table (as embedded in README.md), ending with a newline."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| Setting | CLI flag | Default | Description |", "| --- | --- | --- | --- |"]
    for row in SETTINGS:
        flag = f"`{row.cli_flag}`" if row.cli_flag else "—"
        default = row.default_doc or f"`{row.default}`"
        lines.append(f"| `{row.env_var}` | {flag} | {cell(default)} | {cell(row.help)} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "SETTINGS",
    "SETTINGS_BY_NAME",
    "ConfigError",
    "Kind",
    "Setting",
    "Settings",
    "load_settings",
    "settings_markdown_table",
]
