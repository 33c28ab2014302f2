"""The W3C SPARQL 1.1 Protocol test suite, as it applies to a read-only endpoint, against the
running server (``live_server``): the queries, their datasets and their result formats. The
requests the suite says must fail, and the updates, are ``test_protocol_requests.py``.

Every ``query_*`` case of ``sparql/sparql11/protocol/manifest.ttl`` in the W3C rdf-tests
repository is reproduced here; each test's docstring names the case. The suite's own dataset
(``http://kasei.us/2009/09/sparql/data/data{0,1,2,3}.rdf``, each graph holding ``<itself> a
foaf:Document``) is replaced by our named graphs:

- data1 → ``graph/data/areas``, where ``id/kelurahan/samaan a mk:Kelurahan``;
- data2 → ``graph/data/press-release-2023-11-06``, where ``id/award/amh-2023-audiovisual-media a
  mk:Award``;
- data3 → ``graph/data/concepts``, where ``id/award-category/audiovisual-media a
  mk:AwardCategory``;
- data0 → ``graph/ontology``.

Where a case only checks that the dataset is accepted, a negative control (the same question
over a dataset that lacks the fact answers false) proves the dataset was really applied.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import rdflib
import requests
from rdflib.namespace import RDF

from tests.support.live import (
    GRAPH_AREAS,
    GRAPH_CONCEPTS,
    GRAPH_ONTOLOGY,
    GRAPH_PRESS,
    MK,
    SAMAAN,
    LiveServer,
)
from tests.support.results import (
    BOOLEAN_TYPES,
    RDF_TYPES,
    TABULAR_TYPES,
    describe,
    media_type,
    parse_boolean,
    parse_rdf,
    parse_table,
)
from tests.support.sparql import (
    FORM,
    IN_AREAS,
    IN_CONCEPTS,
    IN_PRESS,
    ask_direct,
    ok,
    post_direct,
    url,
)

pytestmark = pytest.mark.timeout(240)

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


# --- query_* ----------------------------------------------------------------------------------


def test_query_post_form(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_post_form``: ``ASK {}`` as a URL-encoded POST body, with a default-graph-uri
    in the request URL (the suite's data0 → our ontology graph): 2xx/3xx, boolean true."""
    response = http.post(
        url(live_server, ("default-graph-uri", GRAPH_ONTOLOGY)),
        data="query=ASK%20%7B%7D",
        headers={"Content-Type": FORM},
        timeout=60,
    )
    ok(response)
    assert parse_boolean(response) is True


