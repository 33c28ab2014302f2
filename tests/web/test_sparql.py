"""``/sparql`` through Flask's test client: the SPARQL 1.1 Protocol (query operation), content
negotiation, CORS, the Service Description and the HTML query page."""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph", "virtuoso")

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/malang-kg/ontology#Kelurahan> } ORDER BY ?s"
ASK = "ASK { ?s a <https://w3id.org/malang-kg/ontology#Kelurahan> }"
CONSTRUCT = (
    "CONSTRUCT { ?s a <https://w3id.org/malang-kg/ontology#Kelurahan> } "
    "WHERE { ?s a <https://w3id.org/malang-kg/ontology#Kelurahan> }"
)
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SD = "http://www.w3.org/ns/sparql-service-description#"


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str) -> TestResponse:
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def bindings(response: TestResponse) -> list[dict[str, dict[str, str]]]:
    value: list[dict[str, dict[str, str]]] = json.loads(response.data)["results"]["bindings"]
    return value


# --- the three ways to send a query ---------------------------------------------------------------


def test_get_post_form_and_post_direct_agree(client: FlaskClient) -> None:
    by_get = get(client, SELECT)
    by_form = client.post("/sparql", data=f"query={quote(SELECT)}", content_type=FORM)
    by_direct = client.post("/sparql", data=SELECT.encode(), content_type=DIRECT)
    for response in (by_get, by_form, by_direct):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
    assert len(bindings(by_get)) == 57
    assert bindings(by_get) == bindings(by_form) == bindings(by_direct)


def test_form_post_with_charset_and_plus_for_space(client: FlaskClient) -> None:
    body = "query=" + quote(ASK).replace("%20", "+")
    response = client.post("/sparql", data=body, content_type=FORM + "; charset=UTF-8")
    assert response.status_code == 200 and response.json == {"head": {}, "boolean": True}


def test_dataset_parameters_in_url_and_form(client: FlaskClient, engine: QueryService) -> None:
    ontology = next(g for g in engine.graphs if g.endswith("graph/ontology"))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/malang-kg/ontology#Kelurahan> }"
    # The ontology graph alone holds no kelurahan.
    by_url = get(client, query, **{"default-graph-uri": ontology})
    assert by_url.status_code == 200 and bindings(by_url)[0]["n"]["value"] == "0"
    body = f"query={quote(query)}&default-graph-uri={quote(ontology)}"
    by_form = client.post("/sparql", data=body, content_type=FORM)
    assert by_form.status_code == 200 and bindings(by_form)[0]["n"]["value"] == "0"
    named = get(
        client,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": ontology},
    )
    assert [row["g"]["value"] for row in bindings(named)] == [ontology]


def test_unknown_graph_is_refused(client: FlaskClient) -> None:
    graph = {"default-graph-uri": "http://example.org/elsewhere", "lang": "en"}
    response = get(client, ASK, **graph)
    assert response.status_code == 400
    assert "not a graph of this dataset" in response.get_data(as_text=True)


# --- result formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept", "fmt", "content_type"),
    [
        (SELECT, None, None, "application/sparql-results+json"),
        (SELECT, "application/json", None, "application/json"),
        (
            SELECT,
            "application/sparql-results+xml",
            None,
            "application/sparql-results+xml; charset=utf-8",
        ),
        (SELECT, "application/xml", None, "application/xml; charset=utf-8"),
        (SELECT, "text/csv", None, "text/csv; charset=utf-8"),
        (SELECT, "text/tab-separated-values", None, "text/tab-separated-values; charset=utf-8"),
        (SELECT, None, "csv", "text/csv; charset=utf-8"),
        (SELECT, BROWSER, "tsv", "text/tab-separated-values; charset=utf-8"),
        (ASK, None, "xml", "application/sparql-results+xml; charset=utf-8"),
        (CONSTRUCT, None, None, "text/turtle; charset=utf-8"),
        (CONSTRUCT, "application/n-triples", None, "application/n-triples"),
        (CONSTRUCT, "application/ld+json", None, "application/ld+json"),
        (CONSTRUCT, "application/rdf+xml", None, "application/rdf+xml; charset=utf-8"),
        (CONSTRUCT, None, "trig", "application/trig"),
        (CONSTRUCT, None, "nquads", "application/n-quads"),
        (SELECT, BROWSER, None, "text/html; charset=utf-8"),
        (CONSTRUCT, None, "html", "text/html; charset=utf-8"),
    ],
)
def test_formats_and_content_types(
    client: FlaskClient, query: str, accept: str | None, fmt: str | None, content_type: str
) -> None:
    response = get(client, query, accept, **({"format": fmt} if fmt else {}))
    assert response.status_code == 200
    assert response.headers["Content-Type"].lower() == content_type
    assert "Accept" in response.headers["Vary"]


