"""Backend mode on a real ``oxigraph serve``: what ``malang-kg publish`` leaves in it, that the
endpoint stays read-only and refuses SERVICE before the engine sees it, limits, and faults (the
engine stopped and started again while the service runs, which recovers by itself)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app, remote_service
from tests.conftest import BASE, PREFIXES
from tests.support.backend import (
    OxigraphServer,
    backend_settings_for,
    publish_into,
    start_oxigraph,
)
from tests.support.polling import wait_until

SJSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
MARK = "http://example.org/written-through-the-endpoint"
BLANK_NODES = f"""{PREFIXES}
SELECT (COUNT(*) AS ?n) WHERE {{ ?s oa:hasSelector ?b . ?b oa:exact ?x . FILTER (isBlank(?b)) }}"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def app_over(settings: Settings) -> Flask:
    app = create_app(settings, engine=remote_service(settings))
    app.config["TESTING"] = True
    return app


def rows(response: Any) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    result: list[dict[str, dict[str, str]]] = response.get_json()["results"]["bindings"]
    return result


def select(client: FlaskClient, query: str) -> Any:
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": SJSON})


# --- what publish leaves in the engine -------------------------------------------------------


def test_publish_loads_every_graph_and_describes_the_build(
    built: tuple[Settings, Manifest], oxigraph: OxigraphServer, remote_engine: QueryService
) -> None:
    manifest = built[1]
    for graph in manifest.graphs:
        assert oxigraph.count(graph.iri) == graph.triples, graph.iri
    assert oxigraph.count() == manifest.triples + oxigraph.count(Layout(BASE).build_graph)
    assert remote_engine.build_id == manifest.build_id
    assert remote_engine.triples == manifest.triples
    assert set(remote_engine.graphs) == {graph.iri for graph in manifest.graphs}


def test_answers_match_the_embedded_store(
    engine: QueryService, remote_engine: QueryService
) -> None:
    for query in (
        BLANK_NODES,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/inferred> WHERE {{ ?s ?p ?o }}",
        f"{PREFIXES}SELECT ?k WHERE {{ <{BASE}id/kelurahan/samaan> mk:within+ ?k }} ORDER BY ?k",
    ):
        assert remote_engine.select(query).rows == engine.select(query).rows, query


@pytest.fixture
def scratch(
    built: tuple[Settings, Manifest], tmp_path: Path
) -> Iterator[tuple[OxigraphServer, Settings]]:
    server = start_oxigraph(tmp_path / "data", tmp_path)
    try:
        yield server, backend_settings_for(built[0], server)
    finally:
        server.stop()


def test_publishing_again_in_small_batches_replaces_and_keeps_blank_nodes(
    built: tuple[Settings, Manifest],
    engine: QueryService,
    scratch: tuple[OxigraphServer, Settings],
) -> None:
    server, settings = scratch
    store, manifest = built[0].store, built[1]
    first = publish_into(server, store)
    assert f"publishing build {manifest.build_id}" in first.stdout
    assert f"checked: the engine holds {manifest.triples} triples" in first.stdout
    old = BASE + "graph/data/withdrawn"
    requests.put(
        server.store_url,
        params={"graph": old},
        data=b'<http://example.org/a> <http://example.org/b> "1" .\n',
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    ).raise_for_status()
    requests.post(
        server.update_url,
        data={
            "update": f"INSERT DATA {{ GRAPH <{Layout(BASE).build_graph}> "
            f"{{ <{Layout(BASE).build_graph}> <http://purl.org/dc/terms/hasPart> <{old}> }} }}"
        },
        timeout=30,
    ).raise_for_status()
    again = publish_into(server, store, "--batch-size", "7")
    assert f"<{old}>: dropped" in again.stdout
    assert server.count(old) == 0
    for graph in manifest.graphs:
        assert server.count(graph.iri) == graph.triples, graph.iri
    remote = remote_service(settings)
    assert remote.select(BLANK_NODES).rows == engine.select(BLANK_NODES).rows


def test_publish_through_sparql_update_alone(
    built: tuple[Settings, Manifest],
    engine: QueryService,
    scratch: tuple[OxigraphServer, Settings],
) -> None:
    server, settings = scratch
    result = publish_into(
        server,
        built[0].store,
        "--backend-store-url",
        "",
        "--backend-update-url",
        server.update_url,
        "--batch-size",
        "50",
    )
    assert f"SPARQL Update endpoint {server.update_url}" in result.stdout
    for graph in built[1].graphs:
        assert server.count(graph.iri) == graph.triples, graph.iri
    assert remote_service(settings).select(BLANK_NODES).rows == engine.select(BLANK_NODES).rows


def test_publish_without_a_target_or_a_build_says_why(
    scratch: tuple[OxigraphServer, Settings], tmp_path: Path, built: tuple[Settings, Manifest]
) -> None:
    server, _ = scratch
    nowhere = publish_into(server, built[0].store, "--backend-store-url", "", check=False)
    assert nowhere.returncode == 1 and "MALANG_KG_BACKEND_STORE_URL" in nowhere.stderr
    empty = publish_into(server, tmp_path / "no-store", check=False)
    assert empty.returncode == 1 and "malang-kg build" in empty.stderr


