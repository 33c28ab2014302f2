"""Finding entities by name: an index of every label of the entities under ``{BASE}id/``, built
once per build, where case, diacritics, spaces and hyphens do not matter ("Rampal-Celaket" is
"Rampalcelaket"). Matches are scored exact, prefix, word start, inside, word by word, preferred
labels before alternative ones; search and reconciliation share the rule."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from malang_kg.engine import Term
from malang_kg.iris import SCHEMA, SKOS, Layout

if TYPE_CHECKING:
    from malang_kg.engine.service import QueryService

PREF, ALT = "pref", "alt"
LABEL_KINDS = {str(SKOS.prefLabel): PREF, str(SCHEMA.name): PREF, str(SKOS.altLabel): ALT}
MAX_QUERY_CHARS = 200  # longer queries are refused: no name in the graph comes close

# Score of each tier; a tier's best score (base + PREF_BONUS + CLOSENESS) stays below the next.
EXACT, PREFIX, WORD, SUBSTRING, WORDS = 500.0, 400.0, 300.0, 200.0, 100.0
PREF_BONUS = 20.0
CLOSENESS = 10.0

_WORD = re.compile(r"[^\W_]+")

LABELS_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?entity ?property ?label ?ns
WHERE {
  VALUES ?property { skos:prefLabel skos:altLabel schema:name }
  ?entity ?property ?label .
  FILTER (isIRI(?entity) && isLiteral(?label) && STRSTARTS(STR(?entity), ?ns))
}
ORDER BY ?entity ?property ?label
"""

TYPES_QUERY = """SELECT DISTINCT ?entity ?type ?ns
WHERE {
  ?entity a ?type .
  FILTER (isIRI(?entity) && STRSTARTS(STR(?type), ?ns))
}
"""

