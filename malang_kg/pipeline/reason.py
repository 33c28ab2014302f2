"""OWL RL materialisation with owlrl, keeping only real entailments.

owlrl's closure contains much that is true but useless to a reader of the data: triples with a
literal as subject (which pyoxigraph refuses to load), ``x owl:sameAs x``, reflexive
``rdfs:subClassOf``/``subPropertyOf``/equivalences, statements about the built-in vocabularies
(RDF, RDFS, OWL, XSD) and anything whose object is ``owl:Thing`` or ``rdfs:Resource``.
``prune`` drops them and says how many of each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS
from rdflib.term import Node

from malang_kg.iris import BUILTIN_NAMESPACES

Triple = tuple[Node, Node, Node]

REFLEXIVE_TRIVIA = frozenset(
    {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
)
TOP_CLASSES = frozenset({OWL.Thing, RDFS.Resource})


def trivia_reason(triple: Triple) -> str | None:
    """Why an entailed triple is trivia, or None if it is a real entailment."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return "literal subject"
    if predicate in REFLEXIVE_TRIVIA and subject == obj:
        return "reflexive"
    if isinstance(subject, URIRef) and str(subject).startswith(BUILTIN_NAMESPACES):
        return "about a built-in vocabulary"
    if obj in TOP_CLASSES:  # "is a thing", "has a domain of things": true of everything
        return "owl:Thing or rdfs:Resource"
    if isinstance(obj, Literal) and predicate == OWL.sameAs:
        return "literal sameAs"
    return None


def prune(entailed: Iterable[Triple]) -> tuple[Graph, Counter[str]]:
    kept = Graph()
    dropped: Counter[str] = Counter()
    for triple in entailed:
        reason = trivia_reason(triple)
        if reason is None:
            kept.add(triple)
        else:
            dropped[reason] += 1
    return kept, dropped


def materialise(asserted: Graph) -> tuple[Graph, Counter[str]]:
    """Run owlrl's OWL RL closure over a copy of ``asserted``; return what it added, pruned."""
    closure = Graph()
    closure += asserted
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        rdfs_closure=False,
        axiomatic_triples=False,
        datatype_axioms=False,
    ).expand(closure)
    inferred, dropped = prune(triple for triple in closure if triple not in asserted)
    for prefix, namespace in asserted.namespaces():
        inferred.bind(prefix, namespace, replace=True)
    return inferred, dropped
