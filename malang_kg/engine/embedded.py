"""The embedded backend: pyoxigraph over a build, read-only from the build's on-disk store in
each query process, or loaded into memory once before the workers fork (``SERVE_FROM``; see
``docs/design.md``). The default graph is the union of all named graphs unless the query or the
request names its own dataset."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from malang_kg.engine import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    TsvResult,
)
from malang_kg.engine.bindings import bind_values
from malang_kg.engine.bounded import WORK_BUDGET, within_budget
from malang_kg.engine.errors import QueryError, dataset_prefixes, syntax_error
from malang_kg.engine.job import Job
from malang_kg.engine.oxterms import collect_rows, collect_triples, tsv_lines
from malang_kg.engine.workers import QueryPool
from malang_kg.store.builds import (
    DATASET_FILE,
    STORE_DIR,
    Manifest,
    current_build_dir,
    read_manifest,
)

AUTO_MEMORY_QUADS = 250_000


def serves_from_memory(serve_from: str, quads: int) -> bool:
    """Whether SERVE_FROM (``auto``, ``disk`` or ``memory``) means memory for a build of
    ``quads``."""
    if serve_from == "auto":
        return quads <= AUTO_MEMORY_QUADS
    return serve_from == "memory"


def answer(store: ox.Store, job: Job) -> QueryResult:
    """Run one job on ``store`` (inside a query process). Values are bound as ``VALUES``
    (``bindings.py``), not through Oxigraph's ``substitutions``, which its planner cannot see."""
    started = time.perf_counter()
    options: dict[str, object] = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    else:
        options["use_default_graph_as_union"] = job.union_default_graph
    text = bind_values(job.text, job.bindings)
    try:
        result = store.query(text, **options)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise syntax_error(error, text, dataset_prefixes(job.base_iri)) from None
    except (ValueError, RuntimeError) as error:
        raise QueryError(f"the query cannot be run: {str(error)[:300]}") from None
    if isinstance(result, ox.QueryBoolean):
        return AskResult(bool(result), time.perf_counter() - started)
    if isinstance(result, ox.QuerySolutions):
        columns = [variable.value for variable in result.variables]
        if job.as_tsv:
            tsv, cut = tsv_lines(result, job.max_rows)
            return TsvResult(columns, tsv, cut, time.perf_counter() - started)
        rows, cut = collect_rows(result, job.max_rows)
        return SelectResult(columns, rows, cut, time.perf_counter() - started)
    triples, cut = collect_triples(result, job.max_rows)
    return GraphResult(triples, cut, time.perf_counter() - started)


Outcome = tuple[QueryResult | None, QueryError | None]  # a batch's answer, or its error


def _outcome(store: ox.Store, job: Job) -> Outcome:
    try:
        return answer(store, job), None
    except QueryError as error:
        return None, error


class EmbeddedBackend:
    def __init__(
        self,
        build_dir: Path,
        memory_mb: int = 1024,
        processes: int = 1,
        serve_from: str = "auto",
    ) -> None:
        self.build_dir = build_dir
        self.manifest: Manifest = read_manifest(build_dir)
        self.in_memory = (
            serves_from_memory(serve_from, self.manifest.triples)
            or not (build_dir / STORE_DIR).is_dir()
        )
        self._store: ox.Store | None = None
        self._opened_by = -1
        if self.in_memory:
            self._open()  # now, in the process that forks the others: they share the copy
        self._graphs = tuple(sorted(g.iri for g in self.manifest.graphs if g.triples))
        self.pool = QueryPool(self._answer, memory_mb, processes, prepare=self._open)
        self.in_process = 0  # bounded lookups answered without a query process

    @classmethod
    def from_store(
        cls, store: Path, memory_mb: int = 1024, processes: int = 1, serve_from: str = "auto"
    ) -> EmbeddedBackend:
        return cls(current_build_dir(store), memory_mb, processes, serve_from)

    def _open(self) -> ox.Store:
        """This process's store: the in-memory copy, or a read-only handle opened by it."""
        if self._store is not None and (self.in_memory or self._opened_by == os.getpid()):
            return self._store
        if self.in_memory:
            store = ox.Store()
            store.bulk_load(path=self.build_dir / DATASET_FILE, format=ox.RdfFormat.N_QUADS)
        else:
            store = ox.Store.read_only(str(self.build_dir / STORE_DIR))
        self._store, self._opened_by = store, os.getpid()
        return store

    @property
    def store(self) -> ox.Store:
        """This process's store. From disk, only a process that forks no query process may ask
        for it: RocksDB's threads and locks do not survive ``fork``, and a child that opens it
        after its parent did can hang (the query processes open it themselves)."""
        return self._open()

    def _answer(self, job: Job | tuple[Job, ...]) -> QueryResult | list[Outcome]:
        """In a query process: one job's answer, or each answer (or error) of a batch."""
        if isinstance(job, Job):
            return answer(self._open(), job)
        return [_outcome(self._open(), one) for one in job]

    @property
    def build_id(self) -> str:
        return self.manifest.build_id

    @property
    def triples(self) -> int:
        return self.manifest.triples

    @property
    def graphs(self) -> tuple[str, ...]:
        return self._graphs

    def run(self, job: Job, timeout: float) -> QueryResult:
        """Answer ``job``: a bounded lookup in this process when the store is in memory and
        its subjects' triples are few enough (``bounded.py``), anything else in a query
        process."""
        if self.in_memory and job.subjects is not None and self._bounded(job.subjects):
            self.in_process += 1
            return answer(self._open(), job)
        result: QueryResult = self.pool.run(job, timeout)
        return result

    def run_all(self, jobs: Sequence[Job], timeout: float) -> list[QueryResult]:
        """Answer ``jobs`` (each as ``run`` would) with at most one trip to a query process: the
        bounded lookups here, the others together as one batch within one deadline. Raises the
        first job's error, if any."""
        answers: dict[int, QueryResult] = {}
        rest: list[int] = []
        for index, job in enumerate(jobs):
            if self.in_memory and job.subjects is not None and self._bounded(job.subjects):
                self.in_process += 1
                answers[index] = answer(self._open(), job)
            else:
                rest.append(index)
        if len(rest) == 1:
            answers[rest[0]] = self.pool.run(jobs[rest[0]], timeout)
        elif rest:
            outcomes: list[Outcome] = self.pool.run(tuple(jobs[i] for i in rest), timeout)
            for index, (result, error) in zip(rest, outcomes, strict=True):
                if error is not None:
                    raise error
                answers[index] = result  # type: ignore[assignment]
        return [answers[index] for index in range(len(jobs))]

    def _bounded(self, subjects: tuple[str, ...]) -> bool:
        store = self._open()
        degrees = []
        for iri in subjects:
            try:
                quads = store.quads_for_pattern(ox.NamedNode(iri), None, None, None)
            except ValueError:
                return False
            degrees.append(sum(1 for _ in itertools.islice(quads, WORK_BUDGET + 1)))
        return within_budget(degrees)

    def start(self) -> None:
        """Fork the query processes now, before the serving process starts threads."""
        self.pool.start()
