"""Whole numbers read from a request's parameters: ASCII digits within their bounds only."""

from __future__ import annotations

import pytest

from malang_kg.web.http.params import parse_whole


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("2", 1, 10, 2),
        ("10", 1, 10, 10),
        ("11", 1, 10, None),
        ("0", 1, 10, None),
        ("٣", 1, 10, None),  # an Arabic-Indic digit, which int() would take
        ("-1", 1, 10, None),
        ("1.5", 1, 10, None),
        ("", 1, 10, None),
        (" 2", 1, 10, None),  # the callers strip where they allow spaces
        ("99999999", 1, None, 99999999),
    ],
)
def test_parse_whole(text: str, low: int, high: int | None, expected: int | None) -> None:
    assert parse_whole(text, low, high) == expected
