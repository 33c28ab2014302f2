"""``QueryService``: the one path every query takes, from the SPARQL endpoint, the pages, the
named queries and the dataset description alike: guard first, then the result cache
(``engine/cache.py``), then the backend, within limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from malang_kg.config import Settings
from malang_kg.engine import AskResult, QueryRequest, QueryResult, SelectResult, Term
from malang_kg.engine.cache import CacheKey, ResultCache
from malang_kg.engine.embedded import Job
from malang_kg.engine.errors import QueryError, QueryRejected
from malang_kg.engine.guard import Prepared, check


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_query_bytes: int = 65_536
    max_nesting: int = 64
    memory_mb: int = 1024
    cache_mb: int = 64  # the result cache of each serving process; 0: no cache

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            timeout=settings.query_timeout,
            max_rows=settings.max_rows,
            max_query_bytes=settings.max_query_bytes,
            max_nesting=settings.max_nesting,
            memory_mb=settings.query_memory_mb,
            cache_mb=settings.cache_mb,
        )


class Backend(Protocol):
    @property
    def build_id(self) -> str: ...

    @property
    def triples(self) -> int: ...

    @property
    def graphs(self) -> tuple[str, ...]: ...

    def run(self, job: Job, timeout: float) -> QueryResult: ...


class QueryService:
    def __init__(self, backend: Backend, limits: Limits, base_iri: str | None = None) -> None:
        self.backend = backend
        self.limits = limits
        self.base_iri = base_iri  # relative IRIs in queries resolve against the dataset's base
        self.cache = ResultCache(limits.cache_mb * 2**20)

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
                f"its graphs are: {', '.join(f'<{g}>' for g in self.graphs)}"
            )

    def check(self, request: QueryRequest) -> Prepared:
        """The guard alone: raises QueryError if the query may not run."""
        prepared = check(
            request.text, self.limits.max_query_bytes, self.limits.max_nesting, self.base_iri
        )
        self._check_graphs("FROM", prepared.from_graphs)
        self._check_graphs("FROM NAMED", prepared.from_named_graphs)
        self._check_graphs("default-graph-uri", request.default_graphs)
        self._check_graphs("named-graph-uri", request.named_graphs)
        return prepared

    def execute(self, request: QueryRequest) -> QueryResult:
        prepared = self.check(request)
        max_rows = min(request.max_rows or self.limits.max_rows, self.limits.max_rows)
        timeout = min(request.timeout or self.limits.timeout, self.limits.timeout)
        job = Job(
            text=prepared.text,
            bindings=dict(request.bindings),
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            union_default_graph=not prepared.names_a_dataset,
            max_rows=max_rows,
            base_iri=self.base_iri,
            as_tsv=request.as_tsv and prepared.form == "select",
        )
        key = CacheKey.of(self.build_id, job)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.backend.run(job, timeout)  # errors and timeouts raise: never cached
        self.cache.put(key, result)
        return result

    def select(self, text: str, bindings: dict[str, Term] | None = None) -> SelectResult:
        result = self.execute(QueryRequest(text, bindings or {}))
        if not isinstance(result, SelectResult):
            raise QueryError("not a SELECT query")
        return result

    def ask(self, text: str, bindings: dict[str, Term] | None = None) -> bool:
        result = self.execute(QueryRequest(text, bindings or {}))
        if not isinstance(result, AskResult):
            raise QueryError("not an ASK query")
        return result.value
