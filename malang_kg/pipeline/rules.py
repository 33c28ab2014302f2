"""OWL RL rules generated from the closed ontology, as SPARQL updates for Oxigraph: each data rule
(``prp-spo1``, ``prp-spo2``, ``prp-inv``, ``cax-sco``, ``eq-*``…) is one update whose ``VALUES``
lists the axioms it applies. Constructs it does not generate (class expressions, keys,
disjointness) raise ``UnsupportedOntology``: such an ontology needs the reference reasoner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

TOP_CLASSES = frozenset({OWL.Thing, RDFS.Resource})

# Axioms the rules do not implement: an ontology using them needs the reference reasoner.
UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.hasKey,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.differentFrom,
        OWL.sourceIndividual,
    }
)
UNSUPPORTED_TYPES = frozenset(
    {
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.AllDifferent,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.NegativePropertyAssertion,
    }
)
# Predicates and types that make a triple part of the ontology (TBox) wherever it appears.
SCHEMA_PREDICATES = UNSUPPORTED_PREDICATES | {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.onProperty,
    OWL.onClass,
    OWL.members,
    OWL.distinctMembers,
    RDF.first,
    RDF.rest,
}
META_TYPES = UNSUPPORTED_TYPES | {
    OWL.Class,
    RDFS.Class,
    RDFS.Datatype,
    OWL.Restriction,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty,
    OWL.TransitiveProperty,
    OWL.ReflexiveProperty,
    OWL.Nothing,
}


class UnsupportedOntology(Exception):
    """The ontology uses a construct whose OWL RL rules are not generated here."""


@dataclass
class RuleTables:
    """The axioms of the closed ontology, one table per rule (IRIs as strings)."""

    subproperty: set[tuple[str, str]] = field(default_factory=set)  # s p o => s q o
    inverse: set[tuple[str, str]] = field(default_factory=set)  # s p o => o q s
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    chains: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # p <= p1 o ... o pn
    domain: set[tuple[str, str]] = field(default_factory=set)  # s p o => s a C
    range: set[tuple[str, str]] = field(default_factory=set)  # s p o => o a C
    subclass: set[tuple[str, str]] = field(default_factory=set)  # x a C => x a D
    functional: set[str] = field(default_factory=set)
    inverse_functional: set[str] = field(default_factory=set)

    def properties_used(self) -> set[str]:
        """Every property some rule takes as a premise."""
        used = {p for p, _ in self.subproperty | self.inverse | self.domain | self.range}
        used |= self.symmetric | self.transitive | self.functional | self.inverse_functional
        used |= {p for _, chain in self.chains for p in chain}
        return used


def _iri(node: Node) -> str | None:
    return str(node) if isinstance(node, URIRef) else None


def _pairs(tbox: Graph, predicate: URIRef) -> Iterable[tuple[str, str]]:
    for s, o in tbox.subject_objects(predicate):
        first, second = _iri(s), _iri(o)
        if first is not None and second is not None and first != second:
            yield first, second


def _minimal(pairs: set[tuple[str, str]], subclass: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Drop (p, D) where some (p, C) has C below D: ``cax-sco`` derives D from C next round."""
    return {
        (p, d)
        for p, d in pairs
        if not any((c, d) in subclass for q, c in pairs if q == p and c != d)
    }


