"""A dataset with hostile literals and IRIs proves the pages' escaping: no literal becomes markup,
nothing closes the JSON-LD block early, and no ``javascript:`` (or other non-web) IRI becomes a
link. The data passes the shapes, so it is built like any extra data (``MALANG_KG_DATA_DIR``)."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from malang_kg.pipeline.run import run_build
from malang_kg.web import create_app
from tests.conftest import ID, settings_for

HOSTILE = f"""
@prefix mk:     <https://w3id.org/malang-kg/ontology#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .

<{ID}place/hostile> a mk:Place ;
    skos:prefLabel "<script>alert(1)</script>"@en , "</script><script>alert(2)</script>"@id ;
    skos:altLabel "\\"><img src=x onerror=alert(4)>"@en , "' onmouseover='alert(5)"@id ;
    schema:description "</script><!-- <script>alert(6)</script> --> & <b>bold</b>"@en ;
    skos:exactMatch <javascript:alert(3)> ;
    rdfs:seeAlso <data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==> ,
        <vbscript:msgbox(8)> , <https://example.org/ok?a=1&b=%3C2%3E> ;
    schema:url <JavaScript:alert(9)> ;
    prov:wasDerivedFrom <{ID}source/background-notes> .

<{ID}place/hostile-child> a mk:Place ;
    skos:prefLabel "<img src=x onerror=alert(10)>"@en , "<svg onload=alert(11)>"@id ;
    schema:containedInPlace <{ID}place/hostile> ;
    prov:wasDerivedFrom <{ID}source/background-notes> .

<{ID}thing/english-only> skos:prefLabel "Only in English"@en ;
    rdfs:comment "Described in English only"@en .
"""


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    data = tmp_path_factory.mktemp("hostile-data")
    (data / "hostile.ttl").write_text(HOSTILE, encoding="utf-8")
    settings = settings_for(tmp_path_factory.mktemp("hostile-store"), DATA_DIR=str(data))
    run_build(settings, log=lambda line: None)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def hostile(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


PAGES = [
    "/page/place/hostile",
    "/page/place/hostile?lang=en",
    "/page/place/hostile-child",
    "/page/place/hostile-child?lang=en",
    "/page/source/background-notes",
    "/page/thing/english-only",
]


@pytest.mark.parametrize("url", PAGES)
def test_literals_never_become_markup(hostile: FlaskClient, url: str) -> None:
    response = hostile.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered and "<svg onload" not in lowered
    assert "<b>bold</b>" not in lowered
    assert "' onmouseover='" not in html
    assert '"><img' not in html
    # The only scripts are the JSON-LD block and our search suggestions (a file of this
    # origin): nothing a literal says opens another.
    assert lowered.count("<script") == 2 and lowered.count('<script src="/static/suggest.js"') == 1
    assert lowered.count("</script>") == 2


@pytest.mark.parametrize("url", PAGES)
def test_json_ld_block_cannot_be_closed_early(hostile: FlaskClient, url: str) -> None:
    html = hostile.get(url).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    block = blocks[0]
    assert "</" not in block and "<" not in block and ">" not in block and "&" not in block
    document = json.loads(block)
    assert document["@id"].startswith(ID)
    assert all(
        not str(link).lower().startswith("javascript") for link in document.get("sameAs", [])
    )
    if url.startswith("/page/place/hostile?") or url == "/page/place/hostile":
        names = {name["@value"] for name in document["name"]}
        assert names == {"<script>alert(1)</script>", "</script><script>alert(2)</script>"}
        assert "url" not in document and "sameAs" not in document


@pytest.mark.parametrize("url", PAGES)
def test_only_web_iris_become_links(hostile: FlaskClient, url: str) -> None:
    html = hostile.get(url).get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', html)
    for href in hrefs:
        assert href.startswith(("/", "?", "#", "http://", "https://")), href
        assert not href.startswith("//"), href
    lowered = html.lower()
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert f'href="{scheme}' not in lowered and f"href='{scheme}" not in lowered


def test_non_web_iris_are_shown_as_text(hostile: FlaskClient) -> None:
    html = hostile.get("/page/place/hostile?lang=en").get_data(as_text=True)
    assert '<code class="iri">javascript:alert(3)</code>' in html
    assert '<code class="iri">JavaScript:alert(9)</code>' in html
    assert '<code class="iri">vbscript:msgbox(8)</code>' in html
    assert 'href="https://example.org/ok?a=1&amp;b=%3C2%3E" class="external"' in html


def test_hostile_labels_are_shown_as_text(hostile: FlaskClient) -> None:
    html = hostile.get("/page/place/hostile?lang=en").get_data(as_text=True)
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · malang-kg</title>" in html
    assert '<h1 id="entity-title">&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in html
    child = hostile.get("/page/place/hostile-child?lang=id").get_data(as_text=True)
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in child  # its parent


def test_rdf_of_hostile_data_round_trips(hostile: FlaskClient) -> None:
    import pyoxigraph as ox

    response = hostile.get("/data/place/hostile.nt")
    quads = list(ox.parse(response.get_data(), format=ox.RdfFormat.N_TRIPLES))
    assert ox.Literal("</script><script>alert(2)</script>", language="id") in {
        q.object for q in quads
    }


def test_label_falls_back_to_the_other_language(hostile: FlaskClient) -> None:
    html = hostile.get("/page/thing/english-only?lang=id").get_data(as_text=True)
    assert '<h1 id="entity-title" lang="en">Only in English</h1>' in html
    assert '<p class="description" lang="en">Described in English only</p>' in html
    assert '<html lang="id">' in html


def test_hostile_paths_in_the_store_get_no_local_link() -> None:
    from malang_kg.iris import Layout, Links

    site = Links(Layout("https://w3id.org/malang-kg/"))
    for iri in (
        ID + "/evil.example",
        ID + "..",
        ID + "a/../b",
        ID + "a//b",
        ID + "x?y",
        ID + "x#y",
        ID + "%2F%2Fevil",
    ):
        assert site.href(iri) == (None, False), iri
