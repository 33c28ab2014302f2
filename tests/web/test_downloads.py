"""``/downloads/``: every dump of the build, downloaded through the app, gunzipped and parsed,
holds the triples the manifest says (and the N-Quads dump, every triple of the store); ETag/304,
HEAD, and no file outside the manifest."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from tests.web.test_api import data

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

FORMATS = {
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def test_manifest_lists_the_four_dumps(built: tuple[Settings, Manifest]) -> None:
    assert {dump["media_type"] for dump in built[1].dumps} == set(FORMATS)
    assert len(built[1].dumps) == 4


def test_listing_json(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    response = client.get("/downloads/", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = data(response)
    assert body["build_id"] == built[1].build_id
    listed = {item["file"]: item for item in body["downloads"]}
    for dump in built[1].dumps:
        item = listed[dump["file"]]
        assert item["url"] == f"http://localhost/downloads/{dump['file']}"
        assert item["sha256"] == dump["sha256"] and item["bytes"] == dump["bytes"]
        assert item["content_type"] == "application/gzip"


@pytest.mark.parametrize(("lang", "text"), [("id", "Unduhan"), ("en", "Downloads")])
def test_listing_html(
    client: FlaskClient, built: tuple[Settings, Manifest], lang: str, text: str
) -> None:
    response = client.get(f"/downloads/?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{text}</h1>" in page
    for dump in built[1].dumps:
        assert f'href="http://localhost/downloads/{dump["file"]}"' in page
        assert dump["title"][lang] in page


def test_each_dump_parses_to_the_manifest_count(
    client: FlaskClient, built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    for dump in built[1].dumps:
        response = client.get(f"/downloads/{dump['file']}")
        assert response.status_code == 200
        assert response.mimetype == "application/gzip"
        assert response.headers["Content-Disposition"] == f"attachment; filename={dump['file']}"
        assert int(response.headers["Content-Length"]) == dump["bytes"] == len(response.data)
        assert hashlib.sha256(response.data).hexdigest() == dump["sha256"]
        body = gzip.decompress(response.data)
        store = ox.Store()
        store.load(body, format=FORMATS[dump["media_type"]])
        assert len(store) == dump["triples"], dump["file"]
        if dump["media_type"] == "application/n-quads":
            assert len(store) == engine.triples == built[1].triples


def test_etag_and_304(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    dump = built[1].dumps[0]
    path = f"/downloads/{dump['file']}"
    response = client.get(path)
    assert response.headers["ETag"] == f'"{dump["sha256"]}"'
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    changed = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    head = client.head(path)
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == dump["bytes"]


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/manifest.json",
        "/downloads/dataset.nq",
        "/downloads/..%2Fmanifest.json",
        "/downloads/%2e%2e/manifest.json",
        "/downloads/malang-kg.nq",
    ],
)
def test_only_manifest_files_are_served(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
