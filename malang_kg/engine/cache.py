"""A result cache for repeated queries, per serving process.

Every query, from the SPARQL endpoint, the pages, the named-query API and the dataset description,
goes through ``QueryService.execute``, which looks here first. An answer is kept under everything
that decides it: the build (a new build means new keys, so nothing is ever stale), the query text
as the guard passed it, the bindings, the dataset (protocol default and named graphs, and whether
the default graph is the union), the base IRI, the row limit and whether TSV was asked for.
Errors and timeouts are never kept: they raise before anything is stored. The first answer of a
new build empties the cache of the old build's answers, which no request would ask for again.

The cache is bounded by the approximate size of what it holds (the lengths of the values of the
results' terms plus a fixed overhead per term, row and entry) and evicts the least recently used
answers first; an answer larger than a quarter of the cache is not kept at all, so one huge
result cannot flush everything else. Each gunicorn worker has its own cache (no cross-process
sharing): a worker forked from the master starts with the master's entries, fresh counters and a
fresh lock. One lock guards the cache, so the request threads of a worker may share it.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from malang_kg.engine import AskResult, GraphResult, QueryResult, SelectResult, Term, TsvResult
from malang_kg.engine.embedded import Job

# Approximate bytes of Python object overhead, on top of the characters of the values.
TERM_OVERHEAD = 100  # the Term tuple and its value string
ROW_OVERHEAD = 200  # a row's dict
ENTRY_OVERHEAD = 500  # the result object, the key tuple, the LRU's links
LARGEST_SHARE = 4  # an answer may take at most 1/LARGEST_SHARE of the cache


@dataclass(frozen=True)
class CacheKey:
    """What decides a query's answer (hashable)."""

    build_id: str
    text: str
    bindings: tuple[tuple[str, Term], ...]
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    union_default_graph: bool
    base_iri: str | None
    max_rows: int
    as_tsv: bool

    @classmethod
    def of(cls, build_id: str, job: Job) -> CacheKey:
        return cls(
            build_id=build_id,
            text=job.text,
            bindings=tuple(sorted(job.bindings.items())),
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            union_default_graph=job.union_default_graph,
            base_iri=job.base_iri,
            max_rows=job.max_rows,
            as_tsv=job.as_tsv,
        )

    def size(self) -> int:
        return (
            len(self.build_id)
            + len(self.text)
            + sum(len(name) + _term_size(term) for name, term in self.bindings)
            + sum(len(graph) for graph in self.default_graphs or ())
            + sum(len(graph) for graph in self.named_graphs or ())
        )


def _term_size(term: Term) -> int:
    return TERM_OVERHEAD + len(term.value) + len(term.lang or "") + len(term.datatype or "")


def _terms_size(terms: Iterable[Term]) -> int:
    return sum(_term_size(term) for term in terms)


def result_size(result: QueryResult) -> int:
    """The approximate memory an answer takes, in bytes."""
    if isinstance(result, AskResult):
        return ENTRY_OVERHEAD
    if isinstance(result, SelectResult):
        cells = sum(
            ROW_OVERHEAD + _terms_size(row.values()) + sum(len(c) for c in row)
            for row in result.rows
        )
        return ENTRY_OVERHEAD + sum(len(c) for c in result.columns) + cells
    if isinstance(result, GraphResult):
        return ENTRY_OVERHEAD + sum(ROW_OVERHEAD + _terms_size(t) for t in result.triples)
    if isinstance(result, TsvResult):
        return ENTRY_OVERHEAD + len(result.tsv)
    raise TypeError(f"not a query result: {type(result).__name__}")


class ResultCache:
    """A thread-safe LRU of query answers bounded by their approximate total size in bytes.

    ``hits``, ``misses``, ``evictions``, ``size`` (bytes) and ``len()`` tell how it does; a cache
    of ``max_bytes`` 0 keeps nothing (and counts nothing)."""

    def __init__(self, max_bytes: int) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must be at least 0")
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, tuple[QueryResult, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self._build: str | None = None  # the build of the entries held
        reference = weakref.ref(self)

        def after_fork() -> None:
            cache = reference()
            if cache is not None:
                cache._forked()

        os.register_at_fork(after_in_child=after_fork)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _forked(self) -> None:
        """In a freshly forked child: a new lock (the parent's may have been held by a thread
        that does not exist here) and counters of its own."""
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> QueryResult | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: CacheKey, result: QueryResult) -> bool:
        """Keep ``result`` under ``key``, evicting the least recently used answers as needed;
        False if it is too large to keep."""
        if not self.enabled:
            return False
        size = result_size(result) + key.size()
        if size > self.max_bytes // LARGEST_SHARE:
            return False
        with self._lock:
            if key.build_id != self._build:  # a new build: the old one's answers go at once
                self._entries.clear()
                self.size = 0
                self._build = key.build_id
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.size -= previous[1]
            self._entries[key] = (result, size)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.size -= evicted
                self.evictions += 1
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def stats(self) -> dict[str, int]:
        """The counters, for metrics: hits, misses, evictions, entries, bytes, max_bytes."""
        with self._lock:
            return {
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
                "entries": len(self._entries),
                "bytes": self.size,
                "max_bytes": self.max_bytes,
            }
