"""Whole numbers read from a request's parameters: ASCII digits within their bounds only."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

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


@pytest.mark.parametrize(
    "path",
    [
        "/changes",
        "/browse/Kelurahan",
        "/page/kelurahan/samaan",
        "/api/queries/awards.json",
    ],
)
@pytest.mark.parametrize("page", ["٣", "0", "x"])
def test_every_paged_list_refuses_a_page_that_is_not_an_ascii_whole_number(
    client: FlaskClient, path: str, page: str
) -> None:
    response = client.get(path, query_string={"page": page})
    assert response.status_code == 400, (path, page)
