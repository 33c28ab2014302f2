"""Completion for the SPARQL editor: what a user is typing, completed from the label index of one
build (``labels.sqlite``) without a query to the store.

This module owns the rule. A text matches a label when the label's folded key (``search.key``: no
case, diacritics, spaces or hyphens) starts with the text's key; every label counts (preferred,
``rdfs:label``, ``schema:name`` and alternative ones), and the ontology's classes and properties
also match by their local name (``Kel`` finds ``mk:Kelurahan``), or by it alone after one of the
dataset's prefixes (``mk:Kel``). Entities match by label, also after the prefix of their kind
(``kelurahan:sam``), and are offered with it (``kelurahan:samaan``, ``Layout.entity_prefixed``).
Prefix names complete from ``Layout.prefixes`` until the colon is typed.
Exact matches come first, then preferred labels before alternative ones, then shorter labels
(ties by key, kind, IRI).
Entities are read from the index by one range scan per key length, shortest first, stopping once
enough are found; the vocabulary is small and held in memory once per build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from malang_kg.dataset.labels import Label, LabelIndex
from malang_kg.dataset.search import MAX_QUERY_CHARS, key, most_specific
from malang_kg.iris import LOCAL_NAME, Layout

if TYPE_CHECKING:
    from malang_kg.engine.service import QueryService

ENTITY, CLASS, PROPERTY, PREFIX = "entity", "class", "property", "prefix"
KINDS = (ENTITY, CLASS, PROPERTY, PREFIX)
ANY = "any"
CHOICES = (*KINDS, ANY)
DEFAULT_LIMIT, MAX_LIMIT = 10, 50
__all__ = ["CHOICES", "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_QUERY_CHARS", "Completer", "Completion"]

# Where each kind goes among equally good matches of ``kind=any``.
_KIND_ORDER = {PREFIX: 0, CLASS: 1, PROPERTY: 2, ENTITY: 3}
_PREFIXED = re.compile(r"\s*([A-Za-z][\w.-]*):(.*)", re.DOTALL)  # "mk:Kel"

Rank = tuple[int, int, int]  # (0 if exact else 1, 1 if an alternative label else 0, key length)


class OutdatedIndex(RuntimeError):
    """The build's label index predates completion (no keys, no terms)."""


@dataclass(frozen=True)
class Name:
    """A text a term can be found by: a label, or the local name of its IRI."""

    text: str
    key: str
    alternative: bool = False

    def rank(self, query_key: str) -> Rank | None:
        if not self.key.startswith(query_key):
            return None
        return (0 if self.key == query_key else 1, int(self.alternative), len(self.key))


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology, with every name it can be found by."""

    iri: str
    kind: str  # CLASS or PROPERTY
    local: Name
    labels: tuple[Name, ...]


@dataclass(frozen=True)
class Match:
    """A candidate before it is described: what matched, and how well."""

    rank: Rank
    kind: str
    iri: str
    matched: str
    key: str

    def order(self) -> tuple[Rank, int, str, str]:
        return (self.rank, _KIND_ORDER[self.kind], self.key, self.iri)


@dataclass(frozen=True)
class Completion:
    iri: str
    kind: str
    label: str
    matched: str
    prefixed: str | None = None
    namespace: str | None = None  # the IRI ``prefixed``'s prefix stands for
    path: str | None = None
    types: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Every key always present; ``prefixed`` and ``path`` null where they do not apply."""
        return {
            "iri": self.iri,
            "prefixed": self.prefixed,
            "namespace": self.namespace,
            "path": self.path,
            "label": self.label,
            "matched": self.matched,
            "kind": self.kind,
            "types": list(self.types),
        }


def _vocabulary(labels: LabelIndex, layout: Layout) -> tuple[Term, ...]:
    names: dict[str, list[Name]] = {}
    for label in labels.all_labels(layout.vocabulary, ("pref", "label", "name", "alt")):
        names.setdefault(label.iri, []).append(
            Name(label.text, key(label.text), label.kind == "alt")
        )
    terms = []
    for iri, kind in labels.terms():
        local = iri[len(layout.vocabulary) :]
        terms.append(Term(iri, kind, Name(local, key(local)), tuple(names.get(iri, ()))))
    return tuple(terms)


def _best(names: Iterable[Name], query_key: str) -> tuple[Rank, Name] | None:
    found: tuple[Rank, Name] | None = None
    for name in names:
        rank = name.rank(query_key)
        if rank is not None and (found is None or rank < found[0]):
            found = (rank, name)
    return found


