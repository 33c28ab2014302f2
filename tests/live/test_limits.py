"""What a public endpoint must refuse or survive, tested against the running server: queries
too large, too deeply nested, badly encoded or malformed; runaway queries; results over the row
limit; workers that die. (That it never fetches from the network is ``test_safety.py``.)
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live import MK, LiveServer, make_session, start_server
from tests.support.polling import wait_until
from tests.support.processes import (
    alive_among,
    children,
    cpu_ticks,
    group_members,
    query_processes,
    wait_for_running_query,
    worker_query_processes,
)
from tests.support.results import (
    describe,
    error_message,
    media_type,
    parse_boolean,
    parse_rdf,
    parse_table,
)
from tests.support.sparql import DIRECT, FORM, PING, assert_alive, send

pytestmark = pytest.mark.timeout(240)

TIMED_OUT = re.compile(r"tim(e|ed)[\s-]*out|time limit|took longer than|batas waktu", re.IGNORECASE)
POSITION = re.compile(
    r"(line|baris)\s*:?\s*\d+.*(col(umn)?|kolom)\s*:?\s*\d+|\b\d+:\d+\b", re.IGNORECASE
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GONE_WAIT = 15.0  # seconds the processes of a killed worker or a stopped server may take to end


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

    master = live_server.process.pid
    before = cpu_ticks(query_processes(master))
    thread = threading.Thread(target=runaway, daemon=True)
    thread.start()
    # the runaway holds a query process of a worker
    wait_for_running_query(master, before, answered=lambda: not thread.is_alive())
    pings: list[float] = []
    with make_session() as session:
        while thread.is_alive() and len(pings) < 200:
            started = time.monotonic()
            response = send(session, live_server, "get", PING)
            pings.append(time.monotonic() - started)
            assert response.status_code == 200, describe(response)
            assert parse_boolean(response) is True
            time.sleep(0.1)  # paces the pings while the runaway runs: not a wait for anything
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
        its_processes = [*children(workers[0]), *worker_query_processes(workers[0])]
        os.kill(workers[0], signal.SIGKILL)
        wait_until(
            lambda: not alive_among(its_processes),
            GONE_WAIT,
            0.2,
            what=f"the query processes {its_processes} of the killed worker to end",
        )
        left = alive_among(its_processes)
        assert not left, f"query process(es) {left} of the killed worker are still running"
        wait_until(lambda: children(master) or None, 30, 0.2, what="a new worker to be forked")
        assert_alive(http, server)  # a new worker answers
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        members = group_members(master)
        wait_until(
            lambda: not alive_among(members),
            GONE_WAIT,
            0.2,
            what=f"the processes {members} of the stopped server to end",
        )
        left = alive_among(members)
        assert not left, f"process(es) {left} outlived the stopped server"
    finally:
        server.stop()
