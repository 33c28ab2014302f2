"""The HTML query page of ``/sparql``: what the template shows, computed here so that the template
only prints values (Jinja autoescaping does all escaping; nothing is built as HTML text).

The page is in the interface language (``?lang=``, ``Accept-Language``, else Indonesian). It
shows one page of ``PAGE_SIZE`` rows (or triples) of the answer, chosen with ``page=N``; the
answer is computed once per request (the result cache may hold it) and only that page is made
into HTML. A ``page`` that is not a number from 1 to ``MAX_PAGE`` is a 400; a page past the end of
the answer is a 404 that links to the last page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from math import ceil
from urllib.parse import quote, urlencode

from flask import render_template, request

from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine import AskResult, GraphResult, QueryRequest, QueryResult, Row, TsvResult
from malang_kg.engine.errors import QueryError
from malang_kg.engine.oxterms import rows_of_lines, tsv_header_and_rows
from malang_kg.engine.tokens import QueryForm
from malang_kg.formats import media as fmt
from malang_kg.web.context import layout
from malang_kg.web.http.params import parse_whole
from malang_kg.web.i18n import choose_language, explicit_language, translator, whole_number
from malang_kg.web.i18n.queries import explain
from malang_kg.web.i18n.query_page import TEXTS
from malang_kg.web.views.results_view import Cell, Segment, Table, select_table, table, turtle
from malang_kg.web.views.shortlinks import existing_link

__all__ = ["Cell", "Table", "table"]  # ``table`` also serves the named-query API's HTML

DEFAULT_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?class (COUNT(?entity) AS ?entities)
WHERE { ?entity a ?class }
GROUP BY ?class
ORDER BY DESC(?entities)
LIMIT 20
"""
PAGE_SIZE = 100  # rows (or triples) on one HTML page
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    mime: str = ""
    rel: str = ""


@dataclass(frozen=True)
class Example:
    name: str
    title_en: str
    title_id: str
    description_en: str
    description_id: str
    href: str


def milliseconds(seconds: float, lang: str) -> str:
    """``12,3`` in Indonesian, ``12.3`` in English (one decimal)."""
    text = f"{seconds * 1000:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def query_string(
    request: QueryRequest,
    format_name: str | None = None,
    *,
    page: int | None = None,
    lang: str | None = None,
) -> str:
    """The URL query string that asks ``request`` again by GET (in ``format_name``, at
    ``page``, in ``lang``)."""
    pairs = [("query", request.text)]
    pairs += [("default-graph-uri", iri) for iri in request.default_graphs or ()]
    pairs += [("named-graph-uri", iri) for iri in request.named_graphs or ()]
    if format_name:
        pairs.append(("format", format_name))
    if lang:
        pairs.append(("lang", lang))
    if page is not None and page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs, quote_via=quote)


def example_text(query: NamedQuery) -> str:
    """The query without its comment header (title, description, parameters): shorter links,
    which must fit a server's request-line limit (gunicorn's is 4094 bytes by default)."""
    lines = query.text.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def examples(
    endpoint: str, queries: Iterable[NamedQuery], lang: str | None = None
) -> list[Example]:
    """The named queries as links to the query page (keeping ``lang`` when given)."""
    extra = [("lang", lang)] if lang else []

    def href(query: NamedQuery) -> str:
        pairs = [("query", example_text(query)), *extra]
        return f"{endpoint}?{urlencode(pairs, quote_via=quote)}"

    return [
        Example(
            name=query.name,
            title_en=query.title["en"],
            title_id=query.title["id"],
            description_en=query.description["en"],
            description_id=query.description["id"],
            href=href(query),
        )
        for query in queries
    ]


def downloads(endpoint: str, request: QueryRequest, form: QueryForm) -> list[Link]:
    """One link per format (not HTML) that fetches the same result."""
    links = []
    seen: set[str] = set()
    for media in fmt.supported(form):
        if media.is_html or media.name in seen:
            continue
        seen.add(media.name)
        links.append(
            Link(media.label, f"{endpoint}?{query_string(request, media.name)}", media.mime)
        )
    return links


# --- Pages of an answer --------------------------------------------------------------------------


class BadPage(ValueError):
    """``page`` is not a page number."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def page_number(raw: str | None) -> int:
    """The page asked for (1 when none); BadPage unless a whole number from 1 to MAX_PAGE."""
    if raw is None:
        return 1
    number = parse_whole(raw.strip(), 1, MAX_PAGE)
    if number is None:
        raise BadPage(raw)
    return number


@dataclass(frozen=True)
class Window:
    """Which rows (or triples) of an answer of ``total`` one page shows."""

    page: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.size

    @property
    def stop(self) -> int:
        return min(self.start + self.size, self.total)

    @property
    def exists(self) -> bool:
        return self.page <= self.pages


def page_links(window: Window, href: str, lang: str) -> list[Link]:
    """First, previous, next and last page, those that lead elsewhere (``href`` + ``&page=N``)."""
    t = translator(TEXTS, lang)
    wanted = [("first", 1), ("prev", window.page - 1), ("next", window.page + 1)]
    wanted.append(("last", window.pages))
    names = {"first": "first", "prev": "previous", "next": "next", "last": "last"}
    return [
        Link(t(names[rel]), f"{href}&page={page}" if page > 1 else href, rel=rel)
        for rel, page in wanted
        if 1 <= page <= window.pages and page != window.page
    ]


def tsv_rows(result: TsvResult, start: int, stop: int) -> tuple[list[Row], int]:
    """Rows ``start:stop`` of a TSV answer and how many it has: only those rows are parsed."""
    header, body = tsv_header_and_rows(result.tsv)
    return rows_of_lines(result.columns, header, body[start:stop]), len(body)


def count(result: QueryResult) -> int:
    if isinstance(result, AskResult):
        return 0
    if isinstance(result, GraphResult):
        return len(result.triples)
    if isinstance(result, TsvResult):
        return max(0, result.tsv.count(b"\n") - 1)
    return len(result.rows)


# --- What the page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why the page has no results: a heading, a sentence, and where the query went wrong
    (``line``, ``column``, ``token``) or the ``PREFIX`` line to add (``fix``, ``fix_href``)."""

    status: int
    heading: str
    message: str
    line: int | None = None
    column: int | None = None
    token: str | None = None
    fix: str | None = None
    fix_href: str | None = None
    link: Link | None = None


