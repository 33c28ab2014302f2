"""Finding entities by name: an index of every label of the entities under ``{BASE}id/``, built
once per build, where case, diacritics, spaces and hyphens do not matter ("Rampal-Celaket" is
"Rampalcelaket") and a word written with the Indonesian reduplication shorthand is the word
twice ("oro2" is "oro-oro"). Matches are scored exact, prefix, word start, a near spelling of the
whole name (typos: Levenshtein distance, by rapidfuzz), inside, word by word, a near spelling of
a word; preferred labels before alternative ones. A query naming a kind of thing ("penghargaan",
"kelurahan": a class's label) also finds the things of that kind. Search and reconciliation share
the rule."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Levenshtein

from malang_kg.dataset.labels import LabelIndex
from malang_kg.iris import Layout

if TYPE_CHECKING:
    from malang_kg.engine.service import QueryService

PREF, ALT = "pref", "alt"
# The label index's kinds of label a search reads, in the order they are read.
LABEL_KINDS = {"alt": ALT, "pref": PREF, "name": PREF}
MAX_QUERY_CHARS = 200  # longer queries are refused: no name in the graph comes close

# Score of each tier; a tier's best score (base + PREF_BONUS + CLOSENESS) stays below the next.
EXACT, PREFIX, WORD, NEAR, SUBSTRING, WORDS, NEAR_WORD, KIND = (
    700.0, 600.0, 500.0, 400.0, 300.0, 200.0, 100.0, 50.0,
)  # fmt: skip
PREF_BONUS = 20.0
CLOSENESS = 10.0
NEAR_FROM = 4  # the shortest key a typo is forgiven in
NEAR_TWO_FROM = 9  # keys this long forgive two

_WORD = re.compile(r"[^\W_]+")
# "oro2", "kupu2", "oro2dowo": letters, then a 2 that no digit follows, is the letters twice.
_REDUPLICATED = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})2(?!\d)")


def fold(text: str) -> str:
    """``text`` without case and diacritics: NFKD, combining marks dropped, case-folded."""
    if text.isascii():  # nothing to decompose (most names: the build folds every label)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> tuple[str, ...]:
    """The folded runs of letters and digits of ``text``, "kata2" written out as "katakata"."""
    return tuple(
        _REDUPLICATED.sub(r"\1\1", word) if "2" in word else word
        for word in _WORD.findall(fold(text))
    )


def forgiven(text: str) -> int:
    """How many typos (edits) a search for this key forgives."""
    if len(text) >= NEAR_TWO_FROM:
        return 2
    return 1 if len(text) >= NEAR_FROM else 0


def near(query_key: str, other: str) -> bool:
    """Whether ``other`` is ``query_key`` spelt with at most ``forgiven`` edits."""
    allowed = forgiven(query_key)
    if not allowed or abs(len(other) - len(query_key)) > allowed:
        return False
    return Levenshtein.distance(query_key, other, score_cutoff=allowed) <= allowed


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
    parents: tuple[str, ...] = ()  # the areas it is in or based in

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
            "parents": list(self.entity.parents),
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
    elif near(query_key, label.key):
        tier = NEAR
    elif query_key in label.key:
        tier = SUBSTRING
    elif len(query_words) > 1 and all(
        any(word.startswith(q) for word in label.words) for q in query_words
    ):
        tier = WORDS
    elif all(any(near(q, word) or word.startswith(q) for word in label.words) for q in query_words):
        tier = NEAR_WORD
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
        kinds = self.kinds_named(query_key)
        hits = []
        for entity in self.entities.values():
            if of_class is not None and of_class not in entity.classes:
                continue
            best: tuple[float, Label] | None = None
            for label in entity.labels:
                value = score(query_key, query_words, label)
                if value is not None and (best is None or value > best[0]):
                    best = (value, label)
            if best is None and kinds & entity.classes and entity.labels:
                best = (KIND, entity.labels[0])
            if best is not None:
                hits.append(Hit(entity, best[1], best[0]))
        hits.sort(key=lambda hit: (-hit.score, fold(hit.matched.text), hit.entity.iri))
        return hits if limit is None else hits[:limit]

    @functools.cached_property
    def _class_keys(self) -> dict[str, set[str]]:
        """The keys a class is named by: each of its labels' and that plural in "-s"."""
        return {
            iri: {k for text in labels.values() for k in (key(text), key(text) + "s")}
            for iri, labels in self.class_labels.items()
        }

    def kinds_named(self, query_key: str) -> set[str]:
        """The classes one of whose labels (in any language, or its plural "-s" in English)
        is the query."""
        return {iri for iri, keys in self._class_keys.items() if query_key in keys}

    def label(self, iri: str, lang: str) -> str:
        entity = self.entities.get(iri)
        return entity.label(lang) if entity else local_part(iri)

    def class_label(self, iri: str, lang: str) -> str:
        labels = self.class_labels.get(iri, {})
        return labels.get(lang) or next(iter(sorted(labels.values())), local_part(iri))

    @classmethod
    def load(cls, build_id: str, labels: LabelIndex, layout: Layout) -> SearchIndex:
        """Read the labels, types and classes of one build from its label index."""
        found: dict[str, list[Label]] = {}
        for label in labels.all_labels(layout.entity_prefix, LABEL_KINDS):
            found.setdefault(label.iri, []).append(
                Label.of(label.text, label.lang or None, LABEL_KINDS[label.kind])
            )
        class_labels: dict[str, dict[str, str]] = {}
        for label in labels.all_labels(layout.vocabulary, ("label",)):
            class_labels.setdefault(label.iri, {})[label.lang] = label.text
        supers, types, parents = labels.supers(), labels.types(), labels.parents()
        entities = {
            iri: Entity(
                iri,
                tuple(entity_labels),
                most_specific(types.get(iri, ()), supers),
                frozenset(types.get(iri, ())),
                tuple(sorted(parents.get(iri, ()))),
            )
            for iri, entity_labels in found.items()
        }
        return cls(build_id, entities, class_labels, layout.base)


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


def index_for(engine: QueryService, labels: LabelIndex, layout: Layout) -> SearchIndex:
    """The search index of the engine's current build, made once per build."""
    key = ("search-index", str(labels.path), layout.base)
    return engine.memoised(key, lambda: SearchIndex.load(engine.build_id, labels, layout))
