"""The OWL RL rules generated from the ontology give exactly owlrl's closure, minus the trivia.

owlrl (``reason.materialise``) is the reference. The rules (``fixpoint.materialise_store``) run
on the same parsed store, so both see the same blank nodes and the inferred triples compare as
sets: on the real data, on 10,000 synthetic triples, and on small graphs that use each OWL
construct the rules handle.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from malang_kg.pipeline.dataset import to_oxigraph, to_rdflib
from malang_kg.pipeline.fixpoint import materialise_store
from malang_kg.pipeline.reason import materialise
from malang_kg.pipeline.rules import UnsupportedOntology
from malang_kg.pipeline.sources import Sources, discover
from synthetic import generate
from tests.conftest import BASE, ROOT

# Compares with owlrl over whole graphs: minutes, so in the slow tier.
pytestmark = pytest.mark.slow

INFERRED = BASE + "graph/inferred"
OxTriple = tuple[
    ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal
]


def _by_rules(sources: Sources) -> set[OxTriple]:
    ontology = [source.graph_iri for source in sources.ontology]
    materialise_store(sources.store, ontology, INFERRED)
    quads = sources.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))
    return {(q.subject, q.predicate, q.object) for q in quads}  # type: ignore[misc]


def _by_owlrl(sources: Sources) -> set[OxTriple]:
    inferred, _ = materialise(sources.rdflib_graph(sources.all()))
    return {(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in inferred}  # type: ignore[misc]


def _split(triples: set[OxTriple], known: set[str]) -> tuple[set[OxTriple], Graph]:
    """Triples over the input's nodes (compared as they are) and those with blank nodes a
    reasoner made up (owlrl's error messages), compared up to renaming."""
    fresh = Graph()
    same = set()
    for triple in triples:
        if any(isinstance(t, ox.BlankNode) and t.value not in known for t in triple):
            fresh.add(tuple(to_rdflib(t) for t in triple))  # type: ignore[arg-type]
        else:
            same.add(triple)
    return same, fresh


def assert_same_closure(sources: Sources) -> int:
    known = {
        t.value
        for q in sources.store.quads_for_pattern(None, None, None, None)
        for t in (q.subject, q.object)
        if isinstance(t, ox.BlankNode)
    }
    reference, reference_fresh = _split(_by_owlrl(sources), known)
    rules, rules_fresh = _split(_by_rules(sources), known)
    assert rules - reference == set(), "inferred by the rules only"
    assert reference - rules == set(), "inferred by owlrl only"
    assert to_isomorphic(rules_fresh) == to_isomorphic(reference_fresh)
    return len(rules)


def test_same_as_owlrl_on_the_real_data() -> None:
    assert assert_same_closure(discover(ROOT, BASE)) > 1000


@pytest.mark.slow
def test_same_as_owlrl_on_10k_synthetic_triples(tmp_path: Path) -> None:
    generate(tmp_path / "synthetic", 10_000, seed=1)
    assert assert_same_closure(discover(ROOT, BASE, tmp_path / "synthetic")) > 5000


HEAD = """@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# Each case: axioms (a data file may hold them too) and data that exercise one construct.
CONSTRUCTS = {
    "subclass and equivalent class": """
        ex:A rdfs:subClassOf ex:B . ex:B owl:equivalentClass ex:C . ex:C rdfs:subClassOf ex:D .
        ex:x a ex:A . ex:y a ex:C .""",
    "subproperty and equivalent property": """
        ex:p rdfs:subPropertyOf ex:q . ex:q owl:equivalentProperty ex:r .
        ex:x ex:p ex:y . ex:y ex:r "literal" .""",
    "inverse, symmetric and transitive": """
        ex:in owl:inverseOf ex:out . ex:near a owl:SymmetricProperty .
        ex:in a owl:TransitiveProperty .
        ex:a ex:in ex:b . ex:b ex:in ex:c . ex:c ex:in ex:d . ex:a ex:near ex:e .""",
    "property chains of two and three": """
        ex:grand owl:propertyChainAxiom ( ex:parent ex:parent ) .
        ex:great owl:propertyChainAxiom ( ex:parent ex:parent ex:parent ) .
        ex:a ex:parent ex:b . ex:b ex:parent ex:c . ex:c ex:parent ex:d .""",
    "domain and range through subclasses": """
        ex:p rdfs:domain ex:A ; rdfs:range ex:B . ex:A rdfs:subClassOf ex:C .
        ex:q rdfs:subPropertyOf ex:p .
        ex:x ex:q ex:y . ex:z ex:p "a literal gets no type" .""",
    "functional and inverse functional properties": """
        ex:f a owl:FunctionalProperty . ex:g a owl:InverseFunctionalProperty .
        ex:x ex:f ex:a , ex:b . ex:a ex:label "A" . ex:c ex:g ex:v . ex:d ex:g ex:v .
        ex:e ex:link ex:c .""",
    "sameAs rewrites subjects, predicates and objects": """
        ex:a owl:sameAs ex:b . ex:b owl:sameAs ex:c . ex:p owl:sameAs ex:q .
        ex:a ex:p ex:z . ex:z ex:knows ex:c .""",
    "schema entailed by the data closes the ontology again": """
        ex:defines rdfs:range owl:Class . ex:x ex:defines ex:K .
        ex:K rdfs:subClassOf ex:L . ex:i a ex:K .""",
    "an ill-typed literal gets owlrl's error message": """
        ex:x ex:count "many"^^xsd:integer ; ex:when "2024-02-30"^^xsd:date .""",
    "blank nodes keep their identity": """
        ex:p rdfs:range ex:R . ex:p owl:inverseOf ex:pInverse .
        ex:x ex:p [ ex:q [ a ex:S ] ] .""",
}


@pytest.mark.parametrize("case", sorted(CONSTRUCTS))
def test_same_as_owlrl_for_each_construct(tmp_path: Path, case: str) -> None:
    (tmp_path / "case.ttl").write_text(HEAD + CONSTRUCTS[case], encoding="utf-8")
    assert assert_same_closure(discover(ROOT, BASE, tmp_path)) > 1000


def test_an_ontology_beyond_the_rules_asks_for_the_reference_reasoner(tmp_path: Path) -> None:
    (tmp_path / "case.ttl").write_text(
        HEAD + "ex:A owl:intersectionOf ( ex:B ex:C ) . ex:x a ex:B , ex:C .", encoding="utf-8"
    )
    sources = discover(ROOT, BASE, tmp_path)
    with pytest.raises(UnsupportedOntology, match="owl:intersectionOf"):
        materialise_store(sources.store, [s.graph_iri for s in sources.ontology], INFERRED)


def test_rdflib_round_trip_keeps_terms() -> None:
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    for term in (
        Literal("01", datatype=integer, normalize=False),
        Literal("x", lang="id"),
        Literal("plain"),
        BNode("b1"),
    ):
        assert to_rdflib(to_oxigraph(term)) == term
