"""``/q``: short links for SPARQL queries. ``POST /q`` with a form field ``query`` answers 303 to
``/q/<id>`` (the same text, the same id); ``GET /q/<id>`` answers 303 to ``/sparql?query=…``,
where the query page opens it. The text is kept as given (``store/shortlinks.py``), never run
here; ``?lang=`` is kept on both redirects. Errors are answered by ``http/errors.py``."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import (
    BadRequest,
    NotFound,
    RequestEntityTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
)

from malang_kg.config import Settings
from malang_kg.iris import local_path
from malang_kg.store.shortlinks import (
    FULL_LENGTH,
    ID_LENGTH,
    SHORTLINKS_FILE,
    LinksFull,
    QueryTooLong,
    ShortLinks,
    valid_id,
)
from malang_kg.web.context import settings
from malang_kg.web.http.caching import see_other
from malang_kg.web.http.errors import drain_body
from malang_kg.web.http.headers import form_limit
from malang_kg.web.http.params import parse_pairs, read_body
from malang_kg.web.i18n import explicit_language
from malang_kg.web.i18n.errors import say

bp = Blueprint("shortlinks", __name__)

EXTENSION = "malang_kg.shortlinks"  # the app's ShortLinks, in ``app.extensions``
FORM_TYPE = "application/x-www-form-urlencoded"


def links_for(config: Settings) -> ShortLinks:
    """The short links of ``config.store`` (at most ``MAX_SHORT_LINKS``)."""
    return ShortLinks(
        config.store / SHORTLINKS_FILE,
        max_links=config.max_short_links,
        max_bytes=config.max_query_bytes,
    )


def shortlinks() -> ShortLinks:
    """The app's short links, made on first use (the file is opened by each thread later)."""
    found: ShortLinks | None = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions.setdefault(EXTENSION, links_for(settings()))
    return found


def existing_link(query: str) -> str | None:
    """The path of the short link of ``query`` (``/q/<id>``) if one was made, else None; a
    store that cannot be read just now counts as none (the page then offers to make one)."""
    try:
        link_id = shortlinks().find(query)
    except sqlite3.Error:
        current_app.logger.exception("short link store failed on find")
        return None
    return None if link_id is None else local_path("q", link_id)


def _lang_suffix(separator: str) -> str:
    lang = explicit_language()  # "id" or "en" only, so safe in a URL as it is
    return f"{separator}lang={lang}" if lang else ""


def _read_form(max_query_bytes: int) -> bytes:
    return read_body(form_limit(max_query_bytes), "form", "POST /q", RequestEntityTooLarge)


def _posted_query(max_query_bytes: int) -> str:
    """The one non-empty ``query`` field of the form, decoded strictly as UTF-8."""
    if request.mimetype != FORM_TYPE:
        drain_body()
        given = request.mimetype or "a body without a Content-Type"
        raise UnsupportedMediaType(
            f"POST /q takes a form ({FORM_TYPE}) with a query field, not {given}."
        )
    queries = parse_pairs(_read_form(max_query_bytes), "form").getlist("query")
    if not queries:
        raise BadRequest("The POST has no query: send the query's text as the form field query.")
    if len(queries) > 1:
        raise BadRequest(say("one_query", count=len(queries)))
    if not queries[0].strip():
        raise BadRequest(say("query_empty"))
    return queries[0]


@bp.route("/q", methods=["POST"])
def create() -> Response:
    """Store the posted query (if new) and send the client to its short link."""
    store = shortlinks()
    query = _posted_query(store.max_bytes)
    try:
        link_id = store.add(query)
    except QueryTooLong as error:
        raise RequestEntityTooLarge(str(error)) from None
    except LinksFull as error:
        raise ServiceUnavailable(str(error)) from None
    except sqlite3.Error:
        current_app.logger.exception("short link store failed on insert")
        raise ServiceUnavailable(say("short_links_down")) from None
    return see_other(local_path("q", link_id) + _lang_suffix("?"))


@bp.route("/q/<link_id>")
def follow(link_id: str) -> Response:
    """303 to the query page with the stored query."""
    if not valid_id(link_id):
        raise NotFound(say("not_a_short_link", shortest=ID_LENGTH, longest=FULL_LENGTH))
    try:
        query = shortlinks().get(link_id)
    except sqlite3.Error:
        current_app.logger.exception("short link store failed on lookup")
        raise ServiceUnavailable(say("short_links_down")) from None
    if query is None:
        raise NotFound(say("no_short_link"))
    target = local_path("sparql", query="query=" + quote(query, safe=""))
    return see_other(target + _lang_suffix("&"))


@bp.after_request
def _vary(response: Response) -> Response:
    """An error here is written in the client's format (``Accept``), so says it varies by it."""
    if response.status_code >= 400:
        response.vary.add("Accept")
    return response
