"""One JSON access-log line per request, and the request counters.

``init_app`` times each request, counts it by route and status, and writes one JSON line to the
``malang_kg.access`` logger (standard error under ``malang-kg serve``, in place of gunicorn's text
access log)::

    {"time": "2026-01-02T03:04:05.678Z", "method": "GET", "path": "/sparql", "status": 200,
     "duration_ms": 12.3, "query_ms": 9.8, "queries": 1, "outcome": "ok",
     "client": "127.0.0.1", "build_id": "…", "query_bytes": 41, "query_sha256": "…", …}

The query string is never logged (it holds the query): only the path, and of the query its
length in bytes and a hash (``queries.py``). ``outcome`` is ``ok``, ``timeout``, ``abandoned``,
``rejected:<reason>`` (a refusal's reason, ``rate-limit`` for a 429, or the HTTP status's name
for other client errors) or ``error``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import TextIO

from flask import Flask, Response, request
from werkzeug.http import HTTP_STATUS_CODES

from malang_kg.web.context import engine
from malang_kg.web.observe.metrics import metrics, sync_engine_counters
from malang_kg.web.observe.queries import RequestNote, note, start_note

ACCESS_LOGGER = "malang_kg.access"


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


def request_outcome(status: int, observed: RequestNote) -> str:
    if observed.outcome != "ok":
        return observed.outcome
    if status == 429:
        return "rejected:rate-limit"
    if status >= 500:
        return "error"
    if status >= 400:
        name = HTTP_STATUS_CODES.get(status, str(status))
        return "rejected:" + name.lower().replace(" ", "-").replace("'", "")
    return "ok"


def _finish(response: Response) -> Response:
    try:
        _account(response)
    except Exception:  # counting or logging must never cost the client its answer
        logging.getLogger(__name__).exception("could not count or log a request")
    return response


def _account(response: Response) -> None:
    observed = note()
    assert observed is not None
    seconds = time.perf_counter() - observed.started
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
    if observed.ran:
        line["query_ms"] = round(observed.query_seconds * 1000, 1)
    if observed.queries:
        line["queries"] = observed.queries
    line["outcome"] = request_outcome(status, observed)
    line["client"] = request.remote_addr
    line["build_id"] = service.build_id
    if observed.query_hash is not None:
        line["query_bytes"] = observed.query_bytes
        line["query_sha256"] = observed.query_hash
    line["pid"] = os.getpid()
    access_logger().info(json.dumps(line, ensure_ascii=False))


def init_app(app: Flask) -> None:
    """Time, count and log every request (register before anything that may refuse one)."""
    access_logger()
    app.before_request(start_note)
    app.after_request(_finish)
