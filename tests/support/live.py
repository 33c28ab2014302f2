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
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import rdflib
import requests

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

SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
TABULAR_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
QUAD_TYPES = ("application/trig", "application/n-quads")
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
    deadline = time.monotonic() + HEALTH_WAIT
    last = "no answer"
    with requests.Session() as session:
        session.trust_env = False
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                response = session.get(server.url + "/health", timeout=2)
                last = f"{response.status_code} {response.text[:200]}"
                if response.status_code == 200 and response.json().get("store_loaded") is True:
                    return server
            except (requests.RequestException, ValueError) as error:
                last = type(error).__name__
            time.sleep(0.25)
    server.stop()
    pytest.fail(
        f"`{' '.join(command)}` was not healthy within {HEALTH_WAIT:g} s "
        f"(exit code {process.returncode}, last /health: {last}); its log:\n{server.log_tail()}"
    )


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


def _proc_stats() -> dict[int, tuple[str, int, int]]:
    """pid → (state, parent pid, process group) of every process, from /proc (Linux)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
        stats[int(entry.name)] = (fields[0], int(fields[1]), int(fields[2]))
    return stats


def children(pid: int) -> list[int]:
    """The live (not zombie) child processes of ``pid``."""
    return [p for p, (state, ppid, _) in _proc_stats().items() if ppid == pid and state != "Z"]


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``."""
    return [p for p, (state, _, group) in _proc_stats().items() if group == pgid and state != "Z"]


def alive(pid: int) -> bool:
    state = _proc_stats().get(pid)
    return state is not None and state[0] != "Z"


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


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def describe(response: requests.Response) -> str:
    """A short description of a response for assertion messages."""
    target = response.url if len(response.url) <= 200 else response.url[:200] + "…"
    return (
        f"{response.request.method} {target} -> {response.status_code} "
        f"{response.headers.get('Content-Type')}: {response.text[:500]!r}"
    )


def parse_boolean(response: requests.Response) -> bool:
    """The boolean of an ASK result in SPARQL JSON or XML."""
    kind = media_type(response)
    assert kind in BOOLEAN_TYPES, describe(response)
    if kind == "application/sparql-results+json":
        value = response.json()["boolean"]
        assert isinstance(value, bool), describe(response)
        return value
    element = ET.fromstring(response.content).find(f"{SPARQL_RESULTS_NS}boolean")
    assert element is not None and element.text in ("true", "false"), describe(response)
    return element.text == "true"


def parse_table(response: requests.Response) -> tuple[list[str], list[dict[str, str]]]:
    """Variables and rows (variable → lexical value or IRI) of a SELECT result in any of the
    four tabular formats; unbound values are left out of a row."""
    kind = media_type(response)
    assert kind in TABULAR_TYPES, describe(response)
    if kind == "application/sparql-results+json":
        document = response.json()
        names = list(document["head"]["vars"])
        rows = [
            {name: str(cell["value"]) for name, cell in binding.items()}
            for binding in document["results"]["bindings"]
        ]
        return names, rows
    if kind == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        names = [v.attrib["name"] for v in root.iter(f"{SPARQL_RESULTS_NS}variable")]
        rows = []
        for result in root.iter(f"{SPARQL_RESULTS_NS}result"):
            row = {}
            for binding in result.findall(f"{SPARQL_RESULTS_NS}binding"):
                value = next(iter(binding))
                row[binding.attrib["name"]] = value.text or ""
            rows.append(row)
        return names, rows
    text = response.content.decode("utf-8")
    if kind == "text/csv":
        reader = list(csv.reader(io.StringIO(text)))
        names = reader[0]
        return names, [{n: v for n, v in zip(names, r, strict=True) if v} for r in reader[1:]]
    lines = text.splitlines()  # TSV: ?-prefixed header, terms in SPARQL syntax
    names = [name.lstrip("?") for name in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append({n: _tsv_value(v) for n, v in zip(names, cells, strict=True) if v})
    return names, rows


def _tsv_value(term: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    match = re.fullmatch(r'"(.*)"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?', term, re.DOTALL)
    return match.group(1) if match else term


def parse_rdf(response: requests.Response) -> rdflib.Graph:
    """The triples of a CONSTRUCT/DESCRIBE result or service description, in any of the six
    formats, parsed with rdflib (the quads of TriG and N-Quads merged into one graph)."""
    kind = media_type(response)
    assert kind in RDF_TYPES, describe(response)
    graph = rdflib.Graph()
    with warnings.catch_warnings():  # rdflib's JSON-LD and quad parsers use deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        if kind not in QUAD_TYPES:
            graph.parse(data=response.content, format=RDF_TYPES[kind], publicID=response.url)
            return graph
        dataset = rdflib.Dataset()
        dataset.parse(data=response.content, format=RDF_TYPES[kind], publicID=response.url)
        for subject, predicate, value, _ in dataset.quads((None, None, None, None)):
            graph.add((subject, predicate, value))
    return graph


def error_message(response: requests.Response) -> str:
    """The text an error response shows (the JSON ``message`` or the whole body)."""
    if media_type(response) == "application/json":
        with contextlib.suppress(ValueError):
            document = response.json()
            if isinstance(document, dict) and "message" in document:
                return str(document["message"])
    return response.text


def is_4xx(status: int) -> bool:
    return 400 <= status < 500


# --- a listener that counts connections ---------------------------------------------------


@dataclass
class ConnectionCounter:
    """A loopback listener counting the TCP connections it accepted (see the module doc)."""

    port: int
    _sock: socket.socket
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        """A URL on the listener, usable as a SPARQL endpoint, graph IRI or LOAD source."""
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def settled_count(self, grace: float = 0.3) -> int:
        """The count after a short grace for a connection the server might make late."""
        time.sleep(grace)
        return self.count

    def serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
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
