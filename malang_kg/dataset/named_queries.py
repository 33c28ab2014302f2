"""Named queries: ``queries/<name>.rq`` files whose comment header gives their title and
description in both languages and their typed parameters (``# param NAME: TYPE [= DEFAULT] ;
HELP``, TYPE one of ``iri``, ``string``, ``language``, ``integer``, ``date``). Each is parsed and
run on an empty store at start-up, so a bad file stops the app naming it. Parameters are bound as
values (``engine/bindings.py``), so each must be projected."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from malang_kg.engine import SelectResult, Term
from malang_kg.engine.bindings import bind_values
from malang_kg.engine.errors import QueryError
from malang_kg.iris import CANONICAL_BASE, XSD

if TYPE_CHECKING:
    from malang_kg.engine.service import QueryService

QUERIES_DIR = "queries"
PARAM_TYPES = ("iri", "string", "language", "integer", "date")
LANGUAGES = ("id", "en")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(
    r"^#\s*(?P<key>[A-Za-z]+(?:@[a-z]{2})?|param\s+[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<value>.*)$"
)
_PARAM = re.compile(r"^(?P<type>[a-z]+)\s*(?:=\s*(?P<default>[^;]*?))?\s*(?:;\s*(?P<help>.*))?$")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")


class QueryFileError(ValueError):
    """A named query file is malformed; the message starts with the file name."""


class ParameterError(ValueError):
    """A parameter value does not fit its type; the message names the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.name = name


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    help: str

    def bind(self, raw: str | None) -> Term | None:
        """The term for a raw value (or the default); None if neither is given."""
        value = self.default if raw is None else raw
        if value is None:
            return None
        return to_term(self.name, self.type, value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    parameters: tuple[Parameter, ...]
    text: str

    def bindings(self, raw: dict[str, str]) -> dict[str, Term]:
        unknown = sorted(set(raw) - {p.name for p in self.parameters})
        if unknown:
            raise ParameterError(unknown[0], f"not a parameter of query {self.name!r}")
        bound: dict[str, Term] = {}
        for parameter in self.parameters:
            term = parameter.bind(raw.get(parameter.name))
            if term is not None:
                bound[parameter.name] = term
        return bound


def to_term(name: str, type_: str, value: str) -> Term:
    """Validate a raw parameter value by its type and make it an RDF term."""
    text = value.strip()
    if type_ == "iri":
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", text):
            raise ParameterError(name, f"expected an absolute http(s) IRI, got {value!r}")
        try:
            ox.NamedNode(text)
        except ValueError as error:
            raise ParameterError(name, f"not a valid IRI: {error}") from None
        return Term.uri(text)
    if type_ == "string":
        return Term.literal(value)
    if type_ == "language":
        if not _LANGUAGE_TAG.match(text):
            raise ParameterError(
                name, f"expected a language tag such as 'id' or 'en', got {value!r}"
            )
        return Term.literal(text.lower())
    if type_ == "integer":
        if not re.match(r"^[+-]?[0-9]{1,18}$", text):
            raise ParameterError(name, f"expected an integer, got {value!r}")
        return Term.literal(str(int(text)), datatype=str(XSD.integer))
    if type_ == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ParameterError(name, f"expected a date YYYY-MM-DD, got {value!r}") from None
        return Term.literal(day.isoformat(), datatype=str(XSD.date))
    raise ParameterError(name, f"unknown type {type_!r}")


def _parse_header(path: Path, text: str) -> tuple[dict[str, str], list[Parameter]]:
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if not match:
            continue
        key, value = match["key"], match["value"].strip()
        if key.startswith("param"):
            parameters.append(_parse_param(path, key.split()[1], value))
        elif key in fields:
            raise QueryFileError(f"{path.name}: header field {key!r} is given twice")
        else:
            fields[key] = value
    return fields, parameters


def _parse_param(path: Path, name: str, spec: str) -> Parameter:
    match = _PARAM.match(spec)
    if not match or match["type"] not in PARAM_TYPES:
        raise QueryFileError(
            f"{path.name}: parameter {name!r} must read 'TYPE [= DEFAULT] ; HELP' with TYPE one of "
            f"{', '.join(PARAM_TYPES)}; got {spec!r}"
        )
    default = match["default"]
    parameter = Parameter(
        name, match["type"], default if default else None, (match["help"] or "").strip()
    )
    if parameter.default is not None:
        try:
            parameter.bind(None)
        except ParameterError as error:
            raise QueryFileError(f"{path.name}: default of {error}") from None
    return parameter


def load_query(path: Path, base_iri: str = CANONICAL_BASE) -> NamedQuery:
    name = path.stem
    if not _NAME.match(name):
        raise QueryFileError(f"{path.name}: a query name is lower-case letters, digits and '-'")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryFileError(f"{path.name}: cannot read: {error}") from None
    fields, parameters = _parse_header(path, raw)
    missing = [
        f"{k}@{lang}"
        for k in ("title", "description")
        for lang in LANGUAGES
        if f"{k}@{lang}" not in fields
    ]
    if missing:
        raise QueryFileError(f"{path.name}: header lacks {', '.join(missing)}")
    if len({p.name for p in parameters}) != len(parameters):
        raise QueryFileError(f"{path.name}: a parameter is declared twice")
    # Our own query text follows the configured base IRI, like the data does.
    text = raw.replace(CANONICAL_BASE, base_iri)
    query = NamedQuery(
        name=name,
        path=path,
        title={lang: fields[f"title@{lang}"] for lang in LANGUAGES},
        description={lang: fields[f"description@{lang}"] for lang in LANGUAGES},
        parameters=tuple(parameters),
        text=text,
    )
    _check_runs(query)
    return query


def _check_runs(query: NamedQuery) -> None:
    """Parse and run the query on an empty store with every parameter bound: syntax errors and
    unprojected parameters show up here, at start-up, instead of on a user's request."""
    sample = {p.name: p.default or _SAMPLE[p.type] for p in query.parameters}
    try:
        text = bind_values(query.text, query.bindings(sample))
        result = ox.Store().query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except (SyntaxError, ValueError, RuntimeError, OSError, QueryError) as error:
        raise QueryFileError(f"{query.path.name}: {error}") from None


_SAMPLE = {
    "iri": "https://example.org/x",
    "string": "x",
    "language": "en",
    "integer": "1",
    "date": "2023-11-06",
}


def load_queries(home: Path, base_iri: str = CANONICAL_BASE) -> dict[str, NamedQuery]:
    """Every ``queries/*.rq`` of ``home``, checked; loaded again only when a file changes."""
    directory = home / QUERIES_DIR
    paths = sorted(directory.glob("*.rq"))
    if not paths:
        raise QueryFileError(f"{directory}: no named queries (*.rq)")
    files = tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    return dict(_load_checked(files, base_iri))


@functools.lru_cache(maxsize=16)
def _load_checked(
    files: tuple[tuple[Path, int, int], ...], base_iri: str
) -> tuple[tuple[str, NamedQuery], ...]:
    """The queries of these files as they are (their modification time and size in the key)."""
    return tuple(
        (query.name, query) for query in (load_query(path, base_iri) for path, _, _ in files)
    )


def run(engine: QueryService, query: NamedQuery, raw: dict[str, str] | None = None) -> SelectResult:
    """Run a named query with its parameters bound; parameter columns are left out of the result."""
    result = engine.select(query.text, query.bindings(raw or {}))
    hidden = {p.name for p in query.parameters}
    columns = [c for c in result.columns if c not in hidden]
    rows = [{c: v for c, v in row.items() if c not in hidden} for row in result.rows]
    return SelectResult(columns, rows, result.truncated, result.elapsed)
