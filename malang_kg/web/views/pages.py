"""Linked-data pages: ``/id/<path>`` (303 to the page or the data, by ``Accept``), ``/page/<path>``
(bilingual HTML), ``/data/<path>`` (RDF, by ``Accept`` or suffix), ``/ontology`` and
``/code/<scheme>/<code>``. A path is checked with ``iris.valid_path`` before anything else and
every ``Location`` is a local path, so no request can redirect off this origin; representations
carry an ``ETag`` of the build (304 before any query runs)."""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import Gone, NotAcceptable, NotFound

from malang_kg.dataset.lookups import (
    CODE_SCHEMES,
    NearCode,
    all_codes,
    areas_with_code,
    canonical_code,
    near_codes,
)
from malang_kg.engine import Term
from malang_kg.entities.ontology import document, graph_triples
from malang_kg.entities.queries import SHOWN
from malang_kg.entities.reader import EntityReader, PageNotFound
from malang_kg.entities.views import add_views, likely_queries, view_queries
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import Offer, negotiate
from malang_kg.formats.results import SerializationError, serialize_graph
from malang_kg.iris import DCTERMS, MAX_PATH, local_path, valid_path
from malang_kg.web.context import engine, label_index, layout, links
from malang_kg.web.http import caching as ld
from malang_kg.web.http.params import page_param
from malang_kg.web.i18n import (
    choose_language,
    explicit_language,
    html_page,
    other_language,
    translator,
    vary_language,
    whole_number,
)
from malang_kg.web.i18n.changes import TEXTS as CHANGE_TEXTS
from malang_kg.web.i18n.errors import say
from malang_kg.web.i18n.pages import TEXTS
from malang_kg.web.views import changes

bp = Blueprint("pages", __name__)

# The RDF an entity or the ontology is served as, by Accept or by file suffix (``/data/x.ttl``).
DATA_FORMATS = (fmt.TURTLE, fmt.JSON_LD, fmt.N_TRIPLES, fmt.RDF_XML)
BY_SUFFIX = {media.extension: media for media in DATA_FORMATS}
DATA_OFFERS: tuple[Offer, ...] = (*DATA_FORMATS, ("application/json", fmt.JSON_LD))
PAGE_OFFERS: tuple[Offer, ...] = (fmt.HTML, ("application/xhtml+xml", fmt.HTML), *DATA_OFFERS)


def _representation(html: bool) -> fmt.MediaType:
    """The representation the client asks for by ``Accept`` (the page first, if offered)."""
    media = negotiate(PAGE_OFFERS if html else DATA_OFFERS, request.headers.get("Accept"))
    if media is None:
        types = ([fmt.HTML.mime] if html else []) + [m.mime for m in DATA_FORMATS]
        raise NotAcceptable(
            "None of the representations of this resource is acceptable. It can be had as: "
            + ", ".join(types)
            + "; or ask for a file: "
            + ", ".join(f".{m.extension}" for m in DATA_FORMATS)
            + " (for example /data/kelurahan/samaan.ttl)."
        )
    return media


