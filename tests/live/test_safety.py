"""What a public, read-only endpoint must refuse or survive, tested against the running server.

The ``connection_counter`` listener stands where a federated query, a LOAD or a dataset IRI
would send the server; its count staying 0 proves the request made no network connection.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import requests

from tests.support.live import (
    MK,
    ConnectionCounter,
    LiveServer,
    alive,
    children,
    describe,
    error_message,
    group_members,
    is_4xx,
    make_session,
    media_type,
    parse_boolean,
    parse_rdf,
    parse_table,
    start_server,
)

pytestmark = pytest.mark.timeout(240)

DIRECT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
UPDATE = "application/sparql-update"
TIMED_OUT = re.compile(r"tim(e|ed)[\s-]*out|time limit|took longer than", re.IGNORECASE)
POSITION = re.compile(r"line\s*:?\s*\d+.*col(umn)?\s*:?\s*\d+|\b\d+:\d+\b", re.IGNORECASE)
PING = "ASK { ?s ?p ?o }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def send(http: requests.Session, server: LiveServer, how: str, query: str) -> requests.Response:
    """Send ``query`` by GET, form POST or direct POST."""
    if how == "get":
        target = server.sparql + "?" + urlencode({"query": query}, quote_via=quote)
        return http.get(target, timeout=60)
    if how == "form":
        body = urlencode({"query": query}, quote_via=quote)
        return http.post(server.sparql, data=body, headers={"Content-Type": FORM}, timeout=60)
    return http.post(
        server.sparql, data=query.encode(), headers={"Content-Type": DIRECT}, timeout=60
    )


def assert_alive(http: requests.Session, server: LiveServer) -> None:
    health = http.get(server.url + "/health", timeout=30)
    assert health.status_code == 200, describe(health)
    answer = send(http, server, "direct", PING)
    assert answer.status_code == 200, describe(answer)
    assert parse_boolean(answer) is True


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


# --- sizes, nesting, encodings, syntax --------------------------------------------------------


@pytest.mark.parametrize("how", ["form", "direct"])
def test_query_over_64_kb_is_413(http: requests.Session, live_server: LiveServer, how: str) -> None:
    """A query over MALANG_KG_MAX_QUERY_BYTES (64 KB) → 413; one just under it is answered."""
    big = "ASK {}\n# " + "x" * 70_000
    response = send(http, live_server, how, big)
    assert response.status_code == 413, describe(response)
    fits = "ASK {}\n# " + "x" * 60_000
    answered = send(http, live_server, how, fits)
    assert answered.status_code == 200, describe(answered)


def test_query_over_64_kb_by_get_is_refused(
    http: requests.Session, live_server: LiveServer
) -> None:
    """The same by GET: refused as too large (413, or 414 for the URI), not a crash."""
    response = send(http, live_server, "get", "ASK {}\n# " + "x" * 70_000)
    assert response.status_code in (413, 414), describe(response)
    assert_alive(http, live_server)


NESTINGS = {
    "groups": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "brackets": "SELECT (" + "(" * 3000 + "1" + ")" * 3000 + " AS ?x) {}",
    "blank nodes": "SELECT * WHERE { ?s <http://e/p> "
    + "[ <http://e/p> " * 3000
    + "1"
    + " ]" * 3000
    + " }",
    "deep but short": "ASK " + "{" * 200 + "}" * 200,
}


@pytest.mark.parametrize("shape", sorted(NESTINGS))
def test_deep_nesting_is_400_and_the_server_survives(
    http: requests.Session, live_server: LiveServer, shape: str
) -> None:
    """A query nested deeper than MALANG_KG_MAX_NESTING (3,000 levels crash Oxigraph's parser) →
    400; /health is still 200 and a normal ASK still answers."""
    response = send(http, live_server, "direct", NESTINGS[shape])
    assert response.status_code == 400, describe(response)
    assert_alive(http, live_server)


def test_malformed_utf8_is_400(http: requests.Session, live_server: LiveServer) -> None:
    """Bytes that are not UTF-8 → 400, as a direct body, a form field and a GET parameter."""
    direct = http.post(
        live_server.sparql,
        data=b'ASK { ?s ?p "\xff\xfe\xc3" }',
        headers={"Content-Type": DIRECT},
        timeout=60,
    )
    assert direct.status_code == 400, describe(direct)
    form = http.post(
        live_server.sparql,
        data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%FE%22%20%7D",
        headers={"Content-Type": FORM},
        timeout=60,
    )
    assert form.status_code == 400, describe(form)
    get = http.get(live_server.sparql + "?query=ASK%20%7B%20%22%C3%28%22%20%7D", timeout=60)
    assert get.status_code == 400, describe(get)
    assert_alive(http, live_server)


def test_syntax_error_is_400_saying_where(http: requests.Session, live_server: LiveServer) -> None:
    """A syntax error → 400 whose message gives the line and column."""
    query = "PREFIX mk: <" + MK + ">\nSELECT * WHERE {\n  ?s a mk:Award ;\n  FILTER (\n}\n"
    for how in ("get", "direct"):
        response = send(http, live_server, how, query)
        assert response.status_code == 400, describe(response)
        message = error_message(response)
        assert POSITION.search(message), f"no line/column in {message!r}"


def test_two_query_parameters_are_400(http: requests.Session, live_server: LiveServer) -> None:
    """Two ``query`` parameters → 400."""
    response = http.get(live_server.sparql + "?query=ASK%20%7B%7D&query=ASK%20%7B%7D", timeout=60)
    assert response.status_code == 400, describe(response)


def test_errors_have_no_stack_trace_or_engine_internals(
    http: requests.Session, live_server: LiveServer
) -> None:
    """Error answers never carry a stack trace or the engine's internals (every response of
    these tests is checked for a traceback by the ``http`` session; this checks a few more
    markers on typical errors)."""
    bad = [
        send(http, live_server, "direct", "SELECT * WHERE { ?s ?p }"),
        send(http, live_server, "direct", "SELECT (<http://example.org/f>(?x) AS ?y) {}"),
        send(http, live_server, "direct", "SELECT * WHERE { BIND (1 AS ?x) BIND (2 AS ?x) }"),
        http.get(live_server.url + "/sparql?query=", timeout=60),
    ]
    for response in bad:
        assert response.status_code < 500, describe(response)
        for marker in ("Traceback", "pyoxigraph", "site-packages", '.py", line'):
            assert marker not in response.text, describe(response)


# --- timeout ----------------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_runaway_query_times_out_while_others_are_answered(live_server: LiveServer) -> None:
    """A cartesian product with the 2 s limit → 503 saying it timed out, in under 4 s; while it
    runs, ASK queries from another client are answered in under 1 s each; afterwards the server
    still answers."""
    outcome: dict[str, object] = {}

    def runaway() -> None:
        with make_session() as session:
            started = time.monotonic()
            try:
                outcome["response"] = send(session, live_server, "direct", CARTESIAN)
            except requests.RequestException as error:
                outcome["error"] = error
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway, daemon=True)
    thread.start()
    time.sleep(0.3)  # let the runaway reach a worker first
    pings: list[float] = []
    with make_session() as session:
        while thread.is_alive() and len(pings) < 200:
            started = time.monotonic()
            response = send(session, live_server, "get", PING)
            pings.append(time.monotonic() - started)
            assert response.status_code == 200, describe(response)
            assert parse_boolean(response) is True
            time.sleep(0.1)
        thread.join(timeout=60)
        assert not thread.is_alive(), "the runaway query never returned"
        assert "error" not in outcome, outcome
        runaway_response = outcome["response"]
        assert isinstance(runaway_response, requests.Response)
        assert runaway_response.status_code == 503, describe(runaway_response)
        assert TIMED_OUT.search(error_message(runaway_response)), describe(runaway_response)
        seconds = outcome["seconds"]
        assert isinstance(seconds, float) and seconds < 4, f"answered after {seconds:.1f} s"
        assert pings, "no ASK was sent while the runaway query ran"
        assert max(pings) < 1, f"slowest concurrent ASK took {max(pings):.2f} s ({pings})"
        assert_alive(session, live_server)


# --- row limit --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_server(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A second server over the same store, with ``--max-rows 5``."""
    server = start_server(
        live_store, tmp_path_factory.mktemp("small-logs"), workers=1, max_rows="5"
    )
    try:
        yield server
    finally:
        server.stop()


