"""How an entity's statements are grouped and ordered for its page: one group per property, the
properties people look for first (labels, codes, descriptions) and the provenance last, the rest
by label; a statement stated in several graphs once; an inferred super-property folded into the
asserted property it comes from."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from malang_kg.engine import Row, Term
from malang_kg.entities.model import PropertyGroup, Value
from malang_kg.iris import PROV, RDF, RDFS, SCHEMA, SKOS

# Properties shown first, in this order, and last; the rest sorted by label in between.
FIRST = (
    str(RDF.type),
    str(SKOS.prefLabel),
    str(SKOS.altLabel),
    str(SCHEMA.name),
    str(SCHEMA.alternateName),
    str(SKOS.notation),
    str(SKOS.definition),
    str(SCHEMA.description),
    "http://purl.org/dc/terms/description",
    str(RDFS.comment),
    str(SKOS.scopeNote),
    str(SKOS.historyNote),
)
LAST = (str(SKOS.exactMatch), str(RDFS.seeAlso), str(PROV.wasDerivedFrom))


def fold_duplicates(groups: tuple[PropertyGroup, ...]) -> tuple[PropertyGroup, ...]:
    """Each group whose values are all inferred and all stated under another property that has
    asserted values (``schema:recipient`` beside ``mk:recipient``, its sub-property) folded into
    that group's ``also``: one row, the inferred property named in it."""
    asserted = [g for g in groups if not g.inferred]
    folded: dict[int, list[Value]] = defaultdict(list)
    kept = []
    for group in groups:
        home = next(
            (
                index
                for index, other in enumerate(asserted)
                if other is not group and group.terms <= other.terms
            ),
            None,
        )
        if group.inferred and home is not None and group.predicate.iri != str(RDF.type):
            folded[home].append(group.predicate)
        else:
            kept.append(group)
    return tuple(
        dataclasses.replace(g, also=tuple(folded[asserted.index(g)])) if g in asserted else g
        for g in kept
    )


def by_statement(rows: list[Row], other: str) -> list[tuple[Row, set[str]]]:
    """One row per statement (its property and ``other`` end), with every graph stating it."""
    graphs: dict[tuple[str, Term], set[str]] = defaultdict(set)
    firsts: dict[tuple[str, Term], Row] = {}
    for row in rows:
        key = (row["p"].value, row[other])
        graphs[key].add(row["g"].value)
        firsts.setdefault(key, row)
    return [(row, graphs[key]) for key, row in firsts.items()]


def value_order(inferred: bool, text: str, term: Term) -> tuple[bool, str, str]:
    """Where a value goes in its property's list: asserted first, then by its text."""
    return inferred, text.casefold(), term.value


def group_order(group: PropertyGroup) -> tuple[int, int, bool, str]:
    iri = group.predicate.term.value
    if iri in FIRST:
        return 0, FIRST.index(iri), False, ""
    if iri in LAST:
        return 2, LAST.index(iri), False, ""
    return 1, 0, group.inferred, group.predicate.text.casefold()
