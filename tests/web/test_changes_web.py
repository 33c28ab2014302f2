"""The change feed and past versions over the session's build, on the embedded store and in
backend mode (the records live with the builds, not in the engine). The feed over two builds is
tested in ``tests/history``."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from malang_kg.config import Settings
from malang_kg.history.mementos import http_date
from malang_kg.store.builds import Manifest
from tests.conftest import ID

pytestmark = pytest.mark.engines("embedded", "oxigraph")

SAMAAN = "kelurahan/samaan"


def test_the_first_build_created_every_entity(
    client: FlaskClient, built: tuple[Settings, Manifest]
) -> None:
    manifest = built[1]
    response = client.get("/changes", headers={"Accept": "application/activity+json"})
    collection = json.loads(response.data)
    assert collection["totalItems"] == manifest.changes["entities_created"] > 300
    page = json.loads(client.get("/changes?page=1", headers={"Accept": "application/ld+json"}).data)
    assert {item["type"] for item in page["orderedItems"]} == {"Create"}
    assert page["next"].endswith("/changes?page=2")
    html = client.get("/changes?lang=en").get_data(as_text=True)
    assert 'id="changes"' in html and "Added" in html


def test_an_entitys_data_is_its_own_timegate(
    client: FlaskClient, built: tuple[Settings, Manifest]
) -> None:
    manifest = built[1]
    current = client.get(f"/data/{SAMAAN}", headers={"Accept": "text/turtle"})
    assert 'rel="timemap"' in current.headers["Link"]
    assert "accept-datetime" in current.headers["Vary"].lower()
    graph = Graph().parse(data=current.data, format="turtle")
    assert graph.value(URIRef(ID + SAMAAN), DCTERMS.modified) is not None
    gate = client.get(
        f"/data/{SAMAAN}.ttl", headers={"Accept-Datetime": "Tue, 01 Dec 2099 00:00:00 GMT"}
    )
    assert gate.status_code == 302
    assert gate.headers["Location"] == f"/data/{SAMAAN}.ttl?version={manifest.build_id}"
    memento = client.get(gate.headers["Location"])
    assert memento.headers["Memento-Datetime"] == http_date(manifest.created)
    past = Graph().parse(data=memento.data, format="turtle")
    assert (URIRef(ID + SAMAAN), None, None) in past
    timemap = client.get(f"/timemap/{SAMAAN}").get_data(as_text=True)
    assert timemap.count('rel="first last memento"') == 1
    assert client.get(f"/data/{SAMAAN}?version=no-such-build").status_code == 404
    bad = client.get(f"/data/{SAMAAN}", headers={"Accept-Datetime": "yesterday"})
    assert bad.status_code == 400
