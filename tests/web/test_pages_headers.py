"""Headers of the linked-data pages: the language of a page (``?lang``, ``Accept-Language``,
fallback), ``ETag``/304 and ``Cache-Control``, and the official codes that resolve to areas."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.test_pages import ENTITY, assert_safe_location, get, vary

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

# --- Language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept_language", "expected"),
    [
        ("", None, "id"),
        ("", "en", "en"),
        ("", "en-GB,en;q=0.9", "en"),
        ("", "id-ID,id;q=0.9,en;q=0.5", "id"),
        ("", "fr", "id"),
        ("?lang=en", "id", "en"),
        ("?lang=id", "en", "id"),
        ("?lang=EN", None, "en"),
        ("?lang=xx", "en", "en"),
    ],
)
def test_language_choice(
    client: FlaskClient, query: str, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = get(client, f"/page/{ENTITY}{query}", **headers)
    assert response.headers["Content-Language"] == expected
    page = response.get_data(as_text=True)
    assert f'<html lang="{expected}">' in page
    heading = {"id": "Semua keterangan", "en": "All statements"}[expected]
    assert heading in page


def test_language_switch_is_visible_and_relative(client: FlaskClient) -> None:
    page = get(client, f"/page/{ENTITY}?page=1&lang=id").get_data(as_text=True)
    assert 'href="?page=1&amp;lang=en" lang="en" hreflang="en"' in page
    assert 'href="?page=1&amp;lang=id" lang="id" hreflang="id" aria-current="true"' in page


def test_explicit_language_does_not_vary_and_is_kept_on_links(client: FlaskClient) -> None:
    response = get(client, "/page/organization/kim-samaan?lang=en")
    assert "accept-language" not in vary(response)
    page = response.get_data(as_text=True)
    assert 'href="/page/kelurahan/samaan?lang=en"' in page


def test_label_and_description_fall_back_to_the_other_language(client: FlaskClient) -> None:
    page = get(client, "/page/source/kota-malang-wilayah?lang=id").get_data(as_text=True)
    # The reference document is described in English only: shown, marked as English.
    assert '<p class="description" lang="en">Kota Malang, its 5 kecamatan' in page


# --- Caching --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [f"/page/{ENTITY}", f"/page/{ENTITY}?lang=en", f"/data/{ENTITY}.ttl", "/ontology"],
)
def test_etag_and_304(client: FlaskClient, url: str) -> None:
    first = get(client, url)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('"') and len(tag) > 10
    assert (
        "public" in first.headers["Cache-Control"] and "max-age=" in first.headers["Cache-Control"]
    )
    again = get(client, url, **{"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert get(client, url, **{"If-None-Match": "*"}).status_code == 304
    assert get(client, url, **{"If-None-Match": '"other"'}).status_code == 200
    assert get(client, url, **{"If-None-Match": "W/" + tag}).status_code == 304


def test_etags_differ_by_language_format_path_and_page(client: FlaskClient) -> None:
    tags = {
        get(client, url, accept).headers["ETag"]
        for url, accept in [
            (f"/page/{ENTITY}?lang=id", None),
            (f"/page/{ENTITY}?lang=en", None),
            ("/page/city/malang", None),
            ("/page/city/malang?page=2", None),
            (f"/data/{ENTITY}.ttl", None),
            (f"/data/{ENTITY}.nt", None),
            (f"/data/{ENTITY}", "application/ld+json"),
            ("/ontology", "text/html"),
            ("/ontology", "text/turtle"),
        ]
    }
    assert len(tags) == 9


def test_etag_changes_with_the_build(client: FlaskClient) -> None:
    from malang_kg.web.http.caching import etag

    assert etag("page", "build-1", ENTITY, "id", "1") != etag("page", "build-2", ENTITY, "id", "1")


def test_head_answers_like_get(client: FlaskClient) -> None:
    response = client.head("/page/" + ENTITY)
    assert response.status_code == 200 and response.headers["ETag"]


# --- Codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/code/kemendagri/35.73.02.1003", "/id/kelurahan/samaan"),
        ("/code/bps/3573030010", "/id/kelurahan/samaan"),
        ("/code/kemendagri/35.73.02", "/id/kecamatan/klojen"),
        ("/code/bps/3573", "/id/city/malang"),
        ("/code/kemendagri/35", "/id/province/jawa-timur"),
    ],
)
def test_codes_resolve(client: FlaskClient, url: str, target: str) -> None:
    response = get(client, url)
    assert response.status_code == 303
    assert response.headers["Location"] == target
    assert_safe_location(response)


@pytest.mark.parametrize(
    "url",
    [
        "/code/kemendagri/99.99.99.9999",
        "/code/kemendagri/3573030010",  # a BPS code asked as a Kemendagri code
        "/code/bps/35.73.02.1003",  # and the other way round
        "/code/bps/abc",
        "/code/nik/3573030010",
        "/code/kemendagri/35.73.02.1003%22%3E",
    ],
)
def test_unknown_codes_are_404(client: FlaskClient, url: str) -> None:
    assert get(client, url).status_code == 404
