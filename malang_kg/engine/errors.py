"""Why a query was not answered: one exception per case, each with its HTTP status and, for a
refusal, a typed ``reason`` that metrics and logs use. The web layer maps them to responses in
one place; their messages are written for the client and never carry engine internals."""

from __future__ import annotations

import re
from typing import Literal

Reason = Literal[
    "service",
    "load",
    "update",
    "nesting",
    "too-large",
    "syntax",
    "unknown-graph",
    "encoding",
    "media-type",
    "not-acceptable",
    "invalid",
]
REASONS: tuple[Reason, ...] = (
    "service",
    "load",
    "update",
    "nesting",
    "too-large",
    "syntax",
    "unknown-graph",
    "encoding",
    "media-type",
    "not-acceptable",
    "invalid",
)


class QueryError(Exception):
    status = 400
    title = "Bad Request"
    reason: Reason = "invalid"

    def __init__(self, message: str, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class QueryRejected(QueryError):
    """The guard refused the query (forbidden operation, nesting, unknown graph, bad encoding);
    ``reason`` says which."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message says where."""

    reason: Reason = "syntax"


class QueryTooLarge(QueryError):
    status = 413
    title = "Payload Too Large"
    reason: Reason = "too-large"


class QueryTimeout(QueryError):
    status = 503
    title = "Service Unavailable"


class QueryAbandoned(QueryError):
    """The client went away while its query ran; the query was stopped. Nobody reads the answer:
    the status (nginx's "client closed request") is for the access log and the metrics."""

    status = 499
    title = "Client Closed Request"


class QueryResourceExceeded(QueryError):
    """The query needed more memory than a query may use, or its process died."""

    status = 503
    title = "Service Unavailable"


class BackendUnavailable(QueryError):
    status = 503
    title = "Service Unavailable"


class BackendError(QueryError):
    """The engine failed, refused the service or answered something unreadable."""

    status = 502
    title = "Bad Gateway"


class BackendTimeout(QueryError):
    """The engine did not answer the service's own call, or the connection, in time."""

    status = 504
    title = "Gateway Timeout"


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's parser says ``error at LINE:COLUMN: WHAT``; say it in plain words."""
    text = str(error).strip()
    match = _POSITION.match(text)
    if match:
        line, column, what = match.groups()
        return QuerySyntaxError(
            f"syntax error at line {line}, column {column}: {what.strip()[:300]}"
        )
    return QuerySyntaxError(f"syntax error: {text[:300]}")
