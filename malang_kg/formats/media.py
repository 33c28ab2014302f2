"""Content negotiation for the SPARQL endpoint: which media type answers a query.

A query's form decides the family: SELECT and ASK answer with query results (SPARQL JSON by
default), CONSTRUCT and DESCRIBE with a graph (Turtle by default). The client picks with a
``format=`` parameter (a short name such as ``csv`` or a media type), or else with ``Accept``,
whose q-values are respected; ``text/html`` is the query page. ``choose`` returns None when
nothing the client accepts can be served: the caller answers 406 with ``supported(form)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

Form = Literal["select", "ask", "construct", "describe"]
Family = Literal["results", "graph", "html"]
FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class MediaType:
    """One media type the endpoint can answer with."""

    mime: str  # e.g. "application/sparql-results+json"
    name: str  # the short ``format=`` name, e.g. "json"
    family: Family
    extension: str  # file name extension for downloads
    label: str  # human name for the HTML page
    format_iri: str | None = None  # the W3C format IRI (http://www.w3.org/ns/formats/...)

    @property
    def is_html(self) -> bool:
        return self.family == "html"

    def __str__(self) -> str:
        return self.mime


def _results(mime: str, name: str, extension: str, label: str, iri: str | None) -> MediaType:
    return MediaType(mime, name, "results", extension, label, iri and FORMATS_NS + iri)


def _graph(mime: str, name: str, extension: str, label: str, iri: str) -> MediaType:
    return MediaType(mime, name, "graph", extension, label, FORMATS_NS + iri)


SPARQL_JSON = _results(
    "application/sparql-results+json", "json", "srj", "SPARQL JSON", "SPARQL_Results_JSON"
)
JSON = _results("application/json", "json", "json", "JSON", None)
SPARQL_XML = _results(
    "application/sparql-results+xml", "xml", "srx", "SPARQL XML", "SPARQL_Results_XML"
)
XML = _results("application/xml", "xml", "xml", "XML", None)
CSV = _results("text/csv", "csv", "csv", "CSV", "SPARQL_Results_CSV")
TSV = _results("text/tab-separated-values", "tsv", "tsv", "TSV", "SPARQL_Results_TSV")
HTML = MediaType("text/html", "html", "html", "html", "HTML page")

TURTLE = _graph("text/turtle", "turtle", "ttl", "Turtle", "Turtle")
N_TRIPLES = _graph("application/n-triples", "ntriples", "nt", "N-Triples", "N-Triples")
JSON_LD = _graph("application/ld+json", "jsonld", "jsonld", "JSON-LD", "JSON-LD")
RDF_XML = _graph("application/rdf+xml", "rdfxml", "rdf", "RDF/XML", "RDF_XML")
TRIG = _graph("application/trig", "trig", "trig", "TriG", "TriG")
N_QUADS = _graph("application/n-quads", "nquads", "nq", "N-Quads", "N-Quads")

# Order matters: the first is the default, and among equally good matches the earlier one wins
# (so ``Accept: application/*`` gets SPARQL JSON and ``text/*`` gets CSV).
RESULT_TYPES: tuple[MediaType, ...] = (SPARQL_JSON, JSON, SPARQL_XML, XML, CSV, TSV, HTML)
GRAPH_TYPES: tuple[MediaType, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, TRIG, N_QUADS, HTML)

# Short names per family. ``json``/``xml`` name the SPARQL results formats for SELECT/ASK and, to
# be forgiving, JSON-LD/RDF-XML for graphs.
RESULT_NAMES: dict[str, MediaType] = {
    "json": SPARQL_JSON,
    "srj": SPARQL_JSON,
    "xml": SPARQL_XML,
    "srx": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "html": HTML,
}
GRAPH_NAMES: dict[str, MediaType] = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "ntriples": N_TRIPLES,
    "nt": N_TRIPLES,
    "n-triples": N_TRIPLES,
    "jsonld": JSON_LD,
    "json-ld": JSON_LD,
    "json": JSON_LD,
    "rdfxml": RDF_XML,
    "rdf": RDF_XML,
    "xml": RDF_XML,
    "trig": TRIG,
    "nquads": N_QUADS,
    "nq": N_QUADS,
    "n-quads": N_QUADS,
    "html": HTML,
}


def supported(form: Form) -> tuple[MediaType, ...]:
    """The media types a query of this form can be answered with, the default first."""
    return RESULT_TYPES if form in ("select", "ask") else GRAPH_TYPES


def format_names(form: Form) -> tuple[str, ...]:
    """The canonical short ``format=`` names for this form, one per media type family member."""
    names: list[str] = []
    for media in supported(form):
        if media.name not in names:
            names.append(media.name)
    return tuple(names)


def by_format(form: Form, value: str) -> MediaType | None:
    """The media type a ``format=`` value names for this form: a short name or a media type."""
    key = value.strip().lower()
    names = RESULT_NAMES if form in ("select", "ask") else GRAPH_NAMES
    if key in names:
        return names[key]
    mime = key.split(";", 1)[0].strip()
    return next((media for media in supported(form) if media.mime == mime), None)


def parse_accept(header: str | None) -> MIMEAccept:
    """``Accept`` as Werkzeug's MIMEAccept; a missing or blank header accepts anything."""
    if header is None or not header.strip():
        return MIMEAccept([("*/*", 1)])
    parsed = parse_accept_header(header, MIMEAccept)
    # Media type parameters other than q (``text/turtle; charset=utf-8``) do not change what we
    # send; Werkzeug would refuse the match if they stayed.
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])


def choose(form: Form, accept_header: str | None, format_param: str | None) -> MediaType | None:
    """The media type to answer a query of ``form`` with, or None when none can be served.

    A non-empty ``format_param`` wins over ``Accept`` (a link can name a format a browser would
    not ask for). Otherwise the best match of ``Accept`` by q-value and specificity; ties go to the
    earlier entry of ``supported(form)``, so ``*/*`` or no header gets the default.
    """
    if format_param is not None and format_param.strip():
        return by_format(form, format_param)
    types = supported(form)
    best = parse_accept(accept_header).best_match([media.mime for media in types])
    return next((media for media in types if media.mime == best), None)


def wants_html(accept_header: str | None, format_param: str | None = None) -> bool:
    """Whether the client asks for the HTML page (a browser) rather than data."""
    media = choose("select", accept_header, format_param)
    return media is not None and media.is_html


def describe_supported(form: Form) -> str:
    """A sentence listing what a query of this form can be answered with, for a 406."""
    mimes = ", ".join(media.mime for media in supported(form))
    names = ", ".join(format_names(form))
    return f"Supported media types: {mimes}; or format= one of {names}."
