"""The remote backend against an engine that misbehaves: a fake SPARQL endpoint on loopback that
fails, hangs, trickles, talks nonsense or answers too much. Every fault becomes 502, 503 or 504
with a message for the client, never the engine's own words nor a trace; limits hold on our side.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from flask.testing import FlaskClient

from malang_kg.config import load_settings
from malang_kg.web import create_app, remote_service
from tests.support.live import free_port

SECRET = "ENGINE-INTERNAL-TEXT /var/lib/engine Traceback (most recent call last)"
BUILD = "https://w3id.org/malang-kg/graph/build"
GRAPH = "https://w3id.org/malang-kg/graph/data/areas"
SELECT = "SELECT ?s WHERE { ?s ?p ?o }"
DESCRIPTION = {
    "head": {"vars": ["id", "triples", "graph", "n"]},
    "results": {
        "bindings": [
            {
                "id": {"type": "literal", "value": "fake-build"},
                "triples": {"type": "literal", "value": "60"},
                "graph": {"type": "uri", "value": GRAPH},
                "n": {"type": "literal", "value": "60"},
            }
        ]
    },
}


@dataclass
class FakeEngine:
    """What the fake endpoint does with a user's query (the build description always works)."""

    behaviour: str = "rows"
    rows: int = 10
    queries: list[dict[str, list[str]]] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)


def _handler(engine: FakeEngine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode("utf-8"))
            engine.authorization.append(self.headers.get("Authorization", ""))
            text = form.get("query", [""])[0]
            if BUILD in text:
                return self._send(200, json.dumps(DESCRIPTION).encode(), "application/json")
            engine.queries.append(form)
            behaviour = engine.behaviour
            if behaviour.startswith("status "):
                status = int(behaviour.split()[1])
                return self._send(status, SECRET.encode(), "text/plain")
            if behaviour == "garbage":
                return self._send(200, b'{"head": {"vars": ["s"]}, "results": {"bin', SJSON)
            if behaviour == "wrong type":
                return self._send(200, SECRET.encode(), "text/html")
            if behaviour == "hang":
                time.sleep(5)  # the fault under test, a slow engine: not a wait for anything
            if behaviour == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", SJSON)
                self.end_headers()
                self.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [')
                for _ in range(50):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)  # the fault under test, a trickling engine: not a wait
                return None
            rows = [{"s": {"type": "uri", "value": f"http://example.org/{i}"}} for i in range(10)]
            body = {"head": {"vars": ["s"]}, "results": {"bindings": rows * (engine.rows // 10)}}
            return self._send(200, json.dumps(body).encode(), SJSON)

    return Handler


SJSON = "application/sparql-results+json"


@pytest.fixture
def fake() -> Iterator[tuple[FakeEngine, str]]:
    engine = FakeEngine()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(engine))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield engine, f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()


def client_for(url: str, **settings: str) -> FlaskClient:
    values: dict[str, str | None] = {"BACKEND_URL": url, "QUERY_TIMEOUT": "1", "CACHE_MB": "0"}
    values.update(settings)
    configured = load_settings(values, environ={})
    app = create_app(configured, engine=remote_service(configured))
    app.config["TESTING"] = True
    return app.test_client()


def ask(client: FlaskClient, query: str = SELECT) -> Any:
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": SJSON})


def assert_clean(response: Any) -> None:
    body = response.get_data(as_text=True)
    assert "ENGINE-INTERNAL" not in body and "Traceback" not in body and "/var/lib" not in body


def test_rows_are_answered_and_the_dataset_is_sent(fake: tuple[FakeEngine, str]) -> None:
    engine, url = fake
    response = ask(client_for(url))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["results"]["bindings"]) == 10
    (form,) = engine.queries
    assert form["default-graph-uri"] == [GRAPH] and form["named-graph-uri"] == [GRAPH]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(500, 502), (502, 502), (503, 503), (504, 504), (401, 502), (403, 502), (404, 502)],
)
def test_engine_errors_map_to_gateway_statuses(
    fake: tuple[FakeEngine, str], status: int, expected: int
) -> None:
    engine, url = fake
    engine.behaviour = f"status {status}"
    response = ask(client_for(url))
    assert response.status_code == expected
    assert "SPARQL engine" in response.get_json()["message"]
    assert_clean(response)


def test_an_engine_400_is_our_400_without_its_words(fake: tuple[FakeEngine, str]) -> None:
    engine, url = fake
    engine.behaviour = "status 400"
    response = ask(client_for(url))
    assert response.status_code == 400
    assert_clean(response)


@pytest.mark.parametrize("behaviour", ["garbage", "wrong type"])
def test_an_unreadable_answer_is_502(fake: tuple[FakeEngine, str], behaviour: str) -> None:
    engine, url = fake
    engine.behaviour = behaviour
    response = ask(client_for(url))
    assert response.status_code == 502
    assert_clean(response)


@pytest.mark.parametrize("behaviour", ["hang", "trickle"])
def test_the_time_limit_holds_on_our_side(fake: tuple[FakeEngine, str], behaviour: str) -> None:
    engine, url = fake
    engine.behaviour = behaviour
    started = time.monotonic()
    response = ask(client_for(url, QUERY_TIMEOUT="1"))
    assert response.status_code == 503
    assert "batas waktu" in response.get_json()["message"]  # no Accept-Language: Indonesian
    assert time.monotonic() - started < 2.5


def test_the_row_limit_holds_on_our_side(fake: tuple[FakeEngine, str]) -> None:
    engine, url = fake
    engine.rows = 2000
    response = ask(client_for(url, MAX_ROWS="25"))
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 25
    assert response.headers["X-SPARQL-MaxRows"] == "25"


def test_an_unreachable_engine_is_503_and_health_says_why() -> None:
    client = client_for(f"http://127.0.0.1:{free_port()}/query")
    for response in (ask(client), client.get("/health")):
        assert response.status_code == 503
        assert "cannot be reached" in response.get_json()["message"]
        assert_clean(response)


def test_refused_queries_never_reach_the_engine(fake: tuple[FakeEngine, str]) -> None:
    engine, url = fake
    client = client_for(url)
    for query in (
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <http://example.org/sparql> { ?s ?p ?o } }",
        "LOAD <http://example.org/data.ttl>",
        "DROP ALL",
        "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
        "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p }",  # a syntax error: checked here, with its position
    ):
        response = ask(client, query)
        assert response.status_code == 400, query
    assert "baris 1" in response.get_json()["message"]  # no Accept-Language: Indonesian
    assert engine.queries == []


def test_credentials_are_sent(fake: tuple[FakeEngine, str]) -> None:
    engine, url = fake
    response = ask(client_for(url, BACKEND_USER="reader", BACKEND_PASSWORD="s3cret"))
    assert response.status_code == 200
    assert engine.authorization and all(a.startswith("Basic ") for a in engine.authorization)
