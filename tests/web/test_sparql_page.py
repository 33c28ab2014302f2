"""The HTML query page of ``/sparql`` and the row limit, through Flask's test client."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from tests.web.test_sparql import ASK, BROWSER, CONSTRUCT, SELECT, bindings, get

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")


class _Rows(HTMLParser):
    """Counts ``<tr>`` inside ``<table id="results"><tbody>`` and collects the hrefs there."""

    def __init__(self) -> None:
        super().__init__()
        self.in_results = self.in_body = False
        self.rows = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "results") in attrs:
            self.in_results = True
        elif self.in_results and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows += 1
        elif self.in_body and tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_results = False


def parse_rows(response: TestResponse) -> _Rows:
    parser = _Rows()
    parser.feed(response.get_data(as_text=True))
    return parser


def count_rows(response: TestResponse) -> int:
    return parse_rows(response).rows


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_for_browsers_lists_examples(client: FlaskClient, app: Flask, lang: str) -> None:
    response = client.get("/sparql", query_string={"lang": lang}, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<textarea id="query" name="query"' in page and 'action="/sparql"' in page
    other = "en" if lang == "id" else "id"
    for query in app.config["MALANG_KG_QUERIES"].values():
        assert f">{query.title[lang]}</a>" in page  # in the page's language only
        if query.title[other] != query.title[lang]:
            assert f">{query.title[other]}</a>" not in page
    # Scripts only from files of our own (the editor), never inline.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


def test_awards_example_renders_seven_rows(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER}).get_data(as_text=True)
    link = re.search(r'<a href="(/sparql\?query=[^"]+)">Penghargaan</a>', page)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert len(href) < 4000  # fits gunicorn's request-line limit
    response = client.get(href, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert count_rows(response) == 7
    html = response.get_data(as_text=True)
    assert '<span id="row-count" data-count="7">7</span>' in html and " ms." in html
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in html
    assert 'id="share"' in html and "http://localhost/sparql?query=" in html
    query = unquote(href.split("query=", 1)[1])
    downloaded = get(client, query, format="json")
    assert len(bindings(downloaded)) == 7


def test_page_links_only_http_iris(client: FlaskClient) -> None:
    query = (
        "SELECT ?a ?b ?c ?d WHERE { BIND(<javascript:alert(1)> AS ?a) "
        "BIND(<mailto:x@example.org> AS ?b) BIND(<https://example.org/ok> AS ?c) "
        'BIND("<b>bold</b>" AS ?d) }'
    )
    response = get(client, query, BROWSER)
    rows = parse_rows(response)
    assert rows.rows == 1 and rows.hrefs == ["https://example.org/ok"]
    html = response.get_data(as_text=True)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_page_ask_and_construct(client: FlaskClient) -> None:
    ask = get(client, ASK, BROWSER).get_data(as_text=True)
    assert '<strong id="boolean" data-value="true">Ya</strong>' in ask
    construct = get(client, CONSTRUCT, BROWSER)
    html = construct.get_data(as_text=True)
    assert '<pre class="turtle"' in html and 'id="results"' not in html
    assert html.count('href="/page/kelurahan/') == 57 and "format=turtle" in html


def test_page_shows_query_errors_with_status(client: FlaskClient) -> None:
    response = get(client, "SELECT * WHERE { SERVICE <http://x.org/> { ?s ?p ?o } }", BROWSER)
    assert response.status_code == 400 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'id="error"' in html and "400" in html and "SERVICE" in html
    assert "Traceback" not in html


def test_row_limit_header_and_note(built: tuple[Settings, Manifest], engine: QueryService) -> None:
    limited = QueryService(engine.backend, replace(engine.settings, max_rows=5))
    app = create_app(built[0], engine=limited)
    client = app.test_client()
    response = get(client, SELECT)
    assert response.headers["X-SPARQL-MaxRows"] == "5" and len(bindings(response)) == 5
    page = get(client, SELECT, BROWSER)
    assert page.headers["X-SPARQL-MaxRows"] == "5"
    assert 'id="truncated"' in page.get_data(as_text=True) and count_rows(page) == 5
    assert "X-SPARQL-MaxRows" not in get(client, ASK).headers
    full = get(app_client(built, engine), SELECT)
    assert "X-SPARQL-MaxRows" not in full.headers


def app_client(built: tuple[Settings, Manifest], engine: QueryService) -> FlaskClient:
    return create_app(built[0], engine=engine).test_client()
