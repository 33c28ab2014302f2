"""One error handler for the whole app: a clear message in the client's format, never a trace."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from malang_kg.engine.errors import QueryError, Reason
from malang_kg.formats import media as fmt
from malang_kg.formats.media import MediaType
from malang_kg.formats.negotiation import Offer, negotiate, parse_accept
from malang_kg.iris import PREFIXES, Layout
from malang_kg.web.i18n import choose_language, html_page, vary_language
from malang_kg.web.i18n.errors import DEFAULT_MESSAGES, say, status_title
from malang_kg.web.i18n.queries import explain
from malang_kg.web.observe import queries as observe

_REASON_OF_STATUS: dict[int, Reason] = {
    406: "not-acceptable",
    413: "too-large",
    415: "media-type",
}


@dataclass(frozen=True)
class PageLink:
    """Where an error's page sends its reader next: an address and its text."""

    href: str
    text: str


class ProtocolError(QueryError):
    """A request that breaks the protocol, with its own status (400, 406, 413, 415). Its message
    is for programs (English); ``page_message``, if given, is what a reader is told instead when
    the error is shown as a page (in the interface language), with ``page_link`` after it."""

    def __init__(
        self,
        status: int,
        title: str,
        message: str,
        reason: Reason | None = None,
        page_message: str | None = None,
        page_link: PageLink | None = None,
    ) -> None:
        super().__init__(message, reason or _REASON_OF_STATUS.get(status, "invalid"))
        self.status = status
        self.title = title
        self.page_message = page_message
        self.page_link = page_link


def bad_request(message: str, reason: Reason = "invalid") -> ProtocolError:
    return ProtocolError(400, "Bad Request", message, reason)


def not_acceptable(
    message: str, page_message: str | None = None, page_link: PageLink | None = None
) -> ProtocolError:
    return ProtocolError(
        406, "Not Acceptable", message, page_message=page_message, page_link=page_link
    )


def _error_format(plain_text: bool) -> MediaType:
    """JSON by default, HTML for browsers, plain text (when ``plain_text``) for clients that ask
    for it or for a data format an error cannot be written in (CSV, Turtle…). Every ``+json``
    type the client names counts as JSON."""
    accept = request.headers.get("Accept")
    offers: list[Offer] = [fmt.JSON, fmt.HTML]
    if plain_text:
        offers.append(fmt.PLAIN)
    offers += [(mime, fmt.JSON) for mime, _ in parse_accept(accept) if mime.endswith("+json")]
    return negotiate(offers, accept) or (fmt.PLAIN if plain_text else fmt.JSON)


def message_response(
    status: int,
    title: str,
    message: str,
    plain_text: bool = False,
    fields: Mapping[str, str | int] | None = None,
    page_message: str | None = None,
    page_link: PageLink | None = None,
) -> Response:
    """``message`` in the client's format (``page_message`` instead, if given, on a page, and
    ``page_link`` after it); ``fields`` are added to a JSON body (where a syntax error is, the
    line that fixes it)."""
    media = _error_format(plain_text)
    if media is fmt.HTML:
        lang = choose_language()
        title = status_title(status, lang, title)
        shown = page_message or message
        html = render_template(
            "site/error.html", status=status, title=title, message=shown, link=page_link
        )
        return html_page(html, lang, status, vary=("Accept",))
    if media is fmt.PLAIN:
        return Response(f"{status} {title}\n\n{message}\n", status=status, mimetype="text/plain")
    response = jsonify({"error": title, "status": status, "message": message, **(fields or {})})
    response.status_code = status
    return response


def _respond(error: HTTPException) -> Response:
    status = error.code or 500
    message = error.description or error.name
    if error.description == type(error).description and status in DEFAULT_MESSAGES:
        message = say(DEFAULT_MESSAGES[status])  # werkzeug's default text is English
    response = current_app.make_response(message_response(status, error.name, message))
    # Keep what the exception says beyond its body, e.g. ``Allow`` on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers.add(name, value)
    return response


def _prefixes() -> Mapping[str, str]:
    layout = current_app.config.get("MALANG_KG_LAYOUT")
    return layout.prefixes if isinstance(layout, Layout) else PREFIXES


def _query_error(error: QueryError) -> Response:
    """A refused query: HTML for browsers, JSON for API clients, plain text for the rest (a
    client asking for CSV or Turtle), explained in the interface language (``i18n/queries.py``),
    with where a syntax error is. A protocol error's message is the web layer's own, as it is."""
    observe.refused(error)  # counted, unless the query service counted it already
    if isinstance(error, ProtocolError):
        return current_app.make_response(
            message_response(
                error.status,
                error.title,
                error.message,
                plain_text=True,
                page_message=error.page_message,
                page_link=error.page_link,
            )
        )
    explanation = explain(error, choose_language(), _prefixes())
    response = current_app.make_response(
        message_response(
            error.status,
            error.title,
            explanation.message,
            plain_text=True,
            fields=explanation.fields(),
        )
    )
    for header in vary_language():
        response.vary.add(header)
    return response


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


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(QueryError, _query_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(InternalServerError(say("unexpected")))
