"""Linked-data pages: Cool URIs for every entity and for the ontology namespace.

- ``/id/<path>`` names the entity ``{BASE}id/<path>`` (the base IRI maps to whatever origin
  serves the app) and answers 303 See Other: to ``/page/<path>`` for HTML, to ``/data/<path>``
  for RDF, by ``Accept`` (``Vary: Accept``).
- ``/page/<path>`` is the bilingual HTML page; ``/data/<path>`` the RDF (Turtle, JSON-LD,
  N-Triples, RDF/XML by ``Accept``, or by a suffix: ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``).
- ``/ontology`` documents every class and property (HTML) or serves the ontology graph (RDF).
- ``/code/kemendagri/<code>`` and ``/code/bps/<code>`` answer 303 to the area with that code.

A path is checked against ``describe.valid_path`` before anything else, and every ``Location`` is
built by ``linked_data.local`` from it: no request can produce a redirect off this origin.
Representations carry an ``ETag`` derived from the build (304 on ``If-None-Match``, checked
before any query runs), ``Cache-Control`` and ``Vary``; HTML carries ``Content-Language``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, has_request_context, render_template, request
from werkzeug.exceptions import NotAcceptable, NotFound

from malang_kg import negotiation as neg
from malang_kg.describe import Describer, PageNotFound
from malang_kg.engine import Term
from malang_kg.linked import Site, valid_path
from malang_kg.ontology_doc import document, graph_triples
from malang_kg.results import SerializationError, serialize_graph
from malang_kg.specialise import specialise
from malang_kg.web import linked_data as ld
from malang_kg.web.context import engine, settings
from malang_kg.web.i18n import LANGUAGES, choose_language, translator
from malang_kg.web.pages_text import NAV, TEXTS

bp = Blueprint("pages", __name__)

CODE_SCHEMES = {"kemendagri": "KemendagriCode", "bps": "BpsCode"}
_CODE = re.compile(r"[0-9][0-9.]{0,31}")
CODE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?area WHERE { ?area skos:notation ?code } ORDER BY ?area"""
MAX_PAGE = 100_000


# --- The interface around every page ------------------------------------------------------------


def explicit_language() -> str | None:
    """The language the reader chose with ``?lang=``, if any (it is then kept on links)."""
    asked = request.args.get("lang", "").strip().lower()
    return asked if asked in LANGUAGES else None


def language_links() -> list[dict[str, Any]]:
    """Links to this page in each language: the current query string with ``lang`` replaced,
    relative (``?…``) so they can never point to another host."""
    current = choose_language()
    names = {"id": "Bahasa Indonesia", "en": "English"}
    links = []
    for code in LANGUAGES:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        links.append(
            {
                "code": code,
                "name": names[code],
                "href": "?" + urlencode([*pairs, ("lang", code)]),
                "current": code == current,
            }
        )
    return links


@bp.app_context_processor
def _interface() -> dict[str, Any]:
    """``lang``, ``ui`` (the navigation texts) and ``language_links`` for ``site/base.html``;
    a template's own ``lang`` wins."""
    if not has_request_context():
        return {"lang": "id", "ui": translator(NAV, "id"), "language_links": []}
    lang = choose_language()
    return {
        "lang": lang,
        "ui": translator(NAV, lang),
        "language_links": language_links(),
        "explicit_lang": explicit_language(),
    }


def _describer(lang: str) -> Describer:
    return Describer(engine(), Site(settings().base_iri, explicit_language()), lang)


def _checked(path: str) -> str:
    if not valid_path(path):
        raise NotFound("There is no entity at this address.")
    return path


def _vary_language() -> tuple[str, ...]:
    return () if explicit_language() else ("Accept-Language",)


def _not_found_page(iri: str, path: str, lang: str, vary: tuple[str, ...] = ()) -> Response:
    guess = re.split(r"[/]", path)[-1].replace("-", " ").replace("_", " ")
    html = render_template(
        "pages/not_found.html", t=translator(TEXTS, lang), iri=iri, guess=guess, lang=lang
    )
    response = Response(html, status=404, mimetype="text/html")
    response.content_language.add(lang)
    for header in vary:
        response.vary.add(header)
    return response


def _unknown(path: str, html: bool) -> Response:
    if html:
        iri = settings().base_iri + "id/" + path
        return _not_found_page(iri, path, choose_language(), ("Accept", *_vary_language()))
    raise NotFound(
        f"Nothing is known about <{settings().base_iri}id/{path}>. Search at /search?q=… or "
        "query the graph at /sparql."
    )


# --- /id, /page, /data --------------------------------------------------------------------------


@bp.get("/id/<path:path>", merge_slashes=False)
def identify(path: str) -> Response:
    """303 See Other to the page (HTML) or the data (RDF) of the entity."""
    valid = valid_path(path)
    media = ld.negotiate(request.headers.get("Accept"), html=True)
    if media is None:
        raise NotAcceptable(ld.not_acceptable_message(html=True))
    if not valid or not _describer(choose_language()).exists(settings().base_iri + "id/" + path):
        return _unknown(path if valid else "", media.is_html)
    chosen = explicit_language()
    if media.is_html:
        location = ld.local("page", path, query=urlencode({"lang": chosen}) if chosen else "")
    else:
        location = ld.local("data", path)
    return ld.see_other(location, vary=("Accept",))


