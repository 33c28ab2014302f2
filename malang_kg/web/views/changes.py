"""The change feed and past versions, read from the store's change records (``history/``):
``/changes`` (an HTML page, or Activity Streams 2.0 by ``Accept``), ``/changes.atom``,
``/changes/ldes`` (the same changes as a Linked Data Event Stream, Turtle or JSON-LD) and each
entity's TimeMap, ``/timemap/<path>``. The entity routes use ``timegate`` and ``memento`` to
answer ``Accept-Datetime`` and ``?version=`` (``pages.py``)."""

from __future__ import annotations

import json
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request
from rdflib import XSD
from rdflib.namespace import SKOS
from werkzeug.exceptions import BadRequest, NotAcceptable, NotFound
from werkzeug.http import parse_date

from malang_kg.engine import Term
from malang_kg.engine.oxterms import from_oxigraph
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import Offer, negotiate
from malang_kg.history.feed import (
    PAGE_SIZE,
    FeedPage,
    atom,
    collection,
    collection_page,
    event_stream,
)
from malang_kg.history.mementos import (
    LINK_FORMAT,
    Chosen,
    http_date,
    removal,
    timemap,
    valid_at,
    versions,
)
from malang_kg.history.records import Build, Change
from malang_kg.web.context import history, label_index, layout, links
from malang_kg.web.http.params import page_param
from malang_kg.web.i18n import (
    choose_language,
    fill,
    html_page,
    other_language,
    translator,
)
from malang_kg.web.i18n.changes import TEXTS

bp = Blueprint("changes", __name__)

FEED_OFFERS: tuple[Offer, ...] = (
    fmt.HTML,
    fmt.ACTIVITY_JSON,
    ("application/ld+json", fmt.ACTIVITY_JSON),
    ("application/json", fmt.ACTIVITY_JSON),
    fmt.ATOM,
)
LDES_OFFERS: tuple[Offer, ...] = (fmt.TURTLE, fmt.JSON_LD, fmt.N_TRIPLES)


def _site() -> str:
    return request.url_root.rstrip("/")


