"""The landing page, browsing by class, the sitemap and robots.txt, through Flask's test client."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from malang_kg.web.i18n.site import TEXTS
from malang_kg.web.views.query_page import example_text
from tests.conftest import ID, MK

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Page(HTMLParser):
    """The parts of a page the tests look at: links, table rows, the JSON-LD, lang attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.rows: list[list[str]] = []  # cells of table#classes, text only
        self.json_ld: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._in_classes = self._in_script = False
        self._row_done = True
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self._href, self._text = attributes.get("href") or "", []
        elif tag == "table" and attributes.get("id") == "classes":
            self._in_classes = True
        elif self._in_classes and tag == "td":
            if self._cell is None and (not self.rows or self._row_done):
                self.rows.append([])
                self._row_done = False
            self._cell = []
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_script = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None
        elif tag == "table":
            self._in_classes = False
        elif tag == "tr":
            self._row_done = True
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._in_script:
            self.json_ld[-1] += data


def get_page(client: FlaskClient, url: str, **headers: str) -> tuple[str, Page]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Page(html)


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "accept_language", "lang"),
    [
        ("/", "", "id"),  # the language of the city by default
        ("/", "en-GB,en;q=0.9", "en"),
        ("/", "fr, id;q=0.5, en;q=0.3", "id"),
        ("/?lang=en", "id", "en"),  # ?lang= wins over Accept-Language
        ("/?lang=id", "en", "id"),
        ("/?lang=xx", "en", "en"),  # an unknown ?lang= is ignored
    ],
)
def test_language_choice(client: FlaskClient, url: str, accept_language: str, lang: str) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get(url, headers=headers)
    html = response.get_data(as_text=True)
    other = "en" if lang == "id" else "id"
    assert f'<h1 lang="{lang}">{TEXTS["title"][lang]}' in html
    # What the dataset is, in both languages, the chosen one first.
    first, second = html.find(TEXTS["about"][lang]), html.find(TEXTS["about"][other])
    assert 0 < first < second
    assert f'<h2 id="statistics-heading">{TEXTS["holds"][lang]}</h2>' in html
    # Without ?lang= the page depends on Accept-Language, and caches must know.
    varies = "Accept-Language" in response.headers.get("Vary", "")
    assert varies == ("lang=" not in url or url.endswith("=xx"))


def test_every_interface_text_has_both_languages() -> None:
    for name, entry in TEXTS.items():
        assert set(entry) == {"id", "en"}, name
        assert all(value.strip() for value in entry.values()), name


def test_language_switch_keeps_the_rest_of_the_query(client: FlaskClient) -> None:
    _, page = get_page(client, "/browse/Kelurahan?page=2")
    assert ("?page=2&lang=en", "English") in page.links


# --- statistics and browsing ---------------------------------------------------------------------


def test_statistics_are_the_engines(client: FlaskClient, engine: QueryService) -> None:
    html, page = get_page(client, "/?lang=en")
    assert f'<code id="build-id">{engine.build_id}</code>' in html
    assert f'<strong id="triples">{engine.triples:,}</strong>' in html
    id_html = get_page(client, "/?lang=id")[0]
    assert f'<strong id="triples">{engine.triples:,}</strong>'.replace(",", ".") in id_html
    counts = engine.select(
        f"""SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              ?e a ?class FILTER (STRSTARTS(STR(?class), "{MK}")) }} GROUP BY ?class"""
    )
    expected = {row["class"].value: int(row["n"].value) for row in counts.rows}
    browse = {urlsplit(href).path: text for href, text in page.links if href.startswith("/browse/")}
    shown = {row[0].split(" / ")[0]: int(row[1].replace(",", "")) for row in page.rows}
    assert len(page.rows) == len(expected) == len(browse)
    for iri, count in expected.items():
        label = browse[f"/browse/{iri[len(MK) :]}"]
        assert shown[label] == count, iri
    assert shown["kelurahan (urban village)"] == 57
    assert shown["kecamatan (district)"] == 5


def test_browse_lists_every_entity_of_a_class_paged(client: FlaskClient) -> None:
    _, first = get_page(client, "/browse/Kelurahan?lang=en")
    _, second = get_page(client, "/browse/Kelurahan?lang=en&page=2")
    entities = [
        (href, text)
        for page in (first, second)
        for href, text in page.links
        if href.startswith("/id/kelurahan/")
    ]
    assert len(entities) == 57 and len({href for href, _ in entities}) == 57
    assert ("/id/kelurahan/samaan?lang=en", "Samaan") in entities
    assert [text for _, text in entities] == sorted(
        (text for _, text in entities), key=lambda text: text.lower().replace("-", "")
    )
    assert ("/browse/Kelurahan?page=2&lang=en", "Next →") in first.links
    assert ("/browse/Kelurahan?page=1&lang=en", "← Previous") in second.links


