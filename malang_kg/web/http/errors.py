"""One error handler for the whole app: a clear message in the client's format, never a trace."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from malang_kg.engine.errors import QueryError
from malang_kg.web.observe import access as observe


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "text/html"
        and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]
    )


def _wants_json() -> bool:
    accept = request.accept_mimetypes
    return (
        not accept
        or accept["application/json"] > 0
        or any(value.endswith("+json") for value in accept.values())
    )


def message_response(
    status: int, title: str, message: str, plain_text: bool = False
) -> Response | tuple[str, int]:
    if _wants_html():
        return render_template(
            "site/error.html", status=status, title=title, message=message
        ), status
    if plain_text and not _wants_json():
        return Response(f"{status} {title}\n\n{message}\n", status=status, mimetype="text/plain")
    response = jsonify({"error": title, "status": status, "message": message})
    response.status_code = status
    return response


def _respond(error: HTTPException) -> Response:
    status = error.code or 500
    response = current_app.make_response(
        message_response(status, error.name, error.description or error.name)
    )
    # Keep what the exception says beyond its body, e.g. ``Allow`` on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers.add(name, value)
    return response


def _query_error(error: QueryError) -> Response | tuple[str, int]:
    """A refused query: HTML for browsers, JSON for API clients, plain text for the rest (a
    client asking for CSV or Turtle). The message is written for the client already."""
    observe.refused(error)  # counted, unless the query service counted it already
    return message_response(error.status, error.title, error.message, plain_text=True)


DRAIN_LIMIT = 16 * 2**20


def drain_body(limit: int = DRAIN_LIMIT) -> None:
    """Read and drop what is left of the request body, up to ``limit`` bytes. Answering before
    the client has sent its body makes the server close a socket with unread data, and the
    client then sees a reset connection instead of the answer (a 413, typically)."""
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    remaining = limit
    with contextlib.suppress(OSError, ValueError):
        while remaining > 0:
            chunk = stream.read(min(65_536, remaining))
            if not chunk:
                break
            remaining -= len(chunk)


def _too_large(error: RequestEntityTooLarge) -> Response:
    drain_body()
    return _respond(error)


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(QueryError, _query_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(
            InternalServerError("The server met an unexpected error; it has been logged.")
        )
