"""Change records, the change feed and past versions over two real builds: the real data with an
extra file, then with that file changed so that one entity is added, one changed and one removed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import RDF, BNode, Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from malang_kg.history.diff import compare_files
from malang_kg.history.mementos import moment
from malang_kg.history.records import CHANGES_FILE
from malang_kg.pipeline.run import run_build
from malang_kg.store.builds import DATASET_FILE, Manifest, builds_dir
from malang_kg.web import create_app
from tests.conftest import ID, settings_for
from tests.support.polling import wait_until

pytestmark = pytest.mark.slow

AS = Namespace("https://www.w3.org/ns/activitystreams#")
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
ATOM = "{http://www.w3.org/2005/Atom}"
PREFIXES = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
BEFORE = f"""{PREFIXES}
<{ID}test/removed> rdfs:comment "removed later"@en ; skos:note [ rdfs:label "a blank node"@en ] .
<{ID}test/changed> rdfs:comment "before"@en .
"""
AFTER = f"""{PREFIXES}
<{ID}test/changed> rdfs:comment "after"@en .
<{ID}test/added> rdfs:comment "new"@en .
"""
ANNOTATED_SOURCE = URIRef("http://www.w3.org/2002/07/owl#annotatedSource")
THREE = {"test/added": "Create", "test/changed": "Update", "test/removed": "Delete"}


@dataclass
class Builds:
    first: Manifest
    second: Manifest
    store: Path
    client: FlaskClient
    first_quads: Path  # a copy of the first build's N-Quads (the build itself is pruned)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    root = tmp_path_factory.mktemp("history")
    extra = root / "extra"
    extra.mkdir()
    (extra / "test.ttl").write_text(BEFORE, encoding="utf-8")
    settings = settings_for(root / "store", DATA_DIR=str(extra), KEEP_BUILDS="1")
    first = run_build(settings, log=lambda line: None)
    first_quads = root / "first.nq"
    shutil.copy(builds_dir(settings.store) / first.build_id / DATASET_FILE, first_quads)
    wait_until(
        lambda: int(time.time()) > int(moment(first.created).timestamp()),
        timeout=5,
        what="the next second, so the builds' times differ",
    )
    (extra / "test.ttl").write_text(AFTER, encoding="utf-8")
    second = run_build(settings, log=lambda line: None)
    client = create_app(settings).test_client()
    yield Builds(first, second, settings.store, client, first_quads)


def _json(client: FlaskClient, url: str) -> dict[str, object]:
    response = client.get(url, headers={"Accept": "application/activity+json"})
    assert response.status_code == 200, url
    assert response.mimetype == "application/activity+json"
    document = json.loads(response.data)
    assert isinstance(document, dict)
    return document


def _changed(builds: Builds) -> dict[str, str]:
    page = _json(builds.client, f"/changes?build={builds.second.build_id}&page=1")
    items = page["orderedItems"]
    assert isinstance(items, list)
    return {str(item["object"])[len(ID) :]: str(item["type"]) for item in items}


def test_the_second_build_changed_exactly_three_entities(builds: Builds) -> None:
    assert _changed(builds) == THREE
    assert builds.second.changes["entities_created"] == 1
    assert builds.second.changes["entities_updated"] == 1
    assert builds.second.changes["entities_deleted"] == 1
    assert builds.second.changes["previous"] == builds.first.build_id
    # The first recorded build made everything; its build was pruned (KEEP_BUILDS=1), its record
    # stays.
    assert not (builds_dir(builds.store) / builds.first.build_id).exists()
    whole = _json(builds.client, "/changes")
    assert whole["type"] == "OrderedCollection"
    assert whole["totalItems"] == builds.first.changes["entities_created"] + 3
    newest = _json(builds.client, "/changes?page=1")
    items = newest["orderedItems"]
    assert isinstance(items, list)
    assert {str(i["object"])[len(ID) :] for i in items[:3]} == set(THREE)
    assert all(i["published"] == builds.second.created for i in items[:3])


def test_the_event_stream_and_the_atom_feed_hold_the_changes(builds: Builds) -> None:
    url = f"/changes/ldes?build={builds.second.build_id}"
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = builds.client.get(url, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        graph = Graph().parse(data=response.data, format=fmt)
        stream = next(graph.subjects(RDF.type, LDES.EventStream))
        members = set(graph.objects(stream, TREE.member))
        assert len(members) == 3
        found = {
            str(graph.value(member, AS.object))[len(ID) :]: str(graph.value(member, RDF.type))
            for member in members
        }
        assert found == {path: str(AS[kind]) for path, kind in THREE.items()}
    atom = builds.client.get(f"/changes.atom?build={builds.second.build_id}&lang=en")
    assert atom.mimetype == "application/atom+xml"
    feed = ET.fromstring(atom.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    titles = sorted(str(e.findtext(f"{ATOM}title")) for e in entries)
    assert [t.split(":")[0] for t in titles] == ["Added", "Changed", "Removed"]


def test_the_changed_entity_shows_its_history(builds: Builds) -> None:
    html = builds.client.get("/page/test/changed?lang=en").get_data(as_text=True)
    history = html.split('id="history"')[1].split("</section>")[0]
    assert "First appeared" in history and "Last changed" in history
    assert history.count("<li") == 2
    assert f"?version={builds.first.build_id}" in history
    assert "Changed" in history and "Added" in history
    past = builds.client.get(f"/page/test/changed?version={builds.first.build_id}&lang=en")
    text = past.get_data(as_text=True)
    assert past.status_code == 200 and "not the current one" in text and "before" in text
    assert past.headers["Memento-Datetime"]
    turtle = builds.client.get("/data/test/changed.ttl").get_data(as_text=True)
    assert "modified" in turtle and builds.second.created[:19] in turtle
    sitemap = builds.client.get("/sitemap.xml").get_data(as_text=True)
    assert "<lastmod>" in sitemap


def test_the_record_kept_by_digests_is_what_comparing_both_files_finds(builds: Builds) -> None:
    # The second build compared itself with the digests the first kept; reading both builds'
    # N-Quads finds the same changes, line for line.
    second = builds_dir(builds.store) / builds.second.build_id
    expected = {
        c.entity: (c.kind, c.added, c.removed)
        for c in compare_files(builds.first_quads, second / DATASET_FILE)
    }
    with closing(sqlite3.connect(second / CHANGES_FILE)) as db:
        rows = db.execute("SELECT entity, kind, delta FROM changes").fetchall()
    recorded = {}
    for entity, kind, delta in rows:
        lines = zlib.decompress(delta).decode("utf-8").split("\n")
        plus = [line[1:] for line in lines if line.startswith("+")]
        minus = [line[1:] for line in lines if line.startswith("-")]
        recorded[entity] = (kind, plus, minus)
    assert recorded == expected
    assert len(recorded) == 3


def _description(dataset_nq: Path, entity: str) -> Graph:
    """What the issue calls an entity's description, read straight from a build's N-Quads."""
    dataset = Dataset()
    dataset.parse(dataset_nq, format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    subject = URIRef(entity)
    found = Graph()
    todo: list[URIRef | BNode] = [subject]
    todo += [
        b
        for b in union.subjects(URIRef("http://www.w3.org/2002/07/owl#annotatedSource"), subject)
        if isinstance(b, BNode)
    ]
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in union.triples((node, None, None)):
            found.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return found


def _http(iso: str) -> str:
    return format_datetime(moment(iso), usegmt=True)


def _at(iso: str) -> dict[str, str]:
    return {"Accept-Datetime": _http(iso), "Accept": "text/turtle"}


def test_a_timegate_gives_the_version_then_valid(builds: Builds) -> None:
    client = builds.client
    first = client.get(
        "/data/test/changed",
        headers={"Accept-Datetime": _http(builds.first.created), "Accept": "text/turtle"},
    )
    assert first.status_code == 302 and "accept-datetime" in first.headers["Vary"].lower()
    assert first.headers["Location"].endswith(f"?version={builds.first.build_id}")
    assert 'rel="timemap"' in first.headers["Link"]
    old = client.get(first.headers["Location"], headers={"Accept": "text/turtle"})
    assert old.status_code == 200 and old.headers["Memento-Datetime"] == _http(builds.first.created)
    # The first build was pruned: its description comes from the change records alone.
    got_old = Graph().parse(data=old.data, format="turtle")
    assert isomorphic(got_old, _description(builds.first_quads, ID + "test/changed"))
    assert "before" in old.get_data(as_text=True) and "after" not in old.get_data(as_text=True)
    second_nq = builds_dir(builds.store) / builds.second.build_id / DATASET_FILE
    later = client.get(
        "/data/test/changed",
        headers={"Accept-Datetime": _http(builds.second.created), "Accept": "text/turtle"},
    )
    assert later.headers["Location"].endswith(f"?version={builds.second.build_id}")
    new = client.get(later.headers["Location"], headers={"Accept": "text/turtle"})
    got_new = Graph().parse(data=new.data, format="turtle")
    assert isomorphic(got_new, _description(second_nq, ID + "test/changed"))
    timemap = client.get("/timemap/test/changed")
    assert timemap.mimetype == "application/link-format"
    body = timemap.get_data(as_text=True)
    assert body.count('memento"; datetime=') == 2
    assert (
        f"?version={builds.first.build_id}" in body and f"?version={builds.second.build_id}" in body
    )


def test_a_removed_entity_gives_its_last_version_with_a_note(builds: Builds) -> None:
    client = builds.client
    gate = client.get(
        "/data/test/removed", headers={"Accept-Datetime": _http(builds.second.created)}
    )
    assert gate.status_code == 302
    assert gate.headers["Location"].endswith(f"?version={builds.first.build_id}")
    last = client.get(gate.headers["Location"], headers={"Accept": "text/turtle"})
    assert last.status_code == 200 and "was removed in" in last.headers["Warning"]
    graph = Graph().parse(data=last.data, format="turtle")
    assert isomorphic(graph, _description(builds.first_quads, ID + "test/removed"))
    assert len(graph) == 3  # its comment, its note, and the blank node's label
    assert client.get("/data/test/removed").status_code == 410


def test_the_feeds_are_linked_from_the_description_the_downloads_and_every_page(
    builds: Builds,
) -> None:
    client = builds.client
    void = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    urls = {str(url) for url in void.objects(None, URIRef("http://www.w3.org/ns/dcat#accessURL"))}
    assert {"http://localhost/changes", "http://localhost/changes/ldes"} <= urls
    assert "http://localhost/changes.atom" in urls
    downloads = client.get("/downloads/?lang=en").get_data(as_text=True)
    assert 'href="/changes.atom"' in downloads and 'href="/changes/ldes"' in downloads
    for page in ("/", "/page/kelurahan/samaan", "/awards", "/changes"):
        head = client.get(page).get_data(as_text=True).split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml" href="/changes.atom"' in head