@dataclass(frozen=True)
class PageState:
    """Everything the page shows about one request (all optional: the empty form has none)."""

    text: str = ""
    request: QueryRequest | None = None
    form: QueryForm | None = None
    result: QueryResult | None = None
    error: QueryError | None = None
    max_rows: int = 0
    page: int = 1
    columns: Sequence[str] | None = None  # the SELECT's columns in the order to show them
    bad_page: str | None = None  # the ``page`` value that is not a page number


def heading(status: int, lang: str, title: str = "") -> str:
    t = translator(TEXTS, lang)
    key = f"status_{status}"
    return f"{t('error')} {status}: {t(key) if key in TEXTS else title}"


def query_problem(error: QueryError, state: PageState, endpoint: str, lang: str) -> Problem:
    """A refused or failed query, explained in ``lang``, with the fix for a missing prefix."""
    said = explain(error, lang, layout().prefixes)
    fix_href = None
    if said.fix:
        again = replace(
            state.request or QueryRequest(state.text), text=f"{said.fix.rstrip()}\n{state.text}"
        )
        fix_href = f"{endpoint}?{query_string(again, lang=explicit_language())}"
    return Problem(
        error.status,
        heading(error.status, lang, error.title),
        said.message,
        said.line,
        said.column,
        said.token,
        said.fix,
        fix_href,
    )


def bad_page_problem(value: str, lang: str) -> Problem:
    message = translator(TEXTS, lang)("bad_page").format(
        most=whole_number(MAX_PAGE, lang), value=value
    )
    return Problem(400, heading(400, lang), message)


def missing_page_problem(window: Window, href: str, lang: str) -> Problem:
    t = translator(TEXTS, lang)
    message = t("no_such_page").format(page=whole_number(window.page, lang), pages=window.pages)
    last = f"{href}&page={window.pages}" if window.pages > 1 else href
    return Problem(404, heading(404, lang), message, link=Link(t("to_last_page"), last, rel="last"))


@dataclass
class Answer:
    """The answer's part of the page: ``kind`` select, graph or ask."""

    kind: str
    window: Window | None = None
    table: Table | None = None
    segments: list[Segment] | None = None
    ask: bool | None = None
    pages: list[Link] | None = None


def answer(state: PageState, result: QueryResult, href: str, lang: str) -> Answer | Problem:
    """One page of ``result`` (or why there is no such page)."""
    if isinstance(result, AskResult):
        return Answer("ask", ask=result.value)
    window = Window(state.page, count(result))
    if not window.exists:
        return missing_page_problem(window, href, lang)
    pages = page_links(window, href, lang)
    if isinstance(result, GraphResult):
        part = result.triples[window.start : window.stop]
        return Answer("graph", window, segments=turtle(part, lang), pages=pages)
    if isinstance(result, TsvResult):
        rows, _ = tsv_rows(result, window.start, window.stop)
    else:
        rows = result.rows[window.start : window.stop]
    columns = list(state.columns or result.columns)
    return Answer("select", window, select_table(columns, rows, lang), pages=pages)


def render(
    state: PageState,
    *,
    endpoint: str,
    absolute_endpoint: str,
    queries: Sequence[NamedQuery],
    status: int = 200,
) -> tuple[str, int]:
    """The query page and its status. ``endpoint`` is the path of /sparql, ``absolute_endpoint``
    its full URL."""
    lang = choose_language()
    result = state.result
    problem: Problem | None = None
    shown: Answer | None = None
    share = download_links = short_link = None
    if state.request is not None:
        share = f"{absolute_endpoint}?{query_string(state.request)}"
        found_link = existing_link(state.request.text)
        short_link = request.url_root.rstrip("/") + found_link if found_link else None
    if state.error is not None:
        problem = query_problem(state.error, state, endpoint, lang)
    elif state.bad_page is not None:
        problem = bad_page_problem(state.bad_page, lang)
    elif result is not None and state.request is not None:
        href = f"{endpoint}?{query_string(state.request, lang=explicit_language())}"
        found = answer(state, result, href, lang)
        problem, shown = (found, None) if isinstance(found, Problem) else (None, found)
        if state.form is not None:
            download_links = downloads(endpoint, state.request, state.form)
    html = render_template(
        "sparql/query.html",
        t=translator(TEXTS, lang),
        n=lambda value: whole_number(value, lang),
        text=state.text or (DEFAULT_QUERY if state.request is None else ""),
        examples=examples(endpoint, queries, explicit_language()),
        problem=problem,
        answer=shown,
        truncated=bool(shown and getattr(result, "truncated", False)),
        max_rows=state.max_rows,
        elapsed_ms=milliseconds(result.elapsed, lang) if result is not None else None,
        share=share,
        short_link=short_link,
        query_text=state.request.text if state.request is not None else "",
        downloads=download_links,
        endpoint=endpoint,
    )
    return html, problem.status if problem is not None else status
