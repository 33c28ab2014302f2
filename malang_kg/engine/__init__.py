"""Answering queries, whatever the store: one small interface that the web layer and the named
queries use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Bindings = dict[ox.Variable, Term]


@dataclass(frozen=True)
class SelectResult:
    columns: list[str]
    rows: list[dict[str, Term]]  # a row holds only the columns bound in it


class Engine(Protocol):
    @property
    def build_id(self) -> str: ...

    @property
    def triples(self) -> int: ...

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...
