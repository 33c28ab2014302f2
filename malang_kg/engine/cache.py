"""Per-build caches, one mechanism (``BuildCache``, cachetools' LRU): ``ResultCache`` for query
answers, bounded by their approximate size, and ``Memo`` for values computed once per build. The
first value of a new build empties a cache, so nothing is ever stale; each serving process has its
own, and a forked child gets a fresh lock and counters."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

from malang_kg.engine.job import Job
from malang_kg.engine.types import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Term,
    TsvResult,
)

V = TypeVar("V")
T = TypeVar("T")

# Approximate bytes of Python object overhead, on top of the characters of the values.
TERM_OVERHEAD = 100  # the Term tuple and its value string
ROW_OVERHEAD = 200  # a row's dict
ENTRY_OVERHEAD = 500  # the result object, the key tuple, the LRU's links
LARGEST_SHARE = 4  # an answer may take at most 1/LARGEST_SHARE of the result cache
MEMO_ENTRIES = 256


class _Counted(LRUCache[Hashable, tuple[Any, int]]):
    """cachetools' LRU, counting what it evicts to make room."""

    evictions = 0

    def popitem(self) -> tuple[Hashable, tuple[Any, int]]:
        self.evictions += 1
        return super().popitem()


class BuildCache(Generic[V]):
    """A thread-safe LRU of values of one build at a time, bounded by the sum of their sizes
    (``size`` of each, 1 by default). ``hits``, ``misses``, ``evictions``, ``size`` and
    ``len()`` tell how it does; a cache of ``max_size`` 0 keeps nothing (and counts nothing)."""

    def __init__(self, max_size: int, largest: int | None = None) -> None:
        if max_size < 0:
            raise ValueError("max_size must be at least 0")
        self.max_size = max_size
        self.largest = max_size if largest is None else largest
        self._entries = self._new_entries()
        self._lock = threading.Lock()
        self._build: str | None = None
        self.hits = self.misses = 0
        reference = weakref.ref(self)

        def after_fork() -> None:
            cache = reference()
            if cache is not None:
                cache._forked()

        os.register_at_fork(after_in_child=after_fork)

    def _new_entries(self, evictions: int = 0) -> _Counted:
        entries = _Counted(max(1, self.max_size), getsizeof=lambda entry: entry[1])
        entries.evictions = evictions
        return entries

    def _forked(self) -> None:
        """In a freshly forked child: a new lock (the parent's may have been held by a thread
        that does not exist here) and counters of its own."""
        self._lock = threading.Lock()
        self.hits = self.misses = self._entries.evictions = 0

    @property
    def enabled(self) -> bool:
        return self.max_size > 0

    @property
    def evictions(self) -> int:
        return self._entries.evictions

    @property
    def size(self) -> int:
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, build_id: str, key: Hashable) -> V | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get((build_id, key)) if build_id == self._build else None
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1
            value: V = entry[0]
            return value

    def put(self, build_id: str, key: Hashable, value: V, size: int = 1) -> bool:
        """Keep ``value``, evicting the least recently used as needed; False if it is too large
        to keep."""
        if not self.enabled or size > self.largest:
            return False
        with self._lock:
            if build_id != self._build:  # a new build: the old one's values go at once
                self._entries = self._new_entries(self.evictions)
                self._build = build_id
            self._entries[(build_id, key)] = (value, size)
        return True

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self._lock:
            return [entry[1] for entry in self._entries if isinstance(entry, tuple)]

    def clear(self) -> None:
        with self._lock:
            self._entries = self._new_entries(self.evictions)

    def stats(self) -> dict[str, int]:
        """The counters, for metrics: hits, misses, evictions, entries, size, max_size."""
        with self._lock:
            return {
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
                "entries": len(self._entries),
                "size": self.size,
                "max_size": self.max_size,
            }


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


class ResultCache(BuildCache[QueryResult]):
    """Query answers, bounded by their approximate size in bytes (``max_bytes``)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, largest=max_bytes // LARGEST_SHARE)

    @property
    def max_bytes(self) -> int:
        return self.max_size

    def answer_keys(self) -> list[CacheKey]:
        return [key for key in self.keys() if isinstance(key, CacheKey)]

    def get_answer(self, key: CacheKey) -> QueryResult | None:
        return self.get(key.build_id, key)

    def put_answer(self, key: CacheKey, result: QueryResult) -> bool:
        if not self.enabled:  # before sizing the answer, which takes a walk over all of it
            return False
        return self.put(key.build_id, key, result, result_size(result) + key.size())


class Memo(BuildCache[Any]):
    """Values computed once per build and key (``get_or_compute``), at most ``entries``."""

    def __init__(self, entries: int = MEMO_ENTRIES) -> None:
        super().__init__(entries)
        self._computing: dict[Hashable, threading.Lock] = {}
        self._computing_lock = threading.Lock()

    def _forked(self) -> None:
        super()._forked()
        self._computing = {}
        self._computing_lock = threading.Lock()

    def get_or_compute(self, build_id: str, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key`` for ``build_id``; computed by one thread at a time, the others
        waiting for it rather than computing it again."""
        found: T | None = self.get(build_id, key)
        if found is not None:
            return found
        with self._computing_lock:
            lock = self._computing.setdefault((build_id, key), threading.Lock())
        with lock:
            found = self.get(build_id, key)
            if found is None:
                found = compute()
                self.put(build_id, key, found)
        with self._computing_lock:
            self._computing.pop((build_id, key), None)
        return found
