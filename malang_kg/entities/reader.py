"""Reads one entity for its page: ``EntityReader(engine, links, labels, lang).read(path, page)``
asks the query service a few SELECT queries (``queries.py``), each binding the entity as a
value, and returns an ``Entity`` (``model.py``): its label in the chosen language (else the
other), its types, a description, every outgoing property grouped and labelled, each value
linked (local paths for our entities, marked external links for other http(s) IRIs, none for any
other scheme), inferred facts told apart from asserted ones, the confidence notes of
``owl:Axiom`` annotations, the quoted sentence of each ``mk:evidence``, and the incoming links
paged. ``views.py`` adds what areas, organisations, people, awards and the press release show
besides.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from malang_kg.dataset.labels import LabelIndex
from malang_kg.engine import Row, SelectResult, Term
from malang_kg.engine.service import QueryService
from malang_kg.entities.asking import PageQueries
from malang_kg.entities.grouping import by_statement, fold_duplicates, group_order, value_order
from malang_kg.entities.inference import Reason, Schema, Statements, explain
from malang_kg.entities.jsonld import schema_jsonld
from malang_kg.entities.model import (
    Annotation,
    Entity,
    Incoming,
    PropertyGroup,
    Quote,
    Value,
    Whole,
)
from malang_kg.entities.queries import (
    AXIOMS,
    DATA_QUERIES,
    EVIDENCE,
    INCOMING,
    INCOMING_COUNT,
    NESTED,
    OUTGOING,
    SHOWN,
    EntityQuery,
)
from malang_kg.iris import PROV, RDF, RDFS, SCHEMA, SKOS, Layout, Links, anchor

PAGE_SIZE = 50


class PageNotFound(LookupError):
    """``?page=N`` past the last page of incoming links; ``pages`` is how many there are."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"there are {pages} pages of incoming links")
        self.pages = pages


LABELS = (str(SKOS.prefLabel), str(RDFS.label), str(SCHEMA.name), str(SCHEMA.headline))
DESCRIPTIONS = (
    str(SKOS.definition),
    str(SCHEMA.description),
    "http://purl.org/dc/terms/description",
    str(RDFS.comment),
)


