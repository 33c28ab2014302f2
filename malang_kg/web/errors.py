"""One error handler for the whole app: a clear message in the client's format, never a trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "text/html"
        and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]
    )


def _respond(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    message = error.description or error.name
    if _wants_html():
        return render_template(
            "site/error.html", status=status, title=error.name, message=message
        ), status
    response = jsonify({"error": error.name, "status": status, "message": message})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | tuple[str, int]:
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(
            InternalServerError("The server met an unexpected error; it has been logged.")
        )
