"""Load and fault tests against the running server, on loopback only, bounded in time and in
requests (each client stops at its deadline or after MAX_REQUESTS, whichever comes first):

- 6 clients for 20 s with runaway queries mixed in (QUERY_TIMEOUT=2): only 200s and 503
  timeouts, and the cheap queries' 99th percentile stays under 1 s;
- a rebuild (``malang-kg build`` with extra data) and a reload while 4 clients hammer the API:
  no request fails, and the new data is served afterwards;
- a query process killed with SIGKILL is replaced: the next requests succeed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.live.test_reload import EXTRA, NEW_PLACE, cli, copy_store
from tests.support.live import (
    ID,
    LiveServer,
    make_session,
    start_server,
)
from tests.support.polling import wait_until
from tests.support.processes import alive_among, children, worker_query_processes
from tests.support.results import describe, error_message, parse_boolean

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CLIENTS = 6
DURATION = 20.0  # seconds of load
MAX_REQUESTS = 5_000  # per client, a bound besides the deadline
RUNAWAY_EVERY = 20  # every 20th request of each client is a runaway query
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} # {nonce}"
CHEAP_SPARQL = (
    f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ <{ID}kelurahan/samaan> ?p ?o }} LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?k a <https://w3id.org/malang-kg/ontology#Kelurahan> }",
)
CHEAP_API = ("/api/queries/kim-coverage", "/api/queries/subdistricts", "/api/queries")


@dataclass
class Outcome:
    kind: str  # "cheap" or "runaway"
    status: int  # 0: no answer (an exception)
    seconds: float
    detail: str = ""


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(tally: Tally, kind: str, send: Callable[[], requests.Response]) -> None:
    started = time.monotonic()
    try:
        response = send()
    except requests.RequestException as error:
        tally.add(Outcome(kind, 0, time.monotonic() - started, f"{type(error).__name__}: {error}"))
        return
    seconds = time.monotonic() - started
    detail = "" if response.status_code == 200 else describe(response)
    if response.status_code == 503:
        detail = error_message(response)
    tally.add(Outcome(kind, response.status_code, seconds, detail))


def cheap_request(
    session: requests.Session, server: LiveServer, rng: random.Random
) -> requests.Response:
    if rng.random() < 0.5:
        query = rng.choice(CHEAP_SPARQL)
        if rng.random() < 0.5:
            query += f" # {rng.random()}"  # a miss for the result cache now and then
        return session.get(server.sparql, params={"query": query}, timeout=60)
    return session.get(server.url + rng.choice(CHEAP_API), timeout=60)


def run_clients(
    count: int,
    seconds: float,
    work: Callable[[int, requests.Session], None],
    stop: threading.Event | None = None,
) -> None:
    """``count`` threads, each with its own session, calling ``work`` until the deadline, until
    ``stop`` is set, or MAX_REQUESTS times."""
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        with make_session() as session:
            for _ in range(MAX_REQUESTS):
                if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                    return
                work(number, session)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
        assert not thread.is_alive(), "a client never finished"


def load_with_runaways(server: LiveServer) -> Tally:
    """CLIENTS clients for DURATION seconds against ``server``, every RUNAWAY_EVERY-th request
    of each a runaway cartesian product; what each request got."""
    tally = Tally()
    counters = [0] * CLIENTS

    def work(number: int, session: requests.Session) -> None:
        counters[number] += 1
        rng = random.Random(number * 100_003 + counters[number])
        if counters[number] % RUNAWAY_EVERY == 0:
            query = RUNAWAY.format(nonce=rng.random())
            timed(
                tally,
                "runaway",
                lambda: session.post(
                    server.sparql,
                    data=query,
                    headers={"Content-Type": "application/sparql-query"},
                    timeout=60,
                ),
            )
        else:
            timed(tally, "cheap", lambda: cheap_request(session, server, rng))

    run_clients(CLIENTS, DURATION, work)
    return tally


def test_runaway_queries_among_cheap_ones(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """6 clients for 20 s, every 20th request of each a runaway cartesian product: runaways get
    503 saying they timed out, everything else 200, and the cheap queries' p99 stays under 1 s.

    A runaway holds one request thread and one query process while the others keep answering.
    Each client keeps one keep-alive connection, which gunicorn leaves on the worker that
    accepted it, so a worker may hold all 6 clients; and a client spends most of its time in
    runaways (2 s, against ~20 ms for the others). With 4 threads a worker holding 5 clients
    had all 4 in runaways now and then, and the fifth client's cheap query waited up to 2 s (a
    p99 of 1.7 s in one CI run out of several). So each worker gets more threads than there
    are clients: 3 workers of 8."""
    server = start_server(
        live_store,
        tmp_path_factory.mktemp("load-logs"),
        workers=3,
        query_timeout=2,
        threads="8",
        rate_limit="off",
    )
    try:
        tally = load_with_runaways(server)
        assert server.alive()
    finally:
        server.stop()
    log = server.log_tail(300)  # a 500's traceback is there, and nowhere else

    cheap = [o for o in tally.outcomes if o.kind == "cheap"]
    runaways = [o for o in tally.outcomes if o.kind == "runaway"]
    failed = [o for o in tally.outcomes if o.status not in (200, 503)]
    assert not failed, f"{failed[:5]}\nserver log:\n{log}"
    unanswered = [o for o in cheap if o.status != 200]
    assert not unanswered, f"{unanswered[:5]}\nserver log:\n{log}"
    assert runaways and all(o.status == 503 for o in runaways), runaways[:5]
    assert all("batas waktu" in o.detail for o in runaways), runaways[:5]
    latencies = [o.seconds for o in cheap]
    assert len(latencies) >= 100, f"only {len(latencies)} cheap requests"
    p99 = percentile(latencies, 0.99)
    print(
        f"\n{len(cheap)} cheap requests (p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms), "
        f"{len(runaways)} runaways (all 503, timed out)"
    )
    assert p99 < 1.0, f"cheap p99 {p99:.2f} s"


REBUILD_CLIENTS = 4
LOAD_WAIT = 60.0  # seconds the clients may take to be answered, before and after the reload
ANSWERS_ON_THE_NEW_BUILD = 50  # per client, after the reload, before the load stops


@dataclass
class Answered:
    """How many answers each client of ``run_clients`` has had, counted from ``mark()``. A
    client that has made its MAX_REQUESTS has stopped, and counts as answered enough."""

    counts: list[int] = field(default_factory=lambda: [0] * REBUILD_CLIENTS)
    since: list[int] = field(default_factory=lambda: [0] * REBUILD_CLIENTS)

    def add(self, number: int) -> None:
        self.counts[number] += 1

    def mark(self) -> None:
        self.since = list(self.counts)

    def each_at_least(self, answers: int) -> bool:
        return all(
            now - then >= answers or now >= MAX_REQUESTS
            for now, then in zip(self.counts, self.since, strict=True)
        )


def rebuild_and_reload(store: Path, data: Path, answered: Answered) -> dict[str, object]:
    """Once every client is being answered, ``malang-kg build`` with extra data into ``store``
    and ``malang-kg reload``; then let each client be answered ANSWERS_ON_THE_NEW_BUILD times
    more, on the new build. The two commands' results."""
    steps: dict[str, object] = {}
    wait_until(
        lambda: answered.each_at_least(1), LOAD_WAIT, what="every client to be answered once"
    )
    data.mkdir()
    (data / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    steps["build"] = cli("build", "--store", str(store), "--data-dir", str(data), timeout=240)
    steps["reload"] = cli("reload", "--store", str(store), "--timeout", "60", timeout=90)
    answered.mark()
    wait_until(
        lambda: answered.each_at_least(ANSWERS_ON_THE_NEW_BUILD),
        LOAD_WAIT,
        what=f"every client to be answered {ANSWERS_ON_THE_NEW_BUILD} times on the new build",
    )
    return steps


def test_rebuild_and_reload_under_load_fail_no_request(live_store: Path, tmp_path: Path) -> None:
    """4 clients hammer the API and the endpoint while a new build is made and the server is
    reloaded onto it: every request answers 200, and afterwards the new data is served."""
    store = copy_store(live_store, tmp_path / "store")
    server = start_server(store, tmp_path, workers=2, query_timeout=10, rate_limit="off")
    tally = Tally()
    answered = Answered()
    steps: dict[str, object] = {}
    failures: list[BaseException] = []
    try:

        def work(number: int, session: requests.Session) -> None:
            rng = random.Random()
            timed(tally, "cheap", lambda: cheap_request(session, server, rng))
            answered.add(number)

        stop = threading.Event()

        def changer_work() -> None:
            try:
                steps.update(rebuild_and_reload(store, tmp_path / "extra", answered))
            except BaseException as error:  # a failed wait: raised again in the test's thread
                failures.append(error)
            finally:
                stop.set()

        changer = threading.Thread(target=changer_work, daemon=True)
        changer.start()
        # until the changer is done (bounded: 300 s at most)
        run_clients(REBUILD_CLIENTS, 300, work, stop)
        changer.join(timeout=10)
        if failures:
            raise failures[0]
        build = steps["build"]
        reload = steps["reload"]
        assert isinstance(build, subprocess.CompletedProcess) and build.returncode == 0, build
        assert isinstance(reload, subprocess.CompletedProcess) and reload.returncode == 0, reload
        with make_session() as session:
            response = session.get(
                server.sparql, params={"query": f"ASK {{ <{NEW_PLACE}> ?p ?o }}"}, timeout=30
            )
            assert parse_boolean(response) is True
    finally:
        server.stop()
    failed = [o for o in tally.outcomes if o.status != 200]
    assert len(tally.outcomes) >= 100, f"only {len(tally.outcomes)} requests"
    assert not failed, f"{len(failed)} of {len(tally.outcomes)} failed: {failed[:5]}"
    print(f"\n{len(tally.outcomes)} requests during the rebuild and reload, all 200")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_query_process_is_replaced(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """SIGKILL every query process of the (only) worker: the next requests all succeed, on
    fresh query processes, and /health and /metrics count the restarts."""
    server = start_server(live_store, tmp_path_factory.mktemp("kill-logs"), workers=1)
    try:
        with make_session() as session:
            before = session.get(server.url + "/health", timeout=30).json()["worker"]
            workers = children(server.process.pid)
            assert len(workers) == 1, workers
            query_processes = worker_query_processes(workers[0])
            assert len(query_processes) == before["query_processes"] >= 1
            for pid in query_processes:
                os.kill(pid, signal.SIGKILL)
            wait_until(
                lambda: not alive_among(query_processes),
                15,
                what=f"the killed query processes {query_processes} to end",
            )
            for number in range(3 * len(query_processes)):
                # Not a bounded lookup (its subject is a variable): it needs a query process.
                query = f"ASK {{ ?x ?p <{ID}kelurahan/samaan> }} # {number}"
                response = session.get(server.sparql, params={"query": query}, timeout=30)
                assert response.status_code == 200, describe(response)
                assert parse_boolean(response) is True
            after = session.get(server.url + "/health", timeout=30).json()["worker"]
            assert after["query_process_restarts"] > before["query_process_restarts"]
            assert not set(worker_query_processes(workers[0])) & set(query_processes)
            metrics = session.get(server.url + "/metrics", timeout=30).text
            restarts = [
                line
                for line in metrics.splitlines()
                if line.startswith("malang_kg_query_process_restarts_total ")
            ]
            assert restarts and float(restarts[0].split()[1]) >= 1
    finally:
        server.stop()
