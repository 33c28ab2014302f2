"""The HTML query page of ``/sparql``: what the template shows, computed here so that the template
only prints values (Jinja autoescaping does all escaping; nothing is built as HTML text)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from flask import render_template

from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine import (
    AskResult,
    GraphResult,
    QueryRequest,
    QueryResult,
    Term,
    TsvResult,
)
from malang_kg.engine.errors import QueryError
from malang_kg.engine.oxterms import select_from_tsv
from malang_kg.engine.tokens import QueryForm
from malang_kg.formats import media as fmt
from malang_kg.formats.results import nt_term
from malang_kg.iris import PREFIXES

DEFAULT_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?class (COUNT(?entity) AS ?entities)
WHERE { ?entity a ?class }
GROUP BY ?class
ORDER BY DESC(?entities)
LIMIT 20
"""


@dataclass(frozen=True)
class Cell:
    """One value of the results table. ``href`` is set only for http(s) IRIs."""

    text: str = ""
    href: str | None = None
    note: str = ""  # language tag or datatype, shown beside a literal
    kind: str = "unbound"


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    mime: str = ""


@dataclass(frozen=True)
class Example:
    name: str
    title_en: str
    title_id: str
    description_en: str
    description_id: str
    href: str


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _linkable(iri: str) -> bool:
    try:
        parts = urlsplit(iri)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def cell(term: Term | None) -> Cell:
    """A term as a table cell: IRIs link only when they are http(s)."""
    if term is None:
        return Cell()
    if term.kind == "uri":
        return Cell(term.value, term.value if _linkable(term.value) else None, kind="uri")
    if term.kind == "bnode":
        return Cell("_:" + term.value, kind="bnode")
    if term.kind == "triple":
        return Cell(nt_term(term), kind="triple")
    note = f"@{term.lang}" if term.lang else (f"^^{_short(term.datatype)}" if term.datatype else "")
    return Cell(term.value, note=note, kind="literal")


def table(result: QueryResult) -> Table | None:
    """The result as a table (None for ASK): a column per variable, or subject/predicate/object."""
    if isinstance(result, AskResult):
        return None
    if isinstance(result, GraphResult):
        return Table(
            ["subject", "predicate", "object"],
            [[cell(s), cell(p), cell(o)] for s, p, o in result.triples],
        )
    rows = select_from_tsv(result).rows if isinstance(result, TsvResult) else result.rows
    return Table(
        list(result.columns),
        [[cell(row.get(name)) for name in result.columns] for row in rows],
    )


def query_string(request: QueryRequest, format_name: str | None = None) -> str:
    """The URL query string that asks ``request`` again by GET (and in ``format_name``)."""
    pairs = [("query", request.text)]
    pairs += [("default-graph-uri", iri) for iri in request.default_graphs or ()]
    pairs += [("named-graph-uri", iri) for iri in request.named_graphs or ()]
    if format_name:
        pairs.append(("format", format_name))
    return urlencode(pairs, quote_via=quote)


def example_text(query: NamedQuery) -> str:
    """The query without its comment header (title, description, parameters): shorter links,
    which must fit a server's request-line limit (gunicorn's is 4094 bytes by default)."""
    lines = query.text.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def examples(endpoint: str, queries: Iterable[NamedQuery]) -> list[Example]:
    return [
        Example(
            name=query.name,
            title_en=query.title["en"],
            title_id=query.title["id"],
            description_en=query.description["en"],
            description_id=query.description["id"],
            href=f"{endpoint}?{urlencode([('query', example_text(query))], quote_via=quote)}",
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


@dataclass(frozen=True)
class PageState:
    """Everything the page shows about one request (all optional: the empty form has none)."""

    text: str = ""
    request: QueryRequest | None = None
    form: QueryForm | None = None
    result: QueryResult | None = None
    error: QueryError | None = None
    max_rows: int = 0


def render(
    state: PageState,
    *,
    endpoint: str,
    absolute_endpoint: str,
    queries: Sequence[NamedQuery],
) -> str:
    """The query page. ``endpoint`` is the path of /sparql, ``absolute_endpoint`` its full URL."""
    result = state.result
    rows = 0
    truncated = False
    if isinstance(result, GraphResult):
        rows, truncated = len(result.triples), result.truncated
    elif isinstance(result, TsvResult):
        rows, truncated = result.tsv.count(b"\n") - 1, result.truncated
    elif result is not None and not isinstance(result, AskResult):
        rows, truncated = len(result.rows), result.truncated
    share = download_links = None
    if state.request is not None:
        share = f"{absolute_endpoint}?{query_string(state.request)}"
        if result is not None and state.form is not None:
            download_links = downloads(endpoint, state.request, state.form)
    return render_template(
        "sparql/query.html",
        text=state.text or (DEFAULT_QUERY if state.request is None else ""),
        examples=examples(endpoint, queries),
        error=state.error,
        result=result,
        ask=result.value if isinstance(result, AskResult) else None,
        table=table(result) if result is not None else None,
        rows=rows,
        truncated=truncated,
        max_rows=state.max_rows,
        elapsed_ms=round(result.elapsed * 1000, 1) if result is not None else None,
        share=share,
        downloads=download_links,
        endpoint=endpoint,
    )
