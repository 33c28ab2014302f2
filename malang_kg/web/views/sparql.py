"""``/sparql``: the SPARQL 1.1 Protocol, query operation only. A query arrives by GET, by POST of a
form or of ``application/sparql-query``, with ``default-graph-uri``/``named-graph-uri``; anything
like an update is refused. The answer's format comes from ``format=`` or ``Accept``; browsers get
the query page (one page of 100 rows, ``page=N``), RDF clients that send no query the Service
Description. ``SELECT *`` answers its columns in the order the query first names them. A cut
answer says so (``X-SPARQL-MaxRows``, ``X-SPARQL-Truncated``, and the JSON ``head``); an answer
asked for with ``format=`` (the page's download links) is an attachment with a file name."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from flask import Blueprint, Response, request, url_for
from werkzeug.datastructures import MultiDict

from malang_kg.dataset.service_description import service_description
from malang_kg.engine import GraphResult, QueryRequest, QueryResult, SelectResult, TsvResult
from malang_kg.engine.errors import QueryError, QueryTooLarge
from malang_kg.engine.guard import Prepared
from malang_kg.engine.service import QueryService
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import choose, wants_html
from malang_kg.formats.rdf import serialize_rdflib
from malang_kg.formats.results import SerializationError, reorder, serialize
from malang_kg.web.context import engine, layout, named_queries
from malang_kg.web.http.errors import ProtocolError, bad_request, not_acceptable
from malang_kg.web.http.headers import MAX_ROWS_HEADER, TRUNCATED_HEADER, form_limit
from malang_kg.web.http.params import parse_pairs, read_body
from malang_kg.web.i18n import choose_language, html_page
from malang_kg.web.i18n.errors import say
from malang_kg.web.views import query_page as sparql_page

bp = Blueprint("sparql", __name__)

ENDPOINT = "/sparql"
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

# --- Reading the request -------------------------------------------------------------------------


def _read_body(limit: int, what: str) -> bytes:
    return read_body(limit, what, "this endpoint", QueryTooLarge)


def _read_post(max_query_bytes: int) -> tuple[MultiDict[str, str], str | None]:
    """(form parameters, direct query) of a POST; checks the content type before the body."""
    if not request.headers.get("Content-Type", "").strip():
        raise bad_request(
            f"A POST needs a Content-Type: {FORM_TYPE} (with a query parameter) or "
            f"{QUERY_TYPE} (with the query as the body)."
        )
    mimetype = request.mimetype
    if mimetype == UPDATE_TYPE:
        raise bad_request(say("read_only"), reason="update")
    if mimetype == FORM_TYPE:
        return parse_pairs(_read_body(form_limit(max_query_bytes), "form"), "form"), None
    if mimetype != QUERY_TYPE:
        raise ProtocolError(
            415,
            "Unsupported Media Type",
            f"A POST to this endpoint must be {FORM_TYPE} or {QUERY_TYPE}, not {mimetype}.",
        )
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8", "us-ascii"):
        raise bad_request(
            f"The query must be sent in UTF-8, not charset={charset}; re-encode it as UTF-8.",
            reason="encoding",
        )
    data = _read_body(max_query_bytes, "query")
    try:
        return MultiDict(), data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(
            f"The body is not valid UTF-8 (byte {error.start} is not); SPARQL queries must be "
            "encoded in UTF-8.",
            reason="encoding",
        ) from None


def _graphs(name: str, *sources: MultiDict[str, str]) -> tuple[str, ...] | None:
    values = [value.strip() for source in sources for value in source.getlist(name)]
    for value in values:
        if not value:
            raise bad_request(say("graph_empty", name=name))
    return tuple(values) or None


# --- Answering -----------------------------------------------------------------------------------


@bp.route(ENDPOINT, methods=["GET", "POST"])
def endpoint() -> Response:
    service = engine()
    url = parse_pairs(request.query_string, "query string")
    form: MultiDict[str, str] = MultiDict()
    direct: str | None = None
    if request.method == "POST":
        form, direct = _read_post(service.settings.max_query_bytes)
    if "update" in url or "update" in form:
        raise bad_request(say("read_only"), reason="update")
    queries = (
        url.getlist("query") + form.getlist("query") + ([direct] if direct is not None else [])
    )
    if len(queries) > 1:
        raise bad_request(say("one_query", count=len(queries)))
    format_param = form.get("format") or url.get("format")
    page = form.get("page") or url.get("page")  # of the HTML answer only
    if not queries:
        if request.method == "POST":
            raise bad_request("The POST has no query: send a query parameter.")
        return _without_query(service, format_param)
    if not queries[0].strip():
        raise bad_request(say("query_empty"))
    query = QueryRequest(
        queries[0],
        default_graphs=_graphs("default-graph-uri", url, form),
        named_graphs=_graphs("named-graph-uri", url, form),
    )
    return _answer(service, query, format_param, page)


def _accept() -> str | None:
    return request.headers.get("Accept")


def star_order(prepared: Prepared, columns: list[str]) -> list[str]:
    """The columns of a ``SELECT *`` in the order their variables first appear in the query
    (engines answer them alphabetically); any other query's columns as they are."""
    tokens = prepared.tokens
    start = next((i for i, token in enumerate(tokens) if token.is_word("SELECT")), None)
    if start is None:
        return columns
    at = start + 1
    while at < len(tokens) and (tokens[at].is_word("DISTINCT") or tokens[at].is_word("REDUCED")):
        at += 1
    if at >= len(tokens) or tokens[at].text != "*":
        return columns
    order: list[str] = []
    for token in tokens[at + 1 :]:
        name = token.text[1:]
        if token.kind == "var" and name in columns and name not in order:
            order.append(name)
    return order + [name for name in columns if name not in order]


