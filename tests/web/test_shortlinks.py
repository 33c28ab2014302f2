"""``/q``: short links for SPARQL queries through Flask's test client. The blueprint is
registered here on an app whose store is a temporary directory, so links start empty."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.engine.service import QueryService
from malang_kg.store.shortlinks import ID_LENGTH, SHORTLINKS_FILE, ShortLinks, digest_id
from malang_kg.web import create_app
from malang_kg.web.views import shortlinks
from tests.conftest import settings_for

FORM = "application/x-www-form-urlencoded"
JSON = {"Accept": "application/json"}
LINK = re.compile(f"/q/[0-9A-Za-z]{{{ID_LENGTH}}}")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TEXTS = [
    COUNT,
    "# Kelurahan Samaan — Kota Malang, ü, 日本, 😀\nSELECT ?s\r\nWHERE {\n\t?s ?p ?o\n} LIMIT 1\n",
    'SELECT * WHERE { ?s ?p "a+b&c=d%20e#f?g/h\\\\i" } LIMIT 1',
    "  SELECT * WHERE { ?s ?p ?o }  ",
]


def make_app(store: Path, engine: QueryService, **settings: str) -> Flask:
    app = create_app(settings_for(store, **settings), engine=engine)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def links_client(tmp_path: Path, engine: QueryService) -> FlaskClient:
    return make_app(tmp_path / "store", engine).test_client()


def post(client: FlaskClient, query: str, path: str = "/q") -> TestResponse:
    return client.post(path, data=urlencode({"query": query}), content_type=FORM, headers=JSON)


def shorten(client: FlaskClient, query: str) -> str:
    response = post(client, query)
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert LINK.fullmatch(location), location
    return location


def opened(client: FlaskClient, location: str) -> str:
    """The query the short link at ``location`` sends the client to ``/sparql`` with."""
    response = client.get(location, headers=JSON)
    assert response.status_code == 303, response.get_data(as_text=True)
    target = urlsplit(response.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == ("", "", "/sparql")
    params = parse_qs(target.query, keep_blank_values=True, strict_parsing=True, errors="strict")
    assert list(params) == ["query"] and len(params["query"]) == 1
    return params["query"][0]


def test_a_posted_query_gets_a_short_link_back_to_its_exact_text(
    links_client: FlaskClient,
) -> None:
    for text in TEXTS:
        location = shorten(links_client, text)
        assert location == "/q/" + digest_id(text.encode("utf-8"))[:ID_LENGTH]
        assert opened(links_client, location) == text


def test_the_redirect_is_percent_encoded_with_quote(links_client: FlaskClient) -> None:
    location = shorten(links_client, TEXTS[1])
    target = links_client.get(location).headers["Location"]
    assert target == "/sparql?query=" + quote(TEXTS[1], safe="")
    assert " " not in target and "\n" not in target and target.isascii()


def test_the_same_query_gets_the_same_link(links_client: FlaskClient) -> None:
    first = [shorten(links_client, text) for text in TEXTS]
    assert [shorten(links_client, text) for text in TEXTS] == first
    assert len(set(first)) == len(TEXTS)  # different texts (also by spaces alone) differ


def test_the_link_opens_the_query_on_the_endpoint(links_client: FlaskClient) -> None:
    location = shorten(links_client, COUNT)
    target = links_client.get(location).headers["Location"]
    answer = links_client.get(target, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert answer.json is not None and int(answer.json["results"]["bindings"][0]["n"]["value"])


def test_a_query_is_stored_as_given_and_never_run(links_client: FlaskClient) -> None:
    for text in ("this is not SPARQL {", "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"):
        assert opened(links_client, shorten(links_client, text)) == text


def test_links_survive_a_new_app_on_the_same_store(tmp_path: Path, engine: QueryService) -> None:
    location = shorten(make_app(tmp_path / "store", engine).test_client(), TEXTS[1])
    assert (tmp_path / "store" / SHORTLINKS_FILE).is_file()
    assert opened(make_app(tmp_path / "store", engine).test_client(), location) == TEXTS[1]


def test_lang_is_kept_on_both_redirects(links_client: FlaskClient) -> None:
    response = post(links_client, COUNT, "/q?lang=en")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith("?lang=en") and LINK.fullmatch(location.split("?")[0])
    target = links_client.get(location).headers["Location"]
    assert target == "/sparql?query=" + quote(COUNT, safe="") + "&lang=en"
    bogus = post(links_client, COUNT, "/q?lang=%22%3E%3Cscript%3E").headers["Location"]
    assert LINK.fullmatch(bogus)  # only a language the site has is kept
    assert "lang" not in links_client.get(bogus + "?lang=xx").headers["Location"]


def test_redirects_are_cacheable(links_client: FlaskClient) -> None:
    response = links_client.get(shorten(links_client, COUNT))
    assert response.cache_control.public and response.cache_control.max_age


@pytest.mark.parametrize(
    "link_id",
    ["0123456789", "ZZZZZZZZZZZZ", "short", "0123456789-", "a" * 44, "é" * 10, "%2e%2e"],
)
def test_an_unknown_or_malformed_id_is_404_in_the_clients_format(
    links_client: FlaskClient, link_id: str
) -> None:
    shorten(links_client, COUNT)
    response = links_client.get(f"/q/{link_id}", headers={**JSON, "Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json is not None and response.json["status"] == 404
    assert "short link" in response.json["message"]
    assert "Accept" in response.vary
    html = links_client.get(f"/q/{link_id}", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "no query"),
        ("format=json", "no query"),
        ("query=", "empty"),
        ("query=%20%0A%09", "empty"),
        ("query=ASK%7B%7D&query=ASK%7B%7D", "exactly one"),
        ("query=%FF%FE", "UTF-8"),
    ],
)
def test_a_form_without_one_query_is_400(
    links_client: FlaskClient, body: str, message: str
) -> None:
    english = {**JSON, "Accept-Language": "en"}
    response = links_client.post("/q", data=body, content_type=FORM, headers=english)
    assert response.status_code == 400
    assert response.json is not None and message in response.json["message"]


@pytest.mark.parametrize(
    "content_type",
    [None, "application/sparql-query", "application/json", "multipart/form-data; boundary=x"],
)
def test_a_post_that_is_not_a_form_is_415(
    links_client: FlaskClient, content_type: str | None
) -> None:
    response = links_client.post("/q", data=COUNT, content_type=content_type, headers=JSON)
    assert response.status_code == 415
    assert response.json is not None and "form" in response.json["message"]


def test_get_on_q_is_405(links_client: FlaskClient) -> None:
    response = links_client.get("/q", headers=JSON)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_a_query_over_max_query_bytes_is_413(tmp_path: Path, engine: QueryService) -> None:
    client = make_app(tmp_path / "store", engine, MAX_QUERY_BYTES="256").test_client()
    fits = "ASK {} #" + "é" * 124  # 256 bytes in UTF-8
    assert opened(client, shorten(client, fits)) == fits
    response = post(client, fits + "x")
    assert response.status_code == 413
    assert response.json is not None and "257 bytes" in response.json["message"]
    huge = client.post("/q", data="query=" + "x" * 100_000, content_type=FORM, headers=JSON)
    assert huge.status_code == 413


def test_a_full_store_refuses_new_links_with_503_and_keeps_the_old(
    tmp_path: Path, engine: QueryService
) -> None:
    app = make_app(tmp_path / "store", engine)
    app.extensions[shortlinks.EXTENSION] = ShortLinks(tmp_path / "store" / SHORTLINKS_FILE, 2)
    client = app.test_client()
    kept = [shorten(client, text) for text in TEXTS[:2]]
    response = post(client, TEXTS[2])
    assert response.status_code == 503
    assert response.json is not None and "full" in response.json["message"]
    assert [shorten(client, text) for text in TEXTS[:2]] == kept
    assert [opened(client, location) for location in kept] == TEXTS[:2]
