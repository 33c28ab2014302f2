"""What the queries of each request did: ``ObservedService`` is the query service with its two
entry points watched, ``check`` (the guard) and ``execute`` or ``execute_all`` (guard, cache,
query process). It
counts queries by outcome, times them, counts timeouts and refusals by their typed reason, and
notes on the request (``RequestNote`` in ``flask.g``) how many queries ran, for how long, the
worst outcome, and the length and a hash of the first query's text, for the access log."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from flask import g, has_request_context

from malang_kg.engine import QueryRequest, QueryResult
from malang_kg.engine.errors import QueryAbandoned, QueryError, QueryTimeout
from malang_kg.engine.guard import Prepared
from malang_kg.engine.service import QueryService
from malang_kg.web.observe.metrics import metrics

HASH_DIGITS = 16
_OBSERVED = "_malang_kg_observed"  # set on an error once it is counted
_SEVERITY = {"ok": 0, "rejected": 1, "abandoned": 2, "error": 3, "timeout": 4}


def query_outcome(error: QueryError) -> str:
    if isinstance(error, QueryTimeout):
        return "timeout"
    if isinstance(error, QueryAbandoned):
        return "abandoned"
    if error.status >= 500:
        return "error"
    return "rejected:" + error.reason


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


def start_note() -> None:
    """A fresh note for the request beginning now."""
    g.malang_kg_note = RequestNote(time.perf_counter())


def note() -> RequestNote | None:
    """This request's note (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    found: RequestNote | None = g.get("malang_kg_note")
    if found is None:
        found = RequestNote(time.perf_counter())
        g.malang_kg_note = found
    return found


def _note_text(text: str) -> None:
    request_note = note()
    if request_note is not None and request_note.query_hash is None:
        data = text.encode("utf-8", errors="surrogatepass")
        request_note.query_bytes = len(data)
        request_note.query_hash = hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def refused(error: QueryError) -> None:
    """Count a query refused before it ran: by the guard, or by the protocol (the error handler
    calls this for the refusals that did not come through the query service)."""
    if getattr(error, _OBSERVED, False):
        return
    setattr(error, _OBSERVED, True)
    counters = metrics()
    counters.queries.labels(outcome="rejected").inc()
    counters.rejected.labels(reason=error.reason).inc()
    request_note = note()
    if request_note is not None:
        request_note.queries += 1
        request_note.worsen(query_outcome(error))


def _finished(outcome: str, seconds: float, error: Exception | None = None) -> None:
    if error is not None:
        setattr(error, _OBSERVED, True)
    counters = metrics()
    kind = outcome.split(":", 1)[0]
    counters.queries.labels(outcome=kind).inc()
    counters.query_seconds.observe(seconds)
    if kind == "timeout":
        counters.query_timeouts.inc()
    elif kind == "rejected":
        counters.rejected.labels(reason=outcome.split(":", 1)[1]).inc()
    request_note = note()
    if request_note is not None:
        request_note.queries += 1
        request_note.ran = True
        request_note.query_seconds += seconds
        request_note.worsen(outcome)


class ObservedService(QueryService):
    """The query service, counted and timed (see the module's description)."""

    def check(self, request: QueryRequest) -> Prepared:
        _note_text(request.text)
        try:
            return super().check(request)
        except QueryError as error:
            refused(error)
            raise

    def execute(self, request: QueryRequest, prepared: Prepared | None = None) -> QueryResult:
        _note_text(request.text)
        started = time.perf_counter()
        try:
            result = super().execute(request, prepared)
        except QueryError as error:
            if not getattr(error, _OBSERVED, False):  # the guard's refusals are counted already
                _finished(query_outcome(error), time.perf_counter() - started, error)
            raise
        except Exception as error:
            _finished("error", time.perf_counter() - started, error)
            raise
        _finished("ok", time.perf_counter() - started)
        return result

    def execute_all(self, requests: Sequence[QueryRequest]) -> list[QueryResult]:
        started = time.perf_counter()
        try:
            results = super().execute_all(requests)
        except QueryError as error:
            if not getattr(error, _OBSERVED, False):
                _finished(query_outcome(error), time.perf_counter() - started, error)
            raise
        except Exception as error:
            _finished("error", time.perf_counter() - started, error)
            raise
        share = (time.perf_counter() - started) / max(1, len(results))
        for _ in results:  # one trip: each query is counted with its share of the time
            _finished("ok", share)
        return results
