"""Reading the answers of the server under test: the media type, a short description for
assertion messages, and the results of SELECT (four tabular formats), ASK (two boolean formats)
and CONSTRUCT/DESCRIBE (six RDF formats), parsed independently of the server's own code."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import warnings
import xml.etree.ElementTree as ET

import rdflib
import requests

SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
TABULAR_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
QUAD_TYPES = ("application/trig", "application/n-quads")


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def describe(response: requests.Response) -> str:
    """A short description of a response for assertion messages."""
    target = response.url if len(response.url) <= 200 else response.url[:200] + "…"
    return (
        f"{response.request.method} {target} -> {response.status_code} "
        f"{response.headers.get('Content-Type')}: {response.text[:500]!r}"
    )


def parse_boolean(response: requests.Response) -> bool:
    """The boolean of an ASK result in SPARQL JSON or XML."""
    kind = media_type(response)
    assert kind in BOOLEAN_TYPES, describe(response)
    if kind == "application/sparql-results+json":
        value = response.json()["boolean"]
        assert isinstance(value, bool), describe(response)
        return value
    element = ET.fromstring(response.content).find(f"{SPARQL_RESULTS_NS}boolean")
    assert element is not None and element.text in ("true", "false"), describe(response)
    return element.text == "true"


def parse_table(response: requests.Response) -> tuple[list[str], list[dict[str, str]]]:
    """Variables and rows (variable → lexical value or IRI) of a SELECT result in any of the
    four tabular formats; unbound values are left out of a row."""
    kind = media_type(response)
    assert kind in TABULAR_TYPES, describe(response)
    if kind == "application/sparql-results+json":
        document = response.json()
        names = list(document["head"]["vars"])
        rows = [
            {name: str(cell["value"]) for name, cell in binding.items()}
            for binding in document["results"]["bindings"]
        ]
        return names, rows
    if kind == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        names = [v.attrib["name"] for v in root.iter(f"{SPARQL_RESULTS_NS}variable")]
        rows = []
        for result in root.iter(f"{SPARQL_RESULTS_NS}result"):
            row = {}
            for binding in result.findall(f"{SPARQL_RESULTS_NS}binding"):
                value = next(iter(binding))
                row[binding.attrib["name"]] = value.text or ""
            rows.append(row)
        return names, rows
    text = response.content.decode("utf-8")
    if kind == "text/csv":
        reader = list(csv.reader(io.StringIO(text)))
        names = reader[0]
        return names, [{n: v for n, v in zip(names, r, strict=True) if v} for r in reader[1:]]
    lines = text.splitlines()  # TSV: ?-prefixed header, terms in SPARQL syntax
    names = [name.lstrip("?") for name in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append({n: _tsv_value(v) for n, v in zip(names, cells, strict=True) if v})
    return names, rows


def _tsv_value(term: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    match = re.fullmatch(r'"(.*)"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?', term, re.DOTALL)
    return match.group(1) if match else term


def parse_rdf(response: requests.Response) -> rdflib.Graph:
    """The triples of a CONSTRUCT/DESCRIBE result or service description, in any of the six
    formats, parsed with rdflib (the quads of TriG and N-Quads merged into one graph)."""
    kind = media_type(response)
    assert kind in RDF_TYPES, describe(response)
    graph = rdflib.Graph()
    with warnings.catch_warnings():  # rdflib's JSON-LD and quad parsers use deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        if kind not in QUAD_TYPES:
            graph.parse(data=response.content, format=RDF_TYPES[kind], publicID=response.url)
            return graph
        dataset = rdflib.Dataset()
        dataset.parse(data=response.content, format=RDF_TYPES[kind], publicID=response.url)
        for subject, predicate, value, _ in dataset.quads((None, None, None, None)):
            graph.add((subject, predicate, value))
    return graph


def error_message(response: requests.Response) -> str:
    """The text an error response shows (the JSON ``message`` or the whole body)."""
    if media_type(response) == "application/json":
        with contextlib.suppress(ValueError):
            document = response.json()
            if isinstance(document, dict) and "message" in document:
                return str(document["message"])
    return response.text


def is_4xx(status: int) -> bool:
    return 400 <= status < 500
