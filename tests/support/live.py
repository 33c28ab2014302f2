"""Fixtures and helpers for the end-to-end tests against a running ``malang-kg serve``.

The root ``conftest.py`` loads this file as a plugin, which gives every test:

- ``live_server``: the real data built into a temporary store by ``malang-kg build`` and served by
  ``malang-kg serve`` (gunicorn, 3 workers, a 2 s query timeout) on a free loopback port, in a
  process group of its own, stopped (SIGTERM, then SIGKILL) when the session ends. A failing test
  that used it gets the tail of the server's log in its report.
- ``start_server(...)``: the same for other settings (the row-limit test starts one of its own).
- ``http``: a ``requests`` session that ignores proxy settings and fails the test as soon as any
  response body holds a Python traceback.
- ``connection_counter``: a loopback TCP listener that counts the connections it accepts, and
  answers each with a tiny HTTP 200 of Turtle, so a fetch the server made would "succeed"; a test
  proves no network connection was made by finding its count still 0.

Reading the server's answers is ``results.py``; its processes, ``processes.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BASE = "https://w3id.org/malang-kg/"
MK = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
GRAPH_AREAS = GRAPH + "data/areas"
GRAPH_PRESS = GRAPH + "data/press-release-2023-11-06"
GRAPH_CONCEPTS = GRAPH + "data/concepts"
GRAPH_ONTOLOGY = GRAPH + "ontology"
GRAPH_INFERRED = GRAPH + "inferred"
SAMAAN = ID + "kelurahan/samaan"  # asserted `a mk:Kelurahan` in the areas graph
AWARD = ID + "award/amh-2023-audiovisual-media"  # asserted `a mk:Award` in the press release
CATEGORY = ID + "award-category/audiovisual-media"  # asserted `a mk:AwardCategory` in concepts

HEALTH_WAIT = 60.0  # seconds the server may take to answer /health
REQUEST_TIMEOUT = 60.0  # seconds any single request of these tests may take
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
SETTLE_WAIT = 10.0  # seconds the connection counter may take to accept what is waiting
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/')


def without_proxies(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` less every proxy variable (either case): loopback traffic goes direct."""
    return {k: v for k, v in environ.items() if k.lower() not in PROXY_VARIABLES}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- the server under test ------------------------------------------------------------------


@dataclass
class LiveServer:
    """A running ``malang-kg serve``; ``url`` is its base, ``sparql`` its endpoint."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            return f"(no log: {error})"
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Workers or query processes left behind by a master that died: end the group anyway.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


_SERVERS: list[LiveServer] = []


def build_store(store: Path) -> None:
    """Build the real data into ``store`` with the CLI (bounded in time)."""
    result = subprocess.run(
        [str(BIN / "malang-kg"), "build", "--store", str(store)],
        cwd=ROOT,
        env=server_environ({}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"malang-kg build failed ({result.returncode}):\n{result.stderr[-4000:]}")


def server_environ(settings: dict[str, str]) -> dict[str, str]:
    environ = {
        k: v for k, v in without_proxies(dict(os.environ)).items() if not k.startswith("MALANG_KG_")
    }
    environ.update({"MALANG_KG_" + name: value for name, value in settings.items()})
    environ["PYTHONUNBUFFERED"] = "1"
    return environ


def start_server(
    store: Path, log_dir: Path, *, workers: int = 3, query_timeout: float = 2, **settings: str
) -> LiveServer:
    """Start ``malang-kg serve`` over ``store`` on a free loopback port and wait for /health.

    Each setting is passed as its CLI flag (``max_rows="5"`` → ``--max-rows 5``) and as its
    ``MALANG_KG_*`` variable. Fails the test, with the server's log, if it is not healthy in
    ``HEALTH_WAIT`` seconds."""
    port = free_port()
    flags: dict[str, str] = {
        "host": "127.0.0.1",
        "port": str(port),
        "workers": str(workers),
        "query_timeout": f"{query_timeout:g}",
        "store": str(store),
        # The suite sends thousands of queries, failing ones too, from one address: the
        # query-time budget is off unless a test sets it (tests/live/test_fair_use.py).
        "query_budget": "0",
        **settings,
    }
    command = [str(BIN / "malang-kg"), "serve"]
    for name, value in flags.items():
        command += ["--" + name.replace("_", "-"), value]
    log_path = log_dir / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_environ({name.upper(): value for name, value in flags.items()}),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    _SERVERS.append(server)
    wait_until_healthy(server, command)
    return server


def wait_until_healthy(server: LiveServer, command: list[str]) -> None:
    """Wait until ``server`` answers /health with its store loaded. If it exits first, or is not
    healthy within ``HEALTH_WAIT`` seconds, stop it and fail the test with its log."""
    shown = f"`{' '.join(command)}`"
    last = ["no answer"]
    with requests.Session() as session:
        session.trust_env = False

        def healthy() -> bool:
            if not server.alive():
                pytest.fail(
                    f"{shown} exited with code {server.process.returncode} before it was "
                    f"healthy (last /health: {last[0]}); its log:\n{server.log_tail()}"
                )
            response = session.get(server.url + "/health", timeout=2)
            last[0] = f"{response.status_code} {response.text[:200]}"
            return response.status_code == 200 and response.json().get("store_loaded") is True

        try:
            wait_until(
                healthy,
                HEALTH_WAIT,
                0.25,
                what=f"{shown} to be healthy",
                ignoring=(requests.RequestException, ValueError),
                details=lambda: f"last /health: {last[0]}; its log:\n{server.log_tail()}",
            )
        except BaseException:
            server.stop()
            raise


@pytest.fixture(scope="session")
def live_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("live-store")
    build_store(store)
    return store


@pytest.fixture(scope="session")
def live_server(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(live_store, tmp_path_factory.mktemp("live-logs"))
    try:
        yield server
    finally:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Attach the log of each server the failed test used to its report."""
    report = yield
    if report.failed:
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        for value in funcargs.values():
            if isinstance(value, LiveServer):
                report.sections.append((f"server log ({value.url})", value.log_tail()))
    return report


