"""The dataset's own description: VoID (https://www.w3.org/TR/void/) and DCAT
(https://www.w3.org/TR/vocab-dcat-3/), served at ``/.well-known/void``.

Every number in it is counted by a query through the query service, so it equals what the store
holds: ``void:triples`` counts the quads of every named graph, property partitions add up to it, a
class partition counts the distinct instances of its class. The counts are made once per build
(``statistics_for``); the graph is made per request, as its URLs are those the client asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from malang_kg.dataset.distributions import (
    LICENSE,
    bilingual,
    change_feeds,
    dump_distribution,
    endpoint_service,
)
from malang_kg.engine import Term
from malang_kg.iris import (
    DCAT,
    DCTERMS,
    FOAF,
    RDF,
    SCHEMA,
    SD,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    WD,
    XSD,
    Layout,
)

if TYPE_CHECKING:
    from malang_kg.engine.service import QueryService

WIKIDATA_ENTITY = str(WD)
NAMESPACES = (
    ("void", VOID),
    ("dcat", DCAT),
    ("dct", DCTERMS),
    ("foaf", FOAF),
    ("skos", SKOS),
    ("spdx", SPDX),
    ("vcard", VCARD),
    ("sd", SD),
    ("xsd", XSD),
)

TITLE = {"en": "Malang City Knowledge Graph", "id": "Graf Pengetahuan Kota Malang"}
DESCRIPTION = {
    "en": "What the Malang City Government (Pemerintah Kota Malang, East Java, Indonesia) says, "
    "as Linked Open Data: its organisations, people, awards and events from its press releases, "
    "each fact pointing to the sentence that states it, and the city's 5 kecamatan and 57 "
    "kelurahan with their Kemendagri and BPS codes; with OWL RL inferences.",
    "id": "Apa yang disampaikan Pemerintah Kota Malang (Jawa Timur, Indonesia) sebagai Linked "
    "Open Data: organisasi, orang, penghargaan, dan acara dari siaran persnya, setiap fakta "
    "menunjuk kalimat yang menyatakannya, serta 5 kecamatan dan 57 kelurahan kota ini dengan kode "
    "Kemendagri dan BPS; beserta inferensi OWL RL.",
}
PUBLISHER = "malang-kg"  # the publisher named when the graph says of none (synthetic data)
KEYWORDS = ("Kota Malang", "Linked Open Data", "kelurahan", "kecamatan", "KIM", "Jawa Timur")

# --- Counting through the engine ---------------------------------------------------------------

TRIPLES_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DISTINCT_QUERY = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
       (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } }"""
COUNT_ENTITIES_QUERY = """SELECT (COUNT(DISTINCT ?s) AS ?n) ?ns
WHERE { GRAPH ?g { ?s ?p ?o } FILTER (isIRI(?s) && STRSTARTS(STR(?s), ?ns)) }
GROUP BY ?ns"""
CLASS_PARTITIONS_QUERY = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE { GRAPH ?g { ?s a ?class } }
GROUP BY ?class ORDER BY ?class"""
PROPERTY_PARTITIONS_QUERY = """SELECT ?property (COUNT(*) AS ?n)
WHERE { GRAPH ?g { ?s ?property ?o } }
GROUP BY ?property ORDER BY ?property"""
LINKS_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(*) AS ?n) ?ns
WHERE {
  { SELECT DISTINCT ?s ?o ?ns WHERE {
      ?s skos:exactMatch ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), ?ns)) } }
}
GROUP BY ?ns"""
SOURCES_QUERY = """SELECT DISTINCT ?document ?class
WHERE { ?document a ?class }
ORDER BY ?document"""
# Who publishes the press releases, by name, and the web sites the graph gives them.
PUBLISHERS_QUERY = f"""SELECT DISTINCT ?publisher ?name ?url ?class
WHERE {{
  ?document a ?class ; <{SCHEMA.publisher}> ?publisher .
  FILTER (isIRI(?publisher))
  OPTIONAL {{ ?publisher <{SKOS.prefLabel}> ?name }}
  OPTIONAL {{ ?publisher <{SCHEMA.url}> ?url FILTER (isIRI(?url)) }}
}}
ORDER BY ?publisher ?name ?url"""


@dataclass(frozen=True)
class Publisher:
    """An organisation publishing the sources, as the graph describes it."""

    iri: str
    names: tuple[tuple[str, str], ...]  # (language, name)
    urls: tuple[str, ...]  # its web sites


