"""A query whose client has gone is stopped (``web/disconnect.py``, ``engine/workers.py``).

One worker with one thread and one query process: while a runaway query holds them, nothing else
can be answered. The client of the runaway closes its connection; the next query must then be
answered at once, long before the runaway's 60 s deadline, and the access log and the metrics say
the runaway was abandoned."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.support.live import SAMAAN, LiveServer, make_session, start_server
from tests.support.processes import cpu_ticks, query_processes, wait_for_running_query
from tests.support.results import describe

pytestmark = pytest.mark.timeout(180)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DEADLINE = 60  # seconds the runaway may run, by the server's settings


@pytest.fixture(scope="module")
def one_thread(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(
        live_store,
        tmp_path_factory.mktemp("disconnect-logs"),
        workers=1,
        threads="1",
        query_timeout=DEADLINE,
        cache_mb="0",
        serve_from="disk",  # the build's store opened read-only by the forked query process
    )
    try:
        yield server
    finally:
        server.stop()


def send_and_leave(server: LiveServer, query: str) -> None:
    """Send a GET for ``query`` on a raw connection, wait until a query process runs it, and
    close the connection unread."""
    address = urlsplit(server.url)
    before = cpu_ticks(query_processes(server.process.pid))
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        request = (
            f"GET /sparql?query={quote(query, safe='')} HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\nAccept: application/sparql-results+json\r\n\r\n"
        )
        connection.sendall(request.encode("ascii"))
        wait_for_running_query(server.process.pid, before)


def test_the_query_of_a_client_that_left_is_stopped(one_thread: LiveServer) -> None:
    send_and_leave(one_thread, RUNAWAY)
    started = time.monotonic()
    with make_session() as session:
        response = session.get(
            one_thread.sparql,
            params={"query": f"ASK {{ <{SAMAAN}> ?p ?o }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=DEADLINE + 30,
        )
        waited = time.monotonic() - started
        assert response.status_code == 200, describe(response)
        assert response.json()["boolean"] is True
        assert waited < 10, f"the next query waited {waited:.1f} s: the runaway kept running"
        metrics = session.get(one_thread.url + "/metrics", timeout=30).text
    assert 'malang_kg_queries_total{outcome="abandoned"} 1.0' in metrics
    lines = [
        json.loads(line)
        for line in one_thread.log_path.read_text(encoding="utf-8").splitlines()
        if line.startswith('{"time"')
    ]
    assert [line["status"] for line in lines if line.get("outcome") == "abandoned"] == [499]
