"""pyoxigraph's terms and results as the service's plain values (``Term``, rows, triples), for
every backend that reads them: the embedded store and the remote engines' parsed answers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from functools import lru_cache
from typing import IO, cast

import pyoxigraph as ox

from malang_kg.engine import Row, SelectResult, Term, TsvResult

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TermTriple = tuple[Term, Term, Term]
TERMS = 65536  # pyoxigraph terms whose Term is remembered, per process


@lru_cache(maxsize=TERMS)
def from_oxigraph(term: OxTerm) -> Term:
    """``term`` as a ``Term``; memoised, as reading a pyoxigraph term's parts is slow and the
    same terms recur across answers."""
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.language, term.datatype.value)
    return Term("triple", str(term))


def to_oxigraph(term: Term) -> OxTerm:
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.kind == "literal":
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    raise ValueError(f"cannot bind a {term.kind} term")


def collect_rows(solutions: ox.QuerySolutions, max_rows: int) -> tuple[list[Row], bool]:
    """Up to ``max_rows`` rows of ``solutions`` (each holding its bound columns only), and whether
    there were more."""
    columns = [variable.value for variable in solutions.variables]
    rows: list[Row] = []
    for solution in solutions:
        if len(rows) == max_rows:
            return rows, True
        # A solution iterates as its values in column order, far faster than by name.
        row = {
            column: from_oxigraph(value)
            for column, value in zip(columns, solution, strict=True)
            if value is not None
        }
        rows.append(row)
    return rows, False


def collect_triples(
    triples: Iterable[ox.Triple | ox.Quad], max_rows: int
) -> tuple[list[TermTriple], bool]:
    """Up to ``max_rows`` triples, and whether there were more."""
    found: list[TermTriple] = []
    for triple in triples:
        if len(found) == max_rows:
            return found, True
        found.append(
            (
                from_oxigraph(triple.subject),
                from_oxigraph(triple.predicate),
                from_oxigraph(triple.object),
            )
        )
    return found, False


class _Enough(Exception):
    """Raised by ``_LineWriter`` to stop pyoxigraph's serialiser."""


class _LineWriter:
    """A file for pyoxigraph's serialiser that keeps what it writes, counting lines, and stops it
    (by raising from ``write``; pyoxigraph passes the exception on) once it has more than
    ``limit``: the serialiser writes as it reads solutions, so no more of the answer is computed
    or held than the row limit allows."""

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


def tsv_lines(solutions: ox.QuerySolutions, max_rows: int) -> tuple[bytes, bool]:
    """``solutions`` as SPARQL TSV written by pyoxigraph, cut after ``max_rows`` rows, and whether
    there were more. Every row is one line: TSV escapes line breaks inside values."""
    writer = _LineWriter(max_rows + 1)  # the header line, then the rows
    with contextlib.suppress(_Enough):
        # Any object with write() will do (pyoxigraph calls it); its stub says IO[bytes].
        solutions.serialize(cast(IO[bytes], writer), format=ox.QueryResultsFormat.TSV)
    data = b"".join(writer.chunks)
    if writer.lines <= max_rows + 1:
        return data, False
    return b"".join(line + b"\n" for line in data.split(b"\n", max_rows + 1)[: max_rows + 1]), True


def parse_tsv(result: TsvResult) -> ox.QuerySolutions:
    """``result``'s solutions, parsed back by pyoxigraph."""
    parsed = ox.parse_query_results(result.tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def tsv_header_and_rows(tsv: bytes) -> tuple[bytes, list[bytes]]:
    """A TSV answer's header line and its row lines (each row is one line)."""
    lines = tsv.split(b"\n")
    return lines[0], lines[1:-1] if lines and lines[-1] == b"" else lines[1:]


def rows_of_lines(columns: list[str], header: bytes, lines: list[bytes]) -> list[Row]:
    """The rows of some TSV row lines (under their answer's header), parsed: a page of an
    answer is parsed without the rest of it."""
    part = TsvResult(columns, b"\n".join([header, *lines]) + b"\n")
    return select_from_tsv(part).rows


def select_from_tsv(result: TsvResult) -> SelectResult:
    """``result`` parsed into rows of ``Term``s, for the formats pyoxigraph does not write."""
    parsed = parse_tsv(result)
    rows, _ = collect_rows(parsed, result.tsv.count(b"\n"))  # all of them
    return SelectResult(result.columns, rows, result.truncated, result.elapsed)