def _split_suffix(path: str) -> tuple[str, fmt.MediaType | None]:
    """``kelurahan/samaan.ttl`` → (``kelurahan/samaan``, Turtle); no known suffix → (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in BY_SUFFIX and valid_path(stem):
        return stem, BY_SUFFIX[suffix]
    return path, None


def _reader(lang: str) -> EntityReader:
    return EntityReader(engine(), links(), label_index(), lang)


def _checked(path: str) -> str:
    if not valid_path(path):
        raise NotFound(say("no_entity_here"))
    return path


def _not_found_page(iri: str, path: str, lang: str, vary: tuple[str, ...] = ()) -> Response:
    guess = re.split(r"[/]", path)[-1].replace("-", " ").replace("_", " ")
    html = render_template(
        "pages/not_found.html", t=translator(TEXTS, lang), iri=iri, guess=guess, lang=lang
    )
    return html_page(html, lang, 404, vary)


def _unknown(path: str, html: bool) -> Response:
    if html:
        iri = layout().entity(path)
        return _not_found_page(iri, path, choose_language(), ("Accept", *vary_language()))
    raise NotFound(
        f"Nothing is known about <{layout().entity(path)}>. Search at /search?q=… or "
        "query the graph at /sparql."
    )


# --- /id, /page, /data --------------------------------------------------------------------------


@bp.get("/id/<path:path>", merge_slashes=False)
def identify(path: str) -> Response:
    """303 See Other to the page (HTML) or the data (RDF) of the entity."""
    valid = valid_path(path)
    media = _representation(html=True)
    if not valid or not _reader(choose_language()).exists(layout().entity(path)):
        return _unknown(path if valid else "", media.is_html)
    chosen = explicit_language()
    if media.is_html:
        location = local_path("page", path, query=urlencode({"lang": chosen}) if chosen else "")
    else:
        location = local_path("data", path)
    return ld.see_other(location, vary=("Accept",))


@bp.get("/page/<path:path>", merge_slashes=False)
def page(path: str) -> Response:
    """The HTML page of an entity, in the chosen language."""
    valid = valid_path(path)
    lang = choose_language()
    if valid and "version" in request.args:
        return changes.memento_page(path, lang)
    number = page_param(translator(TEXTS, lang)("bad_page"))
    expand = request.args.get("all", "")[:MAX_PATH]  # the list shown whole (``_all_href``)
    tag = ld.etag("page", engine().build_id, path, lang, str(number), expand)
    vary = vary_language()
    if valid and (unchanged := ld.not_modified(tag, vary, lang)):
        return unchanged
    reader = _reader(lang)
    try:
        also = partial(view_queries, reader)  # the views' queries the guess missed
        likely = likely_queries(reader, layout().entity(path)) if valid else ()
        entity = reader.read(path, number, also, expand, likely) if valid else None
    except PageNotFound as error:
        text = translator(TEXTS, lang)("no_such_page")
        raise NotFound(text.format(pages=whole_number(error.pages, lang))) from None
    if entity is None:
        iri = layout().entity(path if valid else "")
        return _not_found_page(iri, path if valid else "", lang, vary)
    add_views(reader, entity)
    formats = [(m, local_path("data", f"{path}.{m.extension}")) for m in DATA_FORMATS]
    html = render_template(
        "pages/entity.html",
        entity=entity,
        t=translator(TEXTS, lang),
        lang=lang,
        short=reader.links.short,
        formats=formats,
        page_href=_page_href,
        expand=expand,
        shown_values=SHOWN,
        all_href=_all_href,
        history=changes.entity_changes(path),
        th=translator(CHANGE_TEXTS, lang),
    )
    response = html_page(html, lang)
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{m.mime}"' for m, href in formats
    )
    return ld.cached(response, tag, vary)


def _here(changes: dict[str, str | None], target: str) -> str:
    """A link to this page at ``target``, keeping what it shows (its ``page`` of incoming links,
    the list shown whole by ``all``) but for ``changes`` (None drops one), with the chosen
    language."""
    state: dict[str, str | None] = {
        "page": request.args.get("page"),
        "all": request.args.get("all", "")[:MAX_PATH] or None,
    }
    state.update(changes)
    pairs = [(name, value) for name, value in state.items() if value]
    chosen = explicit_language()
    if chosen:
        pairs.append(("lang", chosen))
    return ("?" + urlencode(pairs) if pairs else request.path) + "#" + target


def _page_href(number: int) -> str:
    return _here({"page": str(number) if number > 1 else None}, "referenced-by")


def _all_href(key: str, target: str) -> str:
    """This page with every item of the list ``key`` (a property's IRI, or a view's list such as
    ``awards-conferred``) shown, at the element ``target``; lists show ``SHOWN`` items."""
    return _here({"all": key}, target)


@bp.get("/data/<path:path>", merge_slashes=False)
def data(path: str) -> Response:
    """The entity's RDF, by suffix or by ``Accept``."""
    stem, media = _split_suffix(path)
    vary: tuple[str, ...] = ()
    if media is None:
        vary = ("Accept",)
        media = _representation(html=False)
    _checked(stem)
    if "Accept-Datetime" in request.headers:  # the data URL is its own TimeGate
        return changes.timegate(stem, path[len(stem) :])
    if "version" in request.args:
        chosen, past = changes.version(stem)
        response = _rdf_response(changes.version_triples(stem, chosen), media)
        changes.memento_headers(response, stem, chosen, past)
        return response
    vary += ("Accept-Datetime",)
    tag = ld.etag("data", engine().build_id, stem, media.mime)
    if unchanged := ld.not_modified(tag, vary):
        return unchanged
    reader = _reader("en")
    iri = layout().entity(stem)
    if not reader.exists(iri):
        if (gone := changes.removed(stem)) is not None:
            raise Gone(gone)
        return _unknown(stem, html=False)
    triples = reader.triples(stem)
    if (when := changes.modified(stem)) is not None:  # it has recorded versions
        triples.append((Term.uri(iri), Term.uri(str(DCTERMS.modified)), when))
    response = _rdf_response(triples, media)
    if when is not None:
        response.headers["Link"] = changes.memento_links(stem)
    return ld.cached(response, tag, vary)


