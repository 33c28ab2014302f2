"""Named queries answered at build time: the answer of every named query that binds no parameter
(its labels' language is not a binding) is written beside the build, in ``answers/``, as the
engine's own SPARQL TSV, and the named-query API reads its pages from there.

A build never changes, so such an answer is the query's answer for as long as the build is
served. The build holds its data in memory, where the ``awards`` join at 1M triples takes about
a second; the on-disk store the server reads takes ten times that (``docs/performance.md``).
Each answer is kept under the SHA-256 of the query's text: a query file edited since the build
is run as usual. Only the pages asked for are parsed into terms.

Each answer is also written as the API shows it in each language, labels and all: one file of
its rows' plain JSON objects and one of its CSV records, with the byte offset of every row
(``RowFile``), so a page in those formats is a slice of a file, not 22,000 rows parsed into
terms, labelled and encoded again on every request (3.5 s for the ``awards`` answer at 1M).
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from malang_kg.dataset.labels import LANGUAGES, LabelIndex
from malang_kg.dataset.named_queries import NamedQuery, PageRequest, read_built
from malang_kg.engine import Row
from malang_kg.engine.oxterms import rows_of_lines, tsv_header_and_rows, tsv_lines
from malang_kg.formats.results import CsvRows
from malang_kg.formats.rows import JSON_SEPARATOR, json_row

ANSWERS_DIR = "answers"
INDEX_FILE = "index.json"
MOST_ROWS = 1_000_000  # an answer longer than this is left to the engine


def text_digest(query: NamedQuery) -> str:
    return hashlib.sha256(query.text.encode("utf-8")).hexdigest()


def answerable(query: NamedQuery) -> bool:
    """Whether the build can answer ``query`` once for every request: it binds no parameter."""
    return not any(parameter.bound for parameter in query.parameters)


def write_answers(
    store: ox.Store,
    directory: Path,
    queries: Mapping[str, NamedQuery],
    base_iri: str,
    labels: LabelIndex,
) -> dict[str, int]:
    """Answer each answerable query over ``store`` (its default graph the union of all, as the
    server runs them) into ``directory``, and each answer as shown in each language with
    ``labels``; the number of rows of each answer written."""
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
        answer = Answer(columns, *tsv_header_and_rows(tsv))
        for lang in LANGUAGES:
            _write_shown(directory, query, answer, lang, labels)
        index[name] = {
            "query_sha256": text_digest(query),
            "columns": columns,
            "rows": answer.rows,
            "languages": list(LANGUAGES),
        }
    (directory / INDEX_FILE).write_text(json.dumps(index, indent=1), encoding="utf-8")
    return {name: int(str(entry["rows"])) for name, entry in index.items()}


def _write_shown(
    directory: Path, query: NamedQuery, answer: Answer, lang: str, labels: LabelIndex
) -> None:
    """``answer`` as the API shows it in ``lang``, as JSON rows and as CSV records."""
    shown = read_built(query, answer, {"lang": lang}, labels, PageRequest(max(answer.rows, 1)))
    csv = CsvRows()
    RowFile.write(
        directory / f"{query.name}.{lang}.json",
        (json_row(row, shown.columns) + JSON_SEPARATOR for row in shown.rows),
    )
    RowFile.write(
        directory / f"{query.name}.{lang}.csv", (csv.row(row, shown.columns) for row in shown.rows)
    )


class RowFile:
    """A file of encoded rows, one after another, and the offset of each (``PATH.offsets``: the
    start of every row and the end of the last, as unsigned 64-bit integers); ``columns``, those
    of the answer the rows are of."""

    def __init__(self, path: Path, columns: list[str] | None = None) -> None:
        self.path = path
        self.columns = columns or []
        offsets = array("Q")
        with (path.parent / (path.name + ".offsets")).open("rb") as file:
            offsets.frombytes(file.read())
        self._offsets = offsets

    @staticmethod
    def write(path: Path, rows: Iterable[bytes]) -> None:
        offsets = array("Q", [0])
        with path.open("wb") as file:
            for row in rows:
                file.write(row)
                offsets.append(offsets[-1] + len(row))
        (path.parent / (path.name + ".offsets")).write_bytes(offsets.tobytes())

    @property
    def rows(self) -> int:
        return len(self._offsets) - 1

    def slice(self, start: int, stop: int) -> bytes:
        """The bytes of rows ``start:stop``."""
        start, stop = min(start, self.rows), min(stop, self.rows)
        begin, end = self._offsets[start], self._offsets[stop]
        if end <= begin:
            return b""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            return os.pread(fd, end - begin, begin)
        finally:
            os.close(fd)


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
        self._shown: dict[tuple[str, str, str], RowFile] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def _entry(self, query: NamedQuery) -> dict[str, Any] | None:
        entry = self._index.get(query.name)
        if entry is None or entry.get("query_sha256") != text_digest(query):
            return None
        return entry  # type: ignore[no-any-return]

    def answer(self, query: NamedQuery) -> Answer | None:
        """The built answer of ``query``, if the build answered this very text."""
        entry = self._entry(query)
        if entry is None:
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

    def shown(self, query: NamedQuery, lang: str, encoding: str) -> RowFile | None:
        """The rows of ``query``'s built answer as shown in ``lang``, encoded as ``encoding``
        (``json`` or ``csv``); None where the build wrote none."""
        entry = self._entry(query)
        if entry is None or lang not in entry.get("languages", ()):
            return None
        key = (query.name, lang, encoding)
        found = self._shown.get(key)
        if found is None:
            try:
                path = self.directory / f"{query.name}.{lang}.{encoding}"
                found = RowFile(path, list(entry["columns"]))
            except OSError:
                return None
            self._shown[key] = found  # a race reads the offsets twice, harmlessly
        return found
