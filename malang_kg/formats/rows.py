"""One row of a SELECT answer at a time, in the named-query API's plain formats: its plain JSON
object and its CSV record. The API writes a page's rows with these, and the build writes every
row of a built answer with them once (``dataset/answers.py``), so that a page read from the build
is the same bytes without a term being parsed again."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from malang_kg.engine import Row
from malang_kg.formats.results import csv_value, plain_value


def plain_row(row: Row, columns: Sequence[str]) -> dict[str, Any]:
    """A row as the API's plain JSON object: every column, unbound as null."""
    return {name: plain_value(row.get(name)) for name in columns}


def json_row(row: Row, columns: Sequence[str]) -> bytes:
    """A row's plain JSON object, as ``json_body`` joins rows."""
    return json.dumps(plain_row(row, columns), ensure_ascii=False).encode("utf-8")


def json_body(head: dict[str, Any], rows: Iterable[bytes] | bytes, tail: dict[str, Any]) -> bytes:
    """One JSON object: ``head``'s members, then ``"rows"``, the rows' objects (each encoded by
    ``json_row``, or already joined by commas), then ``tail``'s members."""
    joined = rows if isinstance(rows, bytes) else b", ".join(rows)
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


class CsvRows:
    """CSV records by RFC 4180 (CRLF line ends, fields quoted where needed), one at a time."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def record(self, values: Sequence[str]) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(values)
        return self._buffer.getvalue().encode("utf-8")

    def row(self, row: Row, columns: Sequence[str]) -> bytes:
        return self.record([csv_value(row[name]) if name in row else "" for name in columns])
