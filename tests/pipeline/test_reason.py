"""Reasoning: owlrl's closure is pruned of trivia and keeps the entailments that matter."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef, namespace
from rdflib.namespace import OWL, RDF, RDFS

from malang_kg.iris import MK, SCHEMA
from malang_kg.pipeline.reason import materialise, trivia_reason
from tests.conftest import BASE, ID

X = URIRef("https://example.org/x")
Y = URIRef("https://example.org/y")


@pytest.mark.parametrize(
    ("triple", "reason"),
    [
        ((Literal(1), OWL.sameAs, Literal(1)), "literal subject"),
        ((X, OWL.sameAs, X), "reflexive"),
        ((MK.Award, RDFS.subClassOf, MK.Award), "reflexive"),
        ((MK.within, OWL.equivalentProperty, MK.within), "reflexive"),
        ((OWL.Thing, RDF.type, OWL.Class), "about a built-in vocabulary"),
        ((namespace.XSD.integer, RDF.type, RDFS.Datatype), "about a built-in vocabulary"),
        ((X, RDF.type, OWL.Thing), "owl:Thing or rdfs:Resource"),
        ((MK.Award, RDFS.subClassOf, OWL.Thing), "owl:Thing or rdfs:Resource"),
        ((X, OWL.sameAs, Literal("a")), "literal sameAs"),
        ((X, OWL.sameAs, Y), None),
        ((X, MK.within, Y), None),
        ((X, RDF.type, MK.Place), None),
        ((BNode(), RDF.type, MK.Sentence), None),
    ],
)
def test_trivia(triple: tuple[URIRef, URIRef, URIRef], reason: str | None) -> None:
    assert trivia_reason(triple) == reason


def test_materialise_returns_only_new_real_entailments() -> None:
    graph = Graph()
    graph.add((MK.within, RDF.type, OWL.TransitiveProperty))
    graph.add((SCHEMA.containedInPlace, RDFS.subPropertyOf, MK.within))
    a, b, c = (URIRef(ID + f"kelurahan/{n}") for n in "abc")
    graph.add((a, SCHEMA.containedInPlace, b))
    graph.add((b, SCHEMA.containedInPlace, c))
    inferred, dropped = materialise(graph)
    assert (a, MK.within, c) in inferred
    assert (a, MK.within, b) in inferred
    assert (a, SCHEMA.containedInPlace, b) not in inferred  # asserted, so not new
    assert all(trivia_reason(t) is None for t in inferred)
    assert dropped["reflexive"] > 0


def _graphs_holding(store: ox.Store, s: str, p: str, o: str) -> set[str]:
    quads = store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), None)
    return {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def test_samaan_is_in_kota_malang_by_inference_only(store: ox.Store) -> None:
    graphs = _graphs_holding(store, ID + "kelurahan/samaan", str(MK.within), ID + "city/malang")
    assert graphs == {BASE + "graph/inferred"}


def test_inferred_graph_holds_no_trivia(store: ox.Store) -> None:
    inferred = ox.NamedNode(BASE + "graph/inferred")
    quads = list(store.quads_for_pattern(None, None, None, inferred))
    assert len(quads) > 1000
    for quad in quads:
        assert not (quad.predicate.value == str(OWL.sameAs) and quad.subject == quad.object)
        assert quad.object != ox.NamedNode(str(OWL.Thing))
        builtin = (str(RDF), str(RDFS), str(OWL), str(namespace.XSD))
        assert not (
            isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(builtin)
        )


def test_inferred_graph_repeats_nothing_asserted(store: ox.Store) -> None:
    inferred = ox.NamedNode(BASE + "graph/inferred")
    for quad in store.quads_for_pattern(None, None, None, inferred):
        others = store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        assert {q.graph_name for q in others} == {inferred}, quad
