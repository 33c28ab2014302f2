"""The dataset's files and its own description.

- ``/downloads/``: the dumps of the build being served (HTML in Indonesian and English, or JSON by
  ``Accept``), as the build's manifest lists them.
- ``/downloads/<file>``: one dump, gzip-compressed, as an attachment with ``Content-Length``,
  ``ETag`` (its SHA-256), ``Cache-Control`` and 304 on ``If-None-Match``. A file is served only if
  its name is one of the manifest's: nothing a request says is ever joined to a path unchecked.
- ``/.well-known/void`` (and ``/void``): the VoID and DCAT description (``dataset/void.py``), in
  Turtle by default or any RDF format by ``Accept`` or ``format=``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, url_for

from malang_kg.dataset.distributions import LICENSE
from malang_kg.dataset.void import ServiceUrls, statistics_for, void_graph
from malang_kg.engine.cache import Memo
from malang_kg.engine.service import QueryService
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import negotiate
from malang_kg.formats.rdf import serialize_rdflib
from malang_kg.pipeline.dumps import DOWNLOADS_DIR
from malang_kg.store.builds import Manifest
from malang_kg.web.context import engine, layout, served_build, settings
from malang_kg.web.http.errors import PageLink, ProtocolError, not_acceptable
from malang_kg.web.i18n import choose_language, html_page, translator
from malang_kg.web.i18n.api import TEXTS
from malang_kg.web.i18n.errors import say

bp = Blueprint("dataset", __name__)

GZIP = "application/gzip"
MAX_AGE = 3600  # seconds a client may reuse a dump before asking again (ETag makes that cheap)
RDF_TYPES = tuple(media for media in fmt.GRAPH_TYPES if not media.is_html)


def _dumps(manifest: Manifest) -> list[dict[str, Any]]:
    """The manifest's dumps whose file name is a plain name (never a path)."""
    return [
        dump
        for dump in manifest.dumps
        if isinstance(dump.get("file"), str)
        and dump["file"]
        and "/" not in dump["file"]
        and "\\" not in dump["file"]
        and not dump["file"].startswith(".")
    ]


def _wants_json() -> bool:
    return negotiate((fmt.HTML, fmt.JSON), request.headers.get("Accept")) is fmt.JSON


def _described(dump: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": dump["file"],
        "url": request.url_root + "downloads/" + dump["file"],
        "media_type": dump.get("media_type"),
        "content_type": GZIP,
        "title": dump.get("title", {}),
        "bytes": dump.get("bytes"),
        "sha256": dump.get("sha256"),
        "triples": dump.get("triples"),
        "graphs": dump.get("graphs", []),
    }


@bp.get("/downloads/")
def listing() -> Response:
    _, manifest = served_build()
    dumps = [_described(dump) for dump in _dumps(manifest)]
    if _wants_json():
        response = jsonify(
            {
                "build_id": manifest.build_id,
                "created": manifest.created,
                "license": LICENSE,
                "downloads": dumps,
            }
        )
    else:
        lang = choose_language()
        html = render_template(
            "api/downloads.html",
            t=translator(TEXTS, lang),
            lang=lang,
            manifest=manifest,
            dumps=dumps,
            void=url_for("dataset.well_known_void"),
        )
        response = html_page(html, lang)
    response.vary.add("Accept")
    return response


@bp.get("/downloads/<name>")
def download(name: str) -> Response:
    directory, manifest = served_build()
    found = [dump for dump in _dumps(manifest) if dump["file"] == name]
    if not found:
        abort(404, description=f"There is no download named {name!r}; see /downloads/.")
    dump = found[0]
    folder = (directory / DOWNLOADS_DIR).resolve()
    path = (folder / str(dump["file"])).resolve()
    if path.parent != folder or not path.is_file():
        abort(404, description="This download is missing from the current build.")
    response = send_file(
        path,
        mimetype=GZIP,
        as_attachment=True,
        download_name=str(dump["file"]),
        etag=str(dump["sha256"]),
        conditional=True,
        max_age=MAX_AGE,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- The VoID description ------------------------------------------------------------------------

# Serialised descriptions, per build, URL and format. Kept apart from the engine's memo because
# the URL comes from the request (its Host): no client can evict the search index with it.
_DESCRIPTIONS = Memo(32)


def _choose_rdf() -> fmt.MediaType:
    asked = request.args.get("format", "").strip()
    if asked:
        media = fmt.by_format("graph", asked)
        if media is None or media.is_html:
            raise _unsupported()
        return media
    chosen = negotiate(RDF_TYPES, request.headers.get("Accept"))
    if chosen is None:
        raise _unsupported()
    return chosen


def _unsupported() -> ProtocolError:
    """The 406: for a program in English, for a reader shown a page in the interface language,
    pointing to the downloads page."""
    mimes = ", ".join(media.mime for media in RDF_TYPES)
    page = say("void_formats", formats=mimes)
    link = PageLink(url_for("dataset.listing"), say("void_link"))
    return not_acceptable(f"The dataset description is available as {mimes}.", page, link)


def _void_bytes(media: fmt.MediaType) -> bytes:
    current = engine()
    root = request.url_root
    key = (root + request.path, media.mime)
    return _DESCRIPTIONS.get_or_compute(current.build_id, key, lambda: _describe(current, media))


def _describe(current: QueryService, media: fmt.MediaType) -> bytes:
    root = request.url_root
    _, manifest = served_build()
    site = ServiceUrls(
        layout=layout(),
        root=root,
        endpoint=root + url_for("sparql.endpoint").lstrip("/"),
        description=request.base_url,
    )
    stats = statistics_for(current, settings().base_iri)
    return serialize_rdflib(void_graph(stats, site, _dumps(manifest), manifest.created), media)


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    media = _choose_rdf()
    response = Response(_void_bytes(media), mimetype=media.mime)
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/void")
def void() -> Response:
    return well_known_void()
