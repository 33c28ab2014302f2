"""``QueryService``: the one path every query takes, from the SPARQL endpoint, the pages, the
named queries and the dataset description alike: the guard, then the result cache, then the
backend, within the limits of the settings. It also keeps what is derived from one build (the
search index, the description's counts…) in a per-build memo, so nothing is computed twice."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Protocol, TypeVar

from malang_kg.config import Settings
from malang_kg.engine.bounded import bound_subjects, holds_large_answer
from malang_kg.engine.cache import CacheKey, Memo, ResultCache
from malang_kg.engine.errors import QueryError, QueryRejected, QueryTimeout
from malang_kg.engine.guard import Prepared, check
from malang_kg.engine.job import Job
from malang_kg.engine.types import AskResult, QueryRequest, QueryResult, SelectResult, Term

T = TypeVar("T")


class _ForkSafeSemaphore:
    """A semaphore that a forked child gets afresh (the parent's may be held by its threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._semaphore = threading.BoundedSemaphore(size)
        self._pid = os.getpid()

    def _current(self) -> threading.BoundedSemaphore:
        if self._pid != os.getpid():
            self._semaphore, self._pid = threading.BoundedSemaphore(self.size), os.getpid()
        return self._semaphore

    def acquire(self, timeout: float) -> bool:
        return self._current().acquire(timeout=timeout)

    def release(self) -> None:
        self._current().release()


class Backend(Protocol):
    @property
    def build_id(self) -> str: ...

    @property
    def triples(self) -> int: ...

    @property
    def graphs(self) -> tuple[str, ...]: ...

    def run(self, job: Job, timeout: float) -> QueryResult: ...

    def run_all(self, jobs: Sequence[Job], timeout: float) -> list[QueryResult]: ...


class QueryService:
    def __init__(self, backend: Backend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings
        self.base_iri = settings.base_iri  # relative IRIs in queries resolve against it
        self.cache = ResultCache(settings.cache_mb * 2**20)
        self.memo = Memo()
        self.large = _ForkSafeSemaphore(settings.large_answers)

    @property
    def build_id(self) -> str:
        return self.backend.build_id

    @property
    def triples(self) -> int:
        return self.backend.triples

    @property
    def graphs(self) -> tuple[str, ...]:
        return self.backend.graphs

    def _check_graphs(self, where: str, graphs: tuple[str, ...] | None) -> None:
        unknown = [g for g in graphs or () if g not in self.graphs]
        if unknown:
            raise QueryRejected(
                f"{where} <{unknown[0]}> is not a graph of this dataset (nothing is ever fetched); "
                f"its graphs are: {', '.join(f'<{g}>' for g in self.graphs)}",
                reason="unknown-graph",
                subject=unknown[0],
                choices=self.graphs,
            )

    def check(self, request: QueryRequest) -> Prepared:
        """The guard alone: raises QueryError if the query may not run."""
        limits = self.settings
        prepared = check(request.text, limits.max_query_bytes, limits.max_nesting, self.base_iri)
        self._check_graphs("FROM", prepared.from_graphs)
        self._check_graphs("FROM NAMED", prepared.from_named_graphs)
        self._check_graphs("default-graph-uri", request.default_graphs)
        self._check_graphs("named-graph-uri", request.named_graphs)
        return prepared

    def max_rows(self, request: QueryRequest) -> int:
        """The row limit of ``request``: its own, if any, within the service's."""
        limit = self.settings.max_rows
        return min(request.max_rows, limit) if request.max_rows else limit

    def _job(self, request: QueryRequest, prepared: Prepared) -> Job:
        return Job(
            text=prepared.text,
            bindings=dict(request.bindings),
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            union_default_graph=not prepared.names_a_dataset,
            max_rows=self.max_rows(request),
            base_iri=self.base_iri,
            as_tsv=request.as_tsv and prepared.form == "select",
            subjects=bound_subjects(prepared.lookup_subjects, request.bindings),
        )

    def _timeout(self, request: QueryRequest) -> float:
        limit = self.settings.query_timeout
        return min(request.timeout or limit, limit)

    def _large(self, job: Job, prepared: Prepared) -> bool:
        return job.subjects is None and holds_large_answer(
            prepared.text, job.max_rows, prepared.tokens
        )

    def execute(self, request: QueryRequest, prepared: Prepared | None = None) -> QueryResult:
        """Answer ``request``; ``prepared`` is what ``check`` made of it, if it was checked."""
        prepared = prepared or self.check(request)
        job = self._job(request, prepared)
        key = CacheKey.of(self.build_id, job)
        cached = self.cache.get_answer(key)
        if cached is not None:
            return cached
        timeout = self._timeout(request)
        if self._large(job, prepared):
            result = self._run_large(job, timeout)
        else:
            result = self.backend.run(job, timeout)  # errors and timeouts raise: never cached
        self.cache.put_answer(key, result)
        return result

    def execute_all(self, requests: Sequence[QueryRequest]) -> list[QueryResult]:
        """Answer ``requests`` as ``execute`` would each, those not cached in one trip to the
        backend (a page's queries: one hop to a query process, not one per query). A query that
        may hold a large answer runs on its own; the first error raises."""
        answers: dict[int, QueryResult] = {}
        batch: list[tuple[int, Job, CacheKey]] = []
        for index, request in enumerate(requests):
            prepared = self.check(request)
            job = self._job(request, prepared)
            key = CacheKey.of(self.build_id, job)
            cached = self.cache.get_answer(key)
            if cached is not None:
                answers[index] = cached
            elif self._large(job, prepared):
                answers[index] = self._run_large(job, self._timeout(request))
                self.cache.put_answer(key, answers[index])
            else:
                batch.append((index, job, key))
        if batch:
            timeout = min(self._timeout(requests[index]) for index, _, _ in batch)
            results = self.backend.run_all([job for _, job, _ in batch], timeout)
            for (index, _, key), result in zip(batch, results, strict=True):
                self.cache.put_answer(key, result)
                answers[index] = result
        return [answers[index] for index in range(len(requests))]

    def _run_large(self, job: Job, timeout: float) -> QueryResult:
        """Run a query whose answer may be large once one of ``LARGE_ANSWERS`` is free; the wait
        counts against the query's time."""
        started = time.monotonic()
        if not self.large.acquire(timeout):
            raise QueryTimeout(
                f"the server is computing {self.settings.large_answers} large answers already "
                f"and none was done within the {timeout:g} s a query may take; try again",
                limit_seconds=timeout,
                queued=True,
            )
        try:
            return self.backend.run(job, max(0.1, timeout - (time.monotonic() - started)))
        finally:
            self.large.release()

    def select(self, text: str, bindings: dict[str, Term] | None = None) -> SelectResult:
        result = self.execute(QueryRequest(text, bindings or {}))
        if not isinstance(result, SelectResult):
            raise QueryError("not a SELECT query")
        return result

    def select_all(self, requests: Sequence[QueryRequest]) -> list[SelectResult]:
        """Each SELECT answered, in one trip (``execute_all``)."""
        results = self.execute_all(requests)
        if not all(isinstance(result, SelectResult) for result in results):
            raise QueryError("not a SELECT query")
        return results  # type: ignore[return-value]

    def ask(self, text: str, bindings: dict[str, Term] | None = None) -> bool:
        result = self.execute(QueryRequest(text, bindings or {}))
        if not isinstance(result, AskResult):
            raise QueryError("not an ASK query")
        return result.value

    def memoised(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute`` returns for the current build, computed once per build and key."""
        return self.memo.get_or_compute(self.build_id, key, compute)
