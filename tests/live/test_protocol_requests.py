"""The W3C SPARQL 1.1 Protocol test suite, as it applies to a read-only endpoint, against the
running server (``live_server``): the requests it must refuse, and the updates. The queries, their
datasets and their result formats are ``test_protocol_queries.py``, whose docstring says how our
named graphs stand in for the suite's dataset.

Every ``bad_query_*`` case of ``sparql/sparql11/protocol/manifest.ttl`` in the W3C rdf-tests
repository is reproduced here; each test's docstring names the case. The ``update_*`` cases
succeed only on an endpoint that accepts updates; ours must refuse each of them with 4xx and stay
unchanged, and the ``bad_update_*`` cases must get 4xx as the suite says.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
import requests

from tests.support.live import GRAPH_AREAS, GRAPH_ONTOLOGY, GRAPH_PRESS, SAMAAN, LiveServer
from tests.support.results import describe, is_4xx, parse_boolean
from tests.support.sparql import FORM, IN_AREAS, IN_PRESS, ask_direct, post_direct, url

pytestmark = pytest.mark.timeout(240)


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


# --- beyond the suite: a browser on another origin, a long GET --------------------------------


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


def test_long_get_query_within_the_size_limit(
    http: requests.Session, live_server: LiveServer
) -> None:
    """A GET query of about 8 KB (well under MALANG_KG_MAX_QUERY_BYTES, 64 KB) is answered like
    any other: the URL length must not be what limits a query."""
    query = "ASK {}\n# " + "x" * 8000
    response = http.get(url(live_server, ("query", query)), timeout=60)
    assert response.status_code == 200, describe(response)
    assert parse_boolean(response) is True
