"""Fixtures for the backend-mode tests: the service on a real ``oxigraph serve``.

The root ``conftest.py`` loads this file as a plugin, which gives:

- ``start_oxigraph(location, log_dir)``: ``oxigraph serve`` (the PyPI package ``oxigraph``, a dev
  dependency) on a free loopback port over a directory, in a process group of its own; ``stop()``
  and ``start()`` it again on the same port and data, as the fault tests do.
- ``publish_into(server, store)``: ``malang-kg publish`` of the build in ``store`` into it.
- ``oxigraph``: one such server for the session, filled from the suite's build (``built``);
  ``backend_settings`` are the suite's settings pointing at it, ``remote_engine`` the query
  service over it, as ``create_app`` makes it when MALANG_KG_BACKEND_URL is set.

The ``test_backend_*`` modules that rerun other suites import those suites' tests and override
``engine`` with ``remote_engine``, so the same tests run against the service in backend mode.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import remote_service
from tests.support.live import (
    BIN,
    ROOT,
    LiveServer,
    free_port,
    server_environ,
    wait_until_healthy,
)
from tests.support.polling import wait_until

OXIGRAPH = BIN / "oxigraph"
START_WAIT = 30.0  # seconds oxigraph serve may take to answer
VIRTUOSO_START_WAIT = 120.0  # seconds virtuoso-t may take to answer


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` over ``location`` on ``127.0.0.1:port``."""

    location: Path
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def start(self) -> None:
        if not OXIGRAPH.is_file():
            pytest.fail(f"{OXIGRAPH} is missing: `make venv` installs the oxigraph package")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(str(OXIGRAPH), "serve", "--location", str(self.location)),
                    *("--bind", f"127.0.0.1:{self.port}"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_answering(
                self.process,
                self.query_url,
                name="oxigraph serve",
                log=self.log_text,
                timeout=START_WAIT,
                interval=0.1,
                ask_timeout=2,
            )
        except BaseException:
            self.stop()
            raise

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def count(self, graph: str | None = None) -> int:
        """Triples in ``graph`` (or in every named graph), asked of the engine directly."""
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        with requests.Session() as session:
            session.trust_env = False
            answer = session.post(
                self.query_url,
                data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
        answer.raise_for_status()
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def wait_until_answering(
    process: subprocess.Popen[bytes],
    query_url: str,
    *,
    name: str,
    log: Callable[[], str],
    timeout: float,
    interval: float,
    ask_timeout: float,
) -> None:
    """Wait until the SPARQL endpoint ``query_url`` of the engine run by ``process`` answers
    ``ASK {}`` with 200; fail the test with the engine's ``log`` if it exits first or does not
    answer within ``timeout`` seconds."""
    with requests.Session() as session:
        session.trust_env = False

        def answering() -> bool:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with code {process.returncode}; its log:\n{log()}")
            answer = session.get(query_url, params={"query": "ASK {}"}, timeout=ask_timeout)
            return answer.status_code == 200

        wait_until(
            answering,
            timeout,
            interval,
            what=f"{name} to answer at {query_url}",
            ignoring=(requests.RequestException,),
            details=lambda: "its log:\n" + log(),
        )


def start_oxigraph(location: Path, log_dir: Path) -> OxigraphServer:
    location.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = OxigraphServer(location, port, log_dir / f"oxigraph-{port}.log")
    server.start()
    return server


def publish_into(
    server: OxigraphServer, store: Path, *extra: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``malang-kg publish`` of the current build of ``store`` into ``server``."""
    command = [str(BIN / "malang-kg"), "publish", "--store", str(store)]
    command += ["--backend-url", server.query_url, "--backend-store-url", server.store_url]
    result = subprocess.run(
        [*command, *extra],
        cwd=ROOT,
        env=server_environ({}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"malang-kg publish failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def backend_settings_for(settings: Settings, server: OxigraphServer, **values: object) -> Settings:
    return dataclasses.replace(settings, backend_url=server.query_url, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def oxigraph(
    built: tuple[Settings, Manifest], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer]:
    server = start_oxigraph(
        tmp_path_factory.mktemp("oxigraph-data"), tmp_path_factory.mktemp("oxigraph-logs")
    )
    try:
        publish_into(server, built[0].store)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def backend_settings(built: tuple[Settings, Manifest], oxigraph: OxigraphServer) -> Settings:
    return backend_settings_for(built[0], oxigraph)


@pytest.fixture(scope="session")
def remote_engine(backend_settings: Settings) -> QueryService:
    return remote_service(backend_settings)


def start_backend_server(
    store: Path, log_dir: Path, engine: OxigraphServer, **settings: str
) -> LiveServer:
    """``malang-kg serve`` over ``store`` in backend mode (MALANG_KG_BACKEND_URL: ``engine``) on
    a free loopback port, 2 workers; waits for /health."""
    port = free_port()
    command = [str(BIN / "malang-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "2", "--query-timeout", "2", "--store", str(store)]
    environ = server_environ({"BACKEND_URL": engine.query_url, **settings})
    log_path = log_dir / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    wait_until_healthy(server, command)
    return server


# --- Virtuoso (optional: where Debian's virtuoso-opensource is installed) ---------------------

VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


@dataclass
class VirtuosoServer:
    """``virtuoso-t`` in the foreground over a fresh database in ``directory``; its SPARQL
    endpoint answers anyone, its ``/sparql-auth`` takes updates from ``dba`` (digest)."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql-auth"

    def start(self) -> None:
        assert VIRTUOSO is not None
        ini = self.directory / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(d=self.directory, sql=free_port(), http=self.port))
        with (self.directory / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                [VIRTUOSO, "-f", "-c", str(ini)],
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_answering(
                self.process,
                self.query_url,
                name="virtuoso-t",
                log=(self.directory / "virtuoso.log").read_text,
                timeout=VIRTUOSO_START_WAIT,
                interval=0.5,
                ask_timeout=5,
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def publish_into_virtuoso(server: VirtuosoServer, store: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "malang-kg"), "publish", "--store", str(store)]
    command += ["--backend-url", server.query_url, "--backend-update-url", server.update_url]
    command += ["--backend-user", "dba", "--batch-size", "2000"]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=server_environ({"BACKEND_PASSWORD": "dba"}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"malang-kg publish to Virtuoso failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def virtuoso(
    built: tuple[Settings, Manifest], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VirtuosoServer]:
    if VIRTUOSO is None:
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), free_port())
    server.start()
    try:
        publish_into_virtuoso(server, built[0].store)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_engine(built: tuple[Settings, Manifest], virtuoso: VirtuosoServer) -> QueryService:
    return remote_service(dataclasses.replace(built[0], backend_url=virtuoso.query_url))