class Completer:
    """Completion over the label index of one build (made once per build: ``completer_for``)."""

    def __init__(self, labels: LabelIndex, layout: Layout) -> None:
        if not labels.completes():
            raise OutdatedIndex(
                f"{labels.path} predates completion (no label keys): run `malang-kg build` again"
            )
        self.labels = labels
        self.layout = layout
        self.longest = labels.longest_key()
        self.supers = labels.supers()
        self.vocabulary = _vocabulary(labels, layout)

    def complete(self, query: str, kind: str, lang: str, limit: int) -> list[Completion]:
        """The best ``limit`` completions of ``query`` of ``kind`` (or ``ANY``), labelled in
        ``lang`` (else in the other language)."""
        return self.describe(self.matches(query, kind, limit), lang)

    def matches(self, query: str, kind: str, limit: int) -> list[Match]:
        if kind not in CHOICES:
            raise ValueError(f"unknown kind {kind!r}")
        prefixed = _PREFIXED.fullmatch(query)
        namespace = None
        if prefixed is not None and prefixed.group(1) in self.layout.prefixes:
            namespace = self.layout.prefixes[prefixed.group(1)]
        wanted = KINDS if kind == ANY else (kind,)
        found: list[Match] = []
        if ENTITY in wanted and prefixed is not None and namespace is None:
            kind = prefixed.group(1)  # "kelurahan:sam": entities of that kind
            found += self.entities(key(prefixed.group(2)), limit, self.layout.entity(kind + "/"))
        elif ENTITY in wanted:
            found += self.entities(key(query), limit)
        for term_kind in (CLASS, PROPERTY):
            if term_kind in wanted:
                if prefixed is not None and namespace is not None:
                    found += self.terms(term_kind, key(prefixed.group(2)), limit, namespace)
                else:
                    found += self.terms(term_kind, key(query), limit)
        if PREFIX in wanted and namespace is None:
            found += self.prefixes(key(query), limit)
        elif PREFIX in wanted and prefixed is not None and not prefixed.group(2).strip():
            found += self.prefixes(key(prefixed.group(1)), limit)  # "skos:" is itself
        found.sort(key=Match.order)
        return found[:limit]

    def entities(self, query_key: str, limit: int, within: str | None = None) -> list[Match]:
        """Entities (IRIs under ``within``, by default ``{BASE}id/``) with a label starting with
        ``query_key``: exact keys, then longer ones by length; preferred labels before
        alternative ones in each."""
        if not query_key:
            return []
        size = len(query_key)
        longer = range(size + 1, self.longest + 1)
        found: dict[str, Match] = {}
        for exact, lengths in ((0, (size,)), (1, longer)):
            for alternative in (0, 1):
                rows = self.labels.starting_with(query_key, bool(alternative), lengths)
                self._collect(rows, (exact, alternative), limit, found, within)
        return list(found.values())

    def _collect(
        self,
        rows: Iterator[tuple[Label, str]],
        tier: tuple[int, int],
        limit: int,
        found: dict[str, Match],
        within: str | None = None,
    ) -> None:
        """Add the entities of ``rows`` (shortest key first) not found yet, until ``limit`` are
        found and the next row ranks below the last one (so ties are all kept)."""
        last: tuple[int, str] | None = None
        for label, label_key in rows:
            if len(found) >= limit and (last is None or (len(label_key), label_key) != last):
                break
            if label.iri in found or not label.iri.startswith(within or self.layout.entity_prefix):
                continue
            rank = (tier[0], tier[1], len(label_key))
            found[label.iri] = Match(rank, ENTITY, label.iri, label.text, label_key)
            last = (len(label_key), label_key)

    def terms(
        self, kind: str, query_key: str, limit: int, namespace: str | None = None
    ) -> list[Match]:
        """The ontology's classes or properties matching ``query_key`` by a label or their local
        name; after a prefix (``namespace`` given), by local name alone, and every term of the
        namespace for an empty key."""
        if not query_key and namespace is None:
            return []
        found = []
        for term in self.vocabulary:
            if term.kind != kind or (namespace is not None and not term.iri.startswith(namespace)):
                continue
            names = (term.local,) if namespace is not None else (term.local, *term.labels)
            best = _best(names, query_key)
            if best is not None:
                found.append(Match(best[0], kind, term.iri, best[1].text, best[1].key))
        found.sort(key=Match.order)
        return found[:limit]

    def prefixes(self, query_key: str, limit: int) -> list[Match]:
        """The dataset's prefix names starting with ``query_key`` (``sk`` finds ``skos``)."""
        if not query_key:
            return []
        found = []
        for name, namespace in self.layout.prefixes.items():
            rank = Name(name, key(name)).rank(query_key)
            if rank is not None:
                found.append(Match(rank, PREFIX, namespace, name, key(name)))
        found.sort(key=Match.order)
        return found[:limit]

    def describe(self, matches: list[Match], lang: str) -> list[Completion]:
        """Each match with its label in ``lang``, its prefixed name, path and types."""
        other = "en" if lang == "id" else "id"
        named = [match.iri for match in matches if match.kind != PREFIX]
        labels = self.labels.best_labels(named, lang, other)
        types = self.labels.types_of(m.iri for m in matches if m.kind == ENTITY)
        described = []
        for match in matches:
            if match.kind == PREFIX:
                described.append(
                    Completion(
                        match.iri, PREFIX, match.iri, match.matched, f"{match.matched}:", match.iri
                    )
                )
                continue
            label = labels.get(match.iri)
            entity = match.kind == ENTITY
            prefixed = self.prefixed(match.iri)
            described.append(
                Completion(
                    match.iri,
                    match.kind,
                    label.value if label is not None else match.matched,
                    match.matched,
                    prefixed[0] if prefixed else None,
                    prefixed[1] if prefixed else None,
                    self.layout.path(match.iri) if entity else None,
                    most_specific(types.get(match.iri, ()), self.supers) if entity else (),
                )
            )
        return described

    def prefixed(self, iri: str) -> tuple[str, str] | None:
        """(``mk:Kelurahan``, the IRI ``mk:`` stands for) where a prefix of the dataset, or the
        kind of one of our entities, applies and SPARQL can write the rest as a local name."""
        of_kind = self.layout.entity_prefixed(iri)
        if of_kind is not None:
            name, namespace, local = of_kind
            return f"{name}:{local}", namespace
        short = self.layout.short(iri)
        if short == iri:
            return None
        name, _, local = short.partition(":")
        return (short, self.layout.prefixes[name]) if LOCAL_NAME.fullmatch(local) else None


def completer_for(engine: QueryService, labels: LabelIndex, layout: Layout) -> Completer:
    """The completer of the engine's current build, made once per build."""
    memo_key = ("completer", str(labels.path), layout.base)
    return engine.memoised(memo_key, lambda: Completer(labels, layout))