def _publishers(rows: Iterable[Mapping[str, Term]]) -> tuple[Publisher, ...]:
    found: dict[str, tuple[dict[str, str], list[str]]] = {}
    for row in rows:
        names, urls = found.setdefault(row["publisher"].value, ({}, []))
        name, url = row.get("name"), row.get("url")
        if name is not None and name.lang:
            names.setdefault(name.lang, name.value)
        if url is not None and url.value not in urls:
            urls.append(url.value)
    return tuple(
        Publisher(iri, tuple(sorted(names.items())), tuple(urls))
        for iri, (names, urls) in found.items()
    )


@dataclass(frozen=True)
class Statistics:
    """What the store of one build holds, as VoID counts it."""

    build_id: str
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    class_partitions: tuple[tuple[str, int], ...]  # (class IRI, distinct instances)
    property_partitions: tuple[tuple[str, int], ...]  # (property IRI, triples)
    wikidata_links: int
    sources: tuple[str, ...]  # the press releases the data is taken from
    publishers: tuple[Publisher, ...] = ()  # who publishes them

    @property
    def classes(self) -> int:
        return len(self.class_partitions)


def _number(term: Term | None) -> int:
    return int(term.value) if term is not None else 0


def count_statistics(engine: QueryService, base_iri: str) -> Statistics:
    """Count everything the description states, through ``engine`` (one query each)."""
    triples = _number(engine.select(TRIPLES_QUERY).rows[0].get("n"))
    distinct = engine.select(DISTINCT_QUERY).rows[0]
    layout = Layout(base_iri)
    ids = engine.select(COUNT_ENTITIES_QUERY, {"ns": Term.literal(layout.entity_prefix)}).rows
    classes = engine.select(CLASS_PARTITIONS_QUERY).rows
    properties = engine.select(PROPERTY_PARTITIONS_QUERY).rows
    links = engine.select(LINKS_QUERY, {"ns": Term.literal(WIKIDATA_ENTITY)}).rows
    press_release = Term.uri(layout.term("PressRelease"))
    sources = engine.select(SOURCES_QUERY, {"class": press_release}).rows
    publishers = engine.select(PUBLISHERS_QUERY, {"class": press_release}).rows
    return Statistics(
        build_id=engine.build_id,
        triples=triples,
        entities=_number(ids[0].get("n")) if ids else 0,
        distinct_subjects=_number(distinct.get("subjects")),
        distinct_objects=_number(distinct.get("objects")),
        properties=_number(distinct.get("properties")),
        class_partitions=tuple(
            (row["class"].value, _number(row.get("n")))
            for row in classes
            if row.get("class") is not None and row["class"].kind == "uri"
        ),
        property_partitions=tuple(
            (row["property"].value, _number(row.get("n")))
            for row in properties
            if row.get("property") is not None
        ),
        wikidata_links=_number(links[0].get("n")) if links else 0,
        sources=tuple(row["document"].value for row in sources if "document" in row),
        publishers=_publishers(row for row in publishers if "publisher" in row),
    )


def statistics_for(engine: QueryService, base_iri: str) -> Statistics:
    """The statistics of the engine's current build, counted once per build."""
    return engine.memoised(
        ("void-statistics", base_iri), lambda: count_statistics(engine, base_iri)
    )


# --- The graph -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceUrls:
    """Where the service runs, as the client reached it (absolute URLs)."""

    layout: Layout  # the dataset's IRIs
    root: str  # the service's root URL, ending in "/"
    endpoint: str  # the SPARQL endpoint's URL
    description: str  # this document's URL


def void_graph(
    stats: Statistics,
    site: ServiceUrls,
    dumps: Iterable[Mapping[str, Any]] = (),
    created: str | None = None,
) -> Graph:
    """The VoID and DCAT description of the dataset; ``dumps`` are the manifest's entries."""
    graph = Graph()
    for prefix, namespace in NAMESPACES:
        graph.bind(prefix, namespace)
    graph.bind("mk", Namespace(site.layout.vocabulary))
    dataset = URIRef(site.layout.base)
    document = URIRef(site.description)
    graph.add((document, RDF.type, VOID.DatasetDescription))
    graph.add((document, FOAF.primaryTopic, dataset))
    bilingual(graph, document, DCTERMS.title, {k: f"VoID: {v}" for k, v in TITLE.items()})
    _catalogue_entry(graph, dataset, stats, site, created)
    _counts(graph, dataset, stats, site)
    _linkset(graph, dataset, stats, site)
    for dump in dumps:
        dump_distribution(graph, dataset, site, dump)
    endpoint_service(graph, dataset, site)
    change_feeds(graph, dataset, site)
    return graph


