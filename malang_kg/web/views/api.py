"""``/api``: the named queries as a web API, and its OpenAPI description.

- ``GET /api/queries``: the list (JSON by default, HTML for browsers).
- ``GET /api/queries/<name>``: the results, as plain JSON (typed values), SPARQL JSON, CSV, TSV or
  HTML, by ``Accept`` or by a suffix (``.json``, ``.srj``, ``.csv``, ``.tsv``, ``.html``).
  Parameters come from the query string, decoded as strict UTF-8 and checked by type; they are
  bound as values by the query service, never pasted into the text. A bad or unknown parameter
  answers 400 naming it; an unknown query 404; a result cut at the row limit says so.
- ``GET /api/openapi.json``: the OpenAPI 3.1 document (``malang_kg.dataset.openapi``).
"""

from __future__ import annotations

import json
import math
from functools import partial
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from malang_kg.dataset.named_queries import LANGUAGES, NamedQuery, ParameterError, run
from malang_kg.dataset.openapi import Column, document
from malang_kg.engine import SelectResult, Term
from malang_kg.engine.service import QueryService
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import negotiate
from malang_kg.formats.results import csv_value, to_csv, to_json, to_tsv
from malang_kg.iris import XSD
from malang_kg.web.context import engine, named_queries
from malang_kg.web.http.errors import not_acceptable
from malang_kg.web.http.headers import MAX_ROWS_HEADER
from malang_kg.web.http.params import parse_pairs
from malang_kg.web.i18n import choose_language, translator
from malang_kg.web.i18n.api import TEXTS
from malang_kg.web.views import query_page as sparql_page

bp = Blueprint("api", __name__, url_prefix="/api")

INTEGER_TYPES = frozenset(
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
NUMBER_TYPES = frozenset(str(XSD[name]) for name in ("decimal", "double", "float"))
SUFFIXES: dict[str, fmt.MediaType] = {
    "json": fmt.JSON,
    "srj": fmt.SPARQL_JSON,
    "csv": fmt.CSV,
    "tsv": fmt.TSV,
    "html": fmt.HTML,
}
ANSWER_TYPES = (fmt.JSON, fmt.SPARQL_JSON, fmt.CSV, fmt.TSV, fmt.HTML)
INPUT_TYPES = {"iri": "url", "integer": "number", "date": "date"}


# --- Values --------------------------------------------------------------------------------------


def typed_value(term: Term | None) -> str | int | float | bool | None:
    """A term as a plain JSON value: integers, decimals and doubles as numbers, booleans as
    booleans, IRIs and other literals as strings (blank nodes ``_:id``), unbound as null."""
    if term is None:
        return None
    if term.kind != "literal" or term.datatype is None:
        return csv_value(term)
    text = term.value.strip()
    try:
        if term.datatype in INTEGER_TYPES:
            return int(text)
        if term.datatype in NUMBER_TYPES:
            number = float(text)
            return number if math.isfinite(number) else term.value
    except ValueError:
        return term.value
    if term.datatype == str(XSD.boolean) and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    return term.value


def plain_json(
    query: NamedQuery, result: SelectResult, parameters: dict[str, Term]
) -> dict[str, Any]:
    return {
        "query": query.name,
        "columns": list(result.columns),
        "rows": [
            {name: typed_value(row.get(name)) for name in result.columns} for row in result.rows
        ],
        "truncated": result.truncated,
        "parameters": {name: typed_value(term) for name, term in parameters.items()},
        "elapsed_ms": round(result.elapsed * 1000, 1),
    }


# --- Reading the request -------------------------------------------------------------------------


def raw_parameters() -> dict[str, str]:
    """The query string as ``{name: value}``, strict UTF-8; a repeated name is a 400."""
    pairs = parse_pairs(request.query_string, "query string")
    raw: dict[str, str] = {}
    for name in pairs:
        values = pairs.getlist(name)
        if len(values) > 1:
            raise ParameterError(name, f"given {len(values)} times; give it once")
        raw[name] = values[0]
    return raw


def bind(query: NamedQuery, raw: dict[str, str]) -> dict[str, Term]:
    """Check ``raw`` against the query's parameters; ``lang`` is one of id, en."""
    lang = raw.get("lang")
    if lang is not None and any(p.name == "lang" for p in query.parameters):
        if lang.strip().lower() not in LANGUAGES:
            raise ParameterError("lang", f"expected 'id' or 'en', got {lang!r}")
        raw = {**raw, "lang": lang.strip().lower()}
    return query.bindings(raw)


def _choose(suffix: str) -> fmt.MediaType:
    if suffix:
        return SUFFIXES[suffix]
    chosen = negotiate(ANSWER_TYPES, request.headers.get("Accept"))
    if chosen is None:
        supported = ", ".join(media.mime for media in ANSWER_TYPES)
        raise not_acceptable(
            f"Supported media types: {supported}; or a suffix: "
            + ", ".join("." + suffix for suffix in SUFFIXES)
        )
    return chosen


def _lookup(target: str) -> tuple[NamedQuery, str]:
    name, dot, suffix = target.partition(".")
    query = named_queries().get(name)
    if query is None or (dot and suffix not in SUFFIXES):
        known = ", ".join(sorted(named_queries()))
        abort(404, description=f"There is no query {target!r}. The named queries are: {known}.")
    return query, suffix


# --- Links ---------------------------------------------------------------------------------------


def query_url(query: NamedQuery, suffix: str = "", params: dict[str, str] | None = None) -> str:
    target = f"{query.name}.{suffix}" if suffix else query.name
    url = url_for("api.query", target=target)
    return f"{url}?{urlencode(sorted(params.items()))}" if params else url


def editor_link(query: NamedQuery) -> str:
    """The query in the SPARQL query page (``/sparql?query=…``)."""
    return sparql_page.examples(url_for("sparql.endpoint"), [query])[0].href


def listing_entry(query: NamedQuery) -> dict[str, Any]:
    root = request.url_root.rstrip("/")
    return {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "help": p.help}
            for p in query.parameters
        ],
        "url": root + query_url(query),
        "formats": {suffix: root + query_url(query, suffix) for suffix in SUFFIXES},
        "sparql": root + editor_link(query),
    }