@bp.get("/page/<path:path>", merge_slashes=False)
def page(path: str) -> Response:
    """The HTML page of an entity, in the chosen language."""
    valid = valid_path(path)
    lang = choose_language()
    number = _page_number()
    tag = ld.etag("page", engine().build_id, path, lang, str(number))
    vary = _vary_language()
    if valid and (unchanged := ld.not_modified(tag, vary, lang)):
        return unchanged
    describer = _describer(lang)
    try:
        entity = describer.describe(path, number) if valid else None
    except PageNotFound as error:
        raise NotFound(str(error)) from None
    if entity is None:
        iri = settings().base_iri + "id/" + (path if valid else "")
        return _not_found_page(iri, path if valid else "", lang, vary)
    specialise(describer, entity)
    formats = [(f, ld.local("data", f"{path}.{f.suffix}")) for f in ld.RDF_FORMATS]
    html = render_template(
        "pages/entity.html",
        entity=entity,
        t=translator(TEXTS, lang),
        lang=lang,
        short=describer.site.short,
        formats=formats,
        page_href=_page_href,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{f.media.mime}"' for f, href in formats
    )
    return ld.cached(response, tag, vary, lang)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise NotFound("page= must be a page number from 1.")
    return int(raw)


def _page_href(number: int) -> str:
    pairs: list[tuple[str, str]] = [("page", str(number))] if number > 1 else []
    chosen = explicit_language()
    if chosen:
        pairs.append(("lang", chosen))
    return ("?" + urlencode(pairs) if pairs else request.path) + "#referenced-by"


@bp.get("/data/<path:path>", merge_slashes=False)
def data(path: str) -> Response:
    """The entity's RDF, by suffix or by ``Accept``."""
    stem, media = ld.split_suffix(path)
    vary: tuple[str, ...] = ()
    if media is None:
        vary = ("Accept",)
        media = ld.negotiate(request.headers.get("Accept"), html=False)
        if media is None:
            raise NotAcceptable(ld.not_acceptable_message(html=False))
    _checked(stem)
    tag = ld.etag("data", engine().build_id, stem, media.mime)
    if unchanged := ld.not_modified(tag, vary):
        return unchanged
    describer = _describer("en")
    if not describer.exists(settings().base_iri + "id/" + stem):
        return _unknown(stem, html=False)
    return ld.cached(_rdf_response(describer.triples(stem), media), tag, vary)


def _rdf_response(triples: Any, media: neg.MediaType) -> Response:
    try:
        body = serialize_graph(triples, media)
    except SerializationError as error:
        raise NotAcceptable(str(error)) from None
    return Response(body, mimetype=media.mime)


# --- /ontology ----------------------------------------------------------------------------------


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    """The ontology namespace: its documentation (HTML) or the ontology graph (RDF)."""
    vary: tuple[str, ...] = ()
    if suffix is None:
        vary = ("Accept",)
        media = ld.negotiate(request.headers.get("Accept"), html=True)
        if media is None:
            raise NotAcceptable(ld.not_acceptable_message(html=True))
    elif suffix == "html":
        media = neg.HTML
    elif suffix in ld.BY_SUFFIX:
        media = ld.BY_SUFFIX[suffix]
    else:
        raise NotFound("The ontology is served as /ontology, .html, .ttl, .jsonld, .nt or .rdf.")
    lang = choose_language()
    if media.is_html:
        vary += _vary_language()
    tag = ld.etag("ontology", engine().build_id, media.mime, lang if media.is_html else "")
    if unchanged := ld.not_modified(tag, vary, lang if media.is_html else None):
        return unchanged
    site = Site(settings().base_iri, explicit_language())
    if not media.is_html:
        triples = graph_triples(engine(), settings().base_iri + "graph/ontology")
        return ld.cached(_rdf_response(triples, media), tag, vary)
    formats = [(f, f"/ontology.{f.suffix}") for f in ld.RDF_FORMATS]
    html = render_template(
        "pages/ontology.html",
        doc=document(engine(), site, lang),
        t=translator(TEXTS, lang),
        lang=lang,
        short=site.short,
        formats=formats,
    )
    return ld.cached(Response(html, mimetype="text/html"), tag, vary, lang)


# --- /code ---------------------------------------------------------------------------------------


@bp.get("/code/<scheme>/<code>", merge_slashes=False)
def code(scheme: str, code: str) -> Response:
    """303 to the area whose Kemendagri or BPS code this is."""
    if scheme not in CODE_SCHEMES or not _CODE.fullmatch(code):
        abort(404, "Unknown code: use /code/kemendagri/NN.NN.NN.NNNN or /code/bps/NNNNNNNNNN.")
    site = Site(settings().base_iri)
    literal = Term.literal(code, datatype=site.mk + CODE_SCHEMES[scheme])
    rows = engine().select(CODE_QUERY, {"code": literal}).rows
    paths = [p for row in rows if (p := site.path(row["area"].value))]
    if not paths:
        abort(404, f"No area of this graph has the {scheme} code {code}.")
    return ld.see_other(ld.local("id", paths[0]))
