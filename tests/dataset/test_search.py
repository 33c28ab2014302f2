"""Search by name: the matching rule of ``dataset/search.py`` and ``/search`` as HTML and JSON."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.dataset.labels import LABELS_FILE, LabelIndex
from malang_kg.dataset.search import (
    ALT,
    MAX_QUERY_CHARS,
    PREF,
    Entity,
    Label,
    SearchIndex,
    fold,
    index_for,
    key,
    words,
)
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout
from malang_kg.store.builds import Manifest, current_build_dir
from tests.conftest import BASE, ID, MK

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

KELURAHAN = ID + "kelurahan/"
SAMAAN = KELURAHAN + "samaan"
KIM_SAMAAN = ID + "organization/kim-samaan"


# --- normalising ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rampalcelaket", "rampalcelaket"),
        ("Rampal Celaket", "rampalcelaket"),
        ("rampal-celaket", "rampalcelaket"),
        ("  RAMPAL\tcelaket ", "rampalcelaket"),
        ("Oro-oro Dowo", "oroorodowo"),
        ("Kidul Dalem", "kiduldalem"),
        ("Tásik Mädu", "tasikmadu"),  # diacritics dropped
        ("ﬁ", "fi"),  # compatibility forms decomposed (NFKD)
        ("Straße", "strasse"),  # case-folded, not just lower-cased
        ("Kadiskominfo: Kebersamaan", "kadiskominfokebersamaan"),
        ("--- !!", ""),
    ],
)
def test_key(text: str, expected: str) -> None:
    assert key(text) == expected


def test_fold_and_words() -> None:
    assert fold("Éé") == "ee"
    assert words("KIM Samaan (Klojen)") == ("kim", "samaan", "klojen")


# --- scoring, on a small index -------------------------------------------------------------------


def entity(name: str, *labels: tuple[str, str]) -> Entity:
    return Entity(
        f"https://example.org/{name}", tuple(Label.of(text, "id", kind) for text, kind in labels)
    )


SMALL = SearchIndex(
    "test",
    {
        e.iri: e
        for e in (
            entity("exact-alt", ("Something Else", PREF), ("Bunga", ALT)),
            entity("exact-pref", ("Bunga", PREF)),
            entity("prefix", ("Bungalow", PREF)),
            entity("word", ("Taman Bunga", PREF)),
            entity("inside", ("Kembunganan", PREF)),
            entity("words", ("Bunga Merah Taman", PREF)),
            entity("other", ("Klojen", PREF)),
        )
    },
)


def order(query: str) -> list[str]:
    return [hit.entity.iri.rsplit("/", 1)[1] for hit in SMALL.search(query)]


def test_exact_beats_prefix_beats_word_beats_substring_and_pref_beats_alt() -> None:
    assert order("bunga") == ["exact-pref", "exact-alt", "prefix", "words", "word", "inside"]


def test_words_in_another_order_match_last() -> None:
    assert order("taman bunga") == ["word", "words"]
    assert order("merah bunga")[0] == "words"


def test_an_entity_counts_once_by_its_best_label() -> None:
    hits = SMALL.search("bunga")
    assert len({hit.entity.iri for hit in hits}) == len(hits)
    assert hits[1].matched.text == "Bunga" and hits[1].matched.kind == ALT


def test_nothing_to_search_finds_nothing() -> None:
    assert SMALL.search("") == [] and SMALL.search("-- --") == [] and SMALL.search("zzz") == []


def test_label_falls_back_across_languages() -> None:
    both = Entity(
        "https://example.org/x", (Label.of("Satu", "id", PREF), Label.of("One", "en", PREF))
    )
    assert both.label("en") == "One" and both.label("id") == "Satu"
    only_id = Entity("https://example.org/y", (Label.of("Dua", "id", PREF),))
    assert only_id.label("en") == "Dua"
    unlabelled = Entity("https://example.org/things/z", ())
    assert unlabelled.label("en") == "z"


# --- the real index ------------------------------------------------------------------------------

# Every spelling of SOURCES.md ("Names are spelled in several ways across sources"), and others a
# visitor may type, with the kelurahan each must find first.
TOLERANCE = [
    ("Rampalcelaket", "rampalcelaket"),
    ("Rampal Celaket", "rampalcelaket"),
    ("rampal celaket", "rampalcelaket"),
    ("Rampal-Celaket", "rampalcelaket"),
    ("rampalcelaket", "rampalcelaket"),
    ("RAMPAL  CELAKÉT", "rampalcelaket"),
    ("Gading Kasri", "gading-kasri"),
    ("Gadingkasri", "gading-kasri"),
    ("gading-kasri", "gading-kasri"),
    ("Kiduldalem", "kiduldalem"),
    ("Kidul Dalem", "kiduldalem"),
    ("Oro-oro Dowo", "oro-oro-dowo"),
    ("Oro Oro Dowo", "oro-oro-dowo"),
    ("ORO OROdowo", "oro-oro-dowo"),
    ("Tasik Madu", "tasik-madu"),
    ("Tasikmadu", "tasik-madu"),
    ("Bakalankrajan", "bakalankrajan"),
    ("Bakalan Krajan", "bakalankrajan"),
    ("Pisangcandi", "pisangcandi"),
    ("Pisang Candi", "pisangcandi"),
    ("Karangbesuki", "karangbesuki"),
    ("Karang Besuki", "karangbesuki"),
    ("Samaan", "samaan"),
    ("samaan", "samaan"),
    ("Kelurahan Samaan", "samaan"),  # an alternative label
    ("Sama", "samaan"),  # a prefix
]


@pytest.fixture
def labels(built: tuple[Settings, Manifest]) -> LabelIndex:
    return LabelIndex(current_build_dir(built[0].store) / LABELS_FILE)


@pytest.fixture
def index(engine: QueryService, labels: LabelIndex) -> SearchIndex:
    return index_for(engine, labels, Layout(BASE))


@pytest.mark.parametrize(("query", "slug"), TOLERANCE)
def test_spelling_variants_find_the_kelurahan_first(
    index: SearchIndex, query: str, slug: str
) -> None:
    hits = index.search(query)
    assert hits, query
    assert hits[0].entity.iri == KELURAHAN + slug, [(h.entity.iri, h.score) for h in hits[:3]]
    assert MK + "Kelurahan" in hits[0].entity.types


def test_samaan_finds_the_kelurahan_and_the_kim(index: SearchIndex) -> None:
    found = [hit.entity.iri for hit in index.search("samaan")]
    assert found[:2] == [SAMAAN, KIM_SAMAAN]


def test_index_types_are_the_most_specific_classes(index: SearchIndex) -> None:
    assert index.entities[SAMAAN].types == (MK + "Kelurahan",)
    assert index.entities[KIM_SAMAAN].types == (MK + "CommunityInformationGroup",)
    assert index.class_label(MK + "Kelurahan", "en") == "kelurahan (urban village)"


def test_search_within_a_class(index: SearchIndex) -> None:
    assert [hit.entity.iri for hit in index.search("klojen")] == [
        ID + "kecamatan/klojen",
        KELURAHAN + "klojen",
    ]
    assert [hit.entity.iri for hit in index.search("klojen", of_class=MK + "Kelurahan")] == [
        KELURAHAN + "klojen"
    ]
    inferred = index.search("klojen", of_class=MK + "AdministrativeArea")  # a superclass
    assert len(inferred) == 2


def test_index_is_loaded_once_per_build(engine: QueryService, labels: LabelIndex) -> None:
    assert index_for(engine, labels, Layout(BASE)) is index_for(engine, labels, Layout(BASE))


def test_index_holds_only_our_entities(index: SearchIndex) -> None:
    assert index.entities and all(iri.startswith(ID) for iri in index.entities)


# --- /search as HTML -----------------------------------------------------------------------------


def hits_of(html: str) -> list[str]:
    return re.findall(r'<li class="hit">\s*<a href="([^"]+)">', html)


def test_search_page_links_results_to_entity_pages(client: FlaskClient) -> None:
    response = client.get("/search?q=Samaan", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    found = hits_of(response.get_data(as_text=True))
    assert found[:2] == ["/id/kelurahan/samaan", "/id/organization/kim-samaan"]
    assert "Accept" in response.headers["Vary"]


def test_search_page_keeps_a_chosen_language(client: FlaskClient) -> None:
    html = client.get("/search?q=rampal+celaket&lang=en").get_data(as_text=True)
    assert hits_of(html) == ["/id/kelurahan/rampalcelaket?lang=en"]
    assert "1 results for “rampal celaket”" in html
    assert "matched" not in html.split("search-results", 1)[1]  # the preferred label matched
    html = client.get("/search?q=Rampal-Celaket", headers={"Accept-Language": "id"}).get_data(
        as_text=True
    )
    assert "hasil untuk" in html and hits_of(html) == ["/id/kelurahan/rampalcelaket"]


def test_search_page_says_which_label_matched(client: FlaskClient) -> None:
    html = client.get("/search?q=Kelurahan+Samaan&lang=en").get_data(as_text=True)
    assert hits_of(html)[0] == "/id/kelurahan/samaan?lang=en"
    assert 'matched:\n        <span lang="id">Kelurahan Samaan</span>' in html


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/search", 200, None),
        ("/search?q=", 200, "Type a name to look for"),
        ("/search?q=%20%20", 200, "Type a name to look for"),
        ("/search?q=---", 400, "at least one letter or digit"),
        (f"/search?q={'a' * (MAX_QUERY_CHARS + 1)}", 400, "too long"),
        ("/search?q=zzzzqqq", 200, "Nothing matched"),
    ],
)
def test_search_page_explains_what_it_cannot_do(
    client: FlaskClient, url: str, status: int, message: str | None
) -> None:
    response = client.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<form role="search"' in html and "Traceback" not in html
    if message:
        assert message in html
    assert hits_of(html) == []


def test_search_page_escapes_the_query(client: FlaskClient) -> None:
    html = client.get("/search?q=<script>alert(1)</script>samaan").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;samaan" in html


# --- /search as JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/search?q=samaan&format=json", {}),
        ("/search?q=samaan&format=json", {"Accept": "text/html"}),
        ("/search?q=samaan", {"Accept": "application/json"}),
        ("/search?q=samaan", {"Accept": "application/json, text/html;q=0.5"}),
    ],
)
def test_search_json_shape(client: FlaskClient, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    hits = response.json
    assert isinstance(hits, list) and len(hits) >= 2
    for hit in hits:
        assert set(hit) == {"iri", "label", "types", "parents", "matched", "score"}
        assert isinstance(hit["iri"], str) and hit["iri"].startswith(ID)
        assert isinstance(hit["label"], str) and isinstance(hit["matched"], str)
        assert isinstance(hit["types"], list) and all(isinstance(t, str) for t in hit["types"])
        assert isinstance(hit["score"], int | float)
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert hits[0] == {
        "iri": SAMAAN,
        "label": "Samaan",
        "types": [MK + "Kelurahan"],
        "parents": [ID + "kecamatan/klojen"],
        "matched": "Samaan",
        "score": hits[0]["score"],
    }
    assert hits[1]["iri"] == KIM_SAMAAN and hits[1]["types"] == [MK + "CommunityInformationGroup"]


def test_search_json_labels_follow_the_language(client: FlaskClient) -> None:
    def label(lang: str) -> str:
        hits = client.get(f"/search?q=diskominfo&format=json&limit=100&lang={lang}").json
        assert isinstance(hits, list)
        article = [hit for hit in hits if hit["iri"].startswith(ID + "article/")]
        return str(article[0]["label"])

    assert label("id").startswith("Kadiskominfo:")
    assert label("en").startswith("Head of Diskominfo")


def test_search_json_limit(client: FlaskClient) -> None:
    hits = client.get("/search?q=a&format=json&limit=3").json
    assert isinstance(hits, list) and len(hits) == 3
    default = client.get("/search?q=a&format=json").json
    assert isinstance(default, list) and len(default) == 20


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/search?format=json", "q parameter is missing"),
        ("/search?q=&format=json", "Type a name"),
        ("/search?q=---&format=json", "at least one letter or digit"),
        (f"/search?q={'x' * (MAX_QUERY_CHARS + 1)}&format=json", "too long"),
        ("/search?q=samaan&format=json&limit=0", "limit must be"),
        ("/search?q=samaan&format=json&limit=1000", "limit must be"),
        ("/search?q=samaan&format=json&limit=ten", "limit must be"),
    ],
)
def test_search_json_errors(client: FlaskClient, url: str, message: str) -> None:
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json is not None
    assert response.json["status"] == 400 and message in response.json["message"]


def test_search_json_without_matches_is_an_empty_list(client: FlaskClient) -> None:
    response = client.get("/search?q=zzzzqqq", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json == []


# --- forgiving: typos, reduplication, kinds, parents ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("saman", "samaan"),  # one letter missing
        ("samaam", "samaan"),  # one letter wrong
        ("oro2 dowo", "oro-oro-dowo"),  # reduplication shorthand
        ("oro2dowo", "oro-oro-dowo"),
        ("rampal celeket", "rampalcelaket"),  # a typo in a two-word name
        ("bakalan krajaan", "bakalankrajan"),
    ],
)
def test_typos_and_shorthand_find_the_kelurahan_first(
    index: SearchIndex, query: str, slug: str
) -> None:
    hits = index.search(query)
    assert hits and hits[0].entity.iri == KELURAHAN + slug, [h.entity.iri for h in hits[:3]]


def test_reduplication_is_the_word_twice() -> None:
    assert words("oro2 dowo") == ("orooro", "dowo")
    assert key("Oro2 Dowo") == key("Oro-oro Dowo")
    assert words("AMH 2023") == ("amh", "2023")  # a number is not a reduplication


def test_short_queries_forgive_no_typo() -> None:
    assert order("bunka") == ["exact-pref", "exact-alt", "word", "words"]  # near "bunga"
    assert order("zzz") == [] and order("bug") == []


def test_a_kind_of_thing_finds_the_things_of_that_kind(index: SearchIndex) -> None:
    for query in ("penghargaan", "Penghargaan", "award", "awards"):
        found = {hit.entity.iri for hit in index.search(query)}
        awards = {iri for iri, e in index.entities.items() if MK + "Award" in e.classes}
        assert len(awards) == 7 and awards <= found, query
    kelurahan = [h for h in index.search("kelurahan") if MK + "Kelurahan" in h.entity.classes]
    assert len(kelurahan) == 57


def test_each_entity_knows_its_parent_area(index: SearchIndex) -> None:
    assert index.entities[SAMAAN].parents == (ID + "kecamatan/klojen",)
    assert index.entities[KIM_SAMAAN].parents == (SAMAAN,)


def test_the_search_page_shows_kind_and_parent_area(client: FlaskClient) -> None:
    html = client.get("/search?q=saman&lang=en").get_data(as_text=True)
    start = html.index('<li class="hit">')
    first = html[start : html.index("</li>", start)]
    assert ">Samaan</a>" in first and "/id/kecamatan/klojen" in first and "kelurahan" in first