def tables_from(tbox: Graph) -> RuleTables:
    """The rule tables of a closed ontology; raises ``UnsupportedOntology``."""
    unsupported = sorted(
        {
            tbox.namespace_manager.normalizeUri(str(p))
            for p in tbox.predicates()
            if p in UNSUPPORTED_PREDICATES
        }
        | {
            tbox.namespace_manager.normalizeUri(str(t))
            for t in tbox.objects(None, RDF.type)
            if t in UNSUPPORTED_TYPES
        }
    )
    if unsupported:
        raise UnsupportedOntology(
            f"the ontology uses {', '.join(unsupported)}, whose OWL RL rules are not generated; "
            "build with MALANG_KG_BUILD_ENGINE=reference"
        )
    tables = RuleTables()
    tables.subclass = set(_pairs(tbox, RDFS.subClassOf))
    for c1, c2 in _pairs(tbox, OWL.equivalentClass):
        tables.subclass |= {(c1, c2), (c2, c1)}
    tables.subproperty = set(_pairs(tbox, RDFS.subPropertyOf))
    for p1, p2 in _pairs(tbox, OWL.equivalentProperty):
        tables.subproperty |= {(p1, p2), (p2, p1)}
    for s, o in tbox.subject_objects(OWL.inverseOf):
        first, second = _iri(s), _iri(o)
        if first is not None and second is not None:
            tables.inverse |= {(first, second), (second, first)}
    for kind, target in (
        (OWL.SymmetricProperty, tables.symmetric),
        (OWL.TransitiveProperty, tables.transitive),
        (OWL.FunctionalProperty, tables.functional),
        (OWL.InverseFunctionalProperty, tables.inverse_functional),
    ):
        target |= {iri for s in tbox.subjects(RDF.type, kind) if (iri := _iri(s))}
    for s, head in tbox.subject_objects(OWL.propertyChainAxiom):
        chain = [_iri(item) for item in tbox.items(head)]
        if _iri(s) and chain and all(chain):
            tables.chains.add((str(s), tuple(str(p) for p in chain)))
    tables.domain = set(_pairs(tbox, RDFS.domain))
    tables.range = set(_pairs(tbox, RDFS.range))
    _drop_top_conclusions(tables)
    tables.domain = _minimal(tables.domain, tables.subclass)
    tables.range = _minimal(tables.range, tables.subclass)
    return tables


def _drop_top_conclusions(tables: RuleTables) -> None:
    """ "x a owl:Thing" is pruned as trivia; unless something follows from it, never derive it."""
    tops = {str(c) for c in TOP_CLASSES}
    if str(RDF.type) in tables.properties_used() or any(c in tops for c, _ in tables.subclass):
        return
    tables.domain = {(p, c) for p, c in tables.domain if c not in tops}
    tables.range = {(p, c) for p, c in tables.range if c not in tops}
    tables.subclass = {(c, d) for c, d in tables.subclass if d not in tops}


# --- SPARQL -----------------------------------------------------------------------------------

OWL_SAME_AS = f"<{OWL.sameAs}>"


