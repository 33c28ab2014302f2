"""Prometheus metrics at ``/metrics``. Under ``malang-kg serve`` every worker counts in files of
its own (prometheus_client's multiprocess mode) and ``/metrics`` adds them up; elsewhere the
metrics live in this process. The engine's own counters (query-process restarts, cache hits) are
added by ``sync_engine_counters`` after each request and before each scrape."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "malang_kg_"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    request_seconds: Histogram
    queries: Counter
    query_seconds: Histogram
    query_timeouts: Counter
    rejected: Counter
    rate_limited: Counter
    query_process_restarts: Counter
    cache_hits: Counter
    cache_misses: Counter
    build_info: Gauge


def _create() -> Metrics:
    registry = CollectorRegistry(auto_describe=True)

    def counter(name: str, text: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(PREFIX + name, text, labels, registry=registry)

    return Metrics(
        registry=registry,
        requests=counter(
            "http_requests", "HTTP requests answered, by route and status.", ("route", "status")
        ),
        request_seconds=Histogram(
            PREFIX + "http_request_duration_seconds",
            "Time to answer an HTTP request, by route.",
            ("route",),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        queries=counter(
            "queries",
            "Queries through the query service, by outcome (ok, timeout, rejected, abandoned, "
            "error).",
            ("outcome",),
        ),
        query_seconds=Histogram(
            PREFIX + "query_duration_seconds",
            "Time the query service took for a query that passed the guard (cache hits too).",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        query_timeouts=counter("query_timeouts", "Queries stopped at the query time limit."),
        rejected=counter(
            "queries_rejected",
            "Queries refused, by reason: service, load, update, nesting, too-large, syntax, "
            "unknown-graph, encoding, invalid, other.",
            ("reason",),
        ),
        rate_limited=counter(
            "rate_limited",
            "Requests refused with 429 by the per-client rate limit, by route.",
            ("route",),
        ),
        query_process_restarts=counter(
            "query_process_restarts",
            "Query processes replaced after a timeout, a memory overrun or an outside kill.",
        ),
        cache_hits=counter("cache_hits", "Queries answered from the result cache."),
        cache_misses=counter("cache_misses", "Queries the result cache did not hold."),
        build_info=Gauge(
            PREFIX + "build_info",
            "The build a serving process answers from (1 per build being served).",
            ("build_id",),
            registry=registry,
            multiprocess_mode="livemax",
        ),
    )


_METRICS: Metrics | None = None
_LOCK = threading.Lock()


def metrics() -> Metrics:
    """This process's metric objects (made on first use)."""
    global _METRICS
    with _LOCK:
        if _METRICS is None:
            _METRICS = _create()
        return _METRICS


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def enable_multiprocess(directory: Path) -> None:
    """Count in files under ``directory``, for every process forked from now on. Call before
    any metric is made (the serve command does, before it loads the app)."""
    if _METRICS is not None:
        raise RuntimeError("the metrics were made before multiprocess mode was chosen")
    os.environ[MULTIPROC_ENV] = str(directory)
    # prometheus_client picks its value class when it is imported, and this module may have
    # been imported before the directory existed: pick again now that it does.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit``: drop the gauges of an exited worker."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def exposition() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, and its content type."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(metrics().registry), CONTENT_TYPE_LATEST


# --- counters the engine keeps itself -----------------------------------------------------------


class _Seen:
    """What the engine's own counters stood at when last added, per process and object."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[tuple[int, int, str], int] = {}
        self.build: tuple[int, str] | None = None


_SEEN = _Seen()


def _grew(owner: Any, name: str, value: int) -> int:
    key = (os.getpid(), id(owner), name)
    before = _SEEN.values.get(key, 0)
    _SEEN.values[key] = value
    return max(0, value - before)


def sync_engine_counters(engine: Any) -> None:
    """Add what the engine's query-process restarts and cache hits and misses grew by since the
    last call, and show the build this process serves."""
    current = metrics()
    pool = getattr(getattr(engine, "backend", None), "pool", None)
    cache = getattr(engine, "cache", None)
    with _SEEN.lock:
        if pool is not None:
            grew = _grew(pool, "restarts", int(getattr(pool, "restarts", 0)))
            if grew:
                current.query_process_restarts.inc(grew)
        if cache is not None:
            hits = _grew(cache, "hits", int(getattr(cache, "hits", 0)))
            misses = _grew(cache, "misses", int(getattr(cache, "misses", 0)))
            if hits:
                current.cache_hits.inc(hits)
            if misses:
                current.cache_misses.inc(misses)
        build = (os.getpid(), str(getattr(engine, "build_id", "")))
        if build != _SEEN.build:
            previous, _SEEN.build = _SEEN.build, build
            if not multiprocess_mode():
                current.build_info.clear()
            elif previous is not None and previous[0] == build[0]:
                current.build_info.labels(build_id=previous[1]).set(0)
            current.build_info.labels(build_id=build[1]).set(1)
