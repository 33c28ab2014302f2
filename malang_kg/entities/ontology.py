"""The human documentation of the ontology namespace, as plain data: every class, property and
datatype of ``mk:`` with its labels and definitions in both languages and its axioms (super- and
subclasses, super-properties, inverses, domain, range, property chains, characteristics).

The ontology graph is read whole (it is small) with one query binding the graph's IRI; the labels
of reused terms come from the ``ontology/reused-terms`` graph when the build has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from malang_kg.entities.model import Value
from malang_kg.iris import DCTERMS, OWL, RDF, RDFS, SKOS, Links

GRAPH_TRIPLES = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"

# Sections of the page: (text key, the rdf:type that puts a term there), in page order.
KINDS = (
    ("classes", str(OWL.Class)),
    ("object_properties", str(OWL.ObjectProperty)),
    ("datatype_properties", str(OWL.DatatypeProperty)),
    ("annotation_properties", str(OWL.AnnotationProperty)),
    ("datatypes", str(RDFS.Datatype)),
)
CHARACTERISTICS = (
    ("transitive", str(OWL.TransitiveProperty)),
    ("symmetric", str(OWL.SymmetricProperty)),
    ("functional", str(OWL.FunctionalProperty)),
)
# Relations shown for each term: (text key, property, direction).
RELATIONS = (
    ("subclass_of", str(RDFS.subClassOf), "out"),
    ("subclasses", str(RDFS.subClassOf), "in"),
    ("subproperty_of", str(RDFS.subPropertyOf), "out"),
    ("subproperties", str(RDFS.subPropertyOf), "in"),
    ("inverse_of", str(OWL.inverseOf), "both"),
    ("domain", str(RDFS.domain), "out"),
    ("range", str(RDFS.range), "out"),
    ("exact_match", str(SKOS.exactMatch), "out"),
    ("see_also", str(RDFS.seeAlso), "out"),
)

Triple = tuple[Term, Term, Term]


@dataclass(frozen=True)
class Relation:
    key: str  # a text key of the page (``subclass_of``, ``domain``...)
    values: tuple[Value, ...]


@dataclass(frozen=True)
class TermDoc:
    iri: str
    name: str  # the local name: the anchor on the page
    labels: dict[str, str]  # language -> label
    definitions: dict[str, str]
    relations: tuple[Relation, ...] = ()
    characteristics: tuple[str, ...] = ()  # text keys
    chains: tuple[tuple[Value, ...], ...] = ()  # owl:propertyChainAxiom, in order


@dataclass
class OntologyDoc:
    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    license: Value | None = None
    sections: list[tuple[str, list[TermDoc]]] = field(default_factory=list)


def ontology_graphs(links: Links, graphs: tuple[str, ...]) -> tuple[str, ...]:
    """The build's ontology graphs: ``{BASE}graph/ontology`` and ``…/ontology/<name>``."""
    main = links.layout.ontology_graph
    return tuple(g for g in graphs if g == main or g.startswith(main + "/"))


def graph_triples(engine: QueryService, graph: str) -> list[Triple]:
    rows = engine.select(GRAPH_TRIPLES, {"g": Term.uri(graph)}).rows
    return [(row["s"], row["p"], row["o"]) for row in rows]


class _Index:
    def __init__(self, triples: list[Triple], labels: list[Triple]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self.out[s][p.value].append(o)
            self.into[o][p.value].append(s)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for s, p, o in [*labels, *triples]:
            if p.value == str(RDFS.label) and o.kind == "literal" and o.lang:
                self.labels[s.value].setdefault(o.lang, o.value)

    def texts(self, subject: Term, prop: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for term in self.out[subject][prop]:
            if term.kind == "literal":
                found.setdefault(term.lang or "", term.value)
        return found

    def rdf_list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        while head.kind == "bnode" and len(items) < 32:
            items.extend(self.out[head][str(RDF.first)][:1])
            rest = self.out[head][str(RDF.rest)]
            if not rest:
                break
            head = rest[0]
        return items


def document(engine: QueryService, links: Links, lang: str) -> OntologyDoc:
    graphs = ontology_graphs(links, engine.graphs)
    main = links.layout.ontology_graph
    triples = graph_triples(engine, main) if main in graphs else []
    labels = [t for g in graphs if g != main for t in graph_triples(engine, g)]
    index = _Index(triples, labels)
    other = "en" if lang == "id" else "id"

    def value(term: Term) -> Value:
        href, external = links.href(term.value)
        names = index.labels.get(term.value, {})
        text = names.get(lang) or names.get(other)
        shown_lang = lang if names.get(lang) else other if text else None
        return Value(term, text or links.short(term.value), shown_lang, href, external)

    ontology = Term.uri(links.layout.ontology)
    doc = OntologyDoc(links.layout.ontology)
    doc.titles = index.texts(ontology, str(DCTERMS.title))
    doc.descriptions = index.texts(ontology, str(DCTERMS.description))
    doc.version = next(iter(index.texts(ontology, str(OWL.versionInfo)).values()), None)
    licence = index.out[ontology][str(DCTERMS.license)]
    doc.license = value(licence[0]) if licence else None

    for key, kind in KINDS:
        terms: list[TermDoc] = []
        for subject in index.into[Term.uri(kind)][str(RDF.type)]:
            if subject.kind != "uri" or not subject.value.startswith(links.layout.vocabulary):
                continue
            terms.append(_term(index, subject, links.layout.vocabulary, value))
        terms.sort(key=lambda term: term.name.casefold())
        if terms:
            doc.sections.append((key, terms))
    return doc


def _term(index: _Index, subject: Term, vocabulary: str, make: Callable[[Term], Value]) -> TermDoc:
    relations: list[Relation] = []
    for key, prop, direction in RELATIONS:
        found: list[Term] = []
        if direction in ("out", "both"):
            found += index.out[subject][prop]
        if direction in ("in", "both"):
            found += index.into[subject][prop]
        values = [make(t) for t in dict.fromkeys(found) if t.kind == "uri" and t != subject]
        if values:
            relations.append(Relation(key, tuple(sorted(values, key=lambda v: v.text.casefold()))))
    types = {t.value for t in index.out[subject][str(RDF.type)]}
    chains = tuple(
        tuple(make(item) for item in index.rdf_list(head))
        for head in index.out[subject][str(OWL.propertyChainAxiom)]
    )
    return TermDoc(
        iri=subject.value,
        name=subject.value[len(vocabulary) :],
        labels={k: v for k, v in index.texts(subject, str(RDFS.label)).items() if k},
        definitions={k: v for k, v in index.texts(subject, str(SKOS.definition)).items() if k},
        relations=tuple(relations),
        characteristics=tuple(key for key, iri in CHARACTERISTICS if iri in types),
        chains=chains,
    )
