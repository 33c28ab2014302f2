"""Why a query was not answered, each with the HTTP status it means. The web layer maps these in
one place; their messages are written for the client and never carry engine internals."""

from __future__ import annotations


class QueryError(Exception):
    status = 400
    title = "Bad Request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QueryRejected(QueryError):
    """The guard refused the query (forbidden operation, nesting, unknown graph, bad encoding)."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message says where."""


class QueryTooLarge(QueryError):
    status = 413
    title = "Payload Too Large"


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
