"""``Job``: one query as a backend runs it, after the guard (picklable, for query processes)."""

from __future__ import annotations

from dataclasses import dataclass

from malang_kg.engine.types import Term


@dataclass(frozen=True)
class Job:
    text: str  # as the guard passed it (escapes decoded)
    bindings: dict[str, Term]
    default_graphs: tuple[str, ...] | None  # the protocol's default-graph-uri, if given
    named_graphs: tuple[str, ...] | None  # the protocol's named-graph-uri, if given
    union_default_graph: bool  # the default graph is the union of all graphs
    max_rows: int
    base_iri: str | None = None  # relative IRIs in the query resolve against it
    as_tsv: bool = False  # answer a SELECT as a TsvResult
    # The fixed subjects of a bounded lookup (``bounded.py``); None: not one.
    subjects: tuple[str, ...] | None = None
