"""HTTP caching and redirects: ``ETag`` from the build and what the representation depends on,
``304`` before any query runs, ``Cache-Control``, ``Vary``, and ``303 See Other`` to paths of
this origin only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import Response, render_template, request

MAX_AGE = 3600  # seconds; a new build changes every ETag, so caches revalidate cheaply


def see_other(location: str, vary: Iterable[str] = ()) -> Response:
    """303 See Other to ``location``, an absolute path of this origin (``iris.local_path``)."""
    if not location.startswith("/") or location.startswith("//"):
        raise ValueError(f"refusing to redirect to {location!r}")
    body = render_template("site/see_other.html", location=location)
    response = Response(body, status=303, mimetype="text/html")
    response.headers["Location"] = location
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    for header in vary:
        response.vary.add(header)
    return response


def etag(*parts: str) -> str:
    """A strong validator from the build id and what the representation depends on."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def cached(
    response: Response, tag: str, vary: Iterable[str] = (), language: str | None = None
) -> Response:
    """Add ``ETag``, ``Cache-Control``, ``Vary`` and ``Content-Language`` to a response."""
    response.set_etag(tag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    for header in vary:
        response.vary.add(header)
    if language:
        response.content_language.add(language)
    return response


def not_modified(
    tag: str, vary: Iterable[str] = (), language: str | None = None
) -> Response | None:
    """304 when ``If-None-Match`` holds ``tag`` (or ``*``), before any query runs."""
    if not request.if_none_match.contains_weak(tag):
        return None
    return cached(Response(status=304), tag, vary, language)