# --- HTTP -----------------------------------------------------------------------------------


def _no_trace(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    body = response.content.decode("utf-8", errors="replace")
    for marker in TRACE_MARKERS:
        assert marker not in body, (
            f"{response.request.method} {response.url} answered {response.status_code} "
            f"with a stack trace:\n{body[:3000]}"
        )


def make_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc: loopback only
    session.hooks["response"].append(_no_trace)
    return session


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with make_session() as session:
        yield session


# --- a listener that counts connections ---------------------------------------------------


@dataclass
class ConnectionCounter:
    """A loopback listener counting the TCP connections it accepted (see the module doc)."""

    port: int
    _sock: socket.socket
    _count: int = 0
    _quiet_rounds: int = 0  # accept() calls that found no connection waiting
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    ACCEPT_TIMEOUT = 0.1  # seconds one accept() call waits for a connection

    @property
    def url(self) -> str:
        """A URL on the listener, usable as a SPARQL endpoint, graph IRI or LOAD source."""
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    @property
    def quiet_rounds(self) -> int:
        with self._lock:
            return self._quiet_rounds

    def settled_count(self) -> int:
        """The count once every connection made before this call has been accepted: once an
        accept() begun after the call has found none waiting. (The second quiet round from now
        is such a call: the first may have begun before.) A connection the server made while it
        handled a request is complete by the time its answer has arrived, so none is missed."""
        start = self.quiet_rounds
        wait_until(
            lambda: self.quiet_rounds >= start + 2,
            SETTLE_WAIT,
            self.ACCEPT_TIMEOUT / 2,
            what="the connection counter to accept every connection made so far",
        )
        return self.count

    def serve(self) -> None:
        self._sock.settimeout(self.ACCEPT_TIMEOUT)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                with self._lock:
                    self._quiet_rounds += 1
                continue
            except OSError:
                return
            with self._lock:
                self._count += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    @staticmethod
    def _answer(conn: socket.socket) -> None:
        body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
        with conn:
            conn.settimeout(2)
            with contextlib.suppress(OSError):
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nConnection: close\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


@pytest.fixture
def connection_counter() -> Iterator[ConnectionCounter]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    counter = ConnectionCounter(port=sock.getsockname()[1], _sock=sock)
    thread = threading.Thread(target=counter.serve, name="connection-counter", daemon=True)
    thread.start()
    try:
        yield counter
    finally:
        counter.close()
        thread.join(timeout=5)


# --- misc -----------------------------------------------------------------------------------


def named_query(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path
