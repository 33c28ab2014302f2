"""The media types the service answers with, by family: query results (SELECT, ASK), graphs
(CONSTRUCT, DESCRIBE, entity data), HTML pages and plain text; their short ``format=`` names and
file suffixes. Which one a request gets is ``negotiation.py``'s rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from malang_kg.engine.tokens import QueryForm

Family = Literal["results", "graph", "html", "text", "feed"]
FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, eq=False)
class MediaType:
    """One media type the endpoint can answer with (each is a constant of this module, so it
    is compared and hashed by identity: cheap as a key of ``negotiation``'s memo)."""

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
PLAIN = MediaType("text/plain", "text", "text", "txt", "plain text")
ACTIVITY_JSON = MediaType(
    "application/activity+json", "activity", "feed", "json", "Activity Streams 2.0"
)
ATOM = MediaType("application/atom+xml", "atom", "feed", "atom", "Atom")
LINK_FORMAT = MediaType("application/link-format", "link", "feed", "txt", "link-format")

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
    "rdf+xml": RDF_XML,  # SPARQLWrapper's name, sent as ?format=
    "rdf": RDF_XML,
    "xml": RDF_XML,
    "n3": TURTLE,  # SPARQLWrapper's N3: Turtle is N3 (a Turtle document is an N3 document)
    "trig": TRIG,
    "nquads": N_QUADS,
    "nq": N_QUADS,
    "n-quads": N_QUADS,
    "html": HTML,
}


Answer = Literal["results", "graph"]  # what a query answers: a result set, or a graph


_ANSWERS: dict[str, Answer] = {
    "results": "results",
    "graph": "graph",
    "select": "results",
    "ask": "results",
    "construct": "graph",
    "describe": "graph",
}


def supported(answer: Answer | QueryForm) -> tuple[MediaType, ...]:
    """The media types of a result set or a graph (or of a query of that form), default first."""
    return RESULT_TYPES if _ANSWERS[answer] == "results" else GRAPH_TYPES


def format_names(answer: Answer | QueryForm) -> tuple[str, ...]:
    """The canonical short ``format=`` names, one per media type."""
    names: list[str] = []
    for media in supported(answer):
        if media.name not in names:
            names.append(media.name)
    return tuple(names)


def by_format(answer: Answer | QueryForm, value: str) -> MediaType | None:
    """The media type a ``format=`` value names: a short name or a media type."""
    key = value.strip().lower()
    types = supported(answer)
    names = RESULT_NAMES if types is RESULT_TYPES else GRAPH_NAMES
    if key in names:
        return names[key]
    mime = key.split(";", 1)[0].strip()
    return next((media for media in types if media.mime == mime), None)


def supported_sentence(answer: Answer | QueryForm) -> str:
    """A sentence listing the media types and ``format=`` names, for a 406."""
    mimes = ", ".join(media.mime for media in supported(answer))
    names = ", ".join(format_names(answer))
    return f"Supported media types: {mimes}; or format= one of {names}."
