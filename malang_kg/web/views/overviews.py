"""Pages for citizens, in plain words and without SPARQL: ``/awards`` (every award, grouped by the
competition it was won at, filterable by year, competition and recipient) and ``/areas`` (the
city, its kecamatan and their kelurahan, with their codes and the community information groups
based there). Both read what the named queries and the label index already give; the API's JSON
and CSV of the same data are linked from each page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, render_template, request

from malang_kg.dataset.named_queries import run
from malang_kg.engine import Row, Term
from malang_kg.iris import SCHEMA, SKOS
from malang_kg.web.context import (
    built_answers,
    engine,
    label_index,
    layout,
    links,
    named_queries,
)
from malang_kg.web.i18n import (
    choose_language,
    explicit_language,
    html_page,
    other_language,
    translator,
)
from malang_kg.web.i18n.overviews import TEXTS

bp = Blueprint("overviews", __name__)

FILTERS = ("year", "event", "recipient")
# The areas by kind, each with the area it is in and its codes (their datatypes say the scheme).
AREAS_QUERY = f"""PREFIX mk: <{{vocabulary}}>
SELECT ?area ?kind ?parent ?code WHERE {{
  VALUES ?kind {{ mk:City mk:Kecamatan mk:Kelurahan }}
  ?area a ?kind .
  OPTIONAL {{ ?area <{SCHEMA.containedInPlace}> ?parent }}
  OPTIONAL {{ ?area <{SKOS.notation}> ?code }}
}}"""
BASED_QUERY = """PREFIX mk: <{vocabulary}>
SELECT ?org ?area WHERE { ?org a mk:CommunityInformationGroup ; mk:basedIn ?area }"""


def _page(template: str, lang: str, **context: Any) -> Response:
    html = render_template(
        template, t=translator(TEXTS, lang), lang=lang, explicit_lang=explicit_language(), **context
    )
    return html_page(html, lang)


def _text(row: Row, column: str) -> str:
    term = row.get(column)
    return term.value if term is not None else ""


def _link(row: Row, column: str) -> dict[str, str] | None:
    """An entity of a row as ``{href, text, lang}`` (its label, else its IRI's last part)."""
    term = row.get(column)
    if term is None:
        return None
    label = row.get(column + "Label")
    path = layout().path(term.value) if term.kind == "uri" else None
    return {
        "href": links().entity(term.value) or "" if term.kind == "uri" else "",
        "text": label.value if label is not None else term.value.rsplit("/", 1)[-1],
        "lang": (label.lang or "") if label is not None else "",
        "key": path or term.value,
    }


# --- /awards -------------------------------------------------------------------------------------


@dataclass
class Event:
    link: dict[str, str]
    organizer: dict[str, str] | None
    year: str
    awards: list[dict[str, Any]] = field(default_factory=list)


def _award(row: Row) -> dict[str, Any]:
    quote = row.get("quote")
    language = row.get("quoteLanguage")  # of the text the sentence is quoted from
    return {
        "award": _link(row, "award"),
        "placing": _link(row, "placing"),
        "rank": _text(row, "rank"),
        "category": _link(row, "category"),
        "recipient": _link(row, "recipient"),
        "work": _link(row, "work"),
        "year": _text(row, "year"),
        "quote": {"text": quote.value, "lang": language.value if language else ""}
        if quote is not None
        else None,
    }


def _options(awards: list[dict[str, Any]], name: str) -> list[tuple[str, str]]:
    """The values a filter can take: (value, what it shows), as the awards have them."""
    found: dict[str, str] = {}
    for award in awards:
        value = award[name]
        if isinstance(value, dict):
            found[value["key"]] = value["text"]
        elif value:
            found[value] = value
    return sorted(found.items(), key=lambda item: item[1].casefold())


@bp.get("/awards")
def awards() -> Response:
    """Every award, grouped by competition; ``?year=``, ``?event=``, ``?recipient=`` filter."""
    lang = choose_language()
    query = named_queries()["awards"]
    built = built_answers().answer(query)
    result = run(engine(), query, {"lang": lang}, label_index(), built=built)
    rows = [(row, _award(row)) for row in result.rows]
    every = [award for _, award in rows]
    events = [{**award, "event": _link(row, "event")} for row, award in rows]
    options = {name: _options(events, name) for name in FILTERS}
    chosen = {name: request.args.get(name, "").strip() for name in FILTERS}
    unknown = [n for n, v in chosen.items() if v and v not in dict(options[n])]
    grouped: dict[str, Event] = {}
    for (row, award), with_event in zip(rows, events, strict=True):
        if any(_value(with_event, n) != v for n, v in chosen.items() if v):
            continue
        event = with_event["event"]
        key = event["key"] if event else ""
        if key not in grouped:
            grouped[key] = Event(event or {}, _link(row, "organizer"), award["year"])
        grouped[key].awards.append(award)
    response = _page(
        "overviews/awards.html",
        lang,
        events=sorted(grouped.values(), key=lambda e: e.link.get("text", "").casefold()),
        total=len(every),
        shown=sum(len(e.awards) for e in grouped.values()),
        options=options,
        chosen=chosen,
        unknown=unknown,
    )
    if unknown:
        response.status_code = 400
    return response


def _value(award: dict[str, Any], name: str) -> str:
    value = award[name]
    return str(value["key"]) if isinstance(value, dict) else str(value or "")


# --- /areas --------------------------------------------------------------------------------------


@dataclass
class Area:
    iri: str
    kind: str
    parents: set[str] = field(default_factory=set)
    codes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    groups: list[str] = field(default_factory=list)  # the KIM based in it


def _areas() -> dict[str, Area]:
    vocabulary = layout().vocabulary
    schemes = {vocabulary + "KemendagriCode": "kemendagri", vocabulary + "BpsCode": "bps"}
    found: dict[str, Area] = {}
    for row in engine().select(AREAS_QUERY.replace("{vocabulary}", vocabulary)).rows:
        iri = row["area"].value
        area = found.setdefault(iri, Area(iri, row["kind"].value[len(vocabulary) :]))
        if "parent" in row:
            area.parents.add(row["parent"].value)
        code = row.get("code")
        if code is not None and (code.datatype or "") in schemes:
            codes = area.codes[schemes[code.datatype or ""]]
            if code.value not in codes:
                codes.append(code.value)
    for row in engine().select(BASED_QUERY.replace("{vocabulary}", vocabulary)).rows:
        if row["area"].value in found:
            found[row["area"].value].groups.append(row["org"].value)
    return found


def _shown(area: Area, labels: dict[str, Term]) -> dict[str, Any]:
    return {
        "href": links().entity(area.iri) or "",
        "text": labels[area.iri].value if area.iri in labels else area.iri.rsplit("/", 1)[-1],
        "kemendagri": area.codes.get("kemendagri", []),
        "bps": area.codes.get("bps", []),
        "groups": [
            {
                "href": links().entity(g) or "",
                "text": labels[g].value if g in labels else g.rsplit("/", 1)[-1],
            }
            for g in sorted(area.groups)
        ],
        "children": [],
    }


@bp.get("/areas")
def areas() -> Response:
    """The city → its kecamatan → their kelurahan, by name, with codes and KIM."""
    lang = choose_language()
    found = _areas()
    iris = set(found) | {g for a in found.values() for g in a.groups}
    labels = label_index().best_labels(iris, lang, other_language(lang))
    shown = {iri: _shown(area, labels) for iri, area in found.items()}
    roots: list[dict[str, Any]] = []
    for iri, area in found.items():
        parent = next((p for p in sorted(area.parents) if p in found), None)
        (shown[parent]["children"] if parent else roots).append(shown[iri])
    for entry in shown.values():
        entry["children"].sort(key=lambda e: e["text"].casefold())
    kelurahan = sum(1 for a in found.values() if a.kind == "Kelurahan")
    kecamatan = sum(1 for a in found.values() if a.kind == "Kecamatan")
    return _page(
        "overviews/areas.html",
        lang,
        roots=sorted(roots, key=lambda e: e["text"].casefold()),
        kelurahan=kelurahan,
        kecamatan=kecamatan,
    )
