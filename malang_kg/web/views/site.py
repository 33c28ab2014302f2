"""The public front of the site: the landing page, browsing by class, search (HTML and JSON), the
sitemap and robots.txt. Texts are Indonesian and English (``site_texts``, chosen by ``i18n``);
every query goes through the engine with its values bound: nothing a request says is ever pasted
into query text. Matching names is ``malang_kg.dataset.search``'s work."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)

from malang_kg.dataset.labels import LANGUAGES
from malang_kg.dataset.lookups import members
from malang_kg.dataset.named_queries import run
from malang_kg.dataset.search import MAX_QUERY_CHARS, Hit, SearchIndex, index_for, key
from malang_kg.engine import Term
from malang_kg.formats import media as fmt
from malang_kg.formats.negotiation import negotiate
from malang_kg.iris import Links
from malang_kg.web.context import (
    engine,
    history,
    label_index,
    layout,
    links,
    named_queries,
    settings,
)
from malang_kg.web.http.params import parse_whole
from malang_kg.web.i18n import (
    choose_language,
    explicit_language,
    html_page,
    other_language,
    translator,
    vary_language,
)
from malang_kg.web.i18n.site import SEARCH_JSON_MAX, TEXTS
from malang_kg.web.views import query_page as sparql_page

bp = Blueprint("site", __name__)

PAGE_SIZE = 50  # entities per page of /browse
SEARCH_HTML_LIMIT = 50
SEARCH_JSON_LIMIT = 20
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_CLASS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")

# --- helpers -------------------------------------------------------------------------------------


def local_url(path: str, **params: str | int) -> str:
    """A link within the site that keeps a language the visitor chose with ``?lang=``."""
    pairs = {name: str(value) for name, value in params.items()}
    lang = explicit_language()
    if lang and "lang" not in pairs:
        pairs["lang"] = lang
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _has_route(rule: str) -> bool:
    return any(r.rule == rule for r in current_app.url_map.iter_rules())


def _number(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def _index() -> SearchIndex:
    return index_for(engine(), label_index(), layout())


def _classes(lang: str) -> list[dict[str, Any]]:
    """Entities per class (the ``classes`` named query) with labels in both languages."""
    query = named_queries()["classes"]
    ours = run(engine(), query, {"lang": lang}).rows
    theirs = run(engine(), query, {"lang": other_language(lang)}).rows
    other_labels = {row["class"].value: row.get("classLabel") for row in theirs}
    namespace = layout().vocabulary
    classes = []
    for row in ours:
        iri = row["class"].value
        name = iri[len(namespace) :] if iri.startswith(namespace) else ""
        label = row["classLabel"].value if "classLabel" in row else name
        other = other_labels.get(iri)
        classes.append(
            {
                "iri": iri,
                "name": name,
                "label": label,
                "other_label": other.value if other and other.value != label else "",
                "entities": int(row["entities"].value),
                "href": local_url(f"/browse/{name}") if _CLASS_NAME.match(name) else None,
            }
        )
    return classes


def _render(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("q", "")
    html = render_template(
        template,
        lang=lang,
        other_lang=other_language(lang),
        t=translator(TEXTS, lang),
        texts=TEXTS,
        explicit_lang=explicit_language(),
        search_action=url_for("site.search"),
        max_chars=MAX_QUERY_CHARS,
        **context,
    )
    return html_page(html, lang, status)


# --- the landing page ----------------------------------------------------------------------------


# What the home page says the graph holds, in plain words: (class, the catalogue key of its
# sentence part), in the order said.
HOLDINGS = (
    ("Award", "holds_awards"),
    ("AwardCompetition", "holds_competitions"),
    ("GovernmentBody", "holds_bodies"),
    ("CommunityInformationGroup", "holds_kim"),
    ("Person", "holds_people"),
    ("Kecamatan", "holds_kecamatan"),
    ("Kelurahan", "holds_kelurahan"),
)


def _holdings(classes: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    counts = {c["name"]: c for c in classes}
    return [
        {"key": key, "count": _number(counts[name]["entities"], lang), "href": counts[name]["href"]}
        for name, key in HOLDINGS
        if name in counts
    ]


@bp.get("/")
def index() -> Response:
    lang = choose_language()
    current = engine()
    classes = _classes(lang)
    sparql = url_for("sparql.endpoint")
    optional = [("api", "/api/queries"), ("downloads", "/downloads/")]
    links = [("sparql", sparql), *((name, path) for name, path in optional if _has_route(path))]
    return _render(
        "site/index.html",
        lang,
        build_id=current.build_id,
        triples=_number(current.triples, lang),
        classes=[dict(c, count=_number(c["entities"], lang)) for c in classes],
        holdings=_holdings(classes, lang),
        examples=sparql_page.examples(sparql, named_queries().values()),
        links=links,
        dataset=_dataset(current.build_id),
    )


def _dataset(build_id: str) -> dict[str, Any]:
    """A schema.org ``Dataset`` describing the graph (embedded as JSON-LD on the landing page)."""
    root = request.url_root
    base = settings().base_iri
    dataset: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": base,
        "name": [{"@language": lang, "@value": TEXTS["title"][lang]} for lang in LANGUAGES],
        "description": [{"@language": lang, "@value": TEXTS["about"][lang]} for lang in LANGUAGES],
        "url": root,
        "identifier": base,
        "version": build_id,
        "inLanguage": list(LANGUAGES),
        "isAccessibleForFree": True,
        "keywords": ["Kota Malang", "Linked Open Data", "kelurahan", "kecamatan", "KIM"],
        "spatialCoverage": {
            "@type": "AdministrativeArea",
            "@id": layout().entity("city/malang"),
            "name": "Kota Malang, Jawa Timur, Indonesia",
        },
    }
    if _has_route("/downloads/"):
        dataset["distribution"] = [
            {"@type": "DataDownload", "name": "Downloads", "contentUrl": root + "downloads/"}
        ]
    return dataset


# --- browsing by class ---------------------------------------------------------------------------


@bp.get("/browse/<name>")
def browse(name: str) -> Response:
    lang = choose_language()
    t = translator(TEXTS, lang)
    found = [c for c in _classes(lang) if c["name"] == name] if _CLASS_NAME.match(name) else []
    if not found:
        abort(404, description=t("no_class"))
    chosen = found[0]
    page = parse_whole(request.args.get("page", "1").strip(), 1)
    if page is None:
        abort(400, description=t("bad_page"))
    found_iris, truncated = members(engine(), chosen["iri"])
    labels = _index()
    entities = sorted(
        ((labels.label(iri, lang), iri) for iri in found_iris),
        key=lambda item: (key(item[0]), item[1]),
    )
    pages = max(1, math.ceil(len(entities) / PAGE_SIZE))
    if page > pages:
        abort(404, description=t("bad_page"))
    start = (page - 1) * PAGE_SIZE
    return _render(
        "site/browse.html",
        lang,
        chosen=chosen,
        total=len(entities),
        entities=[
            {"label": label, "iri": iri, "href": _entity_link(iri)}
            for label, iri in entities[start : start + PAGE_SIZE]
        ],
        start=start + 1,
        page=page,
        pages=pages,
        previous=local_url(f"/browse/{name}", page=page - 1) if page > 1 else None,
        next=local_url(f"/browse/{name}", page=page + 1) if page < pages else None,
        truncated=truncated,
    )


def _entity_link(iri: str) -> str | None:
    return links().entity(iri, "id")


# --- search --------------------------------------------------------------------------------------


def _wants_json() -> bool:
    asked = request.args.get("format", "").strip().lower()
    if asked in ("json", "application/json"):
        return True
    if asked in ("html", "text/html"):
        return False
    return negotiate((fmt.HTML, fmt.JSON), request.headers.get("Accept")) is fmt.JSON


def _json_error(message: str) -> Response:
    return make_response(jsonify({"error": "Bad Request", "status": 400, "message": message}), 400)


def _problem(raw: str | None) -> str | None:
    """The key of the text explaining why ``raw`` cannot be searched, or None if it can."""
    if raw is None:
        return "missing_query"
    if not raw.strip():
        return "empty_query"
    if len(raw) > MAX_QUERY_CHARS:
        return "too_long"
    if not key(raw):
        return "no_letters"
    return None


@bp.get("/search")
def search() -> Response:
    lang = choose_language()
    raw = request.args.get("q")
    problem = _problem(raw)
    if _wants_json():
        response = _search_json(raw, problem, lang)
        response.vary.update(vary_language())  # its labels are in the chosen language
    else:
        response = _search_html(raw, problem, lang)
    response.vary.add("Accept")
    return response


def _search_json(raw: str | None, problem: str | None, lang: str) -> Response:
    t = translator(TEXTS, lang)
    if problem is not None or raw is None:
        return _json_error(t(problem or "missing_query"))
    raw_limit = request.args.get("limit", str(SEARCH_JSON_LIMIT)).strip()
    limit = parse_whole(raw_limit, 1, SEARCH_JSON_MAX)
    if limit is None:
        return _json_error(t("bad_limit"))
    return jsonify([hit.as_json(lang) for hit in _index().search(raw, limit)])


def _search_html(raw: str | None, problem: str | None, lang: str) -> Response:
    hits: list[Hit] = []
    if problem is None and raw is not None:
        hits = _index().search(raw)
    index = _index() if hits else None
    results = [
        {
            "label": hit.entity.label(lang),
            "iri": hit.entity.iri,
            "href": _entity_link(hit.entity.iri),
            "types": [index.class_label(c, lang) for c in hit.entity.types] if index else [],
            "parents": [
                {"label": index.label(p, lang), "href": _entity_link(p)} for p in hit.entity.parents
            ]
            if index
            else [],
            "matched": hit.matched.text,
            "matched_lang": hit.matched.lang or "",
            "score": hit.score,
        }
        for hit in hits[:SEARCH_HTML_LIMIT]
    ]
    status = 400 if problem in ("too_long", "no_letters") else 200
    return _render(
        "site/search.html",
        lang,
        status,
        q=raw or "",
        problem=None if problem == "missing_query" else problem,
        searched=problem is None,
        results=results,
        total=len(hits),
    )


# --- sitemap and robots.txt ----------------------------------------------------------------------

SITEMAP_QUERY = """SELECT DISTINCT ?entity ?ns
WHERE { ?entity ?p ?o . FILTER (isIRI(?entity) && STRSTARTS(STR(?entity), ?ns)) }
ORDER BY ?entity
"""


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    root = request.url_root.rstrip("/")
    urls = [url_for("site.index"), url_for("sparql.endpoint")]
    urls += [path for path in ("/ontology",) if _has_route(path)]
    prefix = Term.literal(layout().entity_prefix)
    rows = engine().select(SITEMAP_QUERY, {"ns": prefix}).rows
    plain = Links(layout())
    changed = history().last_changed()
    dated: list[tuple[str, str | None]] = [(path, None) for path in urls]
    dated += [
        (path, changed.get(row["entity"].value))
        for row in rows
        if (path := plain.entity(row["entity"].value))
    ]
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for path, when in dated:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = root + path
        if when is not None:  # the last build that changed the entity (history/)
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = when
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP_NS)
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Allow: /page/",
        "Disallow: /sparql?",
        "Disallow: /search?",
        f"Sitemap: {request.url_root}sitemap.xml",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
