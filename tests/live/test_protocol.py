"""The W3C SPARQL 1.1 Protocol test suite, as it applies to a read-only endpoint, against the
running server (``live_server``).

Every ``query_*`` and ``bad_*`` case of ``sparql/sparql11/protocol/manifest.ttl`` in the W3C
rdf-tests repository is reproduced here; each test's docstring names the case. The suite's own
dataset (``http://kasei.us/2009/09/sparql/data/data{0,1,2,3}.rdf``, each graph holding
``<itself> a foaf:Document``) is replaced by our named graphs:

- data1 → ``graph/data/areas``, where ``id/kelurahan/samaan a mk:Kelurahan``;
- data2 → ``graph/data/press-release-2023-11-06``, where ``id/award/amh-2023-audiovisual-media a
  mk:Award``;
- data3 → ``graph/data/concepts``, where ``id/award-category/audiovisual-media a
  mk:AwardCategory``;
- data0 → ``graph/ontology``.

Where a case only checks that the dataset is accepted, a negative control (the same question
over a dataset that lacks the fact answers false) proves the dataset was really applied. The
``update_*`` cases succeed only on an endpoint that accepts updates; ours must refuse each of them
with 4xx and stay unchanged, and the ``bad_update_*`` cases must get 4xx as the suite says.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
import rdflib
import requests
from rdflib.namespace import RDF

from tests.support.live import (
    AWARD,
    BOOLEAN_TYPES,
    CATEGORY,
    GRAPH_AREAS,
    GRAPH_CONCEPTS,
    GRAPH_ONTOLOGY,
    GRAPH_PRESS,
    MK,
    RDF_TYPES,
    SAMAAN,
    TABULAR_TYPES,
    LiveServer,
    describe,
    is_4xx,
    media_type,
    parse_boolean,
    parse_rdf,
    parse_table,
)

pytestmark = pytest.mark.timeout(240)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

# The suite's `<dataN> a ?type` facts, one per graph, in our data.
IN_AREAS = f"<{SAMAAN}> a <{MK}Kelurahan>"
IN_PRESS = f"<{AWARD}> a <{MK}Award>"
IN_CONCEPTS = f"<{CATEGORY}> a <{MK}AwardCategory>"


def url(server: LiveServer, *params: tuple[str, str]) -> str:
    """The endpoint with ``params`` percent-encoded as the suite writes them (%20, not +)."""
    if not params:
        return server.sparql
    return server.sparql + "?" + urlencode(params, quote_via=quote)


def ok(response: requests.Response) -> None:
    """The suite's ``ht:StatusCode2xx, ht:StatusCode3xx``."""
    assert 200 <= response.status_code < 400, describe(response)


def post_direct(
    http: requests.Session, target: str, query: str, **headers: str
) -> requests.Response:
    return http.post(
        target, data=query.encode(), headers={"Content-Type": DIRECT, **headers}, timeout=60
    )


def ask_direct(
    http: requests.Session, server: LiveServer, query: str, *params: tuple[str, str]
) -> bool:
    response = post_direct(http, url(server, *params), query)
    ok(response)
    return parse_boolean(response)


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


# --- bad_query_* ------------------------------------------------------------------------------


