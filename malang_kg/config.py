"""The settings table of malang-kg: every knob, its environment variable, CLI flag and default.

Each setting ``NAME`` is read from the environment variable ``MALANG_KG_NAME``; a CLI flag, where
one is listed, overrides it. An empty environment variable counts as unset. ``SETTINGS`` is the
single source of truth: the CLI flags, ``malang-kg settings`` and the README table come from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

Kind = Literal[
    "path", "optional-path", "str", "optional-str", "int", "float", "iri", "rate", "optional-url"
]

ENV_PREFIX = "MALANG_KG_"
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names its environment variable."""


@dataclass(frozen=True)
class Setting:
    """One row of the settings table. ``default`` is the raw text, parsed like any given value."""

    name: str
    default: str
    help: str
    cli_flag: str | None
    kind: Kind
    default_doc: str | None = None  # how the default is written in the docs, if not verbatim
    minimum: float | None = None  # bounds for kinds "int" and "float"
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # for kind "str": the values allowed, if only some are

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        name="HOME",
        default=str(REPOSITORY_ROOT),
        default_doc="the repository root",
        help="Project directory that holds `ontology/`, `data/` and `queries/`.",
        cli_flag=None,
        kind="path",
    ),
    Setting(
        name="BASE_IRI",
        default="https://w3id.org/malang-kg/",
        help="The base of every IRI the project mints: entities under `{BASE}id/`, the ontology "
        "at `{BASE}ontology#`, graphs under `{BASE}graph/`. The data files are written with the "
        "default and rewritten to this base at build time. Must be an absolute http(s) IRI "
        "ending in `/`.",
        cli_flag="--base-iri",
        kind="iri",
    ),
    Setting(
        name="DATA_DIR",
        default="",
        default_doc="none",
        help="Optional extra directory of Turtle files (`*.ttl`, searched recursively) to include "
        "besides `data/`. A relative path is resolved against HOME.",
        cli_flag="--data-dir",
        kind="optional-path",
    ),
    Setting(
        name="STORE",
        default="var/store",
        default_doc="`var/store` (under HOME)",
        help="Where builds are written and served from. A relative path is resolved against HOME.",
        cli_flag="--store",
        kind="path",
    ),
    Setting(
        name="KEEP_BUILDS",
        default="3",
        help="How many complete builds to keep; older ones are deleted after a successful build "
        "(at least 1).",
        cli_flag="--keep-builds",
        kind="int",
        minimum=1,
    ),
    Setting(
        name="BUILD_ENGINE",
        default="oxigraph",
        help="How a build validates and reasons: `oxigraph` compiles the shapes to SPARQL and "
        "runs the OWL RL rules implied by the ontology (closed by owlrl) on the Oxigraph store, "
        "which scales to millions of triples; `reference` runs pyshacl and owlrl over the "
        "whole graph (the reference engines the fast path is tested against; minutes beyond "
        "some 50,000 triples).",
        cli_flag="--build-engine",
        kind="str",
        choices=("oxigraph", "reference"),
    ),
    Setting(
        name="SERVE_FROM",
        default="auto",
        help="Where the embedded store answers from: `disk` opens the build's Oxigraph store "
        "read-only in each query process (ready at once at any size; the processes share the "
        "data through the page cache); `memory` loads the build into memory before the workers "
        "fork (lookups and scans 2-6x faster, but at a million triples it takes 5-7 s to load, "
        "~0.7 GB, and some joins run 2x slower); `auto` uses memory up to 250,000 quads and "
        "disk beyond.",
        cli_flag="--serve-from",
        kind="str",
        choices=("auto", "disk", "memory"),
    ),
    Setting(
        name="HOST",
        default="127.0.0.1",
        help="Address the WSGI server listens on.",
        cli_flag="--host",
        kind="str",
    ),
    Setting(
        name="PORT",
        default="5000",
        help="Port the WSGI server listens on (1-65535).",
        cli_flag="--port",
        kind="int",
        minimum=1,
        maximum=65535,
    ),
    Setting(
        name="WORKERS",
        default="2",
        help="Number of WSGI server worker processes (at least 1); they share one copy of the "
        "store.",
        cli_flag="--workers",
        kind="int",
        minimum=1,
    ),
    Setting(
        name="THREADS",
        default="4",
        help="Request threads per worker (at least 1). Each thread runs its queries in a query "
        "process of its own, so a runaway query holds one thread while the others keep "
        "answering; idle or slow connections wait in the worker's poller, not in a thread. A "
        "client's keep-alive connection stays on one worker, so give each worker more threads "
        "than the clients you expect to run slow queries at once.",
        cli_flag="--threads",
        kind="int",
        minimum=1,
        maximum=64,
    ),
    Setting(
        name="QUERY_TIMEOUT",
        default="10",
        help="Seconds a query may run. Past it the query's process is killed and the client gets "
        "503 saying it timed out.",
        cli_flag="--query-timeout",
        kind="float",
        minimum=0.1,
        maximum=3600,
    ),
    Setting(
        name="MAX_ROWS",
        default="10000",
        help="Most rows (or triples) a query returns; a cut result says so in the "
        "`X-SPARQL-MaxRows` header and on the HTML page.",
        cli_flag="--max-rows",
        kind="int",
        minimum=1,
    ),
    Setting(
        name="MAX_QUERY_BYTES",
        default="65536",
        help="Largest query text accepted, in bytes (UTF-8); larger ones get 413.",
        cli_flag="--max-query-bytes",
        kind="int",
        minimum=256,
    ),
    Setting(
        name="MAX_NESTING",
        default="64",
        help="Deepest nesting of `{}`, `()` and `[]` accepted in a query; deeper ones get 400 "
        "before any engine parses them (a 3,000-deep query crashes Oxigraph's parser).",
        cli_flag="--max-nesting",
        kind="int",
        minimum=4,
        maximum=1000,
    ),
    Setting(
        name="QUERY_MEMORY_MB",
        default="1024",
        help="Memory one query may allocate beyond the loaded store, in MiB; a query that needs "
        "more is stopped and the client gets 503.",
        cli_flag="--query-memory-mb",
        kind="int",
        minimum=64,
    ),
    Setting(
        name="CACHE_MB",
        default="64",
        help="Memory for the result cache of each serving process (every worker has its own), in "
        "MiB, approximate. Answers are kept per build, query text, bindings, dataset and row "
        "limit, the least recently used evicted first; errors and timeouts are never kept. 0 "
        "turns the cache off.",
        cli_flag="--cache-mb",
        kind="int",
        minimum=0,
        maximum=65536,
    ),
    Setting(
        name="RATE_LIMIT",
        default="600/minute",
        help="Requests one client address may make to `/sparql`, `/api/*` and `/reconcile` "
        "together (Flask-Limiter notation: `30/minute`, `5/second;300/hour`), or `off`. Past it "
        "the client gets 429 with `Retry-After`. `/health`, `/metrics`, pages and static files "
        "are not limited. With the default storage each worker counts on its own (see "
        "RATE_LIMIT_STORAGE).",
        cli_flag="--rate-limit",
        kind="rate",
    ),
    Setting(
        name="RATE_LIMIT_STORAGE",
        default="memory://",
        help="Where the rate-limit counters live, as a Flask-Limiter storage URI. `memory://` "
        "counts in each worker process; a shared store such as `redis://host:6379` (needs the "
        "`redis` package) makes the limit hold across workers and servers.",
        cli_flag="--rate-limit-storage",
        kind="str",
    ),
    Setting(
        name="BACKEND_URL",
        default="",
        default_doc="none (the embedded store)",
        help="A SPARQL 1.1 query endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune…) "
        "to answer every query instead of the embedded store; fill it with `malang-kg publish`. "
        "Queries pass the same guard, time limit and row limit first.",
        cli_flag="--backend-url",
        kind="optional-url",
    ),
    Setting(
        name="BACKEND_UPDATE_URL",
        default="",
        default_doc="none",
        help="The engine's SPARQL 1.1 Update endpoint; `malang-kg publish` uses it (DROP, then "
        "INSERT DATA in batches) when there is no BACKEND_STORE_URL. Never used to answer users.",
        cli_flag="--backend-update-url",
        kind="optional-url",
    ),
    Setting(
        name="BACKEND_STORE_URL",
        default="",
        default_doc="none",
        help="The engine's SPARQL 1.1 Graph Store Protocol endpoint; `malang-kg publish` replaces "
        "each graph there (PUT, then POST in batches).",
        cli_flag="--backend-store-url",
        kind="optional-url",
    ),
    Setting(
        name="BACKEND_USER",
        default="",
        default_doc="none",
        help="User name for the engine's endpoints (HTTP basic authentication, or digest when the "
        "engine asks for it, as Virtuoso's `/sparql-auth` does).",
        cli_flag="--backend-user",
        kind="optional-str",
    ),
    Setting(
        name="BACKEND_PASSWORD",
        default="",
        default_doc="none",
        help="Password for BACKEND_USER. Environment only: a command line is visible to every "
        "user of the machine.",
        cli_flag=None,
        kind="optional-str",
    ),
    Setting(
        name="BACKEND_TIMEOUT",
        default="30",
        help="Seconds to wait for the engine: to connect (every call), for each answer of the "
        "service's own calls (the build description, `/health`) and for each request of "
        "`malang-kg publish`. A query's answer is waited for no longer than QUERY_TIMEOUT.",
        cli_flag="--backend-timeout",
        kind="float",
        minimum=0.5,
        maximum=3600,
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The effective, validated settings; one attribute per entry of ``SETTINGS``."""

    home: Path
    base_iri: str
    data_dir: Path | None
    store: Path
    keep_builds: int
    build_engine: str  # "oxigraph" or "reference"
    serve_from: str  # "auto", "disk" or "memory"
    host: str
    port: int
    workers: int
    threads: int
    query_timeout: float
    max_rows: int
    max_query_bytes: int
    max_nesting: int
    query_memory_mb: int
    cache_mb: int
    rate_limit: str  # "off", or limits in Flask-Limiter notation
    rate_limit_storage: str
    backend_url: str | None  # None: the embedded store
    backend_update_url: str | None
    backend_store_url: str | None
    backend_user: str | None
    backend_password: str | None = field(repr=False)  # never in a log or a traceback
    backend_timeout: float


def _label(setting: Setting) -> str:
    flag = f" ({setting.cli_flag})" if setting.cli_flag else ""
    return setting.env_var + flag


def _parse_path(setting: Setting, raw: str, base: Path) -> Path:
    if not raw.strip():
        raise ConfigError(f"{_label(setting)}: must not be empty")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base / path


def _parse_number(setting: Setting, raw: str) -> float:
    kind, parse = ("an integer", int) if setting.kind == "int" else ("a number", float)
    try:
        value = parse(raw.strip())
    except ValueError:
        raise ConfigError(f"{_label(setting)}: expected {kind}, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"{_label(setting)}: expected {kind}, got {raw!r}")
    low, high = setting.minimum, setting.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{_label(setting)}: must be {bounds}, got {value}")
    return value


def _parse_iri(setting: Setting, raw: str) -> str:
    value = raw.strip()
    problem = None
    if any(char in value for char in ' <>"{}|\\^`') or any(ord(char) < 33 for char in value):
        problem = "contains a character not allowed in an IRI"
    else:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problem = "must be an absolute http:// or https:// IRI"
        elif "?" in value or "#" in value:
            problem = "must not have a query or a fragment"
        elif not value.endswith("/"):
            problem = "must end with '/'"
    if problem:
        raise ConfigError(f"{_label(setting)}: {problem}, got {raw!r}")
    return value


def _parse_str(setting: Setting, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise ConfigError(f"{_label(setting)}: must not be empty")
    if setting.choices and value not in setting.choices:
        raise ConfigError(
            f"{_label(setting)}: must be one of {', '.join(setting.choices)}, got {raw!r}"
        )
    return value


def _parse_rate(setting: Setting, raw: str) -> str:
    from limits import parse_many  # Flask-Limiter's own notation, checked by its own parser

    value = raw.strip()
    if value.lower() == "off":
        return "off"
    try:
        if any(limit.amount < 1 for limit in parse_many(value)):
            raise ValueError("a rate of 0")
    except ValueError:
        raise ConfigError(
            f"{_label(setting)}: expected a rate such as 30/minute or 5/second;300/hour, or off, "
            f"got {raw!r}"
        ) from None
    return value


def _parse_url(setting: Setting, raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or "#" in value
        or any(char in value for char in ' <>"{}|\\^`')
        or any(ord(char) < 33 for char in value)
    ):
        raise ConfigError(
            f"{_label(setting)}: must be an absolute http:// or https:// URL without a fragment, "
            f"got {raw!r}"
        )
    return value


def _parse(setting: Setting, raw: str, home: Path) -> Any:
    """Parse one raw value by its setting's kind; relative paths are resolved against ``home``."""
    if setting.kind == "path":
        return _parse_path(setting, raw, home)
    if setting.kind == "optional-path":
        return _parse_path(setting, raw, home) if raw.strip() else None
    if setting.kind in ("int", "float"):
        return _parse_number(setting, raw)
    if setting.kind == "iri":
        return _parse_iri(setting, raw)
    if setting.kind == "rate":
        return _parse_rate(setting, raw)
    if setting.kind == "optional-url":
        return _parse_url(setting, raw)
    if setting.kind == "optional-str":
        return raw if raw.strip() else None  # kept verbatim: a password may end in a space
    return _parse_str(setting, raw)


def load_settings(
    overrides: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Return the effective settings: CLI ``overrides`` (by setting name; ``None`` means not
    given) win over ``MALANG_KG_<NAME>`` variables in ``environ`` (default ``os.environ``), which
    win over the defaults. Raises ``ConfigError`` for an unusable value."""
    overrides = overrides or {}
    environ = os.environ if environ is None else environ
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")

    def raw(setting: Setting) -> str:
        override = overrides.get(setting.name)
        if override is not None:
            return override
        return environ.get(setting.env_var) or setting.default  # empty counts as unset

    # HOME comes first: a relative HOME is taken from the working directory, and every other
    # relative path from HOME.
    home = _parse_path(SETTINGS_BY_NAME["HOME"], raw(SETTINGS_BY_NAME["HOME"]), Path.cwd())
    values: dict[str, Any] = {"home": home}
    for setting in SETTINGS:
        if setting.name != "HOME":
            values[setting.name.lower()] = _parse(setting, raw(setting), home)
    return Settings(**values)


def settings_markdown_table() -> str:
    """The settings as a Markdown table (as embedded in README.md), ending with a newline."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| Setting | CLI flag | Default | Description |", "| --- | --- | --- | --- |"]
    for setting in SETTINGS:
        flag = f"`{setting.cli_flag}`" if setting.cli_flag else "—"
        default = setting.default_doc or f"`{setting.default}`"
        lines.append(f"| `{setting.env_var}` | {flag} | {cell(default)} | {cell(setting.help)} |")
    return "\n".join(lines) + "\n"
