"""Zero-downtime data updates against the running server: ``malang-kg build`` writes a new build
beside the served one (which no prune may delete), ``malang-kg reload`` switches the server to it
while the request in flight finishes on the old one, and the old build goes once it is unused;
a build that cannot be loaded leaves the server as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live import (
    BIN,
    ID,
    ROOT,
    LiveServer,
    make_session,
    server_environ,
    start_server,
)
from tests.support.polling import wait_until
from tests.support.processes import cpu_ticks, query_processes, wait_for_running_query
from tests.support.results import describe, parse_boolean

pytestmark = pytest.mark.timeout(300)

NEW_PLACE = ID + "place/reload-test-place"
EXTRA = f"""
@prefix mk:   <https://w3id.org/malang-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

<{NEW_PLACE}> a mk:Place ;
    skos:prefLabel "A place added by a rebuild"@en , "Tempat yang ditambahkan"@id ;
    prov:wasDerivedFrom <{ID}source/background-notes> .
"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a built store (its builds and ``current``, not its server records)."""
    shutil.copytree(
        source, target, symlinks=True, ignore=shutil.ignore_patterns("servers", "*.pid")
    )
    return target


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "malang-kg"), *args],
        cwd=ROOT,
        env=server_environ({}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def rebuild(store: Path, data_dir: Path, keep: int = 3) -> str:
    """``malang-kg build`` with extra data; the new build's id."""
    data_dir.mkdir(exist_ok=True)
    (data_dir / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    done = cli(
        "build", "--store", str(store), "--data-dir", str(data_dir), "--keep-builds", str(keep)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return (store / "current").resolve().name


def has_new_place(session: requests.Session, server: LiveServer) -> bool:
    response = session.get(
        server.sparql, params={"query": f"ASK {{ <{NEW_PLACE}> ?p ?o }}"}, timeout=30
    )
    assert response.status_code == 200, describe(response)
    return parse_boolean(response)


def build_ids_served(session: requests.Session, server: LiveServer, times: int = 12) -> set[str]:
    """The build ids /health reports on fresh connections (so any worker may answer)."""
    found = set()
    for _ in range(times):
        with make_session() as fresh:
            found.add(fresh.get(server.url + "/health", timeout=30).json()["build_id"])
    return found


@pytest.fixture
def store(live_store: Path, tmp_path: Path) -> Path:
    return copy_store(live_store, tmp_path / "store")


@pytest.fixture
def server(store: Path, tmp_path: Path) -> Iterator[LiveServer]:
    # KEEP_BUILDS=1: the server prunes what it no longer uses once a reload is over
    started = start_server(store, tmp_path, workers=2, query_timeout=20, keep_builds="1")
    try:
        yield started
    finally:
        started.stop()


def test_build_then_reload_switches_without_dropping_the_request_in_flight(
    store: Path, server: LiveServer, tmp_path: Path
) -> None:
    old = (store / "current").resolve().name
    record = json.loads((store / "servers" / f"{server.process.pid}.json").read_text())
    assert record["builds_in_use"] == [old]
    assert (store / "serve.pid").read_text().strip() == str(server.process.pid)

    new = rebuild(store, tmp_path / "extra", keep=1)
    assert new != old
    # the served build survives the build's prune (KEEP_BUILDS=1) ...
    assert (store / "builds" / old).is_dir() and (store / "builds" / new).is_dir()
    with make_session() as session:
        # ... and is still what the server answers from
        assert build_ids_served(session, server) == {old}
        assert has_new_place(session, server) is False

        outcome: dict[str, object] = {}

        def in_flight() -> None:
            with make_session() as slow_session:
                outcome["response"] = slow_session.post(
                    server.sparql,
                    data=f"{SLOW} # {time.time_ns()}",
                    headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                    timeout=60,
                )

        triples = session.get(server.url + "/health", timeout=30).json()["triples"]
        before = cpu_ticks(query_processes(server.process.pid))
        thread = threading.Thread(target=in_flight, daemon=True)
        thread.start()
        wait_for_running_query(server.process.pid, before, answered=lambda: not thread.is_alive())
        done = cli("reload", "--store", str(store), "--timeout", "60", timeout=90)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"serves build {new}" in done.stdout
        thread.join(timeout=60)
        slow = outcome["response"]
        assert isinstance(slow, requests.Response)
        assert slow.status_code == 200, describe(slow)
        assert slow.text.split() == ["n", str(triples * triples)]  # answered by the old build

        assert build_ids_served(session, server) == {new}
        assert has_new_place(session, server) is True
        health = session.get(server.url + "/health", timeout=30).json()
        assert health["triples"] > triples

    # the old build is no longer used: the server pruned it (KEEP_BUILDS=1)
    wait_until(
        lambda: not (store / "builds" / old).exists(),
        10,
        0.2,
        what=f"the server to prune the old build {old}",
    )
    assert not (store / "builds" / old).exists()
    record = json.loads((store / "servers" / f"{server.process.pid}.json").read_text())
    assert record["builds_in_use"] == [new] and record["reloads"] == 1
    assert server.alive()


def test_a_build_that_cannot_be_loaded_is_refused(store: Path, server: LiveServer) -> None:
    old = (store / "current").resolve().name
    broken = store / "builds" / "29990101T000000.000000Z-broken"
    broken.mkdir()
    manifest = json.loads((store / "builds" / old / "manifest.json").read_text())
    manifest["build_id"] = broken.name
    (broken / "manifest.json").write_text(json.dumps(manifest))
    (broken / "dataset.nq").write_text("this is not N-Quads\n")
    link = store / ".current.tmp"
    link.symlink_to(Path("builds") / broken.name)
    os.replace(link, store / "current")

    done = cli("reload", "--store", str(store), "--timeout", "60", timeout=90)
    assert done.returncode == 1
    assert f"kept build {old}" in done.stdout and broken.name in done.stdout
    with make_session() as session:
        assert build_ids_served(session, server) == {old}
        assert has_new_place(session, server) is False
    assert server.alive()


def test_sighup_alone_switches_too(store: Path, server: LiveServer, tmp_path: Path) -> None:
    new = rebuild(store, tmp_path / "extra")
    server.process.send_signal(1)  # SIGHUP, as `kill -HUP "$(cat STORE/serve.pid)"` sends it
    with make_session() as session:
        wait_until(
            lambda: build_ids_served(session, server, 4) == {new},
            60,
            0.3,
            what=f"every worker to serve the new build {new} after SIGHUP",
        )
        assert build_ids_served(session, server) == {new}
        assert has_new_place(session, server) is True
