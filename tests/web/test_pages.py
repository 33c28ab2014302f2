"""Linked-data HTTP behaviour of /id, /page, /data and /ontology: content negotiation
(Accept x path x suffix), 303 redirects and their Vary, 404s and open-redirect attempts.
Languages, caching and /code are in ``test_pages_headers``."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import ID, MK

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

ENTITY = "kelurahan/samaan"
SAMAAN = ID + ENTITY
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def get(client: FlaskClient, url: str, accept: str | None = None, **headers: str) -> TestResponse:
    if accept is not None:
        headers["Accept"] = accept
    return client.get(url, headers=headers)


def vary(response: TestResponse) -> set[str]:
    return {value.strip().lower() for value in response.headers.get("Vary", "").split(",") if value}


def parse(response: TestResponse, rdf_format: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(response.get_data(), format=rdf_format))


def assert_safe_location(response: TestResponse) -> None:
    """A redirect, if any, stays on this origin: an absolute path, never ``//`` or a scheme."""
    if not 300 <= response.status_code < 400:
        return
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location, location
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert urlsplit(urljoin("http://localhost/id/x", location)).netloc == "localhost"


# --- /id: 303 by Accept ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        (None, "/page/"),
        ("*/*", "/page/"),
        (BROWSER, "/page/"),
        ("text/html", "/page/"),
        ("application/xhtml+xml", "/page/"),
        ("text/turtle", "/data/"),
        ("application/ld+json", "/data/"),
        ("application/json", "/data/"),
        ("application/n-triples", "/data/"),
        ("application/rdf+xml", "/data/"),
        ("text/turtle;q=0.5, text/html;q=0.9", "/page/"),
        ("text/html;q=0.1, application/rdf+xml", "/data/"),
        ("text/turtle; charset=utf-8", "/data/"),
    ],
)
def test_id_redirects_by_accept(client: FlaskClient, accept: str | None, target: str) -> None:
    response = get(client, "/id/" + ENTITY, accept)
    assert response.status_code == 303
    assert response.headers["Location"] == target + ENTITY
    assert "accept" in vary(response)
    assert "public" in response.headers["Cache-Control"]
    assert_safe_location(response)


def test_id_keeps_a_chosen_language_on_the_page(client: FlaskClient) -> None:
    response = get(client, f"/id/{ENTITY}?lang=en", "text/html")
    assert response.headers["Location"] == f"/page/{ENTITY}?lang=en"
    rdf = get(client, f"/id/{ENTITY}?lang=en", "text/turtle")
    assert rdf.headers["Location"] == f"/data/{ENTITY}"
    ignored = get(client, f"/id/{ENTITY}?lang=xx", "text/html")
    assert ignored.headers["Location"] == f"/page/{ENTITY}"


def test_id_refuses_what_it_cannot_serve(client: FlaskClient) -> None:
    response = get(client, "/id/" + ENTITY, "application/pdf")
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "text/html"])
def test_following_the_redirect_gets_what_was_asked(client: FlaskClient, accept: str) -> None:
    first = get(client, "/id/" + ENTITY, accept)
    second = get(client, first.headers["Location"], accept)
    assert second.status_code == 200
    assert second.mimetype == accept


# --- /data: Accept x suffix -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(RDF))
@pytest.mark.parametrize("accept", [None, "text/html", "text/turtle", "application/rdf+xml"])
def test_data_suffix_wins_over_accept(client: FlaskClient, suffix: str, accept: str | None) -> None:
    mime, rdf_format = RDF[suffix]
    response = get(client, f"/data/{ENTITY}.{suffix}", accept)
    assert response.status_code == 200
    assert response.mimetype == mime
    assert "accept" not in vary(response)
    quads = parse(response, rdf_format)
    assert any(
        q.subject == ox.NamedNode(SAMAAN)
        and q.predicate == ox.NamedNode(SKOS_PREF)
        and q.object == ox.Literal("Samaan", language="id")
        for q in quads
    )


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, "ttl"),
        ("*/*", "ttl"),
        (BROWSER, "ttl"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("application/rdf+xml;q=0.5, application/n-triples", "nt"),
    ],
)
def test_data_by_accept(client: FlaskClient, accept: str | None, suffix: str) -> None:
    mime, rdf_format = RDF[suffix]
    response = get(client, "/data/" + ENTITY, accept)
    assert response.status_code == 200
    assert response.mimetype == mime
    assert "accept" in vary(response)
    assert parse(response, rdf_format)


def test_data_holds_asserted_and_inferred_statements_and_labels(client: FlaskClient) -> None:
    quads = parse(get(client, f"/data/{ENTITY}.nt"), ox.RdfFormat.N_TRIPLES)
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    samaan, klojen = ox.NamedNode(SAMAAN), ox.NamedNode(ID + "kecamatan/klojen")
    assert (samaan, ox.NamedNode("https://schema.org/containedInPlace"), klojen) in triples
    within = ox.NamedNode(MK + "within")
    assert (samaan, within, ox.NamedNode(ID + "city/malang")) in triples  # inferred
    assert (klojen, ox.NamedNode(SKOS_PREF), ox.Literal("Klojen", language="id")) in triples


def test_data_of_a_sentence_carries_its_selector(client: FlaskClient) -> None:
    quads = parse(get(client, "/data/sentence/2023-11-06-p4-s2.ttl"), ox.RdfFormat.TURTLE)
    exact = [
        q.object for q in quads if q.predicate == ox.NamedNode("http://www.w3.org/ns/oa#exact")
    ]
    assert exact and "KIM Samaan won third place" in str(exact[0])


