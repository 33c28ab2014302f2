"""Named queries: ``queries/<name>.rq`` files whose comment header gives their title and
description in both languages, their typed parameters (``# param NAME: TYPE [= DEFAULT] ;
HELP``, TYPE one of ``iri``, ``string``, ``language``, ``integer``, ``date``, or
``label-language``: the language of the labels, not bound in the query; ``# help@id NAME: …`` gives
the help in Indonesian) and the columns that get
labels (``# label COLUMN: LABEL_COLUMN``, added from the label index after the query ran, so the
SPARQL returns IRIs alone). Each is parsed and run on an empty store at start-up, so a bad file
stops the app naming it. Parameters are bound as values (``engine/bindings.py``), so each must be
projected; answers come a page at a time (``PageRequest``), so the query has no top-level LIMIT."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from malang_kg.dataset.labels import LANGUAGES, LabelIndex
from malang_kg.engine import QueryRequest, Row, SelectResult, Term
from malang_kg.engine.bindings import bind_values
from malang_kg.engine.errors import QueryError
from malang_kg.engine.tokens import tokenize
from malang_kg.iris import CANONICAL_BASE, XSD

if TYPE_CHECKING:
    from malang_kg.dataset.answers import Answer
    from malang_kg.engine.service import QueryService

QUERIES_DIR = "queries"
PARAM_TYPES = ("iri", "string", "language", "integer", "date", "label-language")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(
    r"^#\s*(?P<key>[A-Za-z]+(?:@[a-z]{2})?|(?:param|label|help@id)\s+[A-Za-z_][A-Za-z0-9_]*)\s*:\s*"
    r"(?P<value>.*)$"
)
_PARAM = re.compile(r"^(?P<type>[a-z-]+)\s*(?:=\s*(?P<default>[^;]*?))?\s*(?:;\s*(?P<help>.*))?$")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    help: str  # in English
    help_id: str = ""  # in Indonesian (``# help@id NAME: …``), where given

    def help_in(self, lang: str) -> tuple[str, str]:
        """The help text in ``lang`` if there is one, else in English; (text, its language)."""
        return (self.help_id, "id") if lang == "id" and self.help_id else (self.help, "en")

    @property
    def bound(self) -> bool:
        """Whether the value is bound in the query (the labels' language is not)."""
        return self.type != "label-language"

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
    labels: tuple[tuple[str, str], ...] = ()  # (column, its label's column)

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

    def label_language(self, raw: dict[str, str]) -> str:
        """The language of the labels: the ``label-language`` parameter's value or default."""
        for parameter in self.parameters:
            if not parameter.bound:
                term = parameter.bind(raw.get(parameter.name))
                return term.value if term is not None else LANGUAGES[1]
        return LANGUAGES[1]


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
    if type_ == "label-language":
        if text.lower() not in LANGUAGES:
            raise ParameterError(name, f"expected 'id' or 'en', got {value!r}")
        return Term.literal(text.lower())
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


Header = tuple[dict[str, str], list[Parameter], list[tuple[str, str]]]


def _parse_header(path: Path, text: str) -> Header:
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    labels: list[tuple[str, str]] = []
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
        elif key.startswith("help@id"):
            name = key.split()[1]
            found = [p for p in parameters if p.name == name]
            if not found:
                raise QueryFileError(f"{path.name}: {key}: no parameter {name!r} before it")
            index = parameters.index(found[0])
            parameters[index] = dataclasses.replace(found[0], help_id=value)
        elif key.startswith("label"):
            if not _VARIABLE.match(value):
                raise QueryFileError(f"{path.name}: {key}: {value!r} is not a column name")
            labels.append((key.split()[1], value))
        elif key in fields:
            raise QueryFileError(f"{path.name}: header field {key!r} is given twice")
        else:
            fields[key] = value
    return fields, parameters, labels


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
    fields, parameters, labels = _parse_header(path, raw)
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
        labels=tuple(labels),
    )
    _check_runs(query)
    return query


def _check_runs(query: NamedQuery) -> None:
    """Parse and run the query on an empty store with every parameter bound: syntax errors and
    unprojected parameters show up here, at start-up, instead of on a user's request."""
    sample = {p.name: p.default or _SAMPLE[p.type] for p in query.parameters}
    if _top_level_limit(query.text):
        raise QueryFileError(f"{query.path.name}: a top-level LIMIT or OFFSET (the API pages)")
    try:
        bound = {p.name for p in query.parameters if p.bound}
        values = {n: term for n, term in query.bindings(sample).items() if n in bound}
        text = bind_values(paged(query.text, PageRequest(1, 2), 2), values)
        result = ox.Store().query(text, use_default_graph_as_union=True)
        columns = (
            [v.value for v in result.variables] if isinstance(result, ox.QuerySolutions) else []
        )
    except (SyntaxError, ValueError, RuntimeError, OSError, QueryError) as error:
        raise QueryFileError(f"{query.path.name}: {error}") from None
    missing = [column for column, _ in query.labels if column not in columns]
    if missing:
        raise QueryFileError(f"{query.path.name}: labelled column ?{missing[0]} is not projected")


