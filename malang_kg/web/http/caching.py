"""HTTP for linked data: which representation a client gets, redirects that never leave the
origin, and caching (``ETag`` from the build, ``304``, ``Cache-Control``, ``Vary``).

The media types and serialisers are those of the SPARQL endpoint (``negotiation``, ``results``);
this module only says which of them the entity pages offer and under which file suffix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, request
from markupsafe import escape

from malang_kg.formats import media as neg
from malang_kg.iris import valid_path

MAX_AGE = 3600  # seconds; a new build changes every ETag, so caches revalidate cheaply


@dataclass(frozen=True)
class Format:
    media: neg.MediaType
    suffix: str  # the file suffix of /data/….<suffix>, without the dot


RDF_FORMATS: tuple[Format, ...] = (
    Format(neg.TURTLE, "ttl"),
    Format(neg.JSON_LD, "jsonld"),
    Format(neg.N_TRIPLES, "nt"),
    Format(neg.RDF_XML, "rdf"),
)
BY_SUFFIX = {f.suffix: f.media for f in RDF_FORMATS}
# What ``Accept`` may name, in order of preference among equals: HTML first for /id and the
# ontology (browsers and ``*/*``), Turtle first for /data. ``application/json`` gets JSON-LD and
# ``application/xhtml+xml`` the HTML page.
_ALIASES = {"application/json": neg.JSON_LD, "application/xhtml+xml": neg.HTML}


def negotiate(accept_header: str | None, html: bool) -> neg.MediaType | None:
    """The representation to answer with, or None when the client accepts none of them."""
    offered = [f.media for f in RDF_FORMATS]
    mimes = [m.mime for m in offered] + ["application/json"]
    if html:
        mimes = [neg.HTML.mime, "application/xhtml+xml", *mimes]
    best = neg.parse_accept(accept_header).best_match(mimes)
    if best is None:
        return None
    if best in _ALIASES:
        return _ALIASES[best]
    return neg.HTML if best == neg.HTML.mime else next(m for m in offered if m.mime == best)


def split_suffix(path: str) -> tuple[str, neg.MediaType | None]:
    """``kelurahan/samaan.ttl`` → (``kelurahan/samaan``, Turtle); no known suffix → (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in BY_SUFFIX and valid_path(stem):
        return stem, BY_SUFFIX[suffix]
    return path, None


def not_acceptable_message(html: bool) -> str:
    types = ([neg.HTML.mime] if html else []) + [f.media.mime for f in RDF_FORMATS]
    return (
        "None of the representations of this resource is acceptable. It can be had as: "
        + ", ".join(types)
        + (
            "; or ask for a file: "
            + ", ".join(f".{f.suffix}" for f in RDF_FORMATS)
            + " (for example /data/kelurahan/samaan.ttl)."
        )
    )


def local(*parts: str, query: str = "") -> str:
    """An absolute path on this origin from validated parts. It starts with exactly one ``/``
    and holds no backslash, so no client can read it as another host."""
    path = "/" + "/".join(quote(part, safe="/~") for part in parts)
    if path.startswith("//") or "\\" in path or ".." in path.split("/"):
        raise ValueError(f"refusing to build the path {path!r}")
    return path + (f"?{query}" if query else "")


def see_other(location: str, vary: Iterable[str] = ()) -> Response:
    """303 See Other to ``location``, an absolute path of this origin built by ``local``."""
    if not location.startswith("/") or location.startswith("//"):
        raise ValueError(f"refusing to redirect to {location!r}")
    body = f'<!doctype html>\n<title>303 See Other</title>\n<p><a href="{escape(location)}">'
    body += f"{escape(location)}</a></p>\n"
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