def test_data_refuses_html_only_clients(client: FlaskClient) -> None:
    assert get(client, "/data/" + ENTITY, "text/html").status_code == 406


# --- /page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, BROWSER, "text/turtle", "application/ld+json"])
def test_page_is_html_whatever_accept_says(client: FlaskClient, accept: str | None) -> None:
    response = get(client, "/page/" + ENTITY, accept)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "accept" not in vary(response)
    assert "accept-language" in vary(response)


def test_page_announces_its_alternates(client: FlaskClient) -> None:
    response = get(client, "/page/" + ENTITY)
    page = response.get_data(as_text=True)
    for suffix, (mime, _) in RDF.items():
        assert f'<link rel="alternate" type="{mime}" href="/data/{ENTITY}.{suffix}"' in page
        assert f"</data/{ENTITY}.{suffix}>" in response.headers["Link"]
        assert f'href="/data/{ENTITY}.{suffix}" type="{mime}" download' in page


# --- /ontology ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "mime"),
    [
        (None, "text/html"),
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_ontology_by_accept(client: FlaskClient, accept: str | None, mime: str) -> None:
    response = get(client, "/ontology", accept)
    assert response.status_code == 200
    assert response.mimetype == mime
    assert "accept" in vary(response)
    if mime == "text/html":
        assert "accept-language" in vary(response)
        assert 'id="Kelurahan"' in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", sorted(RDF))
def test_ontology_by_suffix(client: FlaskClient, suffix: str) -> None:
    mime, rdf_format = RDF[suffix]
    response = get(client, f"/ontology.{suffix}", "text/html")
    assert response.status_code == 200 and response.mimetype == mime
    assert "accept" not in vary(response)
    subjects = {q.subject for q in parse(response, rdf_format)}
    assert ox.NamedNode(MK + "Kelurahan") in subjects
    assert ox.NamedNode(MK[:-1]) in subjects  # the owl:Ontology itself


def test_ontology_html_suffix_and_unknown_suffix(client: FlaskClient) -> None:
    assert get(client, "/ontology.html", "text/turtle").mimetype == "text/html"
    assert get(client, "/ontology.pdf").status_code == 404
    assert get(client, "/ontology", "application/pdf").status_code == 406


# --- Not found ------------------------------------------------------------------------------------


def test_unknown_entity_gets_a_helpful_page(client: FlaskClient) -> None:
    for url in ("/id/kelurahan/atlantis", "/page/kelurahan/atlantis"):
        response = get(client, url, BROWSER)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert ID + "kelurahan/atlantis" in page
        assert 'action="/search"' in page and 'value="atlantis"' in page
        assert 'href="/sparql"' in page


def test_unknown_entity_for_rdf_clients(client: FlaskClient) -> None:
    for url in ("/id/kelurahan/atlantis", "/data/kelurahan/atlantis", "/data/kelurahan/x.ttl"):
        response = get(client, url, "text/turtle")
        assert response.status_code == 404
        assert response.mimetype != "text/html"


@pytest.mark.parametrize(
    ("page", "status"),
    [("0", 400), ("-1", 400), ("abc", 400), ("1.5", 400), ("%D9%A3", 400), ("99", 404)],
)
def test_pages_of_incoming_links_out_of_range(client: FlaskClient, page: str, status: int) -> None:
    assert get(client, f"/page/{ENTITY}?page={page}").status_code == status


# --- Open redirects -------------------------------------------------------------------------------

HOSTILE_PATHS = [
    "/id/%2F%2Fevil.example",
    "/id//evil.example",
    "/id///evil.example",
    "/id/%5Cevil.example",
    "/id/%5C%5Cevil.example",
    "/id/..%2F..%2Fx",
    "/id/../../x",
    "/id/%2e%2e/x",
    "/id/https:%2F%2Fevil.example",
    "/id/https://evil.example",
    "/id/%09/evil.example",
    "/id/kelurahan//samaan",
    "/id/kelurahan/samaan/",
    "/id/kelurahan/samaan/%2F%2Fevil.example",
    "/page//evil.example",
    "/data//evil.example",
    "/data/%2F%2Fevil.example.ttl",
    "/code/kemendagri/%2F%2Fevil.example",
    "/code/bps//evil.example",
    "/code/bps/%5Cevil.example",
]


@pytest.mark.parametrize("url", HOSTILE_PATHS)
@pytest.mark.parametrize("accept", [BROWSER, "text/turtle"])
def test_no_path_redirects_off_the_origin(client: FlaskClient, url: str, accept: str) -> None:
    response = get(client, url, accept)
    assert_safe_location(response)
    assert response.status_code == 404


def test_locations_are_built_as_absolute_paths() -> None:
    from malang_kg.iris import local_path as local
    from malang_kg.web.http.caching import see_other

    assert local("page", "kelurahan/samaan", query="lang=en") == "/page/kelurahan/samaan?lang=en"
    assert local("\\evil.example") == "/%5Cevil.example"
    for bad in ("/evil.example", "..", "a/../.."):
        with pytest.raises(ValueError):
            local(bad)
    for location in ("//evil.example", "https://evil.example", "evil.example"):
        with pytest.raises(ValueError):
            see_other(location)
