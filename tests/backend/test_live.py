"""``malang-kg serve`` (gunicorn, 2 workers) in backend mode over a real ``oxigraph serve``, end
to end over HTTP: it answers from the engine, and when the engine stops and starts again during
the run the server says why (503) and then recovers by itself, the same processes throughout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from malang_kg.config import Settings
from malang_kg.store.builds import Manifest
from tests.support.backend import (
    OxigraphServer,
    publish_into,
    start_backend_server,
    start_oxigraph,
)
from tests.support.live import LiveServer
from tests.support.polling import wait_until
from tests.support.results import error_message, parse_table

SELECT = "SELECT ?s WHERE { ?s a ?class } LIMIT 5"


@pytest.fixture(scope="module")
def engine_and_server(
    built: tuple[Settings, Manifest], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OxigraphServer, LiveServer]]:
    logs = tmp_path_factory.mktemp("backend-live-logs")
    engine = start_oxigraph(tmp_path_factory.mktemp("backend-live-data"), logs)
    server: LiveServer | None = None
    try:
        publish_into(engine, built[0].store)
        server = start_backend_server(built[0].store, logs, engine)
        yield engine, server
    finally:
        if server is not None:
            server.stop()
        engine.stop()


def health(http: requests.Session, server: LiveServer, status: int) -> requests.Response:
    """/health once it answers ``status`` (the test fails if it has not within 15 s)."""

    def answer() -> requests.Response | None:
        response = http.get(server.url + "/health", timeout=30)
        return response if response.status_code == status else None

    return wait_until(answer, 15, 0.2, what=f"/health of {server.url} to answer {status}")


def query(http: requests.Session, server: LiveServer, text: str = SELECT) -> requests.Response:
    return http.get(
        server.sparql, params={"query": text}, headers={"Accept": "text/csv"}, timeout=30
    )


def test_updates_and_service_are_refused_over_http(
    http: requests.Session, engine_and_server: tuple[OxigraphServer, LiveServer]
) -> None:
    engine, server = engine_and_server
    before = engine.count()
    for text in ("DROP ALL", "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"):
        assert http.post(server.sparql, data={"update": text}, timeout=30).status_code // 100 == 4
        assert query(http, server, text).status_code // 100 == 4
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert query(http, server, service).status_code == 400
    assert engine.count() == before


def test_served_from_the_engine_and_recovering_from_its_outage(
    http: requests.Session,
    engine_and_server: tuple[OxigraphServer, LiveServer],
    built: tuple[Settings, Manifest],
) -> None:
    engine, server = engine_and_server
    pid = server.process.pid
    ok = health(http, server, 200)
    assert ok.json()["build_id"] == built[1].build_id
    assert ok.json()["triples"] == built[1].triples
    assert len(parse_table(query(http, server))[1]) == 5

    engine.stop()
    try:
        assert_down(http, server)
    finally:
        engine.start()  # the same port and data; the service is not restarted
    assert health(http, server, 200).status_code == 200
    assert len(parse_table(query(http, server))[1]) == 5
    assert http.get(server.url + "/api/queries/awards.csv", timeout=30).status_code == 200
    assert server.alive() and server.process.pid == pid


def assert_down(http: requests.Session, server: LiveServer) -> None:
    down = health(http, server, 503)
    assert down.status_code == 503, down.text
    assert "cannot be reached" in error_message(down)
    # Queries not asked before (an answer in a worker's result cache may still be served).
    for text in ("ASK { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o } LIMIT 2"):
        response = query(http, server, text)
        assert response.status_code in (502, 503, 504), response.text
    page = http.get(server.url + "/id/kelurahan/samaan", headers={"Accept": "text/html"})
    assert page.status_code in (502, 503, 504)
