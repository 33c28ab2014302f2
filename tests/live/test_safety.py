"""What a public, read-only endpoint must never do, tested against the running server: fetch
anything from the network, whether a federated query (SERVICE), a LOAD or a dataset IRI asks it to.
What it must refuse or survive otherwise (sizes, nesting, runaways, dying workers) is
``test_limits.py``.

The ``connection_counter`` listener stands where a federated query, a LOAD or a dataset IRI
would send the server; its count staying 0 proves the request made no network connection.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
import requests

from tests.support.live import MK, ConnectionCounter, LiveServer
from tests.support.results import describe, is_4xx, parse_table
from tests.support.sparql import FORM, UPDATE, send

pytestmark = pytest.mark.timeout(240)


# --- SERVICE and LOAD -------------------------------------------------------------------------

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "lower case": "select * where { service <{url}> { ?s ?p ?o } }",
    "mixed case": "SELECT * WHERE { SeRvIcE <{url}> { ?s ?p ?o } }",
    "escaped keyword": "SELECT * WHERE { S\\u0045RVICE <{url}> { ?s ?p ?o } }",
    "escaped, long form": "SELECT * WHERE { SERVIC\\U00000045 <{url}> { ?s ?p ?o } }",
    "comment before the IRI": "SELECT * WHERE { SERVICE# a comment\n<{url}> { ?s ?p ?o } }",
    "prefixed name": "PREFIX x: <{base}> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    "variable endpoint": "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }",
    "in OPTIONAL": (
        "SELECT * WHERE { ?s a <" + MK + "Kelurahan> OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }"
    ),
    "in a subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "in FILTER EXISTS": "ASK { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "in FILTER NOT EXISTS": ("ASK { ?s ?p ?o FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }"),
    "in BIND(EXISTS …)": (
        "SELECT * WHERE { ?s a ?t BIND (EXISTS { SERVICE <{url}> { ?s ?p ?o } } AS ?x) }"
    ),
    "in UNION": "SELECT * WHERE { { ?s a ?t } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "in MINUS": "SELECT * WHERE { ?s a ?t MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "in GRAPH": "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }",
    "in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "in DESCRIBE": "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
}


def fill(template: str, counter: ConnectionCounter) -> str:
    return template.replace("{url}", counter.url).replace(
        "{base}", f"http://127.0.0.1:{counter.port}/"
    )


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("spelling", sorted(SERVICE_QUERIES))
def test_service_is_refused(
    http: requests.Session,
    live_server: LiveServer,
    connection_counter: ConnectionCounter,
    spelling: str,
    how: str,
) -> None:
    """SERVICE, however spelled and wherever nested, is refused with 400 before evaluation: the
    listener it names is never contacted."""
    response = send(http, live_server, how, fill(SERVICE_QUERIES[spelling], connection_counter))
    assert response.status_code == 400, describe(response)
    assert connection_counter.settled_count() == 0


def test_the_word_service_elsewhere_is_not_refused(
    http: requests.Session, live_server: LiveServer, connection_counter: ConnectionCounter
) -> None:
    """Only the SERVICE operator is refused: the word in a string, a variable name, a comment or
    an IRI is harmless."""
    query = (
        f"# SERVICE <{connection_counter.url}> {{ }}\n"
        f'SELECT ?service ?iri WHERE {{ BIND ("SERVICE <{connection_counter.url}> {{ }}" AS'
        " ?service) VALUES ?iri { <http://example.org/SERVICE/> } }"
    )
    response = send(http, live_server, "direct", query)
    assert response.status_code == 200, describe(response)
    assert len(parse_table(response)[1]) == 1
    assert connection_counter.settled_count() == 0


LOADS = {
    "plain": "LOAD <{url}>",
    "silent into a graph": "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
    "lower case": "load <{url}>",
    "escaped keyword": "L\\u004FAD <{url}>",
    "after another operation": "CLEAR SILENT GRAPH <http://example.org/g> ; LOAD <{url}>",
}


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("spelling", sorted(LOADS))
def test_load_sent_as_a_query_is_refused(
    http: requests.Session,
    live_server: LiveServer,
    connection_counter: ConnectionCounter,
    spelling: str,
    how: str,
) -> None:
    """LOAD sent where a query goes (``query=`` or an application/sparql-query body) → 400, and
    nothing is fetched."""
    response = send(http, live_server, how, fill(LOADS[spelling], connection_counter))
    assert response.status_code == 400, describe(response)
    assert connection_counter.settled_count() == 0


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("spelling", sorted(LOADS))
def test_load_sent_as_an_update_is_refused(
    http: requests.Session,
    live_server: LiveServer,
    connection_counter: ConnectionCounter,
    spelling: str,
    how: str,
) -> None:
    """LOAD sent as an update (``update=`` in the URL or a form, or an application/sparql-update
    body) → 4xx (the endpoint is read-only), and nothing is fetched."""
    update = fill(LOADS[spelling], connection_counter)
    if how == "get":
        response = http.get(
            live_server.sparql + "?" + urlencode({"update": update}, quote_via=quote), timeout=60
        )
    elif how == "form":
        response = http.post(
            live_server.sparql,
            data=urlencode({"update": update}),
            headers={"Content-Type": FORM},
            timeout=60,
        )
    else:
        response = http.post(
            live_server.sparql, data=update.encode(), headers={"Content-Type": UPDATE}, timeout=60
        )
    assert is_4xx(response.status_code), describe(response)
    assert connection_counter.settled_count() == 0


# --- datasets naming a remote graph -----------------------------------------------------------

DATASET_QUERIES = {
    "FROM": "SELECT * FROM <{url}> WHERE { ?s ?p ?o } LIMIT 1",
    "FROM NAMED": "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
    "GRAPH": "SELECT * WHERE { GRAPH <{url}> { ?s ?p ?o } } LIMIT 1",
    "DESCRIBE": "DESCRIBE <{url}>",
    "ASK FROM": "ASK FROM <{url}> { }",
}


@pytest.mark.parametrize("form", sorted(DATASET_QUERIES))
def test_dataset_iris_in_the_query_are_never_fetched(
    http: requests.Session,
    live_server: LiveServer,
    connection_counter: ConnectionCounter,
    form: str,
) -> None:
    """FROM, FROM NAMED, GRAPH and DESCRIBE naming the listener: refused (400) or answered from
    the store, but never fetched."""
    response = send(http, live_server, "direct", fill(DATASET_QUERIES[form], connection_counter))
    assert response.status_code in (200, 400), describe(response)
    assert connection_counter.settled_count() == 0


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("how", ["get", "post"])
def test_protocol_dataset_iris_are_never_fetched(
    http: requests.Session,
    live_server: LiveServer,
    connection_counter: ConnectionCounter,
    param: str,
    how: str,
) -> None:
    """default-graph-uri / named-graph-uri naming the listener: 400 or an answer, no fetch."""
    query = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1"
    if how == "get":
        target = (
            live_server.sparql + "?" + urlencode({"query": query, param: connection_counter.url})
        )
        response = http.get(target, timeout=60)
    else:
        response = http.post(
            live_server.sparql,
            data=urlencode({"query": query, param: connection_counter.url}),
            headers={"Content-Type": FORM},
            timeout=60,
        )
    assert response.status_code in (200, 400), describe(response)
    assert connection_counter.settled_count() == 0
