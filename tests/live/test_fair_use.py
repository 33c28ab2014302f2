"""Fair use against the running server with 2 workers: the rate limit is exact whatever worker
answers, a client spending its query-time budget on slow queries gets 429 while another's cheap
queries keep answering, and a forged X-Forwarded-For from an untrusted address changes nothing;
two servers counting in one Redis (Debian's redis-server, where installed) share one limit."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live.test_reload import copy_store
from tests.support.live import free_port, make_session, start_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CHEAP = "ASK { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} # {n}"


def ask(session: requests.Session, url: str, query: str, forwarded: str | None = None) -> int:
    headers = {"Accept": "application/sparql-results+json"}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    response = session.get(url + "/sparql", params={"query": query}, headers=headers, timeout=60)
    return response.status_code


def test_the_rate_limit_is_exact_across_workers_and_forged_addresses_do_not_help(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("fair-limit")
    store = copy_store(live_store, directory / "store")
    server = start_server(store, directory, workers=2, rate_limit="30/minute")
    try:
        with make_session() as session:
            plain = [ask(session, server.url, f"{CHEAP} # {n}") for n in range(50)]
        with make_session() as session:
            forged = [
                ask(session, server.url, f"{CHEAP} # f{n}", forwarded=f"203.0.113.{n}")
                for n in range(50)
            ]
    finally:
        server.stop()
    assert plain.count(200) <= 31 and 429 in plain, plain
    # Forged addresses are the same client: together at most one window's worth got through.
    assert plain.count(200) + forged.count(200) <= 31, forged


def test_a_client_spending_its_budget_does_not_stop_another(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("fair-budget")
    store = copy_store(live_store, directory / "store")
    server = start_server(
        store,
        directory,
        workers=2,
        query_timeout=1,
        query_budget="3",
        rate_limit="off",
        trusted_proxies="127.0.0.1",  # the test plays a proxy forwarding for two clients
    )
    heavy, light = "198.51.100.10", "198.51.100.20"
    try:
        with make_session() as session:
            spent = []
            for n in range(20):  # each runs into the 1 s time limit
                spent.append(ask(session, server.url, SLOW.format(n=n), forwarded=heavy))
                if spent[-1] == 429:
                    break
            assert spent[-1] == 429, spent
            response = session.get(
                server.url + "/sparql",
                params={"query": CHEAP},
                headers={"X-Forwarded-For": heavy},
                timeout=60,
            )
            assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
            others = [
                ask(session, server.url, f"{CHEAP} # {n}", forwarded=light) for n in range(20)
            ]
    finally:
        server.stop()
    assert others == [200] * 20


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of Debian's on a free loopback port, with nothing saved to disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "no redis-server"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_servers_sharing_redis_count_one_limit(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> None:
    directory = tmp_path_factory.mktemp("fair-redis")
    store = copy_store(live_store, directory / "store")
    servers = [
        start_server(
            store, directory, workers=2, rate_limit="30/minute", rate_limit_storage=redis_url
        )
        for _ in range(2)
    ]
    try:
        with make_session() as session:
            answers = [ask(session, servers[n % 2].url, f"{CHEAP} # {n}") for n in range(50)]
    finally:
        for server in servers:
            server.stop()
    assert answers.count(200) <= 31 and 429 in answers, answers
    assert answers.count(200) >= 25, answers  # the limit, not an outage, refused the rest
