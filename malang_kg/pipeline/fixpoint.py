"""Materialising OWL RL entailments on the Oxigraph store: owlrl closes the ontology, the rules
it implies (``rules.py``) run semi-naively as SPARQL updates until a round adds nothing, the
ontology is closed again if the data entailed schema triples, and owlrl's trivia are pruned. The
result equals owlrl's closure minus the trivia, but for derivations from literal subjects (see
``docs/design.md``)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

import owlrl
import pyoxigraph as ox
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF

from malang_kg.iris import BUILTIN_NAMESPACES
from malang_kg.pipeline.dataset import count, quads, to_rdflib, typed_literals
from malang_kg.pipeline.reason import REFLEXIVE_TRIVIA, TOP_CLASSES, trivia_reason
from malang_kg.pipeline.rules import (
    META_TYPES,
    SCHEMA_PREDICATES,
    RuleTables,
    Scope,
    tables_from,
    updates,
)

Log = Callable[[str], None]
REFLEXIVE = sorted(str(p) for p in REFLEXIVE_TRIVIA)
ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's error vocabulary
ROUND = "urn:malang-kg:reasoning:round-"
OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"


def _in(names: Iterable[object]) -> str:
    return ", ".join(f"<{name}>" for name in names)


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return list(rows)


def _graph(rows: Iterable[ox.QuerySolution]) -> Graph:
    graph = Graph()
    for row in rows:
        s, p, o = (row[i] for i in range(3))
        assert s is not None and p is not None and o is not None
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def schema_triples(store: ox.Store, graphs: str) -> Graph:
    """The schema triples (``rules.SCHEMA_PREDICATES``, typing with ``rules.META_TYPES``) of
    some graphs; ``graphs`` is a SPARQL expression on ``?g``. One branch per predicate or type,
    so that Oxigraph looks each up in its index."""
    branches = [f"{{ GRAPH ?g {{ ?s <{p}> ?o }} BIND (<{p}> AS ?p) }}" for p in SCHEMA_PREDICATES]
    branches += [
        f"{{ GRAPH ?g {{ ?s a <{t}> }} BIND (<{RDF.type}> AS ?p) BIND (<{t}> AS ?o) }}"
        for t in META_TYPES
    ]
    where = " UNION ".join(sorted(branches))
    return _graph(_select(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} FILTER ({graphs}) }}"))


def close_ontology(tbox: Graph) -> Graph:
    """owlrl's OWL RL closure of the ontology alone."""
    closure = Graph()
    closure += tbox
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    return closure


def run_rules(store: ox.Store, tables: RuleTables, inferred: str, log: Log) -> int:
    """Apply the rules to a fixpoint, adding conclusions to ``inferred``; return the rounds.

    The first round matches everything and writes to ``inferred``; round k > 1 matches, in one
    premise of each rule, only what round k-1 added (its own graph), and writes to a graph of
    its own, merged into ``inferred`` at the end."""
    same_as_query = f"ASK {{ GRAPH ?g {{ ?x <{OWL_SAME}> ?y FILTER (!sameTerm(?x, ?y)) }} }}"
    rounds, delta, target = 0, "?gd", f"<{inferred}>"
    while True:
        rounds += 1
        started = time.perf_counter()
        before = count(store, ox.NamedNode(inferred)) if rounds == 1 else 0
        same_as = bool(store.query(same_as_query))
        for update in updates(tables, Scope(delta, target, first=rounds == 1), same_as):
            store.update(update)
        added = count(store, ox.NamedNode(target.strip("<>"))) - before
        log(f"  round {rounds}: {added} new triples in {time.perf_counter() - started:.2f} s")
        if not added:
            break
        delta, target = target, f"<{ROUND}{rounds + 1}>"
    for k in range(2, rounds + 1):
        store.update(
            f"INSERT {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{ROUND}{k}> "
            f"{{ ?s ?p ?o }} }} ; DROP SILENT GRAPH <{ROUND}{k}>"
        )
    return rounds


def _add(store: ox.Store, graph: Graph, target: str) -> None:
    store.extend(q for q in _quads_or_skip(graph, target))


def _quads_or_skip(graph: Graph, target: str) -> Iterable[ox.Quad]:
    keep = Graph()
    for triple in graph:
        if not isinstance(triple[0], Literal):  # pyoxigraph cannot hold literal subjects
            keep.add(triple)
    return quads(keep, target)


