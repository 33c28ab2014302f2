"""Fair use in the app: the SQLite counters every worker shares, the query-time budget per
client (429 with Retry-After past it, other clients unaffected, what is left in a header) and
the cap on failing queries."""

from __future__ import annotations

import dataclasses
import multiprocessing
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from malang_kg.web.http.budget import HEADER
from malang_kg.web.http.counters import SqliteStorage, storage_uri

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } # {n}"
CHEAP = "ASK { ?s ?p ?o } # {n}"


def _count(uri: str, times: int) -> None:
    storage = SqliteStorage(uri)
    for _ in range(times):
        storage.incr("shared", 60)


def test_the_counters_are_exact_across_processes(tmp_path: Path) -> None:
    uri = storage_uri(tmp_path / "limits.sqlite")
    SqliteStorage(uri)  # the schema, once
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count, args=(uri, 200)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert all(w.exitcode == 0 for w in workers)
    storage = SqliteStorage(uri)
    assert storage.get("shared") == 800
    assert storage.get_expiry("shared") > 0
    storage.clear("shared")
    assert storage.get("shared") == 0


def app_with(
    built: tuple[Settings, Manifest], engine: QueryService, tmp_path: Path, **values: Any
) -> Flask:
    settings = dataclasses.replace(built[0], store=built[0].store, rate_limit="off", **values)
    settings = dataclasses.replace(settings, rate_limit_storage=storage_uri(tmp_path / "c.sqlite"))
    return create_app(settings, engine=engine)


def ask(client: FlaskClient, query: str, address: str) -> tuple[int, dict[str, str]]:
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, dict(response.headers)


def test_a_client_past_its_query_time_gets_429_and_others_do_not(
    built: tuple[Settings, Manifest], embedded_engine: QueryService, tmp_path: Path
) -> None:
    app = app_with(built, embedded_engine, tmp_path, query_budget=0.02, error_queries=100)
    client = app.test_client()
    statuses = []
    for n in range(40):  # each a join of the whole store: more than 20 ms together, soon
        status, headers = ask(client, HEAVY.replace("{n}", str(n)), "198.51.100.1")
        statuses.append(status)
        if status == 429:
            break
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    assert int(headers["Retry-After"]) >= 1 and float(headers[HEADER]) == 0
    status, other = ask(client, CHEAP.replace("{n}", "x"), "198.51.100.2")
    assert status == 200 and float(other[HEADER]) > 0


def test_failing_queries_are_capped_per_client(
    built: tuple[Settings, Manifest], embedded_engine: QueryService, tmp_path: Path
) -> None:
    app = app_with(built, embedded_engine, tmp_path, query_budget=60.0, error_queries=3)
    client = app.test_client()
    statuses = [ask(client, f"SELECT nonsense {n}", "198.51.100.3")[0] for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    assert ask(client, CHEAP, "198.51.100.4")[0] == 200
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT nonsense"},
        headers={"Accept": "application/json", "Accept-Language": "id"},
        environ_base={"REMOTE_ADDR": "198.51.100.3"},
    )
    assert response.status_code == 429 and "kueri gagal" in response.get_json()["message"]


def test_every_budgeted_answer_says_what_is_left(
    built: tuple[Settings, Manifest], embedded_engine: QueryService, tmp_path: Path
) -> None:
    app = app_with(built, embedded_engine, tmp_path, query_budget=60.0, error_queries=100)
    status, headers = ask(app.test_client(), CHEAP, "198.51.100.5")
    assert status == 200 and 59 < float(headers[HEADER]) <= 60
    assert HEADER not in app.test_client().get("/health").headers
