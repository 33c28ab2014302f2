"""Writing a build's named graphs as one N-Quads file, through pyoxigraph.

Writing through pyoxigraph (not rdflib's serializer) proves that the server can load every quad:
a term pyoxigraph refuses fails the build, not the server's start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


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


def quads(graph: Graph, graph_iri: str) -> Iterator[ox.Quad]:
    name = ox.NamedNode(graph_iri)
    for s, p, o in graph:
        subject = to_oxigraph(s)
        predicate = to_oxigraph(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise ValueError(f"not a valid RDF triple in graph {graph_iri}: {s} {p} {o}")
        yield ox.Quad(subject, predicate, to_oxigraph(o), name)


def load_graphs(graphs: Iterable[tuple[str, Graph]]) -> ox.Store:
    """An in-memory store holding each rdflib graph as the named graph of its IRI."""
    store = ox.Store()
    for graph_iri, graph in graphs:
        store.extend(quads(graph, graph_iri))
    return store


def graph_counts(store: ox.Store) -> dict[str, int]:
    """The number of triples in each named graph of ``store``."""
    counts: dict[str, int] = {}
    for graph_name in store.named_graphs():
        assert isinstance(graph_name, ox.NamedNode)
        counts[graph_name.value] = sum(
            1 for _ in store.quads_for_pattern(None, None, None, graph_name)
        )
    return counts


def write_nquads(store: ox.Store, path: Path) -> None:
    store.dump(path, ox.RdfFormat.N_QUADS)
