"""A build's named graphs in one pyoxigraph store: converting terms, counting, writing N-Quads.

Writing through pyoxigraph (not rdflib's serializer) proves that the server can load every quad:
a term pyoxigraph refuses fails the build, not the server's start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node


class _QuietIllTypedLiterals(logging.Filter):
    """rdflib logs a traceback for every literal whose lexical form does not fit its datatype;
    the shapes report such literals, so the tracebacks are noise in the build's output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_QuietIllTypedLiterals())

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
XSD_STRING = str(XSD.string)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store RDF term {term!r}")


def to_rdflib(term: OxTerm) -> Node:
    """The rdflib term of a pyoxigraph term: the same lexical form (not normalised), a plain
    literal for ``xsd:string`` (as rdflib's parser makes it), the same blank node id."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"not an RDF 1.1 term: {term!r}")


def quads(graph: Graph, graph_iri: str) -> Iterator[ox.Quad]:
    name = ox.NamedNode(graph_iri)
    for s, p, o in graph:
        subject = to_oxigraph(s)
        predicate = to_oxigraph(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise ValueError(f"not a valid RDF triple in graph {graph_iri}: {s} {p} {o}")
        yield ox.Quad(subject, predicate, to_oxigraph(o), name)


def load_graphs(graphs: Iterable[tuple[str, Graph]], store: ox.Store | None = None) -> ox.Store:
    """A store (a new one unless given) holding each rdflib graph as the named graph of its IRI."""
    store = ox.Store() if store is None else store
    for graph_iri, graph in graphs:
        store.extend(quads(graph, graph_iri))
    return store


def count(store: ox.Store, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        assert isinstance(row[0], ox.Literal)
        return int(row[0].value)
    return 0


def typed_literals(store: ox.Store, graphs: str = "true") -> list[ox.Literal]:
    """The distinct literals of some graphs (``graphs``: a SPARQL expression on ``?g``) whose
    datatype is neither ``xsd:string`` nor ``rdf:langString``."""
    rows = store.query(
        f"""SELECT ?o WHERE {{ {{ SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER (({graphs}) && isLiteral(?o)) }} }}
            FILTER (LANG(?o) = "" && DATATYPE(?o) != <{XSD_STRING}>) }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for row in rows:
        assert isinstance(row[0], ox.Literal)
        found.append(row[0])
    return found


def graph_counts(store: ox.Store) -> dict[str, int]:
    """The number of triples in each named graph of ``store``."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    counts: dict[str, int] = {}
    for row in rows:
        graph, number = row[0], row[1]
        assert isinstance(graph, ox.NamedNode) and isinstance(number, ox.Literal)
        counts[graph.value] = int(number.value)
    return counts


def write_store(store: ox.Store, directory: Path) -> None:
    """Copy ``store`` (validated and reasoned) into the Oxigraph (RocksDB) store at ``directory``
    that serving opens read-only."""
    disk = ox.Store(str(directory))
    disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk  # closes the database: its files are complete before the build is published