def test_max_rows_cuts_and_says_so(http: requests.Session, small_server: LiveServer) -> None:
    """With MALANG_KG_MAX_ROWS=5 a 57-row SELECT and a 57-triple CONSTRUCT give 5 with the
    ``X-SPARQL-MaxRows`` header; a 3-row result is whole and has no such header."""
    kelurahan = f"?k a <{MK}Kelurahan>"
    select = send(http, small_server, "direct", f"SELECT ?k WHERE {{ {kelurahan} }}")
    assert select.status_code == 200, describe(select)
    assert len(parse_table(select)[1]) == 5
    assert "X-SPARQL-MaxRows" in select.headers, dict(select.headers)
    assert select.headers["X-SPARQL-MaxRows"].strip().startswith("5")
    construct = send(
        http, small_server, "direct", f"CONSTRUCT {{ {kelurahan} }} WHERE {{ {kelurahan} }}"
    )
    assert construct.status_code == 200, describe(construct)
    assert media_type(construct) == "text/turtle"
    assert len(parse_rdf(construct)) == 5
    assert "X-SPARQL-MaxRows" in construct.headers, dict(construct.headers)
    whole = send(http, small_server, "direct", f"SELECT ?k WHERE {{ {kelurahan} }} LIMIT 3")
    assert len(parse_table(whole)[1]) == 3
    assert "X-SPARQL-MaxRows" not in whole.headers


# --- processes --------------------------------------------------------------------------------


def wait_until_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


@pytest.mark.timeout(180)
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_query_processes_do_not_outlive_their_worker_or_the_server(
    http: requests.Session, live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A worker that dies (gunicorn's worker timeout, the OOM killer) takes its query process
    with it: none is left running, orphaned, holding its copy of the store; and once the server
    has stopped on SIGTERM, no process of it is left."""
    server = start_server(live_store, tmp_path_factory.mktemp("orphan-logs"), workers=1)
    try:
        assert_alive(http, server)
        master = server.process.pid
        workers = children(master)
        assert len(workers) == 1, workers
        query_processes = children(workers[0])
        os.kill(workers[0], signal.SIGKILL)
        left = wait_until_gone(query_processes, 15)
        assert not left, f"query process(es) {left} of the killed worker are still running"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not children(master):
            time.sleep(0.2)
        assert_alive(http, server)  # a new worker answers
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        left = wait_until_gone(group_members(master), 15)
        assert not left, f"process(es) {left} outlived the stopped server"
    finally:
        server.stop()
