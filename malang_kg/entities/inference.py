"""Why an inferred statement of an entity holds: the OWL RL rule and the ontology axiom that give
it, found among the entity's own statements (``explain``). The ontology's axioms that the rules
use (sub-properties, subclasses, domains, ranges, inverses, symmetric and transitive properties)
are read once per build (``Schema.read``) and closed here.

The reasoner (``pipeline/rules.py``) does not record which rule made a triple, and a triple may
have several reasons; the page names one that holds, the asserted one first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from malang_kg.iris import OWL, RDF, RDFS

SCHEMA_QUERY = f"""SELECT ?s ?p ?o WHERE {{
  {{ VALUES ?p {{ <{RDFS.subPropertyOf}> <{RDFS.subClassOf}> <{RDFS.domain}> <{RDFS.range}>
                 <{OWL.inverseOf}> }}
    ?s ?p ?o }}
  UNION
  {{ VALUES ?o {{ <{OWL.SymmetricProperty}> <{OWL.TransitiveProperty}> }}
    ?s <{RDF.type}> ?o BIND (<{RDF.type}> AS ?p) }}
}}"""
TYPE = str(RDF.type)


@dataclass(frozen=True)
class Reason:
    """An inferred statement's reason: the rule (its OWL 2 RL name) and the term it goes through
    (the sub-property, the subclass, the property with that domain…)."""

    rule: str  # "prp-spo1", "cax-sco", "prp-dom", "prp-rng", "prp-inv", "prp-symp", "prp-trp"
    via: str  # an IRI


def _closure(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Everything reachable from each node (not the node itself unless on a cycle)."""
    closed: dict[str, set[str]] = {}
    for start in edges:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        closed[start] = seen
    return closed


@dataclass(frozen=True)
class Schema:
    supers: dict[str, set[str]] = field(default_factory=dict)  # a property → its super-properties
    superclasses: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    ranges: dict[str, set[str]] = field(default_factory=dict)
    inverses: dict[str, set[str]] = field(default_factory=dict)
    symmetric: frozenset[str] = frozenset()
    transitive: frozenset[str] = frozenset()

    @classmethod
    def read(cls, engine: QueryService) -> Schema:
        """The axioms of the build's graphs, closed (memoised per build by the caller)."""
        edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in engine.select(SCHEMA_QUERY).rows:
            if row["s"].kind == "uri" and row["o"].kind == "uri":
                edges[row["p"].value][row["s"].value].add(row["o"].value)
        inverses: dict[str, set[str]] = defaultdict(set)
        for one, others in edges[str(OWL.inverseOf)].items():
            for other in others:
                inverses[one].add(other)
                inverses[other].add(one)
        characteristics = edges[TYPE]
        return cls(
            supers=_closure(edges[str(RDFS.subPropertyOf)]),
            superclasses=_closure(edges[str(RDFS.subClassOf)]),
            domains=dict(edges[str(RDFS.domain)]),
            ranges=dict(edges[str(RDFS.range)]),
            inverses=dict(inverses),
            symmetric=_having(characteristics, str(OWL.SymmetricProperty)),
            transitive=_having(characteristics, str(OWL.TransitiveProperty)),
        )


def _having(types: dict[str, set[str]], kind: str) -> frozenset[str]:
    return frozenset(s for s, kinds in types.items() if kind in kinds)


def _index(pairs: Iterable[tuple[Term, str]]) -> dict[Term, list[str]]:
    """The properties of each term of (term, property) pairs."""
    grouped: dict[Term, list[str]] = defaultdict(list)
    for term, prop in pairs:
        grouped[term].append(prop)
    return grouped


@dataclass(frozen=True)
class Statements:
    """An entity's statements as the explanation needs them: (property, value) going out, those
    asserted apart, and (subject, property) coming in; indexed once (the cached properties), so
    explaining each of a hub's thousands of statements does not scan all the others."""

    out: frozenset[tuple[str, Term]]
    asserted: frozenset[tuple[str, Term]]
    incoming: frozenset[tuple[Term, str]]

    @cached_property
    def out_by_value(self) -> dict[Term, list[str]]:
        return _index((value, prop) for prop, value in self.out)

    @cached_property
    def asserted_by_value(self) -> dict[Term, list[str]]:
        return _index((value, prop) for prop, value in self.asserted)

    @cached_property
    def out_types(self) -> tuple[Term, ...]:
        return tuple(value for prop, value in self.out if prop == TYPE)

    @cached_property
    def asserted_types(self) -> tuple[Term, ...]:
        return tuple(value for prop, value in self.asserted if prop == TYPE)

    @cached_property
    def asserted_properties(self) -> frozenset[str]:
        return frozenset(prop for prop, _ in self.asserted)

    @cached_property
    def incoming_properties(self) -> frozenset[str]:
        return frozenset(prop for _, prop in self.incoming)

    @cached_property
    def incoming_by_subject(self) -> dict[Term, list[str]]:
        return _index(self.incoming)


def explain(schema: Schema, found: Statements, prop: str, value: Term) -> Reason | None:
    """One reason the statement (entity, ``prop``, ``value``) holds, or None."""
    for pool in (found.asserted_by_value, found.out_by_value):
        for other in pool.get(value, ()):
            if other != prop and prop in schema.supers.get(other, ()):
                return Reason("prp-spo1", other)
    if prop == TYPE and value.kind == "uri":
        for kinds in (found.asserted_types, found.out_types):
            for kind in kinds:
                if kind != value and value.value in schema.superclasses.get(kind.value, ()):
                    return Reason("cax-sco", kind.value)
        for other in found.asserted_properties:
            if value.value in schema.domains.get(other, ()):
                return Reason("prp-dom", other)
        for other in found.incoming_properties:
            if value.value in schema.ranges.get(other, ()):
                return Reason("prp-rng", other)
    for other in found.incoming_by_subject.get(value, ()):
        if other in schema.inverses.get(prop, ()):
            return Reason("prp-inv", other)
        if other == prop and prop in schema.symmetric:
            return Reason("prp-symp", prop)
    if prop in schema.transitive:
        return Reason("prp-trp", prop)
    return None