def test_browse_counts_match_the_landing_page(client: FlaskClient) -> None:
    _, landing = get_page(client, "/?lang=en")
    counts = {row[0].split(" / ")[0]: row[1] for row in landing.rows}
    for href, label in landing.links:
        if href.startswith("/browse/") and label in counts:  # the class table, not the cards
            html = get_page(client, href)[0]
            assert f'<p id="browse-summary">{counts[label]} entities' in html, href


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/browse/NoSuchClass", 404),
        ("/browse/Kelurahan?page=0", 400),
        ("/browse/Kelurahan?page=x", 400),
        ("/browse/Kelurahan?page=%D9%A3", 400),  # an Arabic-Indic digit is not a page number
        ("/browse/Kelurahan?page=3", 404),
        ("/browse/%3Cscript%3E", 404),
    ],
)
def test_browse_errors_are_helpful(client: FlaskClient, url: str, status: int) -> None:
    response = client.get(url, headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == status
    assert response.json is not None and response.json["message"]
    assert "Traceback" not in response.get_data(as_text=True)


# --- examples and links --------------------------------------------------------------------------


def test_examples_link_to_the_query_page(
    client: FlaskClient, queries: dict[str, NamedQuery]
) -> None:
    _, page = get_page(client, "/?lang=en")
    examples = {
        parse_qs(urlsplit(href).query)["query"][0]: text
        for href, text in page.links
        if href.startswith("/sparql?query=")
    }
    for query in queries.values():
        assert examples[example_text(query)] == query.title["en"]


def test_links_to_the_query_page_the_api_and_downloads(client: FlaskClient) -> None:
    html, page = get_page(client, "/?lang=en")
    assert 'href="/sparql"' in html
    assert ("/api/queries", "Named-query API") in page.links
    assert ("/downloads/", "Downloads") in page.links
    dataset = json.loads(page.json_ld[0])
    assert dataset["distribution"][0]["contentUrl"] == "http://localhost/downloads/"


def test_landing_has_a_search_form(client: FlaskClient) -> None:
    html = get_page(client, "/")[0]
    form = re.search(
        r'<form role="search" method="get" action="/search" class="site-search"'
        r' aria-labelledby="site-search-label">.*?</form>',
        html.split('<main id="main">', 1)[-1],
        re.S,
    )
    assert form is not None
    assert 'name="q"' in form.group(0)
    assert '<label for="site-search-q" id="site-search-label">' in form.group(0)


def test_dataset_json_ld(client: FlaskClient, engine: QueryService) -> None:
    html, page = get_page(client, "/", **{"Accept-Language": "en"})
    assert len(page.json_ld) == 1
    dataset = json.loads(page.json_ld[0])
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert {name["@language"]: name["@value"] for name in dataset["name"]} == TEXTS["title"]
    assert dataset["version"] == engine.build_id
    assert dataset["url"] == "http://localhost/"
    assert dataset["distribution"][0]["contentUrl"] == "http://localhost/downloads/"
    body = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body  # tojson escapes them


# --- sitemap and robots.txt ----------------------------------------------------------------------


def test_sitemap_lists_every_entity_page(client: FlaskClient, engine: QueryService) -> None:
    response = client.get("/sitemap.xml", base_url="https://malang.example:8443")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    locations = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert len(locations) == len(set(locations))
    assert all(loc.startswith("https://malang.example:8443/") for loc in locations)
    assert "https://malang.example:8443/" in locations
    assert "https://malang.example:8443/sparql" in locations
    assert "https://malang.example:8443/page/kelurahan/samaan" in locations
    assert "https://malang.example:8443/page/organization/kim-samaan" in locations
    entities = engine.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{ID}")) }}'
    ).rows
    pages = [loc for loc in locations if "/page/" in loc]
    assert len(pages) == len(entities) > 100


def test_sitemap_lists_the_ontology_page_when_it_exists(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    app = create_app(built[0], engine=engine)
    if not any(rule.rule == "/ontology" for rule in app.url_map.iter_rules()):
        app.add_url_rule("/ontology", "fake_ontology", lambda: "ontology")
    root = ET.fromstring(app.test_client().get("/sitemap.xml").data)
    assert "http://localhost/ontology" in [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_robots_txt(client: FlaskClient) -> None:
    response = client.get("/robots.txt", base_url="https://malang.example")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /page/" in lines
    assert "Disallow: /sparql?" in lines
    assert "Disallow: /sparql" not in lines  # the query page itself may be crawled
    assert "Sitemap: https://malang.example/sitemap.xml" in lines
