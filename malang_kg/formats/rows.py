"""The named-query API's plain JSON: a term as a plain value, a row as a plain object, and a body
joined from rows encoded one at a time. The API writes a page's rows with these (and CSV records
with ``results.CsvRows``), and the build writes every row of a built answer with them once
(``dataset/answers.py``), so that a page read from the build is the same bytes without a term
being parsed again."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from malang_kg.engine import Row, Term
from malang_kg.formats.results import csv_value
from malang_kg.iris import XSD

JSON_SEPARATOR = b", "  # between the rows of a body, and after each row of a build's rows file

INTEGER_TYPES = frozenset(
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
NUMBER_TYPES = frozenset(str(XSD[name]) for name in ("decimal", "double", "float"))


def plain_value(term: Term | None) -> str | int | float | bool | None:
    """A term as a plain JSON value: integers, decimals and doubles as numbers, booleans as
    booleans, IRIs and other literals as strings (blank nodes ``_:id``), unbound as null."""
    if term is None:
        return None
    if term.kind != "literal" or term.datatype is None:
        return csv_value(term)
    text = term.value.strip()
    try:
        if term.datatype in INTEGER_TYPES:
            return int(text)
        if term.datatype in NUMBER_TYPES:
            number = float(text)
            return number if math.isfinite(number) else term.value
    except ValueError:
        return term.value
    if term.datatype == str(XSD.boolean) and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    return term.value


def plain_row(row: Row, columns: Sequence[str]) -> dict[str, Any]:
    """A row as the API's plain JSON object: every column, unbound as null."""
    return {name: plain_value(row.get(name)) for name in columns}


def json_row(row: Row, columns: Sequence[str]) -> bytes:
    """A row's plain JSON object, as ``json_body`` joins rows."""
    return json.dumps(plain_row(row, columns), ensure_ascii=False).encode("utf-8")


def json_body(head: dict[str, Any], rows: Iterable[bytes] | bytes, tail: dict[str, Any]) -> bytes:
    """One JSON object: ``head``'s members, then ``"rows"``, the rows' objects (each encoded by
    ``json_row``, or already joined by commas), then ``tail``'s members."""
    joined = rows if isinstance(rows, bytes) else JSON_SEPARATOR.join(rows)
    opening = json.dumps(head, ensure_ascii=False)[:-1].encode("utf-8")
    closing = json.dumps(tail, ensure_ascii=False)[1:].encode("utf-8")
    return b"".join(
        [
            opening,
            b", " if head else b"",
            b'"rows": [',
            joined,
            b"]",
            b", " if tail else b"",
            closing,
        ]
    )
