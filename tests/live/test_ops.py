"""Operations against the running server (``malang-kg serve``): metrics summed over gunicorn's
workers, one JSON log line per request in the server's log, 429 past the rate limit, and a
graceful shutdown on SIGTERM that lets the request in flight finish."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live import LiveServer, make_session, start_server
from tests.support.polling import wait_until
from tests.support.processes import (
    alive,
    cpu_ticks,
    group_members,
    query_processes,
    wait_for_running_query,
)
from tests.support.results import describe

pytestmark = pytest.mark.timeout(240)

SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
# About 1-3 s on this data: 3,500 triples squared, counted.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def access_lines(server: LiveServer) -> list[dict[str, object]]:
    lines = []
    for line in server.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith('{"time"'):
            lines.append(json.loads(line))
    return lines


def samples(server: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with make_session() as session:
        response = session.get(server.url + "/metrics", timeout=30)
    assert response.status_code == 200, describe(response)
    assert response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture(scope="module")
def two_workers(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(live_store, tmp_path_factory.mktemp("ops-logs"), workers=2)
    try:
        yield server
    finally:
        server.stop()


def test_metrics_add_up_over_the_workers(two_workers: LiveServer) -> None:
    """Requests on fresh connections spread over both workers; /metrics, whichever worker
    answers it, counts all of them."""
    for _ in range(6):
        with make_session() as session:  # a new connection each: any worker may take it
            response = session.get(two_workers.url + "/api/queries", timeout=30)
            assert response.status_code == 200, describe(response)
    for _ in range(2):
        with make_session() as session:
            response = session.post(
                two_workers.sparql,
                data=SERVICE,
                headers={"Content-Type": "application/sparql-query"},
                timeout=30,
            )
            assert response.status_code == 400, describe(response)
    found = samples(two_workers)
    requests_total = "malang_kg_http_requests_total"
    assert found[(requests_total, (("route", "/api/queries"), ("status", "200")))] == 6
    assert found[(requests_total, (("route", "/sparql"), ("status", "400")))] == 2
    assert found[("malang_kg_queries_rejected_total", (("reason", "service"),))] == 2
    count = "malang_kg_http_request_duration_seconds_count"
    assert found[(count, (("route", "/api/queries"),))] == 6
    with make_session() as session:
        build = session.get(two_workers.url + "/health", timeout=30).json()["build_id"]
    assert found[("malang_kg_build_info", (("build_id", build),))] == 1
    names = {name for name, _ in found}
    for name in (
        "malang_kg_queries_total",
        "malang_kg_query_duration_seconds_count",
        "malang_kg_cache_hits_total",
        "malang_kg_cache_misses_total",
    ):
        assert name in names, name
    served_by = {
        line["pid"] for line in access_lines(two_workers) if line["path"] == "/api/queries"
    }
    assert served_by, "no access-log line for /api/queries"


def test_one_json_log_line_per_request(two_workers: LiveServer) -> None:
    marker = f"marker{time.time_ns()}"
    query = f'ASK {{ ?s ?p "{marker}" }}'
    with make_session() as session:
        response = session.get(two_workers.sparql, params={"query": query}, timeout=30)
        assert response.status_code == 200, describe(response)
        health = session.get(two_workers.url + "/health", timeout=30).json()

    def marked_lines() -> list[dict[str, object]] | None:
        found = [
            line
            for line in access_lines(two_workers)
            if line["path"] == "/sparql" and line.get("query_bytes") == len(query.encode())
        ]
        return found or None

    mine = wait_until(marked_lines, 10, 0.1, what="the access-log line of the marked query")
    assert len(mine) == 1, mine
    line = mine[0]
    assert marker not in json.dumps(line)
    assert line["method"] == "GET" and line["status"] == 200 and line["outcome"] == "ok"
    assert line["client"] == "127.0.0.1" and line["build_id"] == health["build_id"]
    assert isinstance(line["duration_ms"], float) and isinstance(line["query_ms"], float)
    log = two_workers.log_path.read_text(encoding="utf-8")
    assert marker not in log  # neither our line nor gunicorn's (its access log is off)


def test_429_past_the_rate_limit(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_server(
        live_store, tmp_path_factory.mktemp("limit-logs"), workers=1, rate_limit="5/minute"
    )
    try:
        with make_session() as session:
            statuses = [
                session.get(server.url + "/api/queries", timeout=30).status_code for _ in range(5)
            ]
            assert statuses == [200] * 5
            refused = session.get(
                server.sparql, params={"query": "ASK {}", "lang": "en"}, timeout=30
            )
            assert refused.status_code == 429, describe(refused)
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            assert "Too many requests" in refused.json()["message"]
            assert session.get(server.url + "/health", timeout=30).status_code == 200
        outcomes = [line["outcome"] for line in access_lines(server) if line["status"] == 429]
        assert outcomes == ["rejected:rate-limit"]
    finally:
        server.stop()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigterm_lets_the_request_in_flight_finish(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_server(
        live_store, tmp_path_factory.mktemp("stop-logs"), workers=1, query_timeout=20
    )
    try:
        with make_session() as session:
            triples = session.get(server.url + "/health", timeout=30).json()["triples"]
        outcome: dict[str, object] = {}

        def slow() -> None:
            with make_session() as session:
                try:
                    outcome["response"] = session.post(
                        server.sparql,
                        data=f"{SLOW} # {time.time_ns()}",
                        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                        timeout=60,
                    )
                except requests.RequestException as error:
                    outcome["error"] = error

        master = server.process.pid
        before = cpu_ticks(query_processes(master))
        thread = threading.Thread(target=slow, daemon=True)
        thread.start()
        wait_for_running_query(master, before, answered=lambda: not thread.is_alive())
        stopped = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        thread.join(timeout=60)
        assert "error" not in outcome, outcome
        response = outcome["response"]
        assert isinstance(response, requests.Response)
        assert response.status_code == 200, describe(response)
        assert response.text.split() == ["n", str(triples * triples)]
        server.process.wait(timeout=30)  # graceful_timeout is 25 s here
        assert server.process.returncode == 0
        assert time.monotonic() - stopped < 30
        wait_until(
            lambda: not group_members(master),
            10,
            0.2,
            what=f"the processes of the stopped server {master} to end",
        )
        assert not group_members(master), "processes outlived the server"
        assert not alive(master)
        assert not list((live_store / "servers").glob(f"{master}.json"))
    finally:
        server.stop()