def _ordered(result: QueryResult, prepared: Prepared) -> QueryResult:
    if isinstance(result, SelectResult | TsvResult):
        return reorder(result, star_order(prepared, result.columns))
    return result


def _mark_truncated(response: Response, result: QueryResult, max_rows: int) -> None:
    """The row-limit headers of a cut answer (none on a whole one)."""
    if isinstance(result, SelectResult | GraphResult | TsvResult) and result.truncated:
        response.headers[MAX_ROWS_HEADER] = str(max_rows)
        response.headers[TRUNCATED_HEADER] = "true"


def attachment_name(query: QueryRequest, media: fmt.MediaType) -> str:
    """``malang-kg-query-<short hash of the query>.<extension>``."""
    digest = hashlib.sha256(query.text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return f"malang-kg-query-{digest[:12]}.{media.extension}"


def _answer(
    service: QueryService, query: QueryRequest, format_param: str | None, page: str | None
) -> Response:
    try:
        prepared = service.check(query)
    except QueryError as error:
        if wants_html(_accept(), format_param):
            return _page(sparql_page.PageState(query.text, query, error=error), error.status)
        raise
    media = choose(prepared.form, _accept(), format_param)
    if media is None:
        raise not_acceptable(
            f"A {prepared.form.upper()} query cannot be answered in the requested format. "
            + fmt.supported_sentence(prepared.form)
        )
    if media.is_html:
        return _run_for_page(service, query, prepared, page)
    # JSON and TSV are written by the engine's own serialiser (``engine.TsvResult``).
    as_tsv = media.mime in (fmt.SPARQL_JSON.mime, fmt.JSON.mime, fmt.TSV.mime)
    result = _ordered(service.execute(replace(query, as_tsv=as_tsv), prepared), prepared)
    max_rows = service.max_rows(query)
    try:
        body = serialize(result, media, max_rows, layout().prefixes)
    except SerializationError as error:
        raise not_acceptable(str(error)) from None
    response = Response(body, mimetype=media.mime)
    _mark_truncated(response, result, max_rows)
    if format_param:  # the page's download links: a file to keep, not a page to show
        name = attachment_name(query, media)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _run_for_page(
    service: QueryService, query: QueryRequest, prepared: Prepared, page: str | None
) -> Response:
    """The query page with one page of the answer (``page``: its number, as given)."""
    max_rows = service.max_rows(query)
    state = sparql_page.PageState(query.text, query, prepared.form, max_rows=max_rows)
    try:
        number = sparql_page.page_number(page)
    except sparql_page.BadPage as bad:
        return _page(replace(state, bad_page=bad.value), 400)
    try:
        # As TSV: the page parses only the rows it shows (and shares the JSON answer's cache).
        result = service.execute(replace(query, as_tsv=True), prepared)
    except QueryError as error:
        return _page(replace(state, error=error), error.status)
    columns = result.columns if isinstance(result, SelectResult | TsvResult) else None
    ordered = star_order(prepared, columns) if columns is not None else None
    response = _page(replace(state, result=result, page=number, columns=ordered), 200)
    _mark_truncated(response, result, max_rows)
    return response


def _page(state: sparql_page.PageState, status: int) -> Response:
    html, status = sparql_page.render(
        state,
        endpoint=url_for("sparql.endpoint"),
        absolute_endpoint=request.base_url,
        queries=list(named_queries().values()),
        status=status,
    )
    return html_page(html, choose_language(), status)


def _without_query(service: QueryService, format_param: str | None) -> Response:
    """No query: the HTML page for browsers, the Service Description for RDF clients."""
    media = choose("graph", _accept(), format_param, lenient=False)
    if media is None:
        raise bad_request(
            "No query given: send ?query=… (or POST one). A GET without a query answers the "
            "service description in an RDF format (text/turtle, application/n-triples, "
            "application/ld+json, application/rdf+xml, application/trig, application/n-quads) "
            "or the query page (text/html)."
        )
    if media.is_html:
        return _page(sparql_page.PageState(), 200)
    graph = service_description(request.base_url, service.graphs)
    return Response(serialize_rdflib(graph, media), mimetype=media.mime)
