"""The embedded backend: pyoxigraph over a build, read-only from the build's on-disk store in
each process that answers (query processes, and a started serving process for its bounded
lookups), or loaded into memory once before the workers fork (``SERVE_FROM``; see
``docs/design.md``). The default graph is the union of all named graphs unless the query or the
request names its own dataset."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
from malang_kg.engine.cache import Memo
from malang_kg.engine.errors import (
    BackendUnavailable,
    QueryError,
    dataset_prefixes,
    syntax_error,
)
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
DEGREES = 20_000  # subjects whose number of quads a serving process remembers


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
        self.pool = QueryPool(
            self._answer, memory_mb, processes, prepare=self._open, forkable=self._may_fork
        )
        self.in_process = 0  # bounded lookups answered without a query process
        self._started_by = -1  # the process that ``start``ed: it reads the on-disk store itself
        self._degrees = Memo(DEGREES)  # subject → quads (``_degree``)
        # Called when this process can no longer make query processes (``start``).
        self.on_broken: Callable[[], None] | None = None

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
        """This process's store. From disk, only a process that forks nothing may ask for it:
        RocksDB's threads and locks do not survive ``fork``, and a child that opens it after its
        parent did can hang (query processes open it themselves, forked by a zygote that was
        forked before; see ``start``)."""
        return self._open()

    def _may_fork(self) -> bool:
        """Whether this process may fork (a zygote): not once it has opened the on-disk store."""
        return self.in_memory or self._store is None or self._opened_by != os.getpid()

    def _local(self, job: Job) -> bool:
        """Whether ``job`` is a bounded lookup this process answers itself (``bounded.py``):
        from memory, or from disk once ``start`` has made the zygote that forks its query
        processes from then on."""
        here = self.in_memory or self._started_by == os.getpid()
        return here and job.subjects is not None and self._bounded(job.subjects)

    def _submit(self, job: Job | tuple[Job, ...]) -> Callable[[float], Any]:
        """Send ``job`` to a query process; the function returned waits for the answer."""
        try:
            return self.pool.submit(job)
        except BackendUnavailable:  # its zygote is gone: the process must be replaced
            if self.on_broken is not None:
                self.on_broken()
            raise

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
        """Answer ``job``: a bounded lookup in this process (``_local``), anything else in a
        query process."""
        if self._local(job):
            self.in_process += 1
            return answer(self._open(), job)
        result: QueryResult = self._submit(job)(timeout)
        return result

    def run_all(self, jobs: Sequence[Job], timeout: float) -> list[QueryResult]:
        """Answer ``jobs`` (each as ``run`` would) with at most one trip to a query process: the
        others are sent first, as one batch within one deadline, and the bounded lookups are
        answered here while the query process works. Raises the first job's error, if any."""
        here = [self._local(job) for job in jobs]
        rest = tuple(job for job, local in zip(jobs, here, strict=True) if not local)
        waiting = self._submit(rest) if rest else None
        answered: list[Outcome] = []
        try:
            for job, local in zip(jobs, here, strict=True):
                if local:
                    self.in_process += 1
                    answered.append(_outcome(self._open(), job))
        finally:
            pooled: list[Outcome] = waiting(timeout) if waiting is not None else []
        mine, theirs = iter(answered), iter(pooled)
        results: list[QueryResult] = []
        for local in here:
            result, error = next(mine) if local else next(theirs)
            if error is not None:
                raise error
            assert result is not None
            results.append(result)
        return results

    def _bounded(self, subjects: tuple[str, ...]) -> bool:
        degrees = [self._degree(iri) for iri in subjects]
        return min(degrees, default=0) >= 0 and within_budget(degrees)

    def _degree(self, iri: str) -> int:
        """How many quads ``iri`` is the subject of, counted up to just past the work budget
        (remembered: from disk, a hub's count reads thousands of quads); -1 for an IRI that
        Oxigraph refuses."""

        def count() -> int:
            try:
                quads = self._open().quads_for_pattern(ox.NamedNode(iri), None, None, None)
            except ValueError:
                return -1
            return sum(1 for _ in itertools.islice(quads, WORK_BUDGET + 1))

        degree: int = self._degrees.get_or_compute(self.build_id, iri, count)
        return degree

    def start(self) -> None:
        """Fork the zygote and the query processes now, before the serving process starts
        threads. From then on this process answers bounded lookups from the on-disk store
        itself too: every later query process comes from the zygote, so it may open RocksDB."""
        self.pool.start()
        self._started_by = os.getpid()