def _feed() -> FeedPage:
    """The page of changes the request asks for (``?page=``, ``?build=``)."""
    records = history()
    number = page_param(translator(TEXTS, choose_language())("bad_page"))
    chosen = request.args.get("build")
    build: Build | None = None
    if chosen is not None:
        build = records.build(chosen)
        if build is None:
            raise NotFound(translator(TEXTS, choose_language())("no_such_build"))
    total = records.count(build)
    if number > max(1, -(-total // PAGE_SIZE)):
        raise NotFound(translator(TEXTS, choose_language())("bad_page"))
    found = records.changes((number - 1) * PAGE_SIZE, PAGE_SIZE, build)
    return FeedPage(_site(), found, total, number, build.build_id if build else None)


def _page_url(iri: str) -> str | None:
    path = links().entity(iri)
    return _site() + path if path else None


@bp.get("/changes")
def feed() -> Response:
    media = negotiate(FEED_OFFERS, request.headers.get("Accept"))
    if media is None:
        raise NotAcceptable("/changes is HTML, Activity Streams 2.0 JSON or Atom")
    if media is fmt.ATOM:
        return atom_feed()
    page = _feed()
    if media is fmt.ACTIVITY_JSON:
        document = collection_page(page, _page_url) if "page" in request.args else collection(page)
        response = Response(json.dumps(document, ensure_ascii=False, indent=1))
        response.mimetype = fmt.ACTIVITY_JSON.mime
    else:
        response = _html(page)
    response.vary.add("Accept")
    return response


def _titles(changes: list[Change], lang: str) -> dict[str, str]:
    found = label_index().best_labels({c.entity for c in changes}, lang, other_language(lang))
    return {c.entity: found[c.entity].value if c.entity in found else c.entity for c in changes}


def _html(page: FeedPage) -> Response:
    lang = choose_language()
    names = _titles(list(page.changes), lang)
    rows = [
        {
            "change": change,
            "text": names[change.entity],
            "href": links().entity(change.entity),
        }
        for change in page.changes
    ]
    html = render_template(
        "changes/changes.html",
        t=translator(TEXTS, lang),
        lang=lang,
        feed=page,
        rows=rows,
        page_url=lambda n: page.url("/changes", n)[len(page.site) :],
    )
    return html_page(html, lang)


@bp.get("/changes.atom")
def atom_feed() -> Response:
    page = _feed()
    lang = choose_language()
    t = translator(TEXTS, lang)
    names = _titles(list(page.changes), lang)
    body = atom(
        page,
        t("changes_feed_title"),
        lambda change: f"{t('kind_' + change.kind)}: {names[change.entity]}",
        _page_url,
        lang,
    )
    return Response(body, mimetype=fmt.ATOM.mime)


@bp.get("/changes/ldes")
def ldes() -> Response:
    media = negotiate(LDES_OFFERS, request.headers.get("Accept"))
    if media is None:
        raise NotAcceptable("the event stream is Turtle, JSON-LD or N-Triples")
    graph = event_stream(_feed())
    format_name = {"text/turtle": "turtle", "application/ld+json": "json-ld"}.get(media.mime, "nt")
    response = Response(graph.serialize(format=format_name), mimetype=media.mime)
    response.vary.add("Accept")
    return response


# --- past versions ----------------------------------------------------------------------------


def timemap_url(path: str) -> str:
    return f"{_site()}/timemap/{path}"


def memento_links(path: str) -> str:
    original = f"{_site()}/data/{path}"
    return (
        f'<{original}>; rel="original timegate", '
        f'<{timemap_url(path)}>; rel="timemap"; type="{LINK_FORMAT}"'
    )


def entity_changes(path: str) -> list[Change]:
    return history().versions(layout().entity(path))


@bp.get("/timemap/<path:path>", merge_slashes=False)
def timemap_of(path: str) -> Response:
    changes = entity_changes(path)
    kept = versions(changes)
    if not kept:
        raise NotFound(translator(TEXTS, choose_language())("no_history"))
    original = f"{_site()}/data/{path}"
    body = timemap(original, original, timemap_url(path), original + "?version={build}", kept)
    return Response(body, mimetype=LINK_FORMAT)


def timegate(path: str, suffix: str) -> Response:
    """302 to the version of ``path`` valid at the request's ``Accept-Datetime``."""
    t = translator(TEXTS, choose_language())
    when: datetime | None = parse_date(request.headers.get("Accept-Datetime"))
    if when is None:
        raise BadRequest(t("bad_datetime"))
    chosen: Chosen | None = valid_at(entity_changes(path), when)
    if chosen is None:
        raise NotFound(t("no_history"))
    target = f"/data/{path}{suffix}?version={chosen.version.build.build_id}"
    response = Response(status=302, headers={"Location": target})
    response.vary.add("Accept-Datetime")
    response.headers["Link"] = memento_links(path)
    return response


def version(path: str) -> tuple[Change, list[Change]]:
    """The version ``?version=`` names (a build that created or changed the entity) and all its
    changes; 404 for any other build."""
    chosen = request.args.get("version", "")
    changes = entity_changes(path)
    found = next((c for c in versions(changes) if c.build.build_id == chosen), None)
    if found is None:
        abort(404)
    return found, changes


def version_triples(path: str, chosen: Change) -> list[tuple[Term, Term, Term]]:
    """The entity's description as of ``chosen`` (each triple once, whatever its graphs)."""
    lines = history().description(layout().entity(path), chosen.build.build_id)
    quads: list[ox.Quad] = list(ox.parse("\n".join(lines), format=ox.RdfFormat.N_QUADS))
    found = {
        (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)): None
        for q in quads
    }
    return list(found)


def memento_headers(response: Response, path: str, chosen: Change, changes: list[Change]) -> None:
    """What makes a response a Memento: its datetime, its links, and a note if it is the last
    version of a removed entity."""
    response.headers["Memento-Datetime"] = http_date(chosen.build.created)
    response.headers["Link"] = memento_links(path)
    if (gone := removal(changes, chosen)) is not None:
        build = gone.build
        text = translator(TEXTS, "en")("removed_note")
        note = fill(text, build=build.build_id, date=build.created)
        response.headers["Warning"] = f'299 malang-kg "{note}"'


def removed(path: str) -> str | None:
    """Why there is nothing at ``path`` now, if a build removed it: a message for the 410."""
    past = entity_changes(path)
    if not past or past[-1].kind != "delete":
        return None
    gone = past[-1].build
    return (
        f"<{layout().entity(path)}> was removed in build {gone.build_id} ({gone.created}); "
        f"its past versions are listed at /timemap/{path}"
    )


def modified(path: str) -> Term | None:
    """When the entity last changed (its last recorded change's build), as ``xsd:dateTime``."""
    changes = entity_changes(path)
    if not changes:
        return None
    return Term.literal(changes[-1].build.created, datatype=str(XSD.dateTime))


def memento_page(path: str, lang: str) -> Response:
    """The HTML of a past version: its statements, said clearly not to be the current ones."""
    chosen, changes = version(path)
    t = translator(TEXTS, lang)
    iri = layout().entity(path)
    triples = [t_ for t_ in version_triples(path, chosen) if t_[0].value == iri]
    iris = {term.value for triple in triples for term in triple[1:] if term.kind == "uri"}
    labels = label_index().best_labels(iris, lang, other_language(lang))
    grouped: dict[str, list[dict[str, str | None]]] = {}
    for _, predicate, value in sorted(triples, key=lambda t_: (t_[1].value, t_[2].value)):
        label = labels.get(value.value) if value.kind == "uri" else None
        grouped.setdefault(predicate.value, []).append(
            {
                "text": label.value if label else value.value,
                "lang": (label.lang if label else value.lang) or None,
                "href": links().entity(value.value) if value.kind == "uri" else None,
            }
        )
    gone = removal(changes, chosen)
    names = [value for _, p, value in triples if p.value == str(SKOS.prefLabel)]
    title = next((n for n in names if n.lang == lang), names[0] if names else None)
    html = render_template(
        "pages/memento.html",
        th=t,
        lang=lang,
        iri=iri,
        path=path,
        chosen=chosen,
        changes=changes,
        removed=gone,
        groups=[(p, labels.get(p), values) for p, values in grouped.items()],
        short=links().short,
        current=links().page(path),
        title=title,
    )
    response = html_page(html, lang)
    memento_headers(response, path, chosen, changes)
    return response