class EntityReader(PageQueries):
    """Reads entities for one request: one engine, one link mapping, one language."""

    def __init__(self, engine: QueryService, links: Links, labels: LabelIndex, lang: str) -> None:
        super().__init__(engine, links.layout, labels, lang)
        self.links = links
        self._statements: Statements | None = None  # of the entity being read, once read

    @property
    def layout(self) -> Layout:
        return self.links.layout

    # - values -

    def text(self, term: Term, label: Term | None = None) -> str:
        """What a value of ``term`` shows: its label, else its short IRI or its literal."""
        if term.kind == "uri":
            return label.value if label else self.links.short(term.value)
        return "" if term.kind == "bnode" else term.value

    def value(self, term: Term, label: Term | None = None, **extra: Any) -> Value:
        if term.kind == "uri":
            href, external = self.links.href(term.value)
            lang = label.lang if label else None
            return Value(term, self.text(term, label), lang, href, external, **extra)
        if term.kind == "literal":
            note = f"@{term.lang}" if term.lang else ""
            if term.datatype:
                note = self.links.short(term.datatype)
            return Value(term, term.value, term.lang, note=note, **extra)
        return Value(term, self.text(term), **extra)

    def pick_label(self, candidates: Iterable[tuple[str, Term]]) -> Term | None:
        """The best label among (property, literal) pairs: the chosen language first, then the
        other, then untagged; among equals, the order of ``LABELS``."""

        def rank(item: tuple[str, Term]) -> tuple[int, int]:
            prop, term = item
            lang = (term.lang or "").lower()
            by_lang = 0 if lang == self.lang else 1 if lang == self.other else 2
            return by_lang, LABELS.index(prop) if prop in LABELS else len(LABELS)

        ranked = sorted((c for c in candidates if c[1].kind == "literal"), key=rank)
        return ranked[0][1] if ranked else None

    def triples(self, path: str) -> list[tuple[Term, Term, Term]]:
        """The entity's RDF for ``/data/…`` (empty when nothing is said about it)."""
        subject = Term.uri(self.layout.entity(path))
        found: dict[tuple[Term, Term, Term], None] = {}
        self.prefetch([query for *_, query in DATA_QUERIES], s=subject)
        for s, p, o, query in DATA_QUERIES:
            for row in self.select(query, s=subject):
                found[(subject if s == "s" else row[s], row[p], row[o])] = None
        # The entity first, then by subject and property, so Turtle groups them.
        return sorted(found, key=lambda t: (t[0] != subject, t[0].value, t[1].value))

    # - the description -

    def read(
        self,
        path: str,
        page: int = 1,
        also: Callable[[list[Row]], Sequence[EntityQuery]] | None = None,
        whole: str = "",
        likely: Sequence[EntityQuery] = (),
    ) -> Entity | None:
        """The entity at ``path``, or None. Its queries and the ``likely`` ones (the views'
        queries its types in the label index call for: ``views.likely_queries``) go in one trip
        (its statements, a bounded lookup, in this process when it can be); ``also`` chooses
        from its statements the queries its views need, asked only if the guess missed them
        (``views.view_queries``). A property's list is made whole only if it is ``whole`` (else
        its first ``SHOWN`` values, see ``_group_rows``)."""
        iri = self.layout.entity(path)
        subject = Term.uri(iri)
        self.prefetch((OUTGOING, INCOMING, AXIOMS, EVIDENCE, NESTED, *likely), s=subject)
        out = self.select(OUTGOING, s=subject)
        self.prefetch(also(out) if also is not None else (), s=subject)
        incoming = self.run(INCOMING, s=subject)
        links = [row for row in incoming.rows if row["x"].kind != "bnode"]
        if not out and not links:
            return None
        notes = self._annotations(self.select(AXIOMS, s=subject))
        quotes = self._quotes(self.select(EVIDENCE, s=subject))
        nested = self._nested(self.select(NESTED, s=subject))
        self._statements = Statements(
            out=frozenset((r["p"].value, r["o"]) for r in out),
            asserted=frozenset(
                (r["p"].value, r["o"]) for r in out if not self._inferred([r["g"].value])
            ),
            incoming=frozenset((r["x"], r["p"].value) for r in links),
        )
        groups = self._groups(out, notes, quotes, nested, whole)
        label_term = self.pick_label((r["p"].value, r["o"]) for r in out if r["p"].value in LABELS)
        label = (
            Value(Term.literal(label_term.value), label_term.value, label_term.lang)
            if label_term
            else Value(subject, path)
        )
        described = [(r["p"].value, r["o"]) for r in out if r["p"].value in DESCRIPTIONS]
        description = self.pick_label(described)
        types = next((g.values for g in groups if g.predicate.iri == str(RDF.type)), ())
        return Entity(
            iri=iri,
            path=path,
            label=label,
            types=tuple(t for t in types if not t.inferred),
            description=self.value(description) if description else None,
            groups=groups,
            evidence=tuple(dict.fromkeys(quotes.values())),
            incoming=self._incoming(links, page, self._incoming_total(incoming, subject)),
            jsonld=schema_jsonld(iri, out),
        )

    def _reason(self, prop: str, value: Term) -> Reason | None:
        if self._statements is None:
            return None
        schema = self.engine.memoised(("inference-schema",), lambda: Schema.read(self.engine))
        return explain(schema, self._statements, prop, value)

    def _inferred(self, graphs: Iterable[str]) -> bool:
        return all(graph == self.layout.inferred_graph for graph in graphs)

    def _annotations(self, rows: list[Row]) -> dict[tuple[str, Term], list[Annotation]]:
        by_axiom: dict[Term, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
        statement: dict[Term, tuple[str, Term]] = {}
        for row in rows:
            statement[row["ax"]] = (row["p"].value, row["o"])
            kind = {str(PROV.wasDerivedFrom): "sources", str(RDFS.comment): "comments"}.get(
                row["k"].value, "confidence"
            )
            found = by_axiom[row["ax"]][kind]
            value = self.value(row["v"], row.get("vLabel"))
            if value not in found:
                found.append(value)
        notes: dict[tuple[str, Term], list[Annotation]] = defaultdict(list)
        for axiom, parts in by_axiom.items():
            notes[statement[axiom]].append(
                Annotation(
                    tuple(parts["confidence"]),
                    tuple(parts["sources"]),
                    tuple(self._in_language(parts["comments"])),
                )
            )
        return notes

    def _in_language(self, values: list[Value]) -> list[Value]:
        """Literals in the chosen language, else in the other, else all of them."""
        for lang in (self.lang, self.other):
            chosen = [v for v in values if v.lang == lang]
            if chosen:
                return chosen
        return values

    def _quotes(self, rows: list[Row]) -> dict[str, Quote]:
        quotes: dict[str, Quote] = {}
        for row in sorted(rows, key=lambda r: r["sentence"].value):
            sentence = row["sentence"].value
            source = row.get("source")
            href = None
            if source is not None and (path := self.layout.path(source.value)):
                href = self.links.page(path, "#" + anchor(sentence, "sentence-"))
            language, date = row.get("language"), row.get("date")
            publisher = row.get("publisher")
            quotes.setdefault(
                sentence,
                Quote(
                    row["exact"].value,
                    sentence,
                    href,
                    lang=language.value if language is not None else "",
                    source=self.value(source, row.get("sourceLabel")) if source else None,
                    date=date.value if date is not None else "",
                    publisher=self.value(publisher, row.get("publisherLabel"))
                    if publisher
                    else None,
                ),
            )
        return quotes

    def _nested(self, rows: list[Row]) -> dict[Term, tuple[PropertyGroup, ...]]:
        by_node: dict[Term, list[Row]] = defaultdict(list)
        for row in rows:
            by_node[row["b"]].append(row)
        return {
            node: self._group_rows([(r, ()) for r in node_rows], {}, {}, {}, None)
            for node, node_rows in by_node.items()
        }

    def _groups(
        self,
        rows: list[Row],
        notes: dict[tuple[str, Term], list[Annotation]],
        quotes: dict[str, Quote],
        nested: dict[Term, tuple[PropertyGroup, ...]],
        whole: str,
    ) -> tuple[PropertyGroup, ...]:
        pairs = [(row, tuple(graphs)) for row, graphs in by_statement(rows, "o")]
        return fold_duplicates(self._group_rows(pairs, notes, quotes, nested, whole))

    def _group_rows(
        self,
        pairs: Sequence[tuple[Row, tuple[str, ...]]],
        notes: dict[tuple[str, Term], list[Annotation]],
        quotes: dict[str, Quote],
        nested: dict[Term, tuple[PropertyGroup, ...]],
        whole: str | None,
    ) -> tuple[PropertyGroup, ...]:
        """One group per property, its values in ``value_order``. Unless ``whole`` is None (or
        the property), a group makes only the ``SHOWN`` values a page lists: a hub has
        thousands, and the order needs only each value's text."""
        by_property: dict[str, dict[Term, tuple[tuple[bool, str, str], Row]]] = defaultdict(dict)
        properties: dict[str, Value] = {}
        for row, graphs in pairs:
            p, o = row["p"], row["o"]
            if p.value not in properties:
                properties[p.value] = self.value(p, row.get("pLabel"))
            inferred = bool(graphs) and self._inferred(graphs)
            key = value_order(inferred, self.text(o, row.get("oLabel")), o)
            by_property[p.value].setdefault(o, (key, row))
        groups = []
        for prop, found in by_property.items():
            ordered = sorted(found.values(), key=lambda entry: entry[0])
            cut = whole is not None and prop != whole and len(ordered) > SHOWN
            values = tuple(
                self._statement_value(prop, row, key[0], notes, quotes, nested)
                for key, row in (ordered[:SHOWN] if cut else ordered)
            )
            every = (
                Whole(len(ordered), frozenset(found), all(k[0] for k, _ in ordered))
                if cut
                else None
            )
            groups.append(PropertyGroup(properties[prop], values, whole=every))
        return tuple(sorted(groups, key=group_order))

    def _statement_value(
        self,
        prop: str,
        row: Row,
        inferred: bool,
        notes: dict[tuple[str, Term], list[Annotation]],
        quotes: dict[str, Quote],
        nested: dict[Term, tuple[PropertyGroup, ...]],
    ) -> Value:
        o = row["o"]
        return self.value(
            o,
            row.get("oLabel"),
            inferred=inferred,
            reason=self._reason(prop, o) if inferred else None,
            notes=tuple(notes.get((prop, o), ())),
            quote=quotes.get(o.value) if o.kind == "uri" else None,
            nested=nested.get(o, ()),
        )

    def _incoming_total(self, incoming: SelectResult, subject: Term) -> int | None:
        """How many incoming statements there are when the page read only some of them."""
        if not incoming.truncated:
            return None
        rows = self.select(INCOMING_COUNT, s=subject)
        return int(rows[0]["n"].value) if rows else None

    def _incoming(self, rows: list[Row], page: int, total: int | None) -> Incoming:
        """One page of the incoming links, by property then label; ``Value``s are made for the
        links shown only (a hub has thousands)."""
        properties: dict[str, Value] = {}
        orders: dict[str, tuple[int, int, bool, str]] = {}
        links: list[tuple[tuple[int, int, bool, str], bool, str, str, Row]] = []
        for row, graphs in by_statement(rows, "x"):
            p = row["p"].value
            if p not in properties:
                properties[p] = self.value(row["p"], row.get("pLabel"))
                orders[p] = group_order(PropertyGroup(properties[p], ()))
            inferred = self._inferred(graphs)
            label = row.get("xLabel")
            text = label.value if label is not None else self.links.short(row["x"].value)
            links.append((orders[p], inferred, text.casefold(), row["x"].value, row))
        links.sort(key=lambda link: link[:4])
        pages = max(1, math.ceil(len(links) / PAGE_SIZE))
        if page > pages:
            raise PageNotFound(pages)
        groups: dict[str, tuple[Value, list[Value]]] = {}
        for _, inferred, _, _, row in links[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
            value = self.value(row["x"], row.get("xLabel"), inferred=inferred)
            prop = properties[row["p"].value]
            groups.setdefault(prop.term.value, (prop, []))[1].append(value)
        return Incoming(
            tuple(PropertyGroup(prop, tuple(values)) for prop, values in groups.values()),
            total=len(links) if total is None else max(total, len(links)),
            page=page,
            pages=pages,
            shown=len(links) if total is not None else None,
        )
