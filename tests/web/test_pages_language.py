"""Every HTML page says its language and varies by what chose it: by ``Accept-Language`` when the
reader's browser chose it (so no cache, the nginx front's included, gives a page in the other
language), not when ``?lang=`` did."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.store.builds import Manifest
from tests.web.test_pages import vary

HTML = {"Accept": "text/html"}

PAGES = (
    "/",
    "/page/kelurahan/samaan",
    "/page/kelurahan/no-such-place",
    "/code/bps/0000000000",
    "/sparql",
    "/api/queries",
    "/api/queries/subdistricts",
    "/downloads/",
    "/changes",
    "/awards",
    "/areas",
    "/ontology",
)


def _pages(built: tuple[Settings, Manifest]) -> list[str]:
    return [*PAGES, f"/page/kelurahan/samaan?version={built[1].build_id}"]


def _with(path: str, query: str) -> str:
    return path + ("&" if "?" in path else "?") + query


def test_a_page_chosen_by_the_browser_varies_by_its_languages(
    client: FlaskClient, built: tuple[Settings, Manifest]
) -> None:
    for path in _pages(built):
        response = client.get(path, headers={**HTML, "Accept-Language": "en"})
        assert response.mimetype == "text/html", path
        assert response.headers["Content-Language"] == "en", path
        assert "accept-language" in vary(response), path


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_page_chosen_by_lang_says_so_and_does_not_vary_by_it(
    client: FlaskClient, built: tuple[Settings, Manifest], lang: str
) -> None:
    other = "id" if lang == "en" else "en"
    for path in _pages(built):
        response = client.get(
            _with(path, f"lang={lang}"), headers={**HTML, "Accept-Language": other}
        )
        assert response.headers["Content-Language"] == lang, path
        assert "accept-language" not in vary(response), path


@pytest.mark.parametrize(
    ("query", "lang", "title", "message"),
    [
        ("page=abc", "id", "400 Permintaan tidak valid", "page= harus nomor halaman"),
        ("page=abc", "en", "400 Bad Request", "page= must be a page number"),
        (
            "page=99",
            "id",
            "404 Tidak ditemukan",
            "halaman terakhir tautan masuk entitas ini adalah halaman 2.",
        ),
        (
            "page=99",
            "en",
            "404 Not Found",
            "the last page of this entity&#39;s incoming links is page 2.",
        ),
    ],
)
def test_a_bad_page_number_is_explained_in_the_page_language(
    client: FlaskClient, query: str, lang: str, title: str, message: str
) -> None:
    # The city has two pages of incoming links (tests/web/test_pages_content.py).
    response = client.get(f"/page/city/malang?{query}&lang={lang}", headers=HTML)
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page and message in page
    assert response.headers["Content-Language"] == lang
