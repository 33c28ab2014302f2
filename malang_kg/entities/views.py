"""What the pages of some kinds of entity show besides their properties, as plain data.

- areas: the chain of areas that contain it, the areas and places inside it, its Kemendagri and
  BPS codes (``skos:notation`` by datatype), the organisations based there, operating within it
  (inferred) or governing it, and for a kelurahan BMKG's public weather forecast;
- organisations: parent and sub-organisations, posts and who holds them, members, partners,
  awards received and conferred;
- people: the posts they hold and in which organisation, awards received;
- awards: event, recipient, rank, category, level, winning work, who conferred it;
- the press release: its text as paragraphs of segments, the sentences that facts were taken
  from marked, each with the facts citing it;
- a sentence: its text and where to read it in its article.

``specialise(describer, entity)`` fills ``entity.views``; each query binds the entity (``?s``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from malang_kg.engine import Row, Term
from malang_kg.entities.queries import LANGS, labelled
from malang_kg.entities.reader import Entity, EntityReader, Quote, Value
from malang_kg.iris import FOAF, OA, ORG, RDF, SCHEMA, anchor

BMKG_FORECAST = "https://api.bmkg.go.id/publik/prakiraan-cuaca?adm4="

AREA_CHAIN = f"""SELECT ?s ?lang ?other ?a ?parent ?parentLabel WHERE {{
  {LANGS}
  ?s schema:containedInPlace* ?a . ?a schema:containedInPlace ?parent .
  {labelled("parent")}}}"""

AREA_INSIDE = f"""SELECT ?s ?lang ?other ?x ?isArea ?xLabel WHERE {{
  {LANGS}
  ?x schema:containedInPlace ?s .
  BIND (EXISTS {{ ?x a mk:AdministrativeArea }} AS ?isArea)
  {labelled("x")}}}"""

AREA_ORGANISATIONS = f"""SELECT ?s ?lang ?other ?x ?p ?xLabel WHERE {{
  {LANGS}
  VALUES ?p {{ mk:basedIn mk:operatesWithin mk:jurisdiction }}
  ?x ?p ?s .
  {labelled("x")}}}"""

ORGANISATION = f"""SELECT ?s ?lang ?other ?rel ?x ?xLabel WHERE {{
  {LANGS}
  {{ ?x org:subOrganizationOf ?s BIND ("sub" AS ?rel) }}
  UNION {{ ?s org:subOrganizationOf ?x BIND ("parent" AS ?rel) }}
  UNION {{ ?x mk:headPostIn ?s BIND ("head" AS ?rel) }}
  UNION {{ ?x org:postIn ?s BIND ("post" AS ?rel) }}
  UNION {{ ?x org:memberOf ?s BIND ("member" AS ?rel) }}
  UNION {{ ?s mk:partnerOf ?x BIND ("partner" AS ?rel) }}
  {labelled("x")}}}"""

# Pairs (x, y) where both are always bound: a label block must never meet an unbound variable,
# or its OPTIONALs would bind it to every labelled node of the graph.
ORGANISATION_PAIRS = f"""SELECT ?s ?lang ?other ?rel ?x ?y ?xLabel ?yLabel WHERE {{
  {LANGS}
  {{ ?x org:postIn ?s . ?x org:heldBy ?y BIND ("holder" AS ?rel) }}
  UNION {{ ?x mk:recipient ?s . ?x mk:atEvent ?y BIND ("received" AS ?rel) }}
  UNION {{ ?x mk:conferredBy ?s . ?x mk:recipient ?y BIND ("conferred" AS ?rel) }}
  {labelled("x")}{labelled("y")}}}"""

PERSON = f"""SELECT ?s ?lang ?other ?rel ?x ?y ?xLabel ?yLabel WHERE {{
  {LANGS}
  {{ ?x org:heldBy ?s . ?x mk:headPostIn ?y BIND ("head" AS ?rel) }}
  UNION {{ ?x org:heldBy ?s . ?x org:postIn ?y BIND ("post" AS ?rel) }}
  UNION {{ ?x mk:recipient ?s . ?x mk:atEvent ?y BIND ("received" AS ?rel) }}
  {labelled("x")}{labelled("y")}}}"""

ARTICLE = f"""SELECT ?s ?lang ?other ?sentence ?exact ?fact ?factLabel WHERE {{
  {LANGS}
  ?sentence oa:hasSource ?s ; oa:hasSelector/oa:exact ?exact .
  ?fact mk:evidence ?sentence .
  {labelled("fact")}}}"""


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


def _pairs(rows: list[Row], describer: EntityReader) -> tuple[Pair, ...]:
    second: dict[Term, list[Value]] = defaultdict(list)
    first: dict[Term, Value] = {}
    for row in rows:
        first.setdefault(row["x"], describer.value(row["x"], row.get("xLabel")))
        if "y" in row:
            second[row["x"]].append(describer.value(row["y"], row.get("yLabel")))
    return tuple(
        Pair(value, _ordered(second[term]))
        for term, value in sorted(first.items(), key=lambda item: item[1].text.casefold())
    )


def _by_rel(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["rel"].value].append(row)
    return grouped


def area_view(describer: EntityReader, entity: Entity) -> AreaView:
    subject = Term.uri(entity.iri)
    mk = describer.layout.vocabulary
    parents: dict[str, Value] = {}
    for row in describer.select(AREA_CHAIN, s=subject):
        parents.setdefault(row["a"].value, describer.value(row["parent"], row.get("parentLabel")))
    chain: list[Value] = []
    current = entity.iri
    while current in parents and len(chain) < 12:
        chain.append(parents[current])
        current = parents[current].term.value
        if current == entity.iri or any(v.term.value == current for v in chain[:-1]):
            break
    areas: list[Value] = []
    places: list[Value] = []
    for row in describer.select(AREA_INSIDE, s=subject):
        value = describer.value(row["x"], row.get("xLabel"))
        (areas if row["isArea"].value == "true" else places).append(value)
    organisations: dict[str, list[Value]] = defaultdict(list)
    for row in describer.select(AREA_ORGANISATIONS, s=subject):
        organisations[row["p"].value].append(describer.value(row["x"], row.get("xLabel")))
    based = _ordered(organisations[mk + "basedIn"])
    within = [v for v in organisations[mk + "operatesWithin"] if v not in based]
    codes = entity.values("http://www.w3.org/2004/02/skos/core#notation")
    kemendagri = tuple(v.text for v in codes if v.term.datatype == mk + "KemendagriCode")
    bps = tuple(v.text for v in codes if v.term.datatype == mk + "BpsCode")
    forecast = next(iter(entity.values(mk + "weatherForecast")), None)
    is_kelurahan = any(t.term.value == mk + "Kelurahan" for t in entity.types)
    if forecast is None and is_kelurahan and kemendagri:
        url = BMKG_FORECAST + quote(kemendagri[0], safe=".")
        forecast = describer.value(Term.uri(url))
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
    )


def organisation_view(describer: EntityReader, entity: Entity) -> OrganisationView:
    subject = Term.uri(entity.iri)
    related: dict[str, list[Value]] = defaultdict(list)
    for row in describer.select(ORGANISATION, s=subject):
        related[row["rel"].value].append(describer.value(row["x"], row.get("xLabel")))
    pairs = _by_rel(describer.select(ORGANISATION_PAIRS, s=subject))
    holders = {pair.first.term: pair.second for pair in _pairs(pairs["holder"], describer)}
    heads = _ordered(related["head"])
    posts = [v for v in _ordered(related["post"]) if v not in heads]
    return OrganisationView(
        based=entity.values(describer.layout.term("basedIn")),
        parents=_ordered(related["parent"]),
        subs=_ordered(related["sub"]),
        head_posts=tuple(Pair(v, holders.get(v.term, ())) for v in heads),
        posts=tuple(Pair(v, holders.get(v.term, ())) for v in posts),
        members=_ordered(related["member"]),
        partners=_ordered(related["partner"]),
        received=_pairs(pairs["received"], describer),
        conferred=_pairs(pairs["conferred"], describer),
    )


def person_view(describer: EntityReader, entity: Entity) -> PersonView:
    rows = _by_rel(describer.select(PERSON, s=Term.uri(entity.iri)))
    heads = _ordered([describer.value(r["y"], r.get("yLabel")) for r in rows["head"]])
    return PersonView(
        posts=_pairs(rows["post"], describer),
        heads=heads,
        received=_pairs(rows["received"], describer),
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


def award_view(describer: EntityReader, entity: Entity) -> dict[str, tuple[Value, ...]]:
    mk = describer.layout.vocabulary
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


def article_view(describer: EntityReader, entity: Entity) -> ArticleView | None:
    body = next((v.text for v in entity.values(str(SCHEMA.articleBody))), None)
    if body is None:
        return None
    facts: dict[str, list[Value]] = defaultdict(list)
    texts: dict[str, str] = {}
    for row in describer.select(ARTICLE, s=Term.uri(entity.iri)):
        sentence = row["sentence"].value
        texts[sentence] = row["exact"].value
        facts[sentence].append(describer.value(row["fact"], row.get("factLabel")))
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


def sentence_view(describer: EntityReader, entity: Entity) -> Quote | None:
    source = next(iter(entity.values(str(OA.hasSource))), None)
    selector = next(iter(entity.values(str(OA.hasSelector))), None)
    if source is None or selector is None:
        return None
    exact = next(
        (v.text for g in selector.nested if g.predicate.iri == str(OA.exact) for v in g.values),
        None,
    )
    path = describer.layout.path(source.term.value)
    if exact is None:
        return None
    href = describer.links.page(path, "#" + anchor(entity.iri, "sentence-")) if path else None
    return Quote(exact, entity.iri, href)


def specialise(describer: EntityReader, entity: Entity) -> None:
    """Add the views that fit the entity's types (asserted or inferred) to ``entity.views``."""
    mk = describer.layout.vocabulary
    types = {value.term.value for value in entity.values(str(RDF.type))}
    views: dict[str, Any] = entity.views
    if mk + "AdministrativeArea" in types:
        views["area"] = area_view(describer, entity)
    if str(ORG.Organization) in types:
        views["organisation"] = organisation_view(describer, entity)
    if types & {mk + "Person", str(FOAF.Person), str(SCHEMA.Person)}:
        views["person"] = person_view(describer, entity)
    if mk + "Award" in types:
        views["award"] = award_view(describer, entity)
    if entity.values(str(SCHEMA.articleBody)):
        views["article"] = article_view(describer, entity)
    if mk + "Sentence" in types:
        views["sentence"] = sentence_view(describer, entity)
