"""The label index of a build: every label of every IRI (``skos:prefLabel``, ``rdfs:label``,
``schema:name``, ``skos:altLabel``, asserted or inferred), the ontology types of the entities,
the class hierarchy and each entity's parent areas (the areas it is in or based in), written by
the build into ``labels.sqlite`` beside its store; with each label
its folded ``key`` (``search.key``: no case, diacritics, spaces or hyphens), and which terms of the
ontology are classes and which properties (``terms``).

Pages, named-query results, search, reconciliation and completion read labels from here instead
of asking the store one ``OPTIONAL`` per row: a lookup is an indexed read of a file every serving
process shares through the page cache. Completion finds labels by a prefix of their key with the
index ``labels_key`` (preferred or alternative, key length, key): one range scan per length,
shortest first. ``best`` picks a label as the pages always did: the preferred
label or ``rdfs:label`` in the reader's language, else in the other, else ``schema:name``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from malang_kg.engine import Row, Term
from malang_kg.engine.cache import BuildCache
from malang_kg.iris import OWL, RDF, RDFS, SCHEMA, SKOS, Layout

LABELS_FILE = "labels.sqlite"
# The languages the graph is labelled and shown in, the default (Indonesian) first.
LANGUAGES = ("id", "en")
KINDS = {
    str(SKOS.prefLabel): "pref",
    str(RDFS.label): "label",
    str(SCHEMA.name): "name",
    str(SKOS.altLabel): "alt",
}
# The order a label is chosen in: (kind, which language), "any" for any language or none.
PREFERENCE = (("pref", "lang"), ("label", "lang"), ("pref", "other"), ("label", "other"))
CHUNK = 500  # IRIs per lookup query (SQLite allows 32,766 parameters)
REMEMBERED_IRIS = 20_000  # IRIs whose labels a serving process keeps at once
# The ontology's terms by what they are typed: (type, what ``terms`` calls it).
TERM_KINDS = (
    (str(OWL.Class), "class"),
    (str(RDFS.Class), "class"),
    (str(OWL.ObjectProperty), "property"),
    (str(OWL.DatatypeProperty), "property"),
    (str(OWL.AnnotationProperty), "property"),
)
LAST_CHAR = "\U0010ffff"  # after every other character: ``prefix + LAST_CHAR`` ends a range

_SCHEMA = """
CREATE TABLE labels (
    iri TEXT NOT NULL, kind TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE TABLE types (iri TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE supers (class TEXT NOT NULL, super TEXT NOT NULL);
CREATE TABLE terms (iri TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE parents (iri TEXT NOT NULL, parent TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX labels_iri ON labels (iri);
CREATE INDEX labels_key ON labels (kind = 'alt', length(key), key);
CREATE INDEX types_iri ON types (iri);
"""
# Labels whose key starts with a prefix (?2, ?3 = prefix + LAST_CHAR), alternative or not (?1),
# of the key lengths listed, shortest first: the planner walks ``labels_key`` once per length.
_STARTING_WITH = (
    "SELECT iri, kind, lang, text, key FROM labels WHERE (kind = 'alt') = ?1 "
    "AND length(key) IN ({lengths}) AND key >= ?2 AND key < ?3 ORDER BY length(key)"
)


@dataclass(frozen=True)
class Label:
    iri: str
    kind: str  # pref, label, name or alt
    lang: str  # the language tag, lower-case; "" for none
    text: str

    def matches(self, lang: str) -> bool:
        """SPARQL's ``LANGMATCHES(LANG(label), lang)``."""
        return self.lang == lang or self.lang.startswith(lang + "-")

    def term(self) -> Term:
        return Term.literal(self.text, self.lang or None)


def best(labels: Iterable[Label], lang: str, other: str) -> Label | None:
    """The label the pages show in ``lang`` (see the module's description); among equals, the
    first by text, so the choice never depends on the order the store gave."""
    found = sorted(labels, key=lambda label: label.text)
    for kind, which in PREFERENCE:
        wanted = lang if which == "lang" else other
        for label in found:
            if label.kind == kind and label.matches(wanted):
                return label
    return next((label for label in found if label.kind == "name"), None)


# --- Writing (at build time) ---------------------------------------------------------------------


def _rows(store: ox.Store, query: str) -> Iterator[tuple[str, ...]]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        yield tuple(term.value if term is not None else "" for term in solution)


def _label_rows(store: ox.Store) -> Iterator[tuple[str, str, str, str, str]]:
    # Imported here: search reads this index, and the key is its rule (one rule for both).
    from malang_kg.dataset.search import key

    properties = " ".join(f"<{iri}>" for iri in KINDS)
    query = (
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?o "
        "FILTER (isIRI(?s) && isLiteral(?o)) }"
    )
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    keys: dict[str, str] = {}  # many labels share a text (one per language, say)
    for s, p, o in result:
        assert isinstance(o, ox.Literal) and s is not None and p is not None
        text = o.value
        folded = keys.get(text)
        if folded is None:
            folded = keys[text] = key(text)
        yield s.value, KINDS[p.value], (o.language or "").lower(), text, folded


def _terms_query(layout: Layout) -> str:
    """The ontology's classes and properties (IRIs of its namespace), each with its kind."""
    pairs = " ".join(f'(<{type_}> "{kind}")' for type_, kind in TERM_KINDS)
    return (
        f"SELECT DISTINCT ?s ?kind WHERE {{ VALUES (?t ?kind) {{ {pairs} }} ?s <{RDF.type}> ?t "
        f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{layout.vocabulary}")) }}'
    )


def write_labels(store: ox.Store, path: Path, layout: Layout) -> int:
    """Write the label index of ``store`` to ``path``; the number of labels."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?)", _label_rows(store))
        types = (
            f"SELECT DISTINCT ?s ?t WHERE {{ ?s <{RDF.type}> ?t FILTER (isIRI(?s) && "
            f'STRSTARTS(STR(?s), "{layout.entity_prefix}") && '
            f'STRSTARTS(STR(?t), "{layout.vocabulary}")) }}'
        )
        db.executemany("INSERT INTO types VALUES (?, ?)", _rows(store, types))
        supers = (
            f"SELECT DISTINCT ?c ?d WHERE {{ ?c <{RDFS.subClassOf}> ?d FILTER (isIRI(?c) && "
            f'isIRI(?d) && ?c != ?d && STRSTARTS(STR(?c), "{layout.vocabulary}")) }}'
        )
        db.executemany("INSERT INTO supers VALUES (?, ?)", _rows(store, supers))
        db.executemany("INSERT INTO terms VALUES (?, ?)", _rows(store, _terms_query(layout)))
        parents = (
            f"SELECT DISTINCT ?s ?a WHERE {{ VALUES ?p {{ <{SCHEMA.containedInPlace}> "
            f"<{layout.vocabulary}basedIn> }} ?s ?p ?a FILTER (isIRI(?s) && isIRI(?a) && "
            f'STRSTARTS(STR(?s), "{layout.entity_prefix}")) }}'
        )
        db.executemany("INSERT INTO parents VALUES (?, ?)", _rows(store, parents))
        db.executescript(_INDEXES)
        (count,) = db.execute("SELECT COUNT(*) FROM labels").fetchone()
    return int(count)


# --- Reading (when serving) ----------------------------------------------------------------------


def _order_of(column: str, values: tuple[str, ...]) -> str:
    """An SQL expression ordering ``column`` as ``values`` are ordered (constants of ours)."""
    cases = " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(values))
    return f"CASE {column} {cases} END"


class LabelIndex:
    """The label index of one build, read-only. Each process and thread opens its own
    connection (SQLite connections do not survive ``fork``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._name = str(path)
        self._known: BuildCache[list[Label]] = BuildCache(REMEMBERED_IRIS)

    def _db(self) -> sqlite3.Connection:
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if held is None or held[0] != os.getpid():
            if not self.path.is_file():
                raise FileNotFoundError(
                    f"{self.path} is missing: the build predates the label index; run "
                    "`malang-kg build` again"
                )
            uri = f"file:{self.path}?mode=ro&immutable=1"
            held = (os.getpid(), sqlite3.connect(uri, uri=True, check_same_thread=False))
            self._local.db = held
        return held[1]

    def labels_of(
        self, iris: Iterable[str], kinds: Iterable[str] = ("pref", "label", "name")
    ) -> dict[str, list[Label]]:
        """Every label of the given kinds of each of ``iris`` (remembered per IRI: the index
        never changes, and a page's predicates and places recur on every page)."""
        chosen = tuple(kinds)
        found: dict[str, list[Label]] = {}
        wanted = []
        for iri in set(iris):
            known = self._known.get(self._name, (iri, chosen))
            if known is None:
                wanted.append(iri)
            elif known:
                found[iri] = known
        wanted.sort()
        read: dict[str, list[Label]] = {iri: [] for iri in wanted}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            kind_marks = ",".join("?" * len(chosen))
            rows = self._db().execute(
                f"SELECT iri, kind, lang, text FROM labels WHERE iri IN ({marks}) "
                f"AND kind IN ({kind_marks})",
                [*chunk, *chosen],
            )
            for row in rows:
                read[row[0]].append(Label(*row))
        for iri, labels in read.items():
            self._known.put(self._name, (iri, chosen), labels)
            if labels:
                found[iri] = labels
        return found

    def best_labels(self, iris: Iterable[str], lang: str, other: str) -> dict[str, Term]:
        """The label to show for each of ``iris`` that has one (``best``)."""
        chosen = {}
        for iri, labels in self.labels_of(iris).items():
            label = best(labels, lang, other)
            if label is not None:
                chosen[iri] = label.term()
        return chosen

    def add_labels(
        self, rows: list[Row], pairs: Iterable[tuple[str, str]], lang: str, other: str
    ) -> list[Row]:
        """``rows`` with, for each (column, label column) of ``pairs``, the label column set to
        the label (``best``) of the column's IRI where it has one."""
        chosen = tuple(pairs)
        iris = {
            row[c].value for row in rows for c, _ in chosen if c in row and row[c].kind == "uri"
        }
        found = self.best_labels(iris, lang, other)
        labelled = []
        for row in rows:
            new = dict(row)
            for column, label in chosen:
                term = row.get(column)
                if term is not None and term.kind == "uri" and term.value in found:
                    new[label] = found[term.value]
            labelled.append(new)
        return labelled

    def all_labels(self, prefix: str, kinds: Iterable[str]) -> Iterator[Label]:
        """Every label of the given kinds of the IRIs starting with ``prefix``, by IRI."""
        chosen = tuple(kinds)
        marks = ",".join("?" * len(chosen))
        rows = self._db().execute(
            f"SELECT iri, kind, lang, text FROM labels WHERE iri >= ? AND iri < ? "
            f"AND kind IN ({marks}) ORDER BY iri, {_order_of('kind', chosen)}, text",
            [prefix, prefix + "\U0010ffff", *chosen],
        )
        for row in rows:
            yield Label(*row)

    def completes(self) -> bool:
        """Whether the index has what completion reads (``key``, ``terms``): a build written
        before completion existed has not."""
        db = self._db()
        columns = {row[1] for row in db.execute("PRAGMA table_info(labels)")}
        terms = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'terms'")
        return "key" in columns and terms.fetchone() is not None

    def starting_with(
        self, prefix: str, alternative: bool, lengths: Iterable[int]
    ) -> Iterator[tuple[Label, str]]:
        """The labels (alternative ones, or the others) whose key starts with ``prefix`` and is
        one of ``lengths`` long, shortest key first, each with its key. Rows are read as the
        caller asks for them, so stopping early costs nothing more."""
        wanted = ",".join(str(int(length)) for length in lengths)
        rows = self._db().execute(
            _STARTING_WITH.format(lengths=wanted), (int(alternative), prefix, prefix + LAST_CHAR)
        )
        try:
            for iri, kind, lang, text, key in rows:
                yield Label(iri, kind, lang, text), key
        finally:
            rows.close()

    def longest_key(self) -> int:
        """The length of the longest key of any label (0 for none)."""
        query = (
            "SELECT length(key) FROM labels WHERE (kind = 'alt') = ? "
            "ORDER BY length(key) DESC LIMIT 1"
        )
        longest = 0
        for alternative in (0, 1):
            row = self._db().execute(query, (alternative,)).fetchone()
            longest = max(longest, int(row[0]) if row else 0)
        return longest

    def terms(self) -> list[tuple[str, str]]:
        """The ontology's classes and properties: (IRI, ``class`` or ``property``), by IRI."""
        return list(self._db().execute("SELECT DISTINCT iri, kind FROM terms ORDER BY iri, kind"))

    def types_of(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """The ontology classes of each of ``iris`` that has any, asserted or inferred."""
        wanted = sorted(set(iris))
        found: dict[str, set[str]] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db().execute(f"SELECT iri, type FROM types WHERE iri IN ({marks})", chunk)
            for iri, type_ in rows:
                found.setdefault(iri, set()).add(type_)
        return found

    def types(self) -> dict[str, set[str]]:
        """The ontology classes of each entity, asserted or inferred."""
        found: dict[str, set[str]] = {}
        for iri, type_ in self._db().execute("SELECT iri, type FROM types"):
            found.setdefault(iri, set()).add(type_)
        return found

    def parents(self) -> dict[str, set[str]]:
        """The areas each entity is in (``schema:containedInPlace``) or based in
        (``mk:basedIn``); none from a build made before the index kept them."""
        found: dict[str, set[str]] = {}
        try:
            rows = list(self._db().execute("SELECT iri, parent FROM parents"))
        except sqlite3.OperationalError:  # no such table: an older build
            return found
        for iri, parent in rows:
            found.setdefault(iri, set()).add(parent)
        return found

    def supers(self) -> dict[str, set[str]]:
        """The direct and inferred superclasses of each class of the ontology."""
        found: dict[str, set[str]] = {}
        for name, parent in self._db().execute("SELECT class, super FROM supers"):
            found.setdefault(name, set()).add(parent)
        return found