def _catalogue_entry(
    graph: Graph, dataset: URIRef, stats: Statistics, site: ServiceUrls, created: str | None
) -> None:
    """What DCAT says of the dataset: titles, publisher, licence, sources, languages, pages."""
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    bilingual(graph, dataset, DCTERMS.title, TITLE)
    bilingual(graph, dataset, DCTERMS.description, DESCRIPTION)
    _publisher(graph, dataset, stats, site)
    graph.add((dataset, DCTERMS.license, URIRef(LICENSE)))
    for source in stats.sources:
        graph.add((dataset, DCTERMS.source, URIRef(source)))
    graph.add((dataset, DCTERMS.spatial, URIRef(site.layout.entity("city/malang"))))
    graph.add((dataset, DCTERMS.identifier, Literal(stats.build_id)))
    if created:
        graph.add((dataset, DCTERMS.modified, Literal(created, datatype=XSD.dateTime)))
    for lang in ("id", "en"):
        graph.add(
            (dataset, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{lang}"))
        )
    for keyword in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(keyword)))
    graph.add((dataset, FOAF.homepage, URIRef(site.root)))
    graph.add((dataset, DCAT.landingPage, URIRef(site.root)))


def _publisher(graph: Graph, dataset: URIRef, stats: Statistics, site: ServiceUrls) -> None:
    """The publishers of the sources, by their IRIs in the graph, each with a contact point
    made of what the graph says of it (its name and web site; no address is invented). With
    none in the graph, the service itself."""
    if not stats.publishers:
        service = BNode()
        graph.add((dataset, DCTERMS.publisher, service))
        graph.add((service, RDF.type, FOAF.Agent))
        graph.add((service, FOAF.name, Literal(PUBLISHER)))
        graph.add((service, FOAF.homepage, URIRef(site.root)))
        return
    for publisher in stats.publishers:
        agent = URIRef(publisher.iri)
        graph.add((dataset, DCTERMS.publisher, agent))
        graph.add((agent, RDF.type, FOAF.Agent))
        graph.add((agent, RDF.type, FOAF.Organization))
        for lang, name in publisher.names:
            graph.add((agent, FOAF.name, Literal(name, lang=lang)))
        for url in publisher.urls:
            graph.add((agent, FOAF.homepage, URIRef(url)))
        if not publisher.urls:
            continue
        contact = BNode()
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        for lang, name in publisher.names:
            graph.add((contact, VCARD.fn, Literal(name, lang=lang)))
        for url in publisher.urls:
            graph.add((contact, VCARD.hasURL, URIRef(url)))


def _counts(graph: Graph, dataset: URIRef, stats: Statistics, site: ServiceUrls) -> None:
    """What VoID says of the dataset: its URI space, endpoint, counts and partitions."""
    graph.add((dataset, VOID.uriSpace, Literal(site.layout.entity_prefix)))
    graph.add((dataset, VOID.vocabulary, URIRef(site.layout.vocabulary)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(site.endpoint)))
    graph.add((dataset, VOID.exampleResource, URIRef(site.layout.entity("city/malang"))))
    graph.add((dataset, VOID.triples, Literal(stats.triples)))
    graph.add((dataset, VOID.entities, Literal(stats.entities)))
    graph.add((dataset, VOID.classes, Literal(stats.classes)))
    graph.add((dataset, VOID.properties, Literal(stats.properties)))
    graph.add((dataset, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    graph.add((dataset, VOID.distinctObjects, Literal(stats.distinct_objects)))
    for format_iri in ("Turtle", "N-Quads", "JSON-LD"):
        graph.add((dataset, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{format_iri}")))
    for class_iri, entities in stats.class_partitions:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_iri)))
        graph.add((partition, VOID.entities, Literal(entities)))
    for property_iri, triples in stats.property_partitions:
        partition = BNode()
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(property_iri)))
        graph.add((partition, VOID.triples, Literal(triples)))


def _linkset(graph: Graph, dataset: URIRef, stats: Statistics, site: ServiceUrls) -> None:
    wikidata = URIRef("https://www.wikidata.org/")
    graph.add((wikidata, RDF.type, VOID.Dataset))
    graph.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    graph.add((wikidata, VOID.uriSpace, Literal(WIKIDATA_ENTITY)))
    graph.add((wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    linkset = URIRef(site.layout.base + "#wikidata-links")
    graph.add((dataset, VOID.subset, linkset))
    graph.add((linkset, RDF.type, VOID.Linkset))
    bilingual(
        graph,
        linkset,
        DCTERMS.title,
        {"en": "Links to Wikidata", "id": "Tautan ke Wikidata"},
    )
    graph.add((linkset, VOID.target, dataset))
    graph.add((linkset, VOID.target, wikidata))
    graph.add((linkset, VOID.subjectsTarget, dataset))
    graph.add((linkset, VOID.objectsTarget, wikidata))
    graph.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    graph.add((linkset, VOID.triples, Literal(stats.wikidata_links)))
