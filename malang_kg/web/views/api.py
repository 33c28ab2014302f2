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

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from malang_kg.dataset.labels import LANGUAGES
from malang_kg.dataset.named_queries import NamedQuery, PageRequest, ParameterError, run
from malang_kg.dataset.openapi import columns_of, document
from malang_kg.engine import SelectResult, Term
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import negotiate
from malang_kg.web.context import built_answers, engine, label_index, named_queries
from malang_kg.web.http.errors import not_acceptable
from malang_kg.web.http.headers import MAX_ROWS_HEADER
from malang_kg.web.http.params import parse_pairs, parse_whole
from malang_kg.web.i18n import choose_language, html_page, translator
from malang_kg.web.i18n.api import TEXTS
from malang_kg.web.views import query_page as sparql_page
from malang_kg.web.views.answer_bodies import encoded_body, result_body, written_page

bp = Blueprint("api", __name__, url_prefix="/api")

SUFFIXES: dict[str, fmt.MediaType] = {
    "json": fmt.JSON,
    "srj": fmt.SPARQL_JSON,
    "csv": fmt.CSV,
    "tsv": fmt.TSV,
    "html": fmt.HTML,
}
ANSWER_TYPES = (fmt.JSON, fmt.SPARQL_JSON, fmt.CSV, fmt.TSV, fmt.HTML)
INPUT_TYPES = {"iri": "url", "integer": "number", "date": "date"}


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
        response = html_page(html, lang)
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
        page = _page_request(raw)
        if media.is_html and "lang" not in raw and any(p.name == "lang" for p in named.parameters):
            raw["lang"] = choose_language()
        bindings = bind(named, raw)
    except ParameterError as error:
        response = _parameter_error(named, error, media)
    else:
        response = _answered(named, suffix, media, raw, page, bindings)
    if not suffix:
        response.vary.add("Accept")
    return response


def _page_request(raw: dict[str, str]) -> PageRequest:
    """``limit`` (rows per page, at most the service's row limit) and ``page`` (from 1), taken
    out of the query's parameters."""
    most = engine().settings.max_rows
    limit = _whole(raw.pop("limit", None), "limit", 1, most, most)
    number = _whole(raw.pop("page", None), "page", 1, 10**9, 1)
    return PageRequest(limit, number)


def _whole(raw: str | None, name: str, low: int, high: int, default: int) -> int:
    if raw is None:
        return default
    number = parse_whole(raw.strip(), low, high)
    if number is None:
        raise ParameterError(name, f"expected a whole number from {low} to {high}, got {raw!r}")
    return number


def _page_url(named: NamedQuery, suffix: str, raw: dict[str, str], number: int) -> str:
    """The absolute URL of page ``number`` of the same answer, in the same format."""
    params = {k: v for k, v in request.args.items() if k != "page"}
    params["page"] = str(number)
    return request.url_root.rstrip("/") + query_url(named, suffix, params)


def _answered(
    named: NamedQuery,
    suffix: str,
    media: fmt.MediaType,
    raw: dict[str, str],
    page: PageRequest,
    bindings: dict[str, Term],
) -> Response:
    """The page asked for: sliced from the rows the build wrote in this format and language
    where it wrote them (``dataset/answers.py``), else read from the built answer or run."""
    written = written_page(built_answers(), named, media, raw, page)
    if written is not None:
        shown, data = written
        next_url = _page_url(named, suffix, raw, page.number + 1) if shown.truncated else None
        body = encoded_body(named, shown, data, bindings, media, page, next_url)
        response = Response(body, mimetype=media.mime)
        truncated = shown.truncated
    else:
        built = built_answers().answer(named)
        values = {name: term.value for name, term in bindings.items()}
        result = run(engine(), named, values, label_index(), page, built)
        next_url = _page_url(named, suffix, raw, page.number + 1) if result.truncated else None
        total = built.rows if built is not None else None
        response = _answer(named, result, bindings, media, raw, page, next_url, total)
        truncated = result.truncated
    if next_url is not None:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    if truncated and page.limit == engine().settings.max_rows:
        response.headers[MAX_ROWS_HEADER] = str(page.limit)
    return response


def _answer(
    named: NamedQuery,
    result: SelectResult,
    bindings: dict[str, Term],
    media: fmt.MediaType,
    raw: dict[str, str],
    page: PageRequest,
    next_url: str | None,
    total: int | None = None,
) -> Response:
    if media.is_html:
        return _page(named, raw, result=result, next_url=next_url)
    body = result_body(named, result, bindings, media, page, next_url, total)
    return Response(body, mimetype=media.mime)


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
    next_url: str | None = None,
) -> Response:
    lang = choose_language()
    params = [
        {
            "name": p.name,
            "type": p.type,
            "default": p.default or "",
            "help": p.help_in(lang)[0],
            "help_lang": p.help_in(lang)[1],
            "value": raw.get(p.name, p.default or ""),
            "input": INPUT_TYPES.get(p.type, "text"),
            "choices": LANGUAGES
            if p.type in ("language", "label-language") and p.name == "lang"
            else (),
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
        next_url=next_url,
    )
    return html_page(html, lang, status)


# --- OpenAPI -------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    spec = document(
        named_queries().values(),
        request.url_root.rstrip("/"),
        columns_of(engine(), named_queries().values(), label_index()),
        engine().build_id,
    )
    return jsonify(spec)