def test_an_engine_filled_otherwise_is_described_from_its_graphs(
    built: tuple[Settings, Manifest], scratch: tuple[OxigraphServer, Settings]
) -> None:
    server, settings = scratch
    publish_into(server, built[0].store)
    requests.delete(
        server.store_url, params={"graph": Layout(BASE).build_graph}, timeout=30
    ).raise_for_status()
    remote = remote_service(settings)
    assert remote.build_id.startswith("unpublished-")
    assert remote.triples == built[1].triples
    assert set(remote.graphs) == {graph.iri for graph in built[1].graphs}


# --- read-only, and the guard first ----------------------------------------------------------


UPDATES = [
    f"INSERT DATA {{ <{MARK}> <{MARK}> 1 }}",
    f"INSERT DATA {{ GRAPH <{BASE}graph/inferred> {{ <{MARK}> <{MARK}> 1 }} }}",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    f"CLEAR GRAPH <{BASE}graph/ontology>",
    f"LOAD <{MARK}>",
    f"WITH <{BASE}graph/inferred> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
]


def test_the_endpoint_is_read_only_even_though_the_engine_is_not(
    backend_settings: Settings, oxigraph: OxigraphServer, built: tuple[Settings, Manifest]
) -> None:
    client = app_over(backend_settings).test_client()
    before = oxigraph.count()
    for update in UPDATES:
        for response in (
            client.get("/sparql", query_string={"update": update}),
            client.post("/sparql", data={"update": update}),
            client.post("/sparql", data={"query": update}),
            client.post("/sparql", data=update, content_type="application/sparql-update"),
            client.get("/sparql", query_string={"query": update}),
        ):
            assert 400 <= response.status_code < 500, update
    assert oxigraph.count() == before
    ask = f"ASK {{ GRAPH ?g {{ <{MARK}> ?p ?o }} }}"
    assert requests.get(oxigraph.query_url, params={"query": ask}, timeout=30).json() == {
        "head": {},
        "boolean": False,
    }
    for graph in built[1].graphs:
        assert oxigraph.count(graph.iri) == graph.triples


def test_service_is_refused_before_the_engine_sees_it(
    backend_settings: Settings, connection_counter: Any
) -> None:
    client = app_over(backend_settings).test_client()
    for query in (
        f"SELECT * WHERE {{ SERVICE <{connection_counter.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{connection_counter.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ S\\u0045RVICE <{connection_counter.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{connection_counter.url}> WHERE {{ ?s ?p ?o }}",
    ):
        assert select(client, query).status_code == 400, query
    response = client.get(
        "/sparql",
        query_string={"query": "ASK { ?s ?p ?o }", "default-graph-uri": connection_counter.url},
    )
    assert response.status_code == 400
    assert connection_counter.settled_count() == 0


# --- faults: the engine stops and comes back -------------------------------------------------


@pytest.fixture
def faulty(
    built: tuple[Settings, Manifest], tmp_path: Path
) -> Iterator[tuple[OxigraphServer, Flask]]:
    server = start_oxigraph(tmp_path / "data", tmp_path)
    try:
        publish_into(server, built[0].store)
        settings = dataclasses.replace(
            backend_settings_for(built[0], server), query_timeout=1.0, cache_mb=0
        )
        yield server, app_over(settings)
    finally:
        server.stop()


def wait_for(client: FlaskClient, status: int, seconds: float = 10) -> Any:
    """/health once it answers ``status`` (the test fails if it has not within ``seconds``)."""

    def answer() -> Any:
        response = client.get("/health")
        return response if response.status_code == status else None

    return wait_until(answer, seconds, 0.1, what=f"/health to answer {status}")


def test_the_service_survives_the_engine_stopping_and_recovers_by_itself(
    faulty: tuple[OxigraphServer, Flask], built: tuple[Settings, Manifest]
) -> None:
    server, app = faulty
    client = app.test_client()
    assert wait_for(client, 200).get_json()["build_id"] == built[1].build_id
    assert select(client, "ASK { ?s ?p ?o }").status_code == 200
    server.stop()
    health = wait_for(client, 503)
    assert health.status_code == 503
    assert "cannot be reached" in health.get_json()["message"]
    for path in (
        "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
        "/id/kelurahan/samaan",
        "/api/queries/subdistricts",  # run by the engine: it binds ?lang
    ):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 503, path
        assert "Traceback" not in response.get_data(as_text=True)
    # The build answered `awards` (it binds nothing): that answer needs no engine.
    assert client.get("/api/queries/awards.json").status_code == 200
    server.start()  # the same port and data: no restart of the service
    assert wait_for(client, 200).status_code == 200
    assert len(rows(select(client, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"))) == 5
    assert client.get("/api/queries/awards.json").status_code == 200


def test_a_runaway_query_times_out_and_others_are_answered(
    faulty: tuple[OxigraphServer, Flask],
) -> None:
    _, app = faulty
    client = app.test_client()
    started = time.monotonic()
    response = select(client, SLOW)
    assert response.status_code == 503
    assert "batas waktu" in response.get_json()["message"]  # no Accept-Language: Indonesian
    assert time.monotonic() - started < 5
    assert len(rows(select(client, "SELECT ?s WHERE { ?s a ?c } LIMIT 3"))) == 3


def test_the_row_limit_holds_on_a_real_engine(
    built: tuple[Settings, Manifest], oxigraph: OxigraphServer
) -> None:
    settings = dataclasses.replace(backend_settings_for(built[0], oxigraph), max_rows=7)
    response = select(app_over(settings).test_client(), "SELECT * WHERE { ?s ?p ?o }")
    assert len(rows(response)) == 7
    assert response.headers["X-SPARQL-MaxRows"] == "7"