def _rdf_response(triples: Any, media: fmt.MediaType) -> Response:
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
        media = _representation(html=True)
    elif suffix == "html":
        media = fmt.HTML
    elif suffix in BY_SUFFIX:
        media = BY_SUFFIX[suffix]
    else:
        raise NotFound(say("ontology_formats"))
    lang = choose_language()
    if media.is_html:
        vary += vary_language()
    tag = ld.etag("ontology", engine().build_id, media.mime, lang if media.is_html else "")
    if unchanged := ld.not_modified(tag, vary, lang if media.is_html else None):
        return unchanged
    if not media.is_html:
        triples = graph_triples(engine(), layout().ontology_graph)
        return ld.cached(_rdf_response(triples, media), tag, vary)
    formats = [(m, f"/ontology.{m.extension}") for m in DATA_FORMATS]
    html = render_template(
        "pages/ontology.html",
        doc=document(engine(), links(), lang),
        t=translator(TEXTS, lang),
        lang=lang,
        short=layout().short,
        formats=formats,
    )
    return ld.cached(html_page(html, lang), tag, vary)


# --- /code ---------------------------------------------------------------------------------------


@bp.get("/code/<scheme>/<path:code>", merge_slashes=False)
def code(scheme: str, code: str) -> Response:
    """303 to the area whose Kemendagri or BPS code this is, written with or without its dots
    (spaces and hyphens too); else a 404 naming the codes near it."""
    scheme = scheme.strip().lower()
    canonical = canonical_code(scheme, code) if scheme in CODE_SCHEMES else None
    areas = areas_with_code(engine(), layout(), scheme, canonical) if canonical else []
    paths = [path for area in areas if (path := layout().path(area))]
    if paths:
        return ld.see_other(local_path("id", paths[0]))
    lang = choose_language()
    near = near_codes(all_codes(engine(), layout()), code)
    if request.accept_mimetypes.accept_html:
        return _code_not_found_page(scheme, code.strip(), near, lang)
    t = translator(TEXTS, lang)
    message = t("code_unknown_scheme") if scheme not in CODE_SCHEMES else t("code_not_found")
    hints = ", ".join(f"/code/{n.scheme}/{n.code}" for n in near)
    raise NotFound(f"{message} {t('code_did_you_mean')} {hints}" if hints else message)


def _code_not_found_page(scheme: str, code: str, near: list[NearCode], lang: str) -> Response:
    labels = label_index().best_labels({n.area for n in near}, lang, other_language(lang))
    suggestions = [
        {
            "href": f"/code/{n.scheme}/{n.code}",
            "scheme": n.scheme,
            "code": n.code,
            "area": labels[n.area].value if n.area in labels else n.area,
        }
        for n in near
    ]
    html = render_template(
        "pages/code_not_found.html",
        t=translator(TEXTS, lang),
        lang=lang,
        scheme=scheme if scheme in CODE_SCHEMES else None,
        code=code,
        suggestions=suggestions,
    )
    return html_page(html, lang, 404, ("Accept",))