# --- Routes --------------------------------------------------------------------------------------


def _wants_html() -> bool:
    return negotiate((fmt.JSON, fmt.HTML), request.headers.get("Accept")) is fmt.HTML


@bp.get("/queries")
def queries() -> Response:
    listed = [listing_entry(query) for query in named_queries().values()]
    if _wants_html():
        lang = choose_language()
        html = render_template(
            "api/queries.html",
            t=translator(TEXTS, lang),
            lang=lang,
            queries=listed,
            openapi=url_for("api.openapi"),
        )
        response = Response(html, mimetype="text/html")
        response.content_language.add(lang)
        response.vary.add("Accept-Language")
    else:
        response = jsonify(listed)
    response.vary.add("Accept")
    return response


@bp.get("/queries/<target>")
def query(target: str) -> Response:
    named, suffix = _lookup(target)
    media = _choose(suffix)
    try:
        raw = raw_parameters()
        if media.is_html and "lang" not in raw and any(p.name == "lang" for p in named.parameters):
            raw["lang"] = choose_language()
        bindings = bind(named, raw)
    except ParameterError as error:
        response = _parameter_error(named, error, media)
    else:
        result = run(engine(), named, {name: term.value for name, term in bindings.items()})
        response = _answer(named, result, bindings, media, raw)
        if result.truncated:
            response.headers[MAX_ROWS_HEADER] = str(engine().settings.max_rows)
    if not suffix:
        response.vary.add("Accept")
    if media.is_html:
        response.vary.add("Accept-Language")  # the interface language, unless ?lang= is given
    return response


def _answer(
    named: NamedQuery,
    result: SelectResult,
    bindings: dict[str, Term],
    media: fmt.MediaType,
    raw: dict[str, str],
) -> Response:
    if media is fmt.JSON:
        body = json.dumps(plain_json(named, result, bindings), ensure_ascii=False)
        return Response(body, mimetype=media.mime)
    if media is fmt.SPARQL_JSON:
        return Response(to_json(result), mimetype=media.mime)
    if media is fmt.CSV:
        return Response(to_csv(result), mimetype=media.mime)
    if media is fmt.TSV:
        return Response(to_tsv(result), mimetype=media.mime)
    return _page(named, raw, result=result)


def _parameter_error(named: NamedQuery, error: ParameterError, media: fmt.MediaType) -> Response:
    message = str(error)
    if media.is_html:
        return _page(named, _given(), error=message, status=400)
    if media in (fmt.CSV, fmt.TSV):
        return Response(f"400 Bad Request\n\n{message}\n", status=400, mimetype="text/plain")
    response = jsonify(
        {"error": "Bad Request", "status": 400, "message": message, "parameter": error.name}
    )
    response.status_code = 400
    return response


def _given() -> dict[str, str]:
    """What the query string says, leniently (for redisplaying a form after an error)."""
    return {name: value for name, value in request.args.items()}


def _page(
    named: NamedQuery,
    raw: dict[str, str],
    *,
    result: SelectResult | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    lang = choose_language()
    params = [
        {
            "name": p.name,
            "type": p.type,
            "default": p.default or "",
            "help": p.help,
            "value": raw.get(p.name, p.default or ""),
            "input": INPUT_TYPES.get(p.type, "text"),
            "choices": LANGUAGES if p.name == "lang" and p.type == "language" else (),
        }
        for p in named.parameters
    ]
    links = {k: v for k, v in raw.items() if k in {p.name for p in named.parameters}}
    html = render_template(
        "api/query.html",
        t=translator(TEXTS, lang),
        lang=lang,
        query=named,
        title=named.title[lang],
        description=named.description[lang],
        params=params,
        action=query_url(named, "html"),
        sparql_text=sparql_page.example_text(named),
        editor=editor_link(named),
        error=error,
        table=sparql_page.table(result) if result is not None else None,
        rows=len(result.rows) if result is not None else 0,
        truncated=result.truncated if result is not None else False,
        elapsed_ms=round(result.elapsed * 1000, 1) if result is not None else None,
        formats=[
            (media.label, query_url(named, suffix, links), media.mime)
            for suffix, media in SUFFIXES.items()
            if not media.is_html
        ],
        all_queries=url_for("api.queries"),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.content_language.add(lang)
    return response


# --- OpenAPI -------------------------------------------------------------------------------------


def _kind(term: Term | None) -> str:
    value = typed_value(term)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "uri" if term is not None and term.kind == "uri" else "string"


def _columns(service: QueryService, named: NamedQuery) -> list[Column]:
    result = run(service, named, {})
    return [
        Column(name, frozenset(_kind(row.get(name)) for row in result.rows))
        for name in result.columns
    ]


def columns_for_build() -> dict[str, list[Column]]:
    """Each query's columns and the JSON types of their values, run once per build."""
    service = engine()
    found: dict[str, list[Column]] = {}
    for named in named_queries().values():
        key = ("openapi-columns", named.name, named.text)
        found[named.name] = service.memoised(key, partial(_columns, service, named))
    return found


@bp.get("/openapi.json")
def openapi() -> Response:
    spec = document(
        named_queries().values(),
        request.url_root.rstrip("/"),
        columns_for_build(),
        engine().build_id,
    )
    return jsonify(spec)