def test_bad_query_method(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_method``: a query sent with PUT (and, beyond the suite, DELETE and PATCH)
    → 4xx."""
    target = live_server.sparql + "?query=ASK%20%7B%7D&default-graph-uri=" + quote(GRAPH_ONTOLOGY)
    for method in ("PUT", "DELETE", "PATCH"):
        response = http.request(method, target, headers={"Content-Type": FORM}, timeout=60)
        assert is_4xx(response.status_code), describe(response)


def test_bad_multiple_queries(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_multiple_queries``: ``?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D`` → 4xx
    (and, beyond the suite, two ``query`` fields in a form body)."""
    response = http.get(
        live_server.sparql + "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", timeout=60
    )
    assert is_4xx(response.status_code), describe(response)
    form = http.post(
        live_server.sparql,
        data="query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        headers={"Content-Type": FORM},
        timeout=60,
    )
    assert is_4xx(form.status_code), describe(form)


def test_bad_query_wrong_media_type(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_wrong_media_type``: ``ASK {}`` POSTed as text/plain → 4xx."""
    response = post_direct(http, live_server.sparql, "ASK {}", **{"Content-Type": "text/plain"})
    assert is_4xx(response.status_code), describe(response)


def test_bad_query_missing_form_type(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_missing_form_type``: a URL-encoded body without a Content-Type → 4xx."""
    response = http.post(live_server.sparql, data=b"query=ASK%20%7B%7D", timeout=60)
    assert "Content-Type" not in response.request.headers
    assert is_4xx(response.status_code), describe(response)


def test_bad_query_missing_direct_type(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_missing_direct_type``: a SPARQL body without a Content-Type → 4xx."""
    response = http.post(live_server.sparql, data=b"ASK {}", timeout=60)
    assert "Content-Type" not in response.request.headers
    assert is_4xx(response.status_code), describe(response)


def test_bad_query_non_utf8(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_non_utf8``: ``ASK {}`` in UTF-16 with a BOM, declared
    ``application/sparql-query; charset=UTF-16`` → 4xx."""
    response = http.post(
        live_server.sparql,
        data="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
        timeout=60,
    )
    assert is_4xx(response.status_code), describe(response)


def test_bad_query_syntax(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``bad_query_syntax``: ``GET ?query=ASK%20%7B`` → 4xx."""
    response = http.get(live_server.sparql + "?query=ASK%20%7B", timeout=60)
    assert is_4xx(response.status_code), describe(response)


# --- update_* and bad_update_*: a read-only endpoint refuses every update ------------------------

W3C_UPDATES = {
    "update_dataset_default_graph": (
        ("using-graph-uri", GRAPH_AREAS),
        "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{GRAPH_AREAS}> {{ <{SAMAAN}> a foaf:Document }} }} ;"
        "\nINSERT { GRAPH <http://example.org/protocol-update-dataset-test/> "
        "{ ?s a dc:BibliographicResource } } WHERE { ?s a foaf:Document }",
    ),
    "update_dataset_default_graphs": (
        ("using-graph-uri", GRAPH_PRESS),
        "DROP ALL ;\nINSERT DATA { GRAPH <http://example.org/g> "
        "{ <http://example.org/s> a <http://xmlns.com/foaf/0.1/Document> } }",
    ),
    "update_dataset_named_graphs": (
        ("using-named-graph-uri", GRAPH_AREAS),
        "DROP ALL ;\nINSERT { GRAPH <http://example.org/g> { ?s a ?t } } "
        "WHERE { GRAPH ?g { ?s a ?t } }",
    ),
    "update_dataset_full": (
        ("using-named-graph-uri", GRAPH_PRESS),
        "DROP ALL ;\nINSERT { GRAPH <http://example.org/g> { ?s <http://example.org/in> ?g } } "
        "WHERE { GRAPH ?g { ?s a ?t } }",
    ),
    "update_post_direct": (
        None,
        "CLEAR ALL ; INSERT DATA { GRAPH <http://example.org/protocol-update> "
        "{ <http://example.org/s> <http://example.org/p> <http://example.org/o> } }",
    ),
    "update_base_uri": (
        None,
        "CLEAR GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH "
        "<http://example.org/protocol-base-test/> { <http://example.org/s> "
        "<http://example.org/p> <test> } }",
    ),
}

STILL_THERE = (
    f"ASK {{ GRAPH <{GRAPH_AREAS}> {{ {IN_AREAS} }} GRAPH <{GRAPH_PRESS}> {{ {IN_PRESS} }} "
    "FILTER NOT EXISTS { GRAPH ?g { ?s a <http://purl.org/dc/terms/BibliographicResource> } } "
    "FILTER NOT EXISTS { GRAPH <http://example.org/g> { ?s ?p ?o } } "
    "FILTER NOT EXISTS { GRAPH <http://example.org/protocol-update> { ?s ?p ?o } } "
    "FILTER NOT EXISTS { GRAPH <http://example.org/protocol-base-test/> { ?s ?p ?o } } }"
)


@pytest.mark.parametrize("case", sorted(W3C_UPDATES))
def test_update_cases_are_refused(
    http: requests.Session, live_server: LiveServer, case: str
) -> None:
    """W3C ``update_dataset_default_graph``, ``update_dataset_default_graphs``,
    ``update_dataset_named_graphs``, ``update_dataset_full``, ``update_post_direct`` and
    ``update_base_uri``, as a read-only endpoint must answer them: the update, POSTed as
    application/sparql-update, gets 4xx and the data is unchanged (the suite's follow-up ASK,
    inverted)."""
    param, update = W3C_UPDATES[case]
    target = url(live_server, param) if param else live_server.sparql
    response = http.post(
        target,
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=60,
    )
    assert is_4xx(response.status_code), describe(response)
    assert ask_direct(http, live_server, STILL_THERE), f"{case} changed the data"


def test_update_post_form_is_refused(http: requests.Session, live_server: LiveServer) -> None:
    """W3C ``update_post_form`` (an ``update=`` form field), as a read-only endpoint must answer
    it: 4xx, data unchanged."""
    response = http.post(
        live_server.sparql,
        data=urlencode({"update": "CLEAR ALL"}),
        headers={"Content-Type": FORM},
        timeout=60,
    )
    assert is_4xx(response.status_code), describe(response)
    assert ask_direct(http, live_server, STILL_THERE)


BAD_UPDATES: dict[str, tuple[str, str, bytes | None, dict[str, str]]] = {
    # case: (method, path+query, body, headers), as the suite writes them
    "bad_update_get": ("GET", "?update=CLEAR%20ALL", None, {}),
    "bad_multiple_updates": (
        "POST",
        "",
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        {"Content-Type": FORM},
    ),
    "bad_update_wrong_media_type": ("POST", "", b"CLEAR NAMED", {"Content-Type": "text/plain"}),
    "bad_update_missing_form_type": ("POST", "", b"update=CLEAR%20NAMED", {}),
    "bad_update_non_utf8": (
        "POST",
        "",
        "CLEAR NAMED".encode("utf-16"),
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
    ),
    "bad_update_syntax": ("POST", "", b"update=CLEAR%20XYZ", {"Content-Type": FORM}),
    "bad_update_dataset_conflict": (
        "POST",
        "?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        b"PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
        b"WHERE {\n    ?person foaf:givenName 'Bill'\n}",
        {"Content-Type": "application/sparql-update"},
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_UPDATES))
def test_bad_update_cases(http: requests.Session, live_server: LiveServer, case: str) -> None:
    """W3C ``bad_update_get``, ``bad_multiple_updates``, ``bad_update_wrong_media_type``,
    ``bad_update_missing_form_type``, ``bad_update_non_utf8``, ``bad_update_syntax`` and
    ``bad_update_dataset_conflict``, sent verbatim: 4xx, data unchanged."""
    method, tail, body, headers = BAD_UPDATES[case]
    response = http.request(
        method, live_server.sparql + tail, data=body, headers=headers, timeout=60
    )
    assert is_4xx(response.status_code), describe(response)
    assert ask_direct(http, live_server, STILL_THERE)


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
    """No acceptable format → 406 (a SELECT asked for Turtle only, a CONSTRUCT asked for CSV)."""
    select = http.get(
        url(live_server, ("query", KELURAHAN_COUNT)), headers={"Accept": "image/png"}, timeout=60
    )
    assert select.status_code == 406, describe(select)
    construct = http.get(
        url(live_server, ("query", "CONSTRUCT WHERE { ?s a ?t } LIMIT 1")),
        headers={"Accept": "text/csv"},
        timeout=60,
    )
    assert construct.status_code == 406, describe(construct)


def test_cors_preflight(http: requests.Session, live_server: LiveServer) -> None:
    """A browser on another origin may POST a query (CORS preflight answered, origin *)."""
    response = http.options(
        live_server.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=60,
    )
    assert response.status_code in (200, 204), describe(response)
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


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


def test_long_get_query_within_the_size_limit(
    http: requests.Session, live_server: LiveServer
) -> None:
    """A GET query of about 8 KB (well under MALANG_KG_MAX_QUERY_BYTES, 64 KB) is answered like
    any other: the URL length must not be what limits a query."""
    query = "ASK {}\n# " + "x" * 8000
    response = http.get(url(live_server, ("query", query)), timeout=60)
    assert response.status_code == 200, describe(response)
    assert parse_boolean(response) is True
