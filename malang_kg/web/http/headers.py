"""What holds for every response of the app: CORS (any origin may read the data), the largest
request body, ``Vary: Accept`` on the paths whose every answer is negotiated (errors and 405s
included), and a Content-Security-Policy on every HTML page that allows our own origin only: no
inline script or style, no request to any other host, no framing."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS

from malang_kg.config import Settings

MAX_ROWS_HEADER = "X-SPARQL-MaxRows"  # how many rows a cut result was cut at
TRUNCATED_HEADER = "X-SPARQL-Truncated"  # "true" on a result cut at the row limit
FORM_SLACK = 16_384  # room in a form body for default-graph-uri, named-graph-uri and format
NEGOTIATED_PATHS = frozenset({"/sparql"})
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def form_limit(max_query_bytes: int) -> int:
    """Largest body accepted: a query of the largest size, percent-encoded (3 bytes a byte)."""
    return 3 * max_query_bytes + FORM_SLACK


def _vary(response: Response) -> Response:
    if request.path in NEGOTIATED_PATHS:
        response.vary.add("Accept")
    return response


def _policy(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
    return response


def init_app(app: Flask, settings: Settings) -> None:
    # Werkzeug answers 413 for a larger body (also a chunked one) without reading it into memory.
    app.config["MAX_CONTENT_LENGTH"] = form_limit(settings.max_query_bytes)
    CORS(
        app,
        send_wildcard=True,  # "Access-Control-Allow-Origin: *", not the echoed origin
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        expose_headers=[MAX_ROWS_HEADER, TRUNCATED_HEADER],
        max_age=86_400,
    )
    app.after_request(_vary)
    app.after_request(_policy)
