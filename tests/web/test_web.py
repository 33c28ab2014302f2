"""The web app built by ``create_app``: health, landing page, errors without stack traces."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.store.builds import Manifest

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")


def test_health(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert {key: body[key] for key in ("status", "store_loaded", "build_id", "triples")} == {
        "status": "ok",
        "store_loaded": True,
        "build_id": built[1].build_id,
        "triples": built[1].triples,
    }
    assert set(body) == {"status", "store_loaded", "build_id", "triples", "worker"}


def test_landing_page_shows_statistics_and_queries(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "kelurahan (urban village)" in page
    assert '<td class="num">57</td>' in page
    assert "Awards" in page and "Penghargaan" in page


def test_not_found_is_json_for_api_clients_and_html_for_browsers(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json is not None and response.json["status"] == 404
    html = client.get("/no/such/page", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.status_code == 404
    assert html.mimetype == "text/html"
    assert "<h1>404 Tidak ditemukan</h1>" in html.get_data(as_text=True)  # Indonesian by default
    assert html.headers["Content-Language"] == "id"
    english = client.get("/no/such/page?lang=en", headers={"Accept": "text/html"})
    assert "<h1>404 Not Found</h1>" in english.get_data(as_text=True)


def test_unexpected_errors_never_show_a_trace(app: Flask) -> None:
    def explode() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", "explode", explode)
    app.config["TESTING"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    english = {"Accept": "application/json", "Accept-Language": "en"}
    response = app.test_client().get("/explode", headers=english)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert response.json is not None and "unexpected error" in response.json["message"]