def _top_level_limit(text: str) -> bool:
    depth = 0
    for token in tokenize(text):
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        if depth == 0 and (token.is_word("LIMIT") or token.is_word("OFFSET")):
            return True
    return False


_SAMPLE = {
    "iri": "https://example.org/x",
    "string": "x",
    "language": "en",
    "integer": "1",
    "date": "2023-11-06",
    "label-language": "en",
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


@dataclass(frozen=True)
class PageRequest:
    """Which rows of an answer: ``limit`` rows from row ``(number - 1) * limit``."""

    limit: int
    number: int = 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.limit


def paged(text: str, page: PageRequest, most: int) -> str:
    """The query asking for the page's rows and one more (which tells whether more follow),
    never more than ``most`` rows (engines such as Virtuoso refuse to sort more than their own
    row limit); the first page of a whole answer is the query as it is, cut at ``most``."""
    if page.number == 1 and page.limit >= most:
        return text
    return f"{text}\nLIMIT {min(page.limit + 1, most)} OFFSET {int(page.offset)}\n"


def run(
    engine: QueryService,
    query: NamedQuery,
    raw: dict[str, str] | None = None,
    labels: LabelIndex | None = None,
    page: PageRequest | None = None,
    built: Answer | None = None,
) -> SelectResult:
    """Run a named query with its parameters bound and its labels added (when ``labels`` is
    given), one page of it (by default as many rows as the service gives), or read that page
    from ``built``, the answer the build wrote (``dataset/answers.py``). Parameter columns are
    left out; ``truncated`` says that more rows follow."""
    raw = raw or {}
    most = engine.settings.max_rows
    page = page or PageRequest(most)
    if built is not None:
        return read_built(query, built, raw, labels, page)
    bound = {p.name for p in query.parameters if p.bound}
    values = {name: term for name, term in query.bindings(raw).items() if name in bound}
    request = QueryRequest(paged(query.text, page, most), values, max_rows=page.limit)
    result = engine.execute(request)
    assert isinstance(result, SelectResult), "named queries are SELECT queries"
    # With a page as large as the row limit, a full page may be followed by more (or by none).
    more = result.truncated or len(result.rows) > page.limit
    more = more or (page.number > 1 and len(result.rows) == page.limit == most)
    return _shown(query, replace(result, truncated=more), raw, labels, page)


def read_built(
    query: NamedQuery,
    built: Answer,
    raw: dict[str, str],
    labels: LabelIndex | None,
    page: PageRequest,
) -> SelectResult:
    """One page of ``built``, shown as ``run`` shows it."""
    stop = page.offset + page.limit
    result = SelectResult(built.columns, built.page(page.offset, stop), stop < built.rows)
    return _shown(query, result, raw, labels, page)


def _shown(
    query: NamedQuery,
    result: SelectResult,
    raw: dict[str, str],
    labels: LabelIndex | None,
    page: PageRequest,
) -> SelectResult:
    """The page's rows without the parameter columns, with their labels when ``labels`` is
    given."""
    hidden = {p.name for p in query.parameters}
    columns = [c for c in result.columns if c not in hidden]
    rows = [{c: v for c, v in row.items() if c not in hidden} for row in result.rows[: page.limit]]
    if labels is not None and query.labels:
        columns, rows = _labelled(query, columns, rows, labels, query.label_language(raw))
    return SelectResult(columns, rows, result.truncated, result.elapsed)


def shown_columns(query: NamedQuery, columns: list[str]) -> list[str]:
    """The columns ``run`` shows for an answer of ``columns``: without the parameters', each
    labelled column followed by its label column."""
    hidden = {p.name for p in query.parameters}
    of = dict(query.labels)
    shown: list[str] = []
    for column in columns:
        if column not in hidden:
            shown.extend([column, of[column]] if column in of else [column])
    return shown


def _labelled(
    query: NamedQuery, columns: list[str], rows: list[Row], labels: LabelIndex, lang: str
) -> tuple[list[str], list[Row]]:
    """Each labelled column followed by its label column, in ``lang`` else the other language."""
    other = LANGUAGES[0] if lang == LANGUAGES[1] else LANGUAGES[1]
    return shown_columns(query, columns), labels.add_labels(rows, query.labels, lang, other)