def _literal_errors(literals: Iterable[ox.Literal], known: set[str]) -> Graph:
    """owlrl's rule dt-not-type: an error message for each ill-typed literal of a datatype of
    OWL RL, as owlrl writes them (``[] a err:ErrorMessage ; err:error "…"``)."""
    datatypes = {str(d) for d in OWL_RL_Datatypes}
    errors = Graph()
    for typed in literals:
        if typed.datatype.value not in datatypes:
            continue
        literal = to_rdflib(typed)
        assert isinstance(literal, Literal)
        try:
            AltXSDToPYTHON.get(literal.datatype, lambda v: v)(str(literal))
            continue
        except ValueError:
            pass
        message = (
            f"Lexical value of the literal '{literal}' does not match its datatype "
            f"({literal.datatype})"
        )
        if message not in known:
            known.add(message)
            node = BNode()
            errors.add((node, RDF.type, ERRNS.ErrorMessage))
            errors.add((node, ERRNS.error, Literal(message)))
    return errors


def _trivia_candidates(store: ox.Store, inferred: str) -> list[ox.QuerySolution]:
    """The triples of the inferred graph that may be trivia, found through the indexes."""
    graph = f"GRAPH <{inferred}>"
    branches = [
        f"{{ {graph} {{ ?s <{p}> ?s }} BIND (?s AS ?o) BIND (<{p}> AS ?p) }}" for p in REFLEXIVE
    ]
    branches += [f"{{ {graph} {{ ?s ?p <{top}> }} BIND (<{top}> AS ?o) }}" for top in TOP_CLASSES]
    branches.append(
        f"{{ {graph} {{ ?s <{OWL_SAME}> ?o }} BIND (<{OWL_SAME}> AS ?p) FILTER (isLiteral(?o)) }}"
    )
    builtin = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in BUILTIN_NAMESPACES)
    branches.append(
        f"{{ {{ SELECT DISTINCT ?s WHERE {{ {graph} {{ ?s ?any ?thing }} }} }} "
        f"FILTER (isIRI(?s) && ({builtin})) {graph} {{ ?s ?p ?o }} }}"
    )
    return _select(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {' UNION '.join(branches)} }}")


def prune_store(store: ox.Store, inferred: str) -> Counter[str]:
    """Delete owlrl's trivia (``reason.trivia_reason``) from the inferred graph; count them."""
    graph = ox.NamedNode(inferred)
    dropped: Counter[str] = Counter()
    for row in _trivia_candidates(store, inferred):
        s, p, o = row[0], row[1], row[2]
        assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode)
        assert o is not None and not isinstance(o, ox.DefaultGraph)
        reason = trivia_reason((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        if reason is not None:
            dropped[reason] += 1
            store.remove(ox.Quad(s, p, o, graph))
    return dropped


def drop_asserted(store: ox.Store, inferred: str) -> None:
    """Remove from the inferred graph what another graph asserts: the last step of both
    reasoners, so a build's inferred graph shares no triple with the others (the dumps rely on
    it)."""
    store.update(
        f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{inferred}> "
        f"{{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{inferred}>) }}"
    )


def materialise_store(
    store: ox.Store,
    ontology_graphs: list[str],
    inferred: str,
    log: Log = lambda line: None,
    literals: list[ox.Literal] | None = None,
) -> Counter[str]:
    """Add the OWL RL entailments of every graph of ``store`` to the graph ``inferred``, pruned
    of trivia; return the pruned counts (literal subjects owlrl made are counted, not stored).
    ``literals``: the store's typed literals (``dataset.typed_literals``), if known already."""
    in_ontology = f"?g IN ({_in(ontology_graphs)})"
    elsewhere = f"?g NOT IN ({_in([*ontology_graphs, inferred])})"
    tbox = _graph(
        _select(
            store, f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({in_ontology}) }}"
        )
    )
    tbox += schema_triples(store, elsewhere)
    started = time.perf_counter()
    closed = close_ontology(tbox)
    took = time.perf_counter() - started
    log(f"closed the ontology ({len(tbox)} triples) with owlrl in {took:.2f} s")
    known = {str(o) for o in closed.objects(None, ERRNS.error)}
    if literals is None:
        literals = typed_literals(store, elsewhere)
    _add(store, (closed - tbox) + _literal_errors(literals, known), inferred)
    drop_asserted(store, inferred)
    while True:
        run_rules(store, tables_from(closed), inferred, log)
        new_schema = schema_triples(store, f"?g = <{inferred}>") - closed
        if not len(new_schema):
            break
        log(f"the data entails {len(new_schema)} schema triples: closing the ontology again")
        tbox += new_schema
        closed = close_ontology(tbox)
        _add(store, closed - tbox, inferred)
        drop_asserted(store, inferred)
    dropped = prune_store(store, inferred)
    dropped["literal subject"] = sum(1 for t in closed - tbox if isinstance(t[0], Literal))
    return dropped
