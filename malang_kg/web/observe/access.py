"""What every request and every query did: Prometheus metrics and one JSON access-log line.

``ObservedService`` is the query service (``engine/service.py``) with its two entry points
watched: ``check`` (the guard) and ``execute`` (guard, cache, query process). It counts queries
by outcome, times them, counts timeouts and refusals by reason, and notes on the request (in
``flask.g``) how many queries ran, for how long, the worst outcome, and the length and a hash of
the first query's text. ``init_app`` times each request, counts it by route and status, and
writes one JSON line to the ``malang_kg.access`` logger (standard error under ``malang-kg
serve``, in place of gunicorn's text access log):

    {"time": "2026-01-02T03:04:05.678Z", "method": "GET", "path": "/sparql", "status": 200,
     "duration_ms": 12.3, "query_ms": 9.8, "queries": 1, "outcome": "ok",
     "client": "127.0.0.1", "build_id": "…", "query_bytes": 41, "query_sha256": "…", …}

The query string is never logged (it holds the query): only the path, and of the query its
length in bytes and the first 16 hex digits of its SHA-256. ``outcome`` is ``ok``, ``timeout``,
``abandoned`` (the client left; its query was stopped), ``rejected:<reason>`` (a guard reason
such as ``service`` or ``syntax``, ``rate-limit`` for a 429, or the HTTP status's name for other
client errors) or ``error``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from flask import Flask, Response, g, has_request_context, request
from werkzeug.http import HTTP_STATUS_CODES

from malang_kg.engine import QueryRequest, QueryResult
from malang_kg.engine.errors import (
    QueryAbandoned,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
)
from malang_kg.engine.guard import Prepared
from malang_kg.engine.service import QueryService
from malang_kg.web.context import engine
from malang_kg.web.observe.metrics import metrics, sync_engine_counters

ACCESS_LOGGER = "malang_kg.access"
HASH_DIGITS = 16
_OBSERVED = "_malang_kg_observed"
_SEVERITY = {"ok": 0, "rejected": 1, "abandoned": 2, "error": 3, "timeout": 4}

# What the guard's messages say, for each reason a query is refused (tests/test_ops.py checks
# that every refusal of the guard is classified).
_REASONS = (
    ("service", "SERVICE is not allowed"),
    ("load", "LOAD is not allowed"),
    ("update", "is an update operation"),
    ("update", "SPARQL Update"),  # update= or application/sparql-update (web/sparql.py)
    ("nesting", "levels deep"),
    ("unknown-graph", "is not a graph of this dataset"),
    ("encoding", "is not a valid character"),
    ("encoding", "UTF-8"),
)


def rejection_reason(error: QueryError) -> str:
    """Why a query was refused, as a short label for metrics and logs: one of service, load,
    update, nesting, too-large, syntax, unknown-graph, encoding, media-type, not-acceptable or,
    for anything else the guard, the protocol or the engine refused, invalid."""
    if isinstance(error, QueryTooLarge) or error.status == 413:
        return "too-large"
    if isinstance(error, QuerySyntaxError):
        return "syntax"
    for reason, marker in _REASONS:
        if marker in error.message:
            return reason
    return {415: "media-type", 406: "not-acceptable"}.get(error.status, "invalid")


def query_outcome(error: QueryError) -> str:
    if isinstance(error, QueryTimeout):
        return "timeout"
    if isinstance(error, QueryAbandoned):
        return "abandoned"
    if error.status >= 500:
        return "error"
    return "rejected:" + rejection_reason(error)


@dataclass
class RequestNote:
    """What the queries of one request did."""

    started: float
    queries: int = 0
    query_seconds: float = 0.0
    ran: bool = False  # some query got past the guard
    outcome: str = "ok"  # the worst outcome of its queries
    query_bytes: int | None = None
    query_hash: str | None = None

    def worsen(self, outcome: str) -> None:
        kind = outcome.split(":", 1)[0]
        if _SEVERITY[kind] > _SEVERITY[self.outcome.split(":", 1)[0]]:
            self.outcome = outcome


def _note() -> RequestNote | None:
    if not has_request_context():
        return None
    note: RequestNote | None = g.get("malang_kg_note")
    if note is None:
        note = RequestNote(time.perf_counter())
        g.malang_kg_note = note
    return note


def _note_text(text: str) -> None:
    note = _note()
    if note is not None and note.query_hash is None:
        data = text.encode("utf-8", errors="surrogatepass")
        note.query_bytes = len(data)
        note.query_hash = hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def refused(error: QueryError) -> None:
    """Count a query refused before it ran: by the guard, or by the protocol (``web/errors.py``
    calls this for the refusals that did not come through the query service)."""
    if getattr(error, _OBSERVED, False):
        return
    setattr(error, _OBSERVED, True)
    current = metrics()
    current.queries.labels(outcome="rejected").inc()
    current.rejected.labels(reason=rejection_reason(error)).inc()
    note = _note()
    if note is not None:
        note.queries += 1
        note.worsen(query_outcome(error))


def _finished(outcome: str, seconds: float, error: Exception | None = None) -> None:
    if error is not None:
        setattr(error, _OBSERVED, True)
    current = metrics()
    kind = outcome.split(":", 1)[0]
    current.queries.labels(outcome=kind).inc()
    current.query_seconds.observe(seconds)
    if kind == "timeout":
        current.query_timeouts.inc()
    elif kind == "rejected":
        current.rejected.labels(reason=outcome.split(":", 1)[1]).inc()
    note = _note()
    if note is not None:
        note.queries += 1
        note.ran = True
        note.query_seconds += seconds
        note.worsen(outcome)


class ObservedService(QueryService):
    """The query service, counted and timed (see the module's description)."""

    def check(self, request: QueryRequest) -> Prepared:
        _note_text(request.text)
        try:
            return super().check(request)
        except QueryError as error:
            refused(error)
            raise

    def execute(self, request: QueryRequest) -> QueryResult:
        _note_text(request.text)
        started = time.perf_counter()
        try:
            result = super().execute(request)
        except QueryError as error:
            if not getattr(error, _OBSERVED, False):  # the guard's refusals are counted already
                _finished(query_outcome(error), time.perf_counter() - started, error)
            raise
        except Exception as error:
            _finished("error", time.perf_counter() - started, error)
            raise
        _finished("ok", time.perf_counter() - started)
        return result


# --- requests ------------------------------------------------------------------------------------


class _StandardError(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a line is written."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def access_logger() -> logging.Logger:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(handler, _StandardError) for handler in logger.handlers):
        handler = _StandardError()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def request_outcome(status: int, note: RequestNote) -> str:
    if note.outcome != "ok":
        return note.outcome
    if status == 429:
        return "rejected:rate-limit"
    if status >= 500:
        return "error"
    if status >= 400:
        name = HTTP_STATUS_CODES.get(status, str(status))
        return "rejected:" + name.lower().replace(" ", "-").replace("'", "")
    return "ok"


def _start() -> None:
    g.malang_kg_note = RequestNote(time.perf_counter())


def _finish(response: Response) -> Response:
    try:
        _account(response)
    except Exception:  # counting or logging must never cost the client its answer
        logging.getLogger(__name__).exception("could not count or log a request")
    return response


def _account(response: Response) -> None:
    note = _note()
    assert note is not None
    seconds = time.perf_counter() - note.started
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    status = response.status_code
    service = engine()
    current = metrics()
    current.requests.labels(route=route, status=str(status)).inc()
    current.request_seconds.labels(route=route).observe(seconds)
    if status == 429:
        current.rate_limited.labels(route=route).inc()
    sync_engine_counters(service)
    line: dict[str, object] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.method,
        "path": request.path,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if note.ran:
        line["query_ms"] = round(note.query_seconds * 1000, 1)
    if note.queries:
        line["queries"] = note.queries
    line["outcome"] = request_outcome(status, note)
    line["client"] = request.remote_addr
    line["build_id"] = service.build_id
    if note.query_hash is not None:
        line["query_bytes"] = note.query_bytes
        line["query_sha256"] = note.query_hash
    line["pid"] = os.getpid()
    access_logger().info(json.dumps(line, ensure_ascii=False))


def init_app(app: Flask) -> None:
    """Time, count and log every request (register before anything that may refuse one)."""
    access_logger()
    app.before_request(_start)
    app.after_request(_finish)