CLASSES_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?class ?super ?label ?ns
WHERE {
  ?class a ?kind .
  FILTER (?kind IN (<http://www.w3.org/2002/07/owl#Class>, rdfs:Class))
  FILTER (isIRI(?class) && STRSTARTS(STR(?class), ?ns))
  OPTIONAL { ?class rdfs:subClassOf ?super FILTER (isIRI(?super) && ?super != ?class) }
  OPTIONAL { ?class rdfs:label ?label }
}
"""


def fold(text: str) -> str:
    """``text`` without case and diacritics: NFKD, combining marks dropped, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> tuple[str, ...]:
    """The folded runs of letters and digits of ``text``."""
    return tuple(_WORD.findall(fold(text)))


def key(text: str) -> str:
    """What two spellings of one name share: the folded words, joined without spaces."""
    return "".join(words(text))


def local_part(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None
    kind: str  # PREF or ALT
    key: str
    words: tuple[str, ...]
    starts: frozenset[int]  # offsets in ``key`` where a word begins

    @classmethod
    def of(cls, text: str, lang: str | None, kind: str) -> Label:
        parts = words(text)
        starts, offset = set(), 0
        for part in parts:
            starts.add(offset)
            offset += len(part)
        return cls(text, lang, kind, "".join(parts), parts, frozenset(starts))


@dataclass(frozen=True)
class Entity:
    iri: str
    labels: tuple[Label, ...]
    types: tuple[str, ...] = ()  # the most specific classes of the ontology, sorted
    classes: frozenset[str] = frozenset()  # every class of the ontology, asserted or inferred

    def label(self, lang: str) -> str:
        """The preferred label in ``lang``, else in another language or none, else an
        alternative label, else the last segment of the IRI."""
        for kind in (PREF, ALT):
            candidates = [label for label in self.labels if label.kind == kind]
            for wanted in (lang, None):
                for label in candidates:
                    if (label.lang or "").split("-")[0].lower() == (wanted or ""):
                        return label.text
            if candidates:
                return sorted(candidates, key=lambda label: (label.lang or "", label.text))[0].text
        return local_part(self.iri)


@dataclass(frozen=True)
class Hit:
    entity: Entity
    matched: Label
    score: float

    def as_json(self, lang: str) -> dict[str, Any]:
        return {
            "iri": self.entity.iri,
            "label": self.entity.label(lang),
            "types": list(self.entity.types),
            "matched": self.matched.text,
            "score": self.score,
        }


def score(query_key: str, query_words: tuple[str, ...], label: Label) -> float | None:
    """How well a label matches a (folded) query, or None if it does not match."""
    if not query_key or not label.key:
        return None
    if label.key == query_key:
        tier = EXACT
    elif label.key.startswith(query_key):
        tier = PREFIX
    elif any(label.key.startswith(query_key, start) for start in label.starts):
        tier = WORD
    elif query_key in label.key:
        tier = SUBSTRING
    elif len(query_words) > 1 and all(
        any(word.startswith(q) for word in label.words) for q in query_words
    ):
        tier = WORDS
    else:
        return None
    closeness = CLOSENESS * min(1.0, len(query_key) / len(label.key))
    return round(tier + (PREF_BONUS if label.kind == PREF else 0.0) + closeness, 2)


@dataclass
class SearchIndex:
    """Every labelled entity of one build. ``class_labels[class][lang]`` labels the classes."""

    build_id: str
    entities: dict[str, Entity]
    class_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    base_iri: str = ""

    def search(
        self, query: str, limit: int | None = None, of_class: str | None = None
    ) -> list[Hit]:
        """Entities (of the class ``of_class``, if given) whose labels match ``query``, best
        first (ties by label, then IRI)."""
        query_key, query_words = key(query), words(query)
        if not query_key:
            return []
        hits = []
        for entity in self.entities.values():
            if of_class is not None and of_class not in entity.classes:
                continue
            best: tuple[float, Label] | None = None
            for label in entity.labels:
                value = score(query_key, query_words, label)
                if value is not None and (best is None or value > best[0]):
                    best = (value, label)
            if best is not None:
                hits.append(Hit(entity, best[1], best[0]))
        hits.sort(key=lambda hit: (-hit.score, fold(hit.matched.text), hit.entity.iri))
        return hits if limit is None else hits[:limit]

    def label(self, iri: str, lang: str) -> str:
        entity = self.entities.get(iri)
        return entity.label(lang) if entity else local_part(iri)

    def class_label(self, iri: str, lang: str) -> str:
        labels = self.class_labels.get(iri, {})
        return labels.get(lang) or next(iter(sorted(labels.values())), local_part(iri))

    @classmethod
    def load(cls, engine: QueryService, base_iri: str) -> SearchIndex:
        """Read the labels, types and classes of the current build through the query service."""
        layout = Layout(base_iri)
        ids = {"ns": Term.literal(layout.entity_prefix)}
        ontology = {"ns": Term.literal(layout.vocabulary)}
        labels: dict[str, list[Label]] = {}
        for row in engine.select(LABELS_QUERY, ids).rows:
            kind = LABEL_KINDS.get(row["property"].value)
            if kind is not None:
                text = row["label"]
                labels.setdefault(row["entity"].value, []).append(
                    Label.of(text.value, text.lang, kind)
                )
        supers: dict[str, set[str]] = {}
        class_labels: dict[str, dict[str, str]] = {}
        for row in engine.select(CLASSES_QUERY, ontology).rows:
            name = row["class"].value
            supers.setdefault(name, set())
            if "super" in row:
                supers[name].add(row["super"].value)
            if "label" in row:
                class_labels.setdefault(name, {})[(row["label"].lang or "").lower()] = row[
                    "label"
                ].value
        types: dict[str, set[str]] = {}
        for row in engine.select(TYPES_QUERY, ontology).rows:
            types.setdefault(row["entity"].value, set()).add(row["type"].value)
        entities = {
            iri: Entity(
                iri,
                tuple(found),
                most_specific(types.get(iri, ()), supers),
                frozenset(types.get(iri, ())),
            )
            for iri, found in labels.items()
        }
        return cls(engine.build_id, entities, class_labels, base_iri)


def most_specific(types: Iterable[str], supers: dict[str, set[str]]) -> tuple[str, ...]:
    """The types that are no other type's (transitive) superclass."""
    chosen = set(types)
    implied: set[str] = set()
    for name in chosen:
        stack, seen = list(supers.get(name, ())), set()
        while stack:
            parent = stack.pop()
            if parent in seen or parent == name:
                continue
            seen.add(parent)
            stack.extend(supers.get(parent, ()))
        implied |= seen
    return tuple(sorted(chosen - implied))


def index_for(engine: QueryService, base_iri: str) -> SearchIndex:
    """The index of the engine's current build, loaded once per build."""
    return engine.memoised(("search-index", base_iri), lambda: SearchIndex.load(engine, base_iri))
