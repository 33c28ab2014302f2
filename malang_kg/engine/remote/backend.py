"""The remote backend: any SPARQL 1.1 query endpoint (Oxigraph server, Fuseki, Virtuoso…) behind
the same guard and limits as the embedded store. Syntax is checked locally, the dataset is sent
with every request, the answer is parsed as it streams and cut at the limits, and faults become
502/503/504 with a message for the client (the engine's own words go to the log). The build id,
graphs and count come from the description graph ``malang-kg publish`` writes."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from requests import RequestException
from urllib3.exceptions import HTTPError

from malang_kg.config import Settings
from malang_kg.engine import AskResult, GraphResult, QueryResult, Row, SelectResult
from malang_kg.engine.bindings import bind_values, with_base
from malang_kg.engine.errors import (
    BackendError,
    BackendTimeout,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
    dataset_prefixes,
    syntax_error,
)
from malang_kg.engine.job import Job
from malang_kg.engine.oxterms import collect_rows, collect_triples
from malang_kg.engine.remote.client import (
    ENGINE,
    BackendConfig,
    HttpClient,
    log,
    media_type,
    status_error,
)
from malang_kg.engine.tokens import query_form, tokenize
from malang_kg.engine.workers import QueryPool
from malang_kg.iris import DCTERMS, VOID, Layout

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # Virtuoso's name for N-Triples
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SYNTAX_CHECK_SECONDS = 1.0  # past it the query parsed (its evaluation on nothing began)
DESCRIPTION_MAX_AGE = 2.0  # seconds the build description is reused before it is read again
HEALTH_MAX_AGE = 0.5  # ``triples`` (``/health``) reads it at least this often
FALLBACK_COUNT_MAX_AGE = 60.0  # without a description graph, the count of triples is redone


class _Body(io.RawIOBase):
    """A response body as a stream for pyoxigraph's parsers: each read returns what the socket
    has (at most one read from it), so the deadline is checked as the answer arrives."""

    def __init__(self, response: Any, deadline: float) -> None:
        raw = response.raw
        self._read = getattr(raw, "read1", raw.read)  # urllib3 1.x has no read1
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if time.monotonic() > self._deadline:
            raise TimeoutError("past the query's deadline")
        data = self._read(min(len(buffer), 65_536), decode_content=True)
        buffer[: len(data)] = data
        return len(data)


def _socket_of(response: Any) -> socket.socket | None:
    """The socket a streamed response is read from (http.client hands it from the connection to
    the response when the answer ends with the connection)."""
    raw = response.raw
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is None:
        reader = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _shut(sock: socket.socket | None) -> None:
    """Shut ``sock``, waking a read blocked on it (the deadline has passed)."""
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_EMPTY: list[ox.Store] = []


def check_syntax(request: tuple[str, str | None]) -> None:
    """In a query process: parse ``text`` as Oxigraph does, on an empty store."""
    text, base_iri = request
    if not _EMPTY:
        _EMPTY.append(ox.Store())
    try:
        _EMPTY[0].query(text, base_iri=base_iri, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise syntax_error(error, text, dataset_prefixes(base_iri)) from None
    except (ValueError, RuntimeError):
        pass  # it parsed; whether it runs is the engine's to say


@dataclass(frozen=True)
class Description:
    build_id: str
    graphs: tuple[str, ...]
    triples: int
    published: bool  # False: no description graph, graphs and count read from the engine
    fetched: float  # time.monotonic()


class RemoteBackend:
    def __init__(
        self, config: BackendConfig, base_iri: str, memory_mb: int = 1024, processes: int = 1
    ) -> None:
        if not config.query_url:
            raise ValueError("a remote backend needs a query URL (MALANG_KG_BACKEND_URL)")
        self.config = config
        self.query_url = config.query_url
        self.base_iri = base_iri
        self.client = HttpClient(config, pool_size=max(4, processes * 2))
        self.pool = QueryPool(check_syntax, memory_mb, processes)
        self._description: Description | None = None
        self._lock = threading.Lock()
        reference = weakref.ref(self)

        def after_fork() -> None:
            backend = reference()
            if backend is not None:
                backend._lock = threading.Lock()

        os.register_at_fork(after_in_child=after_fork)

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteBackend:
        return cls(
            BackendConfig.from_settings(settings),
            settings.base_iri,
            settings.query_memory_mb,
            processes=settings.threads,
        )

    def start(self) -> None:
        """Fork the syntax-check processes now, before the serving process starts threads."""
        self.pool.start()

    # --- the build description --------------------------------------------------------------

    def _description_now(self, max_age: float) -> Description:
        with self._lock:
            current = self._description
            if current is not None and time.monotonic() - current.fetched < max_age:
                return current
            self._description = self._read_description(current)
            return self._description

    def _read_description(self, previous: Description | None) -> Description:
        graph = ox.NamedNode(Layout(self.base_iri).build_graph)
        rows = self.own_select(
            f"SELECT ?id ?triples ?graph ?n WHERE {{ GRAPH {graph} {{\n"
            f"  {graph} <{DCTERMS}identifier> ?id ; <{VOID}triples> ?triples .\n"
            f"  OPTIONAL {{ {graph} <{DCTERMS}hasPart> ?graph . ?graph <{VOID}triples> ?n }}\n"
            "} }"
        )
        now = time.monotonic()
        if rows:
            graphs = sorted({row["graph"].value for row in rows if "graph" in row})
            return Description(
                rows[0]["id"].value, tuple(graphs), int(rows[0]["triples"].value), True, now
            )
        # Not published with `malang-kg publish`: the engine's named graphs, counted.
        names = self.own_select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        graphs = sorted(r["g"].value for r in names if r["g"].value != graph.value)
        if (
            previous is not None
            and not previous.published
            and previous.graphs == tuple(graphs)
            and now - previous.fetched < FALLBACK_COUNT_MAX_AGE
        ):
            return Description(previous.build_id, previous.graphs, previous.triples, False, now)
        count = self.own_select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {graph}) }}"
        )
        triples = int(count[0]["n"].value) if count else 0
        digest = hashlib.sha256("\n".join([*graphs, str(triples)]).encode()).hexdigest()
        return Description(f"unpublished-{digest[:12]}", tuple(graphs), triples, False, now)

    def own_select(self, text: str) -> list[Row]:
        """A query of the service's own (plain, trusted text) over the engine's whole dataset."""
        timeout = self.config.timeout
        result = self._query(text, [], timeout, time.monotonic() + timeout, 1_000_000, own=True)
        if not isinstance(result, SelectResult):
            raise BackendError(f"{ENGINE} answered a SELECT with something else")
        return result.rows

    @property
    def build_id(self) -> str:
        try:
            return self._description_now(DESCRIPTION_MAX_AGE).build_id
        except QueryError:
            return self._description.build_id if self._description else "unavailable"

    @property
    def graphs(self) -> tuple[str, ...]:
        return self._description_now(DESCRIPTION_MAX_AGE).graphs

    @property
    def triples(self) -> int:
        return self._description_now(HEALTH_MAX_AGE).triples

    # --- queries ------------------------------------------------------------------------------

    def run_all(self, jobs: Sequence[Job], timeout: float) -> list[QueryResult]:
        """Each job in turn, within one deadline (the engine answers one request at a time)."""
        deadline = time.monotonic() + timeout
        return [self.run(job, max(0.1, deadline - time.monotonic())) for job in jobs]

    def run(self, job: Job, timeout: float) -> QueryResult:
        deadline = time.monotonic() + timeout
        # A check that runs out of time or memory was evaluating the query on nothing: it parsed.
        with contextlib.suppress(QueryTimeout, QueryResourceExceeded):
            self.pool.run((job.text, job.base_iri), min(SYNTAX_CHECK_SECONDS, timeout))
        text = with_base(bind_values(job.text, job.bindings), job.base_iri)
        dataset: list[tuple[str, str]] = []
        if job.default_graphs is not None or job.named_graphs is not None:
            dataset += [("default-graph-uri", g) for g in job.default_graphs or ()]
            dataset += [("named-graph-uri", g) for g in job.named_graphs or ()]
        elif job.union_default_graph:
            graphs = self.graphs
            dataset += [("default-graph-uri", g) for g in graphs]
            dataset += [("named-graph-uri", g) for g in graphs]
        if time.monotonic() >= deadline:
            raise _timed_out(timeout)
        return self._query(text, dataset, timeout, deadline, job.max_rows, own=False)

    def _query(
        self,
        text: str,
        dataset: list[tuple[str, str]],
        timeout: float,
        deadline: float,
        max_rows: int,
        own: bool,
    ) -> QueryResult:
        found = tokenize(text)
        form = query_form(found)
        graph_form = form in ("construct", "describe")
        started = time.perf_counter()
        try:
            response = self.client.request(
                "POST",
                self.query_url,
                max(0.01, deadline - time.monotonic()),
                data=[("query", text), *dataset],
                headers={"Accept": GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT},
                stream=True,
            )
        except BackendTimeout:
            if own or time.monotonic() < deadline:
                raise
            raise _timed_out(timeout) from None
        sock = _socket_of(response)
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, (sock,))
        watchdog.daemon = True
        watchdog.start()
        try:
            if not 200 <= response.status_code < 300:
                error = status_error(response, f"query to {self.query_url}")
                if response.status_code == 400 and not own:
                    raise QueryError(f"{ENGINE} could not run this query (HTTP 400)")
                raise error
            body = _Body(response, deadline)
            try:
                return _parse(response, body, form, max_rows, started)
            except (
                OSError,
                SyntaxError,
                ValueError,
                RuntimeError,
                RequestException,
                HTTPError,
            ) as error:
                if time.monotonic() >= deadline and not own:
                    raise _timed_out(timeout) from None
                if time.monotonic() >= deadline:
                    raise BackendTimeout(f"{ENGINE} did not answer in time") from None
                log.warning("reading the answer of %s: %s: %s", self.query_url, type(error), error)
                raise BackendError(f"{ENGINE} sent an answer that could not be read") from None
        finally:
            watchdog.cancel()
            response.close()


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query timed out: it ran longer than the {timeout:g} s a query may run and was "
        "abandoned; make it more selective or add a LIMIT",
        limit_seconds=timeout,
    )


def _parse(response: Any, body: _Body, form: str, max_rows: int, started: float) -> QueryResult:
    kind = media_type(response)
    if form in ("construct", "describe"):
        if kind not in GRAPH_FORMATS:
            raise ValueError(f"unexpected content type {kind!r}")
        triples, cut = collect_triples(
            ox.parse(io.BufferedReader(body), format=GRAPH_FORMATS[kind]), max_rows
        )
        return GraphResult(triples, cut, time.perf_counter() - started)
    if kind not in RESULTS_FORMATS:
        raise ValueError(f"unexpected content type {kind!r}")
    parsed = ox.parse_query_results(io.BufferedReader(body), format=RESULTS_FORMATS[kind])
    if isinstance(parsed, ox.QueryBoolean):
        return AskResult(bool(parsed), time.perf_counter() - started)
    if form == "ask":  # Virtuoso may answer an ASK as one row of ?__ASK_RETVAL 1, or none
        value = any(str(cell.value) not in ("0", "false") for row in parsed for cell in row if cell)
        return AskResult(value, time.perf_counter() - started)
    columns = [variable.value for variable in parsed.variables]
    rows, cut = collect_rows(parsed, max_rows)
    return SelectResult(columns, rows, cut, time.perf_counter() - started)
