"""An error a reader can meet by following or typing a link is explained in the interface
language, title and message alike, in a page that says its language; a program asking for JSON
gets the same message in the same language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from malang_kg.web.i18n.errors import MESSAGES, say

HTML = {"Accept": "text/html"}

# (path, status, the message's key in MESSAGES)
ERRORS = [
    ("/sparql?query=", 400, "query_empty"),
    ("/sparql?query=ASK{}&query=ASK{}", 400, "one_query"),
    ("/sparql?query=ASK{}&default-graph-uri=", 400, "graph_empty"),
    ("/sparql?update=CLEAR+ALL", 400, "read_only"),
    ("/q/nope", 404, "not_a_short_link"),
    ("/q/AAAAAAAAAAAAAAAA", 404, "no_short_link"),
    ("/ontology.xyz", 404, "ontology_formats"),
    ("/no/such/page", 404, "not_found"),  # werkzeug's own English text, replaced
]
TITLES = {
    ("id", 400): "Permintaan tidak valid",
    ("en", 400): "Bad Request",
    ("id", 404): "Tidak ditemukan",
    ("en", 404): "Not Found",
}


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def _message_start(key: str, lang: str) -> str:
    """The message's text up to its first field, as the page shows it (escaped)."""
    return re.split(r"\{", MESSAGES[key][lang])[0].replace("'", "&#39;")


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("path", "status", "key"), ERRORS)
def test_an_error_page_is_in_the_interface_language(
    client: FlaskClient, path: str, status: int, key: str, lang: str
) -> None:
    response = client.get(_with_lang(path, lang), headers=HTML)
    assert response.status_code == status
    assert response.headers["Content-Language"] == lang
    page = response.get_data(as_text=True)
    assert f"<h1>{status} {TITLES[lang, status]}</h1>" in page
    assert _message_start(key, lang) in page
    assert MESSAGES[key]["en" if lang == "id" else "id"][:20] not in page


@pytest.mark.parametrize(("path", "status", "key"), ERRORS)
def test_a_program_gets_the_same_message(
    client: FlaskClient, path: str, status: int, key: str
) -> None:
    response = client.get(path, headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == status and response.json is not None
    assert response.json["message"].startswith(MESSAGES[key]["en"].split("{")[0])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_method_not_allowed_is_explained_too(client: FlaskClient, lang: str) -> None:
    response = client.post(f"/areas?lang={lang}", headers=HTML)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert MESSAGES["method_not_allowed"][lang] in response.get_data(as_text=True)


def test_a_message_fills_in_values_only(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert say("graph_empty", name="{0.__class__}") == (
            "{0.__class__} is empty; give the IRI of a graph."
        )


@pytest.mark.parametrize(("lang", "words"), [("id", "Untuk pembaca"), ("en", "For readers")])
def test_a_browser_asking_the_dataset_description_for_html_is_told_in_its_language(
    client: FlaskClient, lang: str, words: str
) -> None:
    page = client.get("/void", headers={"Accept": "text/html", "Accept-Language": lang})
    assert page.status_code == 406
    text = page.get_data(as_text=True)
    assert words in text and "/downloads/" in text
    for accept in ("image/png", "application/json, text/html;q=0.5"):  # answered as data
        program = client.get("/void", headers={"Accept": accept, "Accept-Language": lang})
        assert program.status_code == 406
        assert "The dataset description is available as" in program.get_data(as_text=True)