@dataclass(frozen=True)
class Scope:
    """Where a rule's premises are matched: ``delta`` (what the last round added; in the first
    round, everything) and ``all`` (every graph); conclusions go to ``target``."""

    delta: str  # a GRAPH term: "?gd" for every graph or "<iri>"
    target: str  # "<iri>"
    first: bool  # the first round: no delta graph yet

    def all(self, n: int) -> str:
        return f"?ga{n}"


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Pairs grouped by their first element (the premise), both sorted."""
    groups: dict[str, list[str]] = {}
    for first, second in sorted(pairs):
        groups.setdefault(first, []).append(second)
    return groups


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES {name} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


def _insert(scope: Scope, conclusion: str, where: str, extra: str = "") -> str:
    """An update adding ``conclusion`` for each distinct solution of ``where`` (joined with
    ``extra``, e.g. the VALUES of the conclusion) that is not in any graph yet. Taking the
    distinct solutions first matters: ten properties with one domain give ten candidates."""
    names = " ".join(sorted({t for t in conclusion.split() if t.startswith("?")} - _vars(extra)))
    return (
        f"INSERT {{ GRAPH {scope.target} {{ {conclusion} }} }} WHERE {{ "
        f"{{ SELECT DISTINCT {names} WHERE {{ {where} }} }} {extra} "
        f"FILTER NOT EXISTS {{ GRAPH ?exists {{ {conclusion} }} }} }}"
    )


def _vars(text: str) -> set[str]:
    return {t for t in text.replace("{", " ").replace("}", " ").split() if t.startswith("?")}


def _joined(scope: Scope, patterns: Sequence[str]) -> str:
    """Patterns joined semi-naively: a union of variants, each matching one pattern in delta."""
    if scope.first:
        return " ".join(f"GRAPH {scope.all(i)} {{ {p} }}" for i, p in enumerate(patterns))
    variants = [
        " ".join(
            f"GRAPH {scope.delta if i == k else scope.all(i)} {{ {p} }}"
            for i, p in enumerate(patterns)
        )
        for k in range(len(patterns))
    ]
    return " UNION ".join(f"{{ {v} }}" for v in variants)


def updates(tables: RuleTables, scope: Scope, same_as: bool) -> list[str]:
    """The SPARQL updates of one round; ``same_as``: whether any owl:sameAs is in the data.

    Each update has its premise's property (or class) as a constant, so Oxigraph finds the
    premises through its predicate index instead of scanning the store."""
    d = f"GRAPH {scope.delta}"
    not_literal = "FILTER (!isLiteral(?o))"
    found: list[str] = []
    for p, supers in _grouped(tables.subproperty).items():
        found.append(_insert(scope, "?s ?q ?o", f"{d} {{ ?s <{p}> ?o }}", _values("?q", supers)))
    for p, inverses in _grouped(tables.inverse).items():
        where = f"{d} {{ ?s <{p}> ?o }} {not_literal}"
        found.append(_insert(scope, "?o ?q ?s", where, _values("?q", inverses)))
    for p in sorted(tables.symmetric):
        found.append(_insert(scope, f"?o <{p}> ?s", f"{d} {{ ?s <{p}> ?o }} {not_literal}"))
    for p in sorted(tables.transitive):
        where = _joined(scope, [f"?x <{p}> ?y", f"?y <{p}> ?z"])
        found.append(_insert(scope, f"?x <{p}> ?z", where))
    for prop, chain in sorted(tables.chains):
        patterns = [f"?v{i} <{p}> ?v{i + 1}" for i, p in enumerate(chain)]
        found.append(_insert(scope, f"?v0 <{prop}> ?v{len(chain)}", _joined(scope, patterns)))
    for p, classes in _grouped(tables.domain).items():
        found.append(_insert(scope, "?s a ?c", f"{d} {{ ?s <{p}> ?o }}", _values("?c", classes)))
    for p, classes in _grouped(tables.range).items():
        where = f"{d} {{ ?s <{p}> ?o }} {not_literal}"
        found.append(_insert(scope, "?o a ?c", where, _values("?c", classes)))
    for c, supers in _grouped(tables.subclass).items():
        found.append(_insert(scope, "?x a ?e", f"{d} {{ ?x a <{c}> }}", _values("?e", supers)))
    distinct = "FILTER (!sameTerm(?y1, ?y2) && !isLiteral(?y1) && !isLiteral(?y2))"
    for p in sorted(tables.functional):
        where = f"{_joined(scope, [f'?x <{p}> ?y1', f'?x <{p}> ?y2'])} {distinct}"
        found.append(_insert(scope, f"?y1 {OWL_SAME_AS} ?y2", where))
    for p in sorted(tables.inverse_functional):
        where = f"{_joined(scope, [f'?y1 <{p}> ?x', f'?y2 <{p}> ?x'])} {distinct}"
        found.append(_insert(scope, f"?y1 {OWL_SAME_AS} ?y2", where))
    if same_as:
        found.extend(_equality(scope))
    return found


def _equality(scope: Scope) -> list[str]:
    """eq-sym, eq-trans and eq-rep-s/p/o between nodes (never literals: see the module notes)."""
    same = f"?x {OWL_SAME_AS} ?y"
    distinct = "FILTER (!sameTerm(?x, ?y) && !isLiteral(?y))"
    d = f"GRAPH {scope.delta}"
    return [
        _insert(scope, f"?y {OWL_SAME_AS} ?x", f"{d} {{ {same} }} {distinct}"),
        _insert(
            scope,
            f"?x {OWL_SAME_AS} ?z",
            f"{_joined(scope, [same, f'?y {OWL_SAME_AS} ?z'])} {distinct}",
        ),
        _insert(scope, "?y ?p ?o", f"{_joined(scope, [same, '?x ?p ?o'])} {distinct}"),
        _insert(
            scope, "?s ?y ?o", f"{_joined(scope, [same, '?s ?x ?o'])} {distinct} FILTER (isIRI(?y))"
        ),
        _insert(scope, "?s ?p ?y", f"{_joined(scope, [same, '?s ?p ?x'])} {distinct}"),
    ]
