"""Operations in the app itself: rate limits (429 with Retry-After), Prometheus metrics, the JSON
access log, and the records that keep a served build from being pruned."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from malang_kg.config import Settings
from malang_kg.engine import QueryRequest
from malang_kg.engine.errors import QueryError
from malang_kg.engine.service import QueryService
from malang_kg.store import servers as running
from malang_kg.store.builds import MANIFEST_FILE, Manifest, make_current, prune_old_builds
from malang_kg.web import create_app, embedded_service
from malang_kg.web.observe.access import ACCESS_LOGGER
from tests.conftest import ID

ASK = f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
METRIC_NAMES = {
    "malang_kg_http_requests",
    "malang_kg_http_request_duration_seconds",
    "malang_kg_queries",
    "malang_kg_query_duration_seconds",
    "malang_kg_query_timeouts",
    "malang_kg_queries_rejected",
    "malang_kg_rate_limited",
    "malang_kg_query_process_restarts",
    "malang_kg_cache_hits",
    "malang_kg_cache_misses",
    "malang_kg_build_info",
}
REFUSED = {
    "service": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "load": "LOAD <http://127.0.0.1:9/data.ttl>",
    "update": "INSERT DATA { <http://e/s> <http://e/p> 1 }",
    "nesting": "ASK " + "{" * 100 + "}" * 100,
    "too-large": "ASK {}\n# " + "x" * 70_000,
    "syntax": "SELECT * WHERE { ?s ?p }",
    "unknown-graph": "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    "encoding": "ASK { ?s ?p '\\uD800' }",
}


def limited_app(built: tuple[Settings, Manifest], engine: QueryService, rate: str) -> Flask:
    app = create_app(dataclasses.replace(built[0], rate_limit=rate), engine=engine)
    app.config["TESTING"] = True
    return app


def scrape(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics: (name, sorted labels) → value."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- rate limits ---------------------------------------------------------------------------------


def test_429_with_retry_after_past_the_limit(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    client = limited_app(built, engine, "3/minute").test_client()
    for number in range(3):
        assert client.get("/sparql", query_string={"query": f"{ASK} #{number}"}).status_code == 200
    refused = client.get("/sparql", query_string={"query": ASK, "lang": "en"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json is not None and refused.json["status"] == 429
    message = refused.json["message"]
    assert "Too many requests" in message and "3 requests per 60 s" in message
    assert f"Try again in {refused.headers['Retry-After']} s" in message
    indonesian = client.get("/sparql", query_string={"query": ASK}).json
    assert indonesian is not None and "3 permintaan per 60 detik" in indonesian["message"]
    # one budget for the endpoint, the API and reconciliation
    assert client.get("/api/queries").status_code == 429
    assert client.post("/reconcile", data={"queries": "{}"}).status_code == 429
    # in the client's format: a page for browsers, plain text for a CSV client
    page = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": "text/html"})
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "<h1>429 Terlalu banyak permintaan</h1>" in page.get_data(as_text=True)
    assert "Terlalu banyak permintaan dari" in page.get_data(as_text=True)
    csv = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": "text/csv"})
    assert csv.status_code == 429 and csv.mimetype == "text/plain"
    assert csv.get_data(as_text=True).startswith("429 Too Many Requests")
    assert "Traceback" not in page.get_data(as_text=True) + csv.get_data(as_text=True)


def test_health_metrics_pages_and_other_clients_are_not_limited(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    client = limited_app(built, engine, "1/minute").test_client()
    assert client.get("/api/queries").status_code == 200
    assert client.get("/api/queries").status_code == 429
    for path in ("/health", "/metrics", "/", "/page/kelurahan/samaan", "/ontology"):
        for _ in range(3):
            response = client.get(path, headers={"Accept": "text/html"})
            assert response.status_code == 200, path
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    other = client.get("/api/queries", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_rate_limit_off(built: tuple[Settings, Manifest], engine: QueryService) -> None:
    client = limited_app(built, engine, "off").test_client()
    assert all(client.get("/api/queries").status_code == 200 for _ in range(20))


def test_a_post_over_the_limit_gets_its_429(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    client = limited_app(built, engine, "1/minute").test_client()
    body = {"query": ASK}
    assert client.post("/sparql", data=body).status_code == 200
    refused = client.post("/sparql", data=body)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


# --- metrics -------------------------------------------------------------------------------------


def test_metrics_names_and_counts(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get("/api/queries").status_code == 200
    nonce = os.urandom(4).hex()
    first = client.get("/sparql", query_string={"query": f"{ASK} # {nonce}"})
    again = client.get("/sparql", query_string={"query": f"{ASK} # {nonce}"})
    assert first.status_code == again.status_code == 200
    for query in REFUSED.values():
        response = client.post("/sparql", data=query, content_type="application/sparql-query")
        assert response.status_code in (400, 413), query[:60]
    after = scrape(client)

    names = {
        family.name
        for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    }
    assert names >= METRIC_NAMES

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("malang_kg_http_requests_total", route="/api/queries", status="200") == 3
    assert grew("malang_kg_http_requests_total", route="/sparql", status="200") == 2
    assert grew("malang_kg_http_request_duration_seconds_count", route="/api/queries") == 3
    assert grew("malang_kg_queries_total", outcome="ok") == 2
    assert grew("malang_kg_query_duration_seconds_count") == 3  # the syntax error ran too
    assert grew("malang_kg_cache_hits_total") >= 1 and grew("malang_kg_cache_misses_total") >= 1
    for reason in REFUSED:
        assert grew("malang_kg_queries_rejected_total", reason=reason) == 1, reason
    assert grew("malang_kg_queries_total", outcome="rejected") == len(REFUSED)
    assert value(after, "malang_kg_build_info", build_id=built[1].build_id) == 1


def test_timeouts_and_query_process_restarts_are_counted(
    built: tuple[Settings, Manifest],
) -> None:
    engine = embedded_service(dataclasses.replace(built[0], query_timeout=0.5, threads=1))
    app = create_app(built[0], engine=engine)
    client = app.test_client()
    before = scrape(client)
    response = client.post("/sparql", data=CARTESIAN, content_type="application/sparql-query")
    assert response.status_code == 503
    after = scrape(client)
    assert (
        value(after, "malang_kg_query_timeouts_total")
        - value(before, "malang_kg_query_timeouts_total")
        == 1
    )
    assert (
        value(after, "malang_kg_queries_total", outcome="timeout")
        - value(before, "malang_kg_queries_total", outcome="timeout")
        == 1
    )
    assert (
        value(after, "malang_kg_query_process_restarts_total")
        - value(before, "malang_kg_query_process_restarts_total")
        == 1
    )


def test_rate_limited_requests_are_counted(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    client = limited_app(built, engine, "1/minute").test_client()
    before = scrape(client)
    client.get("/api/queries")
    client.get("/api/queries")
    after = scrape(client)
    name = "malang_kg_rate_limited_total"
    assert value(after, name, route="/api/queries") - value(before, name, route="/api/queries") == 1


@pytest.mark.parametrize("reason", sorted(REFUSED))
def test_every_refusal_has_its_reason(engine: QueryService, reason: str) -> None:
    with pytest.raises(QueryError) as refused:
        engine.execute(QueryRequest(REFUSED[reason]))
    assert refused.value.reason == reason


# --- the access log ------------------------------------------------------------------------------


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_one_json_line_per_request(
    client: FlaskClient, built: tuple[Settings, Manifest], access_lines: list[str]
) -> None:
    secret = f"secret-{os.urandom(4).hex()}"
    query = f'ASK {{ ?s ?p "{secret}" }}'
    assert client.get("/sparql", query_string={"query": query}).status_code == 200
    refused = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/{secret}> {{ ?s ?p ?o }} }}"
    assert client.post("/sparql", data={"query": refused}).status_code == 400
    assert client.get("/health").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    assert len(access_lines) == 4
    assert all(secret not in line for line in access_lines)
    ok, rejected, health, missing = (json.loads(line) for line in access_lines)

    assert ok["method"] == "GET" and ok["path"] == "/sparql" and ok["status"] == 200
    assert ok["outcome"] == "ok" and ok["queries"] == 1
    assert isinstance(ok["duration_ms"], float) and isinstance(ok["query_ms"], float)
    assert 0 <= ok["query_ms"] <= ok["duration_ms"]
    assert ok["client"] == "127.0.0.1" and ok["build_id"] == built[1].build_id
    assert ok["query_bytes"] == len(query.encode())
    assert ok["query_sha256"] == hashlib.sha256(query.encode()).hexdigest()[:16]
    assert ok["time"].endswith("Z")

    assert rejected["status"] == 400 and rejected["outcome"] == "rejected:service"
    assert "query_ms" not in rejected  # no query ran
    assert health["outcome"] == "ok" and "query_bytes" not in health and "query_ms" not in health
    assert missing["status"] == 404 and missing["outcome"] == "rejected:not-found"


def test_timeouts_and_429s_are_logged_as_such(
    built: tuple[Settings, Manifest], engine: QueryService, access_lines: list[str]
) -> None:
    tight = embedded_service(dataclasses.replace(built[0], query_timeout=0.5, threads=1))
    client = create_app(built[0], engine=tight).test_client()
    client.post("/sparql", data=CARTESIAN, content_type="application/sparql-query")
    limited = limited_app(built, engine, "1/minute").test_client()
    limited.get("/api/queries")
    limited.get("/api/queries")
    timeout, ok, refused = (json.loads(line) for line in access_lines)
    assert timeout["status"] == 503 and timeout["outcome"] == "timeout"
    assert timeout["query_ms"] >= 500
    assert ok["outcome"] == "ok" and refused["outcome"] == "rejected:rate-limit"
    assert refused["status"] == 429


# --- records of running servers, and pruning -----------------------------------------------------


def fake_build(store: Path, build_id: str) -> None:
    staging = store / "builds" / f".{build_id}.tmp"
    staging.mkdir(parents=True)
    (staging / MANIFEST_FILE).write_text("{}", encoding="utf-8")
    make_current(store, staging, build_id)


def test_pruning_keeps_the_builds_a_running_server_uses(tmp_path: Path) -> None:
    for number in range(1, 5):
        fake_build(tmp_path, f"2026010{number}T000000Z-build")
    serving = "20260101T000000Z-build"
    record = running.ServerRecord(
        pid=os.getpid(),
        url="http://127.0.0.1:1/",
        build_id=serving,
        builds_in_use=[serving],
        started=running.process_start(os.getpid()) or "",
    )
    running.write_record(tmp_path, record)
    assert running.builds_in_use(tmp_path) == {serving}
    assert prune_old_builds(tmp_path, 1) == [
        "20260103T000000Z-build",
        "20260102T000000Z-build",
    ]
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == [
        serving,
        "20260104T000000Z-build",
    ]
    running.remove_record(tmp_path, os.getpid())
    assert prune_old_builds(tmp_path, 1) == [serving]


def test_records_of_dead_or_reused_pids_are_stale(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(finished.stdout)
    running.write_record(tmp_path, running.ServerRecord(dead, "u", "b1", ["b1"]))
    reused = running.ServerRecord(os.getpid(), "u", "b2", ["b2"], started="1")
    running.write_record(tmp_path, reused)
    assert running.live_servers(tmp_path) == []
    assert running.builds_in_use(tmp_path) == set()
    assert list(running.servers_dir(tmp_path).glob("*.json")) == []


def test_reload_without_a_running_server_fails(
    built: tuple[Settings, Manifest], capsys: pytest.CaptureFixture[str]
) -> None:
    from malang_kg import cli

    assert cli.main(["reload", "--store", str(built[0].store)]) == 1
    assert "no server is running" in capsys.readouterr().err
