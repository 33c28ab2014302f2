"""``/.well-known/void``: the VoID and DCAT description, parsed with rdflib, its counts equal to
what the store holds (counted again here with direct queries through the engine)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from tests.conftest import ARTICLE, BASE, ID

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

SPDX = Namespace("http://spdx.org/rdf/terms#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE)
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _count(engine: QueryService, query: str) -> int:
    return int(engine.select(query).rows[0]["n"].value)


def _void(client: FlaskClient, path: str = "/.well-known/void") -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def _integer(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal) and value.datatype == XSD.integer
    return int(value)


def test_dataset_is_described_in_both_languages(client: FlaskClient) -> None:
    graph = _void(client)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    for predicate in (DCTERMS.title, DCTERMS.description):
        languages = {value.language for value in graph.objects(DATASET, predicate)}  # type: ignore[attr-defined]
        assert languages == {"id", "en"}
    assert (
        DATASET,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in graph
    assert graph.value(DATASET, DCTERMS.publisher) is not None
    assert (DATASET, DCTERMS.source, URIRef(ARTICLE)) in graph
    assert graph.value(DATASET, VOID.uriSpace) == Literal(ID)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")


def test_counts_equal_what_the_store_holds(client: FlaskClient, engine: QueryService) -> None:
    graph = _void(client)
    assert _integer(graph, DATASET, VOID.triples) == engine.triples
    assert _integer(graph, DATASET, VOID.triples) == _count(
        engine, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert _integer(graph, DATASET, VOID.entities) == _count(
        engine,
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n)
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}""",
    )
    assert _integer(graph, DATASET, VOID.classes) == _count(
        engine, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c FILTER (isIRI(?c)) }"
    )
    assert _integer(graph, DATASET, VOID.properties) == _count(
        engine, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert _integer(graph, DATASET, VOID.distinctSubjects) == _count(
        engine, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert _integer(graph, DATASET, VOID.distinctObjects) == _count(
        engine, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
    )


def test_partitions(client: FlaskClient, engine: QueryService) -> None:
    graph = _void(client)
    classes = {
        graph.value(partition, VOID["class"]): _integer(graph, partition, VOID.entities)
        for partition in graph.objects(DATASET, VOID.classPartition)
    }
    assert len(classes) == _integer(graph, DATASET, VOID.classes)
    mk = BASE + "ontology#"
    kelurahan = _count(
        engine, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{mk}Kelurahan> }}"
    )
    assert kelurahan == 57 and classes[URIRef(mk + "Kelurahan")] == 57
    assert classes[URIRef(mk + "Kecamatan")] == 5
    properties = {
        graph.value(partition, VOID.property): _integer(graph, partition, VOID.triples)
        for partition in graph.objects(DATASET, VOID.propertyPartition)
    }
    assert len(properties) == _integer(graph, DATASET, VOID.properties)
    assert sum(properties.values()) == engine.triples
    assert properties[SKOS.notation] == _count(
        engine, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{SKOS.notation}> ?o }} }}"
    )


def test_wikidata_linkset(client: FlaskClient, engine: QueryService) -> None:
    graph = _void(client)
    linksets = list(graph.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    linkset = linksets[0]
    assert graph.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    assert DATASET in set(graph.objects(linkset, VOID.target))
    links = _count(
        engine,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
            ?s <{SKOS.exactMatch}> ?o FILTER (STRSTARTS(STR(?o), "http://www.wikidata.org/entity/"))
        }} }}""",
    )
    assert links >= 3
    assert _integer(graph, linkset, VOID.triples) == links


def test_a_distribution_per_dump_and_the_endpoint(
    client: FlaskClient, built: tuple[Settings, Manifest]
) -> None:
    graph = _void(client)
    manifest = built[1]
    downloads = {}
    for distribution in graph.objects(DATASET, DCAT.distribution):
        url = graph.value(distribution, DCAT.downloadURL)
        if url is not None:
            downloads[str(url)] = distribution
    assert set(downloads) == {f"http://localhost/downloads/{d['file']}" for d in manifest.dumps}
    for dump in manifest.dumps:
        distribution = downloads[f"http://localhost/downloads/{dump['file']}"]
        assert _integer(graph, distribution, DCAT.byteSize) == dump["bytes"]
        assert str(graph.value(distribution, DCAT.mediaType)).endswith(dump["media_type"])
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(graph.value(checksum, SPDX.checksumValue)) == dump["sha256"]
        titles = {t.language for t in graph.objects(distribution, DCTERMS.title)}  # type: ignore[attr-defined]
        assert titles == {"id", "en"}
    services = [
        graph.value(d, DCAT.accessService)
        for d in graph.objects(DATASET, DCAT.distribution)
        if graph.value(d, DCAT.accessService) is not None
    ]
    assert services == [URIRef("http://localhost/sparql")]


@pytest.mark.parametrize(
    ("accept", "mime"),
    [
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle"),
    ],
)
def test_negotiation(client: FlaskClient, accept: str, mime: str) -> None:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mime
    assert "Accept" in response.headers.get("Vary", "")
    if mime == "application/ld+json":
        json.loads(response.get_data(as_text=True))


def test_void_alias_and_406(client: FlaskClient) -> None:
    assert len(_void(client, "/void")) > 100
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("lang", "text"), [("id", "Ke halaman Unduhan"), ("en", "Go to the Downloads page")]
)
def test_a_reader_asking_for_the_description_as_a_page_gets_a_link_to_the_downloads(
    client: FlaskClient, lang: str, text: str
) -> None:
    response = client.get(f"/void?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 406 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert f'<a href="/downloads/">{text}</a>' in body
    assert "/downloads/" not in body.replace('href="/downloads/"', "")  # a link, not text


def test_service_description_points_to_void(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    dataset = next(iter(graph.subjects(RDF.type, SD.Dataset)))
    assert graph.value(dataset, RDFS.seeAlso) == URIRef("http://localhost/.well-known/void")


def test_the_description_passes_the_dcat_ap_shapes_and_names_the_publisher(
    client: FlaskClient,
) -> None:
    from pyshacl import validate

    from tests.conftest import ROOT

    graph = _void(client)
    shapes = Graph().parse(ROOT / "ontology" / "shapes" / "dcat-ap.ttl", format="turtle")
    conforms, _, report = validate(graph, shacl_graph=shapes)
    assert conforms, report
    publisher = graph.value(DATASET, DCTERMS.publisher)
    assert publisher == URIRef(ID + "organization/pemerintah-kota-malang")
    names = {
        str(name) for name in graph.objects(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))
    }
    assert names == {"Pemerintah Kota Malang", "Malang City Government"}
    contact = graph.value(DATASET, DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert graph.value(contact, vcard.hasURL) == URIRef("https://malangkota.go.id/")


def test_the_dcat_ap_shapes_can_fail(client: FlaskClient) -> None:
    from pyshacl import validate

    from tests.conftest import ROOT

    graph = _void(client)
    graph.remove((DATASET, DCTERMS.publisher, None))
    graph.remove((None, DCAT.endpointURL, None))
    shapes = Graph().parse(ROOT / "ontology" / "shapes" / "dcat-ap.ttl", format="turtle")
    conforms, _, _ = validate(graph, shacl_graph=shapes)
    assert not conforms
