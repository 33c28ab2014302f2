"""Named queries answered at build time: the answer of every named query that binds no parameter
(its labels' language is not a binding) is written beside the build, in ``answers/``, as the
engine's own SPARQL TSV, and the named-query API reads its pages from there.

A build never changes, so such an answer is the query's answer for as long as the build is
served. The build holds its data in memory, where the ``awards`` join at 1M triples takes about
a second; the on-disk store the server reads takes ten times that (``docs/performance.md``).
Each answer is kept under the SHA-256 of the query's text: a query file edited since the build
is run as usual. Only the pages asked for are parsed into terms.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine import Row
from malang_kg.engine.oxterms import rows_of_lines, tsv_header_and_rows, tsv_lines

ANSWERS_DIR = "answers"
INDEX_FILE = "index.json"
MOST_ROWS = 1_000_000  # an answer longer than this is left to the engine


def text_digest(query: NamedQuery) -> str:
    return hashlib.sha256(query.text.encode("utf-8")).hexdigest()


def answerable(query: NamedQuery) -> bool:
    """Whether the build can answer ``query`` once for every request: it binds no parameter."""
    return not any(parameter.bound for parameter in query.parameters)


def write_answers(
    store: ox.Store, directory: Path, queries: Mapping[str, NamedQuery], base_iri: str
) -> dict[str, int]:
    """Answer each answerable query over ``store`` (its default graph the union of all, as the
    server runs them) into ``directory``; the number of rows of each answer written."""
    directory.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, object]] = {}
    for name, query in sorted(queries.items()):
        if not answerable(query):
            continue
        solutions = store.query(query.text, base_iri=base_iri, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), "named queries are SELECT queries"
        columns = [variable.value for variable in solutions.variables]
        tsv, cut = tsv_lines(solutions, MOST_ROWS)
        if cut:
            continue
        (directory / f"{name}.tsv").write_bytes(tsv)
        rows = tsv.count(b"\n") - 1
        index[name] = {"query_sha256": text_digest(query), "columns": columns, "rows": rows}
    (directory / INDEX_FILE).write_text(json.dumps(index, indent=1), encoding="utf-8")
    return {name: int(str(entry["rows"])) for name, entry in index.items()}


@dataclass(frozen=True)
class Answer:
    """One built answer: its columns, its TSV header line and one TSV line per row."""

    columns: list[str]
    header: bytes
    lines: list[bytes]

    @property
    def rows(self) -> int:
        return len(self.lines)

    def page(self, start: int, stop: int) -> list[Row]:
        """Rows ``start:stop``, parsed."""
        return rows_of_lines(self.columns, self.header, self.lines[start:stop])


class BuiltAnswers:
    """The answers a build wrote (none for a build made before they were)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            self._index = json.loads((directory / INDEX_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._index = {}
        self._loaded: dict[str, Answer] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def answer(self, query: NamedQuery) -> Answer | None:
        """The built answer of ``query``, if the build answered this very text."""
        entry = self._index.get(query.name)
        if entry is None or entry.get("query_sha256") != text_digest(query):
            return None
        found = self._loaded.get(query.name)
        if found is None:
            try:
                data = (self.directory / f"{query.name}.tsv").read_bytes()
            except OSError:
                return None
            found = Answer(list(entry["columns"]), *tsv_header_and_rows(data))
            self._loaded[query.name] = found  # a race computes it twice, harmlessly
        return found
