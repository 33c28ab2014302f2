"""The named-query API's answer bodies: one page as plain JSON, SPARQL JSON, CSV or TSV, made
from a result, or sliced from the rows the build wrote in that format and language
(``dataset/answers.py``: the plain JSON and CSV of the answers that bind no parameter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from malang_kg.dataset.answers import BuiltAnswers
from malang_kg.dataset.named_queries import NamedQuery, PageRequest, shown_columns
from malang_kg.engine import SelectResult, Term
from malang_kg.formats import media as fmt
from malang_kg.formats.results import CsvRows, to_csv, to_json, to_tsv
from malang_kg.formats.rows import JSON_SEPARATOR, json_body, json_row, plain_value


@dataclass(frozen=True)
class Shown:
    """One page of an answer as the API shows it: its columns, whether more rows follow, how
    many rows it has and how long the engine took."""

    columns: list[str]
    truncated: bool
    rows: int
    elapsed: float = 0.0
    total: int | None = None  # the rows of the whole answer, where known


def plain_parts(
    query: NamedQuery,
    shown: Shown,
    parameters: dict[str, Term],
    page: PageRequest,
    next_url: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The members of the plain JSON of one page before its ``rows`` and after them, with the
    rows of the whole answer where known."""
    paging: dict[str, Any] = {"page": page.number, "limit": page.limit}
    if next_url is not None:
        paging["next"] = next_url
    if shown.total is not None:
        paging["total"] = shown.total
    elif next_url is None and (shown.rows or not page.offset):
        # The last page ends the answer, unless it is empty past the end: then the total is
        # only known to be at most the offset, and is left out.
        paging["total"] = page.offset + shown.rows
    head = {"query": query.name, "columns": list(shown.columns)}
    tail = {
        "truncated": shown.truncated,
        "parameters": {name: plain_value(term) for name, term in parameters.items()},
        "elapsed_ms": round(shown.elapsed * 1000, 1),
        **paging,
    }
    return head, tail


def written_page(
    answers: BuiltAnswers,
    named: NamedQuery,
    media: fmt.MediaType,
    raw: dict[str, str],
    page: PageRequest,
) -> tuple[Shown, bytes] | None:
    """The page's rows as the build wrote them for ``media`` (JSON or CSV), with what the
    page shows; None where the build wrote no such rows."""
    encoding = {fmt.JSON: "json", fmt.CSV: "csv"}.get(media)
    if encoding is None:
        return None
    rows = answers.shown(named, named.label_language(raw), encoding)
    if rows is None:
        return None
    stop = page.offset + page.limit
    data = rows.slice(page.offset, stop)
    if encoding == "json":
        data = data.removesuffix(JSON_SEPARATOR)
    count = max(0, min(stop, rows.rows) - page.offset)
    return Shown(shown_columns(named, rows.columns), stop < rows.rows, count, total=rows.rows), data


def encoded_body(
    named: NamedQuery,
    shown: Shown,
    data: bytes,
    bindings: dict[str, Term],
    media: fmt.MediaType,
    page: PageRequest,
    next_url: str | None,
) -> bytes:
    """A JSON or CSV page around rows already encoded (``data``)."""
    if media is fmt.JSON:
        head, tail = plain_parts(named, shown, bindings, page, next_url)
        return json_body(head, data, tail)
    return CsvRows().record(shown.columns) + data


def result_body(
    named: NamedQuery,
    result: SelectResult,
    bindings: dict[str, Term],
    media: fmt.MediaType,
    page: PageRequest,
    next_url: str | None,
    total: int | None = None,
) -> bytes:
    """A page of ``result`` in ``media`` (any but HTML)."""
    if media is fmt.JSON:
        shown = Shown(result.columns, result.truncated, len(result.rows), result.elapsed, total)
        head, tail = plain_parts(named, shown, bindings, page, next_url)
        rows = (json_row(row, result.columns) for row in result.rows)
        return json_body(head, rows, tail)
    if media is fmt.SPARQL_JSON:
        return to_json(result)
    if media is fmt.CSV:
        return to_csv(result)
    return to_tsv(result)
