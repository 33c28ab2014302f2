"""What the pages of some kinds of entity show besides their statements, as plain data: areas
(the areas around and inside, codes, organisations, BMKG's forecast), organisations (parents,
units, posts and holders, members, partners, awards), people (posts, awards), awards, the press
release (its text with the cited sentences marked) and a sentence. ``add_views(reader, entity)``
fills ``entity.views``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode

from malang_kg.engine import Row, Term
from malang_kg.entities.model import Entity, Quote, Value
from malang_kg.entities.queries import (
    AREA_AWARDS,
    AREA_CHAIN,
    AREA_INSIDE,
    AREA_ORGANISATIONS,
    AREA_SIBLINGS,
    ARTICLE,
    ORGANISATION,
    ORGANISATION_PAIRS,
    PERSON,
    EntityQuery,
)
from malang_kg.entities.reader import EntityReader
from malang_kg.iris import FOAF, OA, ORG, RDF, SCHEMA, anchor

BMKG_FORECAST = "https://api.bmkg.go.id/publik/prakiraan-cuaca?adm4="
AREA_QUERIES = (AREA_CHAIN, AREA_INSIDE, AREA_ORGANISATIONS, AREA_AWARDS, AREA_SIBLINGS)
ORGANISATION_QUERIES = (ORGANISATION, ORGANISATION_PAIRS)


@dataclass(frozen=True)
class Pair:
    """One related entity and a second one it brings (a post and its holder, an award and its
    event or recipient)."""

    first: Value
    second: tuple[Value, ...] = ()


@dataclass(frozen=True)
class AreaView:
    chain: tuple[Value, ...]  # the areas that contain it, nearest first
    areas: tuple[Value, ...]  # areas directly inside it
    places: tuple[Value, ...]  # other places directly inside it
    kemendagri: tuple[str, ...]
    bps: tuple[str, ...]
    based: tuple[Value, ...]  # organisations based in it
    within: tuple[Value, ...]  # organisations based somewhere inside it (inferred)
    governed_by: tuple[Value, ...]  # government bodies whose jurisdiction it is
    forecast: Value | None
    awards: tuple[Pair, ...] = ()  # awards won by organisations based in it, with the winner
    # When there are more awards than a page shows: each organisation, linked to all its awards.
    awards_elsewhere: tuple[Value, ...] = ()
    siblings: tuple[Value, ...] = ()  # the other areas of its kind in the area containing it


@dataclass(frozen=True)
class OrganisationView:
    based: tuple[Value, ...]  # the area it is based in (mk:basedIn)
    parents: tuple[Value, ...]
    subs: tuple[Value, ...]
    head_posts: tuple[Pair, ...]
    posts: tuple[Pair, ...]
    members: tuple[Value, ...]
    partners: tuple[Value, ...]
    received: tuple[Pair, ...]  # award, event
    conferred: tuple[Pair, ...]  # award, recipient


@dataclass(frozen=True)
class PersonView:
    posts: tuple[Pair, ...]  # post, organisation
    heads: tuple[Value, ...]  # organisations the person heads through a post
    received: tuple[Pair, ...]


@dataclass(frozen=True)
class Segment:
    text: str
    anchor: str | None = None  # set for a marked sentence
    number: int = 0  # its place among the marked sentences, from 1


@dataclass(frozen=True)
class CitedSentence:
    anchor: str
    text: str
    facts: tuple[Value, ...]


@dataclass
class ArticleView:
    paragraphs: list[list[Segment]] = field(default_factory=list)
    sentences: list[CitedSentence] = field(default_factory=list)
    original: Value | None = None


def _ordered(values: list[Value]) -> tuple[Value, ...]:
    unique = {value.term: value for value in values}
    return tuple(sorted(unique.values(), key=lambda v: (v.text.casefold(), v.term.value)))


def _pairs(rows: list[Row], reader: EntityReader) -> tuple[Pair, ...]:
    second: dict[Term, list[Value]] = defaultdict(list)
    first: dict[Term, Value] = {}
    for row in rows:
        if row["x"] not in first:
            first[row["x"]] = reader.value(row["x"], row.get("xLabel"))
        if "y" in row:
            second[row["x"]].append(reader.value(row["y"], row.get("yLabel")))
    return tuple(
        Pair(value, _ordered(second[term]))
        for term, value in sorted(first.items(), key=lambda item: item[1].text.casefold())
    )


def _by_rel(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["rel"].value].append(row)
    return grouped


def _awards_of(reader: EntityReader, organisations: tuple[Value, ...]) -> tuple[Value, ...]:
    """Each organisation linked to its awards on ``/awards``."""
    found = []
    chosen = {"lang": reader.links.lang} if reader.links.lang else {}
    for organisation in organisations:
        path = reader.layout.path(organisation.term.value)
        if path:
            query = {"recipient": path, **chosen}
            found.append(replace(organisation, href="/awards?" + urlencode(query)))
    return tuple(found)


def area_view(reader: EntityReader, entity: Entity) -> AreaView:
    subject = Term.uri(entity.iri)
    mk = reader.layout.vocabulary
    parents: dict[str, Value] = {}
    for row in reader.select(AREA_CHAIN, s=subject):
        parents.setdefault(row["a"].value, reader.value(row["parent"], row.get("parentLabel")))
    chain: list[Value] = []
    current = entity.iri
    while current in parents and len(chain) < 12:
        chain.append(parents[current])
        current = parents[current].term.value
        if current == entity.iri or any(v.term.value == current for v in chain[:-1]):
            break
    areas: list[Value] = []
    places: list[Value] = []
    for row in reader.select(AREA_INSIDE, s=subject):
        value = reader.value(row["x"], row.get("xLabel"))
        (areas if row["isArea"].value == "true" else places).append(value)
    organisations: dict[str, list[Value]] = defaultdict(list)
    for row in reader.select(AREA_ORGANISATIONS, s=subject):
        organisations[row["p"].value].append(reader.value(row["x"], row.get("xLabel")))
    based = _ordered(organisations[mk + "basedIn"])
    within = [v for v in organisations[mk + "operatesWithin"] if v not in based]
    codes = entity.values("http://www.w3.org/2004/02/skos/core#notation")
    kemendagri = tuple(v.text for v in codes if v.term.datatype == mk + "KemendagriCode")
    bps = tuple(v.text for v in codes if v.term.datatype == mk + "BpsCode")
    forecast = next(iter(entity.values(mk + "weatherForecast")), None)
    is_kelurahan = any(t.term.value == mk + "Kelurahan" for t in entity.types)
    if forecast is None and is_kelurahan and kemendagri:
        url = BMKG_FORECAST + quote(kemendagri[0], safe=".")
        forecast = reader.value(Term.uri(url))
    found = reader.run(AREA_AWARDS, s=subject)
    awards = _pairs(found.rows, reader)
    siblings = [
        reader.value(row["x"], row.get("xLabel")) for row in reader.select(AREA_SIBLINGS, s=subject)
    ]
    return AreaView(
        chain=tuple(chain),
        areas=_ordered(areas),
        places=_ordered(places),
        kemendagri=kemendagri,
        bps=bps,
        based=based,
        within=_ordered(within),
        governed_by=_ordered(organisations[mk + "jurisdiction"]),
        forecast=forecast,
        awards=awards,
        awards_elsewhere=_awards_of(reader, based) if found.truncated else (),
        siblings=_ordered(siblings),
    )


def organisation_view(reader: EntityReader, entity: Entity) -> OrganisationView:
    subject = Term.uri(entity.iri)
    related: dict[str, list[Value]] = defaultdict(list)
    for row in reader.select(ORGANISATION, s=subject):
        related[row["rel"].value].append(reader.value(row["x"], row.get("xLabel")))
    pairs = _by_rel(reader.select(ORGANISATION_PAIRS, s=subject))
    holders = {pair.first.term: pair.second for pair in _pairs(pairs["holder"], reader)}
    heads = _ordered(related["head"])
    head_terms = {v.term for v in heads}  # a hub has thousands: a tuple test was quadratic
    posts = [v for v in _ordered(related["post"]) if v.term not in head_terms]
    return OrganisationView(
        based=entity.values(reader.layout.term("basedIn")),
        parents=_ordered(related["parent"]),
        subs=_ordered(related["sub"]),
        head_posts=tuple(Pair(v, holders.get(v.term, ())) for v in heads),
        posts=tuple(Pair(v, holders.get(v.term, ())) for v in posts),
        members=_ordered(related["member"]),
        partners=_ordered(related["partner"]),
        received=_pairs(pairs["received"], reader),
        conferred=_pairs(pairs["conferred"], reader),
    )


def person_view(reader: EntityReader, entity: Entity) -> PersonView:
    rows = _by_rel(reader.select(PERSON, s=Term.uri(entity.iri)))
    heads = _ordered([reader.value(r["y"], r.get("yLabel")) for r in rows["head"]])
    return PersonView(
        posts=_pairs(rows["post"], reader),
        heads=heads,
        received=_pairs(rows["received"], reader),
    )


AWARD_FIELDS = (
    "atEvent",
    "recipient",
    "placing",
    "rank",
    "rankTitle",
    "category",
    "level",
    "winningWork",
    "conferredBy",
    "year",
    "handedOverAt",
)


def award_view(reader: EntityReader, entity: Entity) -> dict[str, tuple[Value, ...]]:
    mk = reader.layout.vocabulary
    return {name: entity.values(mk + name) for name in AWARD_FIELDS if entity.values(mk + name)}


def _segments(body: str, spans: list[tuple[int, int, str]]) -> list[list[Segment]]:
    """The body as paragraphs (split at line breaks) of plain and marked segments."""
    paragraphs: list[list[Segment]] = [[]]
    marked: list[str] = []
    position = 0
    for start, end, mark in [*spans, (len(body), len(body), "")]:
        for index, line in enumerate(body[position:start].split("\n")):
            if index:
                paragraphs.append([])
            if line:
                paragraphs[-1].append(Segment(line))
        if mark:
            paragraphs[-1].append(Segment(body[start:end], mark, len(marked) + 1))
            marked.append(mark)
        position = end
    return [paragraph for paragraph in paragraphs if paragraph]


def article_view(reader: EntityReader, entity: Entity) -> ArticleView | None:
    body = next((v.text for v in entity.values(str(SCHEMA.articleBody))), None)
    if body is None:
        return None
    facts: dict[str, list[Value]] = defaultdict(list)
    texts: dict[str, str] = {}
    for row in reader.select(ARTICLE, s=Term.uri(entity.iri)):
        sentence = row["sentence"].value
        texts[sentence] = row["exact"].value
        facts[sentence].append(reader.value(row["fact"], row.get("factLabel")))
    spans: list[tuple[int, int, str]] = []
    cited: list[CitedSentence] = []
    for sentence, text in texts.items():
        start = body.find(text)
        if start < 0 or not text:
            continue
        mark = anchor(sentence, "sentence-")
        spans.append((start, start + len(text), mark))
        cited.append(CitedSentence(mark, text, _ordered(facts[sentence])))
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:  # overlapping quotes: the first one is marked
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    order = {mark: index for index, (_, _, mark) in enumerate(kept)}
    return ArticleView(
        paragraphs=_segments(body, kept),
        sentences=sorted((c for c in cited if c.anchor in order), key=lambda c: order[c.anchor]),
        original=next(iter(entity.values(str(SCHEMA.url))), None),
    )


def sentence_view(reader: EntityReader, entity: Entity) -> Quote | None:
    source = next(iter(entity.values(str(OA.hasSource))), None)
    selector = next(iter(entity.values(str(OA.hasSelector))), None)
    if source is None or selector is None:
        return None
    exact = next(
        (v.text for g in selector.nested if g.predicate.iri == str(OA.exact) for v in g.values),
        None,
    )
    path = reader.layout.path(source.term.value)
    if exact is None:
        return None
    href = reader.links.page(path, "#" + anchor(entity.iri, "sentence-")) if path else None
    return Quote(exact, entity.iri, href)


ViewMaker = Callable[[EntityReader, Entity], Any]


def _chosen(
    mk: str, types: set[str], article: bool
) -> list[tuple[str, ViewMaker, tuple[EntityQuery, ...]]]:
    """The views that fit an entity of ``types`` (asserted or inferred), with their queries."""
    people = {mk + "Person", str(FOAF.Person), str(SCHEMA.Person)}
    chosen: list[tuple[str, ViewMaker, tuple[EntityQuery, ...]]] = [
        (name, make, queries)
        for name, make, wanted, queries in (
            ("area", area_view, {mk + "AdministrativeArea"}, AREA_QUERIES),
            ("organisation", organisation_view, {str(ORG.Organization)}, ORGANISATION_QUERIES),
            ("person", person_view, people, (PERSON,)),
            ("award", award_view, {mk + "Award"}, ()),
            ("sentence", sentence_view, {mk + "Sentence"}, ()),
        )
        if types & wanted
    ]
    if article:
        chosen.append(("article", article_view, (ARTICLE,)))
    return chosen


def likely_queries(reader: EntityReader, iri: str) -> list[EntityQuery]:
    """The views' queries an entity is likely to need, from its classes in the label index and
    their superclasses, before its statements are read: so a page asks all its queries in one
    trip. What the guess misses, ``view_queries`` finds in the statements."""
    mk = reader.layout.vocabulary
    classes = reader.labels.types_of([iri]).get(iri, set())
    supers = reader.engine.memoised(("class-supers",), reader.labels.supers)
    types = classes | {parent for name in classes for parent in supers.get(name, ())}
    article = mk + "SourceDocument" in types
    return [q for *_, queries in _chosen(mk, types, article) for q in queries]


def view_queries(reader: EntityReader, statements: list[Row]) -> list[EntityQuery]:
    """The queries of the views that fit an entity whose own statements (rows of ``p`` and
    ``o``) are ``statements``: ``EntityReader.read(also=…)`` asks them in the same trip to the
    engine as the entity's other queries."""
    types = {r["o"].value for r in statements if r["p"].value == str(RDF.type)}
    article = any(r["p"].value == str(SCHEMA.articleBody) for r in statements)
    return [q for *_, queries in _chosen(reader.layout.vocabulary, types, article) for q in queries]


def add_views(reader: EntityReader, entity: Entity) -> None:
    """Add the views that fit the entity's types (asserted or inferred) to ``entity.views``; the
    queries of all of them are asked at once (one trip to the engine), unless ``read`` has."""
    types = {term.value for term in entity.terms(str(RDF.type))}
    article = bool(entity.values(str(SCHEMA.articleBody)))
    chosen = _chosen(reader.layout.vocabulary, types, article)
    reader.prefetch([q for *_, queries in chosen for q in queries], s=Term.uri(entity.iri))
    views: dict[str, Any] = entity.views
    for name, make, _ in chosen:
        views[name] = make(reader, entity)