def test_query_dataset_default_graphs_get(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_dataset_default_graphs_get``: GET with two default-graph-uri parameters; the
    facts of both graphs are in the default graph (true). Control: with only the first graph the
    second fact is absent (false)."""
    query = f"ASK {{ {IN_AREAS} . {IN_PRESS} . }}"
    both = http.get(
        url(
            live_server,
            ("query", query),
            ("default-graph-uri", GRAPH_AREAS),
            ("default-graph-uri", GRAPH_PRESS),
        ),
        timeout=60,
    )
    ok(both)
    assert parse_boolean(both) is True
    one = http.get(
        url(live_server, ("query", query), ("default-graph-uri", GRAPH_AREAS)), timeout=60
    )
    ok(one)
    assert parse_boolean(one) is False, "default-graph-uri did not restrict the default graph"


def test_query_dataset_default_graphs_post(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_dataset_default_graphs_post``: the same with the query POSTed directly and
    the two default-graph-uri parameters in the URL (true; control with one graph: false)."""
    query = f"ASK {{ {IN_AREAS} . {IN_PRESS} . }}"
    assert ask_direct(
        http,
        live_server,
        query,
        ("default-graph-uri", GRAPH_AREAS),
        ("default-graph-uri", GRAPH_PRESS),
    )
    assert not ask_direct(http, live_server, query, ("default-graph-uri", GRAPH_PRESS))


def test_query_dataset_named_graphs_post(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_dataset_named_graphs_post``: two named-graph-uri parameters in the URL, the
    query POSTed directly, ``GRAPH ?g1 {…} GRAPH ?g2 {…}`` (true). Control: with only one of
    them named, the other GRAPH pattern has no match (false)."""
    query = f"ASK {{ GRAPH ?g1 {{ {IN_AREAS} }} GRAPH ?g2 {{ {IN_PRESS} }} }}"
    assert ask_direct(
        http, live_server, query, ("named-graph-uri", GRAPH_AREAS), ("named-graph-uri", GRAPH_PRESS)
    )
    assert not ask_direct(http, live_server, query, ("named-graph-uri", GRAPH_AREAS))


def test_query_dataset_named_graphs_get(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_dataset_named_graphs_get``: the same by GET, and the GRAPH variables are bound
    to exactly the graphs named by the request."""
    query = f"ASK {{ GRAPH ?g1 {{ {IN_AREAS} }} GRAPH ?g2 {{ {IN_PRESS} }} }}"
    named = (("named-graph-uri", GRAPH_AREAS), ("named-graph-uri", GRAPH_PRESS))
    response = http.get(url(live_server, ("query", query), *named), timeout=60)
    ok(response)
    assert parse_boolean(response) is True
    select = http.get(
        url(live_server, ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), *named),
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    ok(select)
    assert {row["g"] for row in parse_table(select)[1]} == {GRAPH_AREAS, GRAPH_PRESS}


def test_query_dataset_full(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_dataset_full``: one default-graph-uri (data3 → concepts) and two
    named-graph-uri (areas, press release) at once; the default-graph fact and both GRAPH
    patterns match (true). Control: the areas fact is not in that default graph (false)."""
    params = (
        ("default-graph-uri", GRAPH_CONCEPTS),
        ("named-graph-uri", GRAPH_AREAS),
        ("named-graph-uri", GRAPH_PRESS),
    )
    query = f"""ASK {{
  {IN_CONCEPTS}
  GRAPH ?g1 {{ {IN_AREAS} }}
  GRAPH ?g2 {{ {IN_PRESS} }}
}}"""
    assert ask_direct(http, live_server, query, *params)
    assert not ask_direct(http, live_server, f"ASK {{ {IN_AREAS} }}", *params)


def test_query_multiple_dataset(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_multiple_dataset``: the query names a dataset (``FROM <data3>``) and so does
    the protocol (named-graph-uri data1, data2); the protocol's dataset wins, so the GRAPH
    patterns match (true) although ``FROM`` alone would leave no named graphs. Control: the
    same query without the protocol dataset uses its own FROM, with no named graph (false)."""
    query = (
        f"ASK FROM <{GRAPH_CONCEPTS}> {{ GRAPH ?g1 {{ {IN_AREAS} }} GRAPH ?g2 {{ {IN_PRESS} }} }}"
    )
    assert ask_direct(
        http, live_server, query, ("named-graph-uri", GRAPH_AREAS), ("named-graph-uri", GRAPH_PRESS)
    )
    assert not ask_direct(http, live_server, query)


def test_query_get(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_get``: ``GET ?query=ASK%20%7B%7D&default-graph-uri=<data0>`` → true."""
    response = http.get(
        live_server.sparql
        + "?query=ASK%20%7B%7D&default-graph-uri="
        + quote(GRAPH_ONTOLOGY, safe=""),
        timeout=60,
    )
    ok(response)
    assert parse_boolean(response) is True


def test_query_post_direct(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_post_direct``: ``ASK {}`` POSTed as application/sparql-query → true."""
    assert ask_direct(http, live_server, "ASK {}")


def test_query_content_type_select(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_content_type_select``: ``SELECT (1 AS ?value) {}`` answers in one of the
    tabular result formats (XML, JSON, CSV, TSV) with the one row."""
    response = post_direct(
        http, url(live_server, ("default-graph-uri", GRAPH_ONTOLOGY)), "SELECT (1 AS ?value) {}"
    )
    ok(response)
    assert media_type(response) in TABULAR_TYPES, describe(response)
    names, rows = parse_table(response)
    assert names == ["value"] and rows == [{"value": "1"}]


def test_query_content_type_ask(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_content_type_ask``: ``ASK {}`` answers in a boolean format (XML or JSON)."""
    response = post_direct(http, url(live_server, ("default-graph-uri", GRAPH_ONTOLOGY)), "ASK {}")
    ok(response)
    assert media_type(response) in BOOLEAN_TYPES, describe(response)
    assert parse_boolean(response) is True


def test_query_content_type_describe(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_content_type_describe``: a DESCRIBE answers in an RDF format (the suite's
    ``DESCRIBE <http://example.org/>``, and one of our resources, whose description holds its
    type)."""
    response = post_direct(http, live_server.sparql, "DESCRIBE <http://example.org/>")
    ok(response)
    assert media_type(response) in RDF_TYPES, describe(response)
    parse_rdf(response)
    ours = post_direct(http, live_server.sparql, f"DESCRIBE <{SAMAAN}>")
    ok(ours)
    graph = parse_rdf(ours)
    assert (rdflib.URIRef(SAMAAN), RDF.type, rdflib.URIRef(MK + "Kelurahan")) in graph


def test_query_content_type_construct(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``query_content_type_construct``: ``CONSTRUCT { <s> <p> 1 } WHERE {}`` (relative
    IRIs, resolved against the service's base) answers in an RDF format with that one triple."""
    response = post_direct(
        http,
        url(live_server, ("default-graph-uri", GRAPH_ONTOLOGY)),
        "CONSTRUCT { <s> <p> 1 } WHERE {}",
    )
    ok(response)
    assert media_type(response) in RDF_TYPES, describe(response)
    triples = list(parse_rdf(response).triples((None, None, None)))
    assert len(triples) == 1, triples
    subject, predicate, value = triples[0]
    assert str(subject).endswith("s") and str(predicate).endswith("p")
    assert value == rdflib.Literal(1)


# --- beyond the suite: what the protocol text asks of every endpoint ---------------------------


def test_default_graph_is_the_union_of_all_graphs(
    http: requests.Session, live_server: LiveServer
) -> None:
    """Without a protocol or query dataset, the default graph holds the facts of every graph
    (data, ontology, inferred)."""
    query = (
        f"ASK {{ {IN_AREAS} . {IN_PRESS} . {IN_CONCEPTS} . "
        f"<{MK}Award> a <http://www.w3.org/2002/07/owl#Class> . "
        f"<{SAMAAN}> a <https://schema.org/Place> }}"  # inferred
    )
    assert ask_direct(http, live_server, query)


SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
KELURAHAN_COUNT = (
    f"SELECT (COUNT(?k) AS ?n) WHERE {{ GRAPH <{GRAPH_AREAS}> {{ ?k a <{MK}Kelurahan> }} }}"
)


@pytest.mark.parametrize("mime", sorted(SELECT_FORMATS))
def test_select_formats_by_accept_and_by_format(
    http: requests.Session, live_server: LiveServer, mime: str
) -> None:
    """SELECT results in each format, chosen by Accept and by ``format=``; Vary: Accept; CORS."""
    by_accept = http.get(
        url(live_server, ("query", KELURAHAN_COUNT)), headers={"Accept": mime}, timeout=60
    )
    by_param = http.get(
        url(live_server, ("query", KELURAHAN_COUNT), ("format", SELECT_FORMATS[mime])),
        timeout=60,
    )
    for response in (by_accept, by_param):
        assert response.status_code == 200, describe(response)
        assert media_type(response) == mime, describe(response)
        assert parse_table(response)[1] == [{"n": "57"}]
        assert response.headers.get("Access-Control-Allow-Origin") == "*"
    assert "accept" in by_accept.headers.get("Vary", "").lower()


@pytest.mark.parametrize("mime", sorted(RDF_TYPES))
def test_construct_formats_by_accept(
    http: requests.Session, live_server: LiveServer, mime: str
) -> None:
    """CONSTRUCT results in each of the six RDF formats, chosen by Accept."""
    query = f"CONSTRUCT {{ ?k a <{MK}Kelurahan> }} WHERE {{ ?k a <{MK}Kelurahan> }}"
    response = http.get(url(live_server, ("query", query)), headers={"Accept": mime}, timeout=60)
    assert response.status_code == 200, describe(response)
    assert media_type(response) == mime, describe(response)
    graph = parse_rdf(response)
    assert len(set(graph.subjects(RDF.type, rdflib.URIRef(MK + "Kelurahan")))) == 57


def test_q_values_choose_the_format(http: requests.Session, live_server: LiveServer) -> None:
    """Accept q-values: the most preferred supported type wins; no Accept gives the defaults
    (SPARQL JSON for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE)."""
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, text/html;q=0.1"
    response = http.get(
        url(live_server, ("query", KELURAHAN_COUNT)), headers={"Accept": accept}, timeout=60
    )
    assert media_type(response) == "application/sparql-results+xml", describe(response)
    default = http.get(url(live_server, ("query", "ASK {}")), headers={"Accept": "*/*"}, timeout=60)
    assert media_type(default) == "application/sparql-results+json", describe(default)
    graph = http.get(
        url(live_server, ("query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 1")),
        headers={"Accept": "*/*"},
        timeout=60,
    )
    assert media_type(graph) == "text/turtle", describe(graph)


def test_unacceptable_format_is_406(http: requests.Session, live_server: LiveServer) -> None:
    """No acceptable format → 406 (a SELECT or a CONSTRUCT asked for PNG)."""
    select = http.get(
        url(live_server, ("query", KELURAHAN_COUNT)), headers={"Accept": "image/png"}, timeout=60
    )
    assert select.status_code == 406, describe(select)
    construct = http.get(
        url(live_server, ("query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 1")),
        headers={"Accept": "image/png"},
        timeout=60,
    )
    assert construct.status_code == 406, describe(construct)
    # result-set types only, for a graph: Turtle, as Fuseki answers (formats/negotiation.py)
    as_csv = http.get(
        url(live_server, ("query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 1")),
        headers={"Accept": "text/csv"},
        timeout=60,
    )
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/turtle")


def test_service_description_for_rdf_clients(
    http: requests.Session, live_server: LiveServer
) -> None:
    """GET /sparql without a query, asking for RDF, is the service description: an
    sd:Service whose sd:endpoint is the endpoint, with the SPARQL 1.1 query language."""
    response = http.get(live_server.sparql, headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200, describe(response)
    graph = parse_rdf(response)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, response.text[:2000]
    endpoints = {str(e) for e in graph.objects(services[0], SD.endpoint)}
    assert endpoints and all(e.rstrip("/").endswith("/sparql") for e in endpoints), endpoints
    assert (services[0], SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_query_page_for_browsers(http: requests.Session, live_server: LiveServer) -> None:
    """GET /sparql without a query from a browser is an HTML page linking the named queries."""
    response = http.get(
        live_server.sparql,
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        timeout=60,
    )
    assert response.status_code == 200, describe(response)
    assert media_type(response) == "text/html"
    assert "/sparql?query=" in response.text
