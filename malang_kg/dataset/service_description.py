"""The SPARQL 1.1 Service Description of the endpoint
(https://www.w3.org/TR/sparql11-service-description/), answered to a GET of ``/sparql`` without
a query by an RDF client."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from malang_kg.formats import media as fmt
from malang_kg.iris import DCTERMS as DCT
from malang_kg.iris import SD

FORMATS = Namespace(fmt.FORMATS_NS)

VOID_PATH = ".well-known/void"


def service_description(
    endpoint: str, graphs: Iterable[str], void_description: str | None = None
) -> Graph:
    """An ``sd:Service`` at ``endpoint`` (the absolute URL of /sparql): SPARQL 1.1 Query, every
    result format, the union default graph and one ``sd:namedGraph`` per graph of the store.
    The default dataset points (``rdfs:seeAlso``) to its VoID description, by default
    ``.well-known/void`` beside the endpoint."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    graph.bind("dct", DCT)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, DCT.title, Literal("Malang City Knowledge Graph", lang="en")))
    graph.add((service, DCT.title, Literal("Graf Pengetahuan Kota Malang", lang="id")))
    for media in (*fmt.RESULT_TYPES, *fmt.GRAPH_TYPES):
        if media.format_iri:
            graph.add((service, SD.resultFormat, URIRef(media.format_iri)))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, URIRef(void_description or urljoin(endpoint, VOID_PATH))))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    for iri in graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(iri)))
    return graph