def test_results_parse_as_what_they_claim(client: FlaskClient) -> None:
    for fmt, parser in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)):
        parsed = ox.parse_query_results(get(client, SELECT, format=fmt).data, format=parser)
        assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) == 57
    tsv = ox.parse_query_results(get(client, SELECT, format="tsv").data, ox.QueryResultsFormat.TSV)
    assert isinstance(tsv, ox.QuerySolutions) and len(list(tsv)) == 57
    csv = get(client, SELECT, format="csv").data
    assert csv.startswith(b"s\r\n") and csv.count(b"\r\n") == 58
    for fmt, rdf in (("turtle", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
        triples = list(ox.parse(get(client, CONSTRUCT, format=fmt).data, format=rdf))
        assert len(triples) == 57


def test_not_acceptable_lists_supported_types(client: FlaskClient) -> None:
    response = get(client, SELECT, "image/png")
    assert response.status_code == 406
    text = response.get_data(as_text=True)
    assert "application/sparql-results+json" in text and "text/csv" in text
    assert "Accept" in response.headers["Vary"]
    wrong_family = get(client, CONSTRUCT, format="csv")
    assert wrong_family.status_code == 406 and "text/turtle" in wrong_family.get_data(as_text=True)


# --- protocol errors -----------------------------------------------------------------------------


def test_two_queries_are_refused(client: FlaskClient) -> None:
    response = client.get(f"/sparql?query={quote(ASK)}&query={quote(ASK)}&lang=en")
    assert response.status_code == 400 and "exactly one query" in response.get_data(as_text=True)
    both = client.post(f"/sparql?query={quote(ASK)}", data=ASK, content_type=DIRECT)
    assert both.status_code == 400


def test_post_without_content_type(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"query=ASK%20%7B%7D")
    assert response.status_code == 400
    assert "Content-Type" in response.get_data(as_text=True)


def test_non_utf8_is_refused(client: FlaskClient) -> None:
    latin1 = 'ASK { ?s ?p "défaut" }'.encode("latin-1")
    response = client.post("/sparql", data=latin1, content_type=DIRECT)
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)
    declared = client.post("/sparql", data=latin1, content_type=DIRECT + "; charset=ISO-8859-1")
    assert declared.status_code == 400 and "UTF-8" in declared.get_data(as_text=True)
    form = client.post("/sparql", data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22d%E9%22%20%7D",
                       content_type=FORM)  # fmt: skip
    assert form.status_code == 400 and "UTF-8" in form.get_data(as_text=True)
    url = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22d%E9%22%20%7D")
    assert url.status_code == 400 and "UTF-8" in url.get_data(as_text=True)


def test_unsupported_content_type(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ASK, content_type="text/plain")
    assert response.status_code == 415
    assert DIRECT in response.get_data(as_text=True)


def test_empty_query(client: FlaskClient) -> None:
    assert client.get("/sparql?query=%20%0A").status_code == 400
    assert client.post("/sparql", data=b"", content_type=DIRECT).status_code == 400
    assert client.post("/sparql", data=b"format=json", content_type=FORM).status_code == 400


def test_other_methods_get_405_with_allow(client: FlaskClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open("/sparql", method=method, data=ASK, content_type=DIRECT)
        assert response.status_code == 405
        assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
        assert "Accept" in response.headers["Vary"]


INSERT = "INSERT DATA { <x:a> <x:b> <x:c> }"
UPDATE_ATTEMPTS: list[dict[str, object]] = [
    {"method": "GET", "query_string": {"update": INSERT}},
    {"method": "POST", "data": "update=" + quote(INSERT), "content_type": FORM},
    {"method": "POST", "data": INSERT, "content_type": "application/sparql-update"},
    {"method": "POST", "data": "query=" + quote(INSERT), "content_type": FORM},
    {"method": "GET", "query_string": {"query": INSERT}},
    {"method": "GET", "query_string": {"query": "LOAD <http://example.org/data.ttl>"}},
    {"method": "POST", "data": "DROP ALL", "content_type": DIRECT},
]


@pytest.mark.parametrize("attempt", UPDATE_ATTEMPTS)
def test_updates_are_refused_and_change_nothing(
    client: FlaskClient, engine: QueryService, attempt: dict[str, object]
) -> None:
    before = engine.triples
    response = client.open("/sparql", headers={"Accept": "application/json"}, **attempt)  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500
    assert response.json is not None and response.json["status"] == response.status_code
    message = response.json["message"].lower()
    assert any(word in message for word in ("read-only", "update", "not allowed", "load"))
    assert engine.triples == before
    assert get(client, "ASK { <x:a> <x:b> <x:c> }").json == {"head": {}, "boolean": False}


def test_service_is_refused_clearly(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }"
    response = get(client, query, "application/sparql-results+json")
    assert response.status_code == 400
    assert response.json is not None and "SERVICE" in response.json["message"]
    plain = get(client, query, "text/csv")
    assert plain.status_code == 400 and plain.mimetype == "text/plain"
    assert "SERVICE" in plain.get_data(as_text=True) and "Traceback" not in plain.get_data(
        as_text=True
    )


def test_query_too_large(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    limit = built[0].max_query_bytes
    padding = "#" + "x" * limit + "\n"
    direct = client.post("/sparql", data=padding + ASK, content_type=DIRECT)
    assert direct.status_code == 413
    form = client.post("/sparql", data="query=" + quote(padding + ASK), content_type=FORM)
    assert form.status_code == 413
    huge = client.post("/sparql", data=b"query=" + b"x" * (4 * limit + 100_000), content_type=FORM)
    assert huge.status_code == 413


def test_syntax_error_is_400_without_engine_internals(client: FlaskClient) -> None:
    response = get(client, "SELECT ?s WHERE { ?s ?p }", "application/json")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


# --- CORS ----------------------------------------------------------------------------------------


def test_cors_on_every_response(client: FlaskClient) -> None:
    for response in (
        get(client, ASK),
        get(client, ASK, "image/png"),  # a 406
        client.get("/", headers={"Origin": "https://example.org"}),
        client.get("/health"),
        client.get("/no/such/page"),
        client.put("/sparql"),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-SPARQL-MaxRows" in get(client, ASK).headers["Access-Control-Expose-Headers"]


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


# --- Service Description -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_service_description(
    client: FlaskClient, engine: QueryService, accept: str | None, rdflib_format: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == (accept or "text/turtle")
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    sd = rdflib.Namespace(SD)
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert service is not None
    assert graph.value(service, sd.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    formats = {str(o) for o in graph.objects(service, sd.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats and len(formats) == 10
    dataset = graph.value(service, sd.defaultDataset)
    assert dataset is not None and graph.value(dataset, sd.defaultGraph) is not None
    names = {str(graph.value(g, sd.name)) for g in graph.objects(dataset, sd.namedGraph)}
    assert names == set(engine.graphs) and len(names) >= 3


@pytest.mark.parametrize(
    ("accept", "format"),
    [("application/trig", ox.RdfFormat.TRIG), ("application/n-quads", ox.RdfFormat.N_QUADS)],
)
def test_service_description_in_quad_formats(
    client: FlaskClient, accept: str, format: ox.RdfFormat
) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    quads = list(ox.parse(response.data, format=format))
    assert any(q.predicate == ox.NamedNode(SD + "endpoint") for q in quads)
    assert all(q.graph_name == ox.DefaultGraph() for q in quads)


def test_get_without_query_for_a_results_client(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and "query" in response.get_data(as_text=True)
