"""What the entity pages and the ontology page show: KIM Samaan, kelurahan Samaan, Klojen,
Diskominfo Kota Malang, the acting mayor, an award, the press release with its marked sentences;
inferred facts told apart, provenance, paging, and that every entity's page renders."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from malang_kg.engine.service import QueryService
from malang_kg.entities import views
from malang_kg.entities.queries import labelled
from tests.conftest import ARTICLE, ID, MK

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

ARTICLE_PATH = ARTICLE[len(ID) :]
ARTICLE_PAGE = "/page/" + ARTICLE_PATH


class Page(HTMLParser):
    """The parts of a page the tests look at: ids, links, JSON-LD blocks, sections' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")
        if tag == "script" and values.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        self.text.append(data)


def fetch(client: FlaskClient, url: str) -> tuple[str, Page]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    parsed = Page()
    parsed.feed(html)
    return html, parsed


def section(html: str, name: str) -> str:
    """The HTML of ``<section id=name>`` (sections are not nested on these pages)."""
    start = html.index(f'<section id="{name}"')
    return html[start : html.index("</section>", start)]


def statement(html: str, short: str) -> str:
    """The ``<div>`` of one property in the statements list, found by its prefixed name."""
    block = section(html, "statements")
    index = block.index(f"<code>{short}</code>")
    start = block.rindex("<div", 0, index)
    return block[start : block.index("</dd>", index)]


# --- KIM Samaan -----------------------------------------------------------------------------------


def test_kim_samaan(client: FlaskClient) -> None:
    html, page = fetch(client, "/page/organization/kim-samaan?lang=en")
    assert '<h1 id="entity-title">KIM Samaan</h1>' in html
    assert f"<code>{ID}organization/kim-samaan</code>" in html
    based = statement(html, "mk:basedIn")
    assert '<a href="/page/kelurahan/samaan?lang=en"' in based
    assert "Confidence:" in based and "Medium" in based
    assert "Background facts about the press release" in based
    assert "does not say where the group is based" in based
    evidence = section(html, "evidence")
    assert "KIM Samaan won third place in the 2023 KIM Hackathon." in evidence
    assert f'href="{ARTICLE_PAGE}?lang=en#sentence-2023-11-06-p4-s2"' in evidence
    received = section(html, "organisation")
    assert "Third place, KIM Hackathon 2023" in received and "KIM Hackathon 2023" in received
    assert 'class="badge"' in statement(html, "mk:operatesWithin")
    assert 'class="is-inferred"' in statement(html, "mk:operatesWithin")
    assert 'class="is-inferred"' not in statement(html, "mk:basedIn")
    [jsonld] = [json.loads(block) for block in page.scripts]
    assert jsonld["@id"] == ID + "organization/kim-samaan"
    assert jsonld["@type"] == "Organization"
    assert {"@value": "KIM Samaan", "@language": "en"} in jsonld["name"]


def test_kim_samaan_in_indonesian(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/organization/kim-samaan?lang=id")
    assert "Tingkat keyakinan" in html and "Sedang" in html
    assert ">berbasis di</a>" in html
    assert "Dirujuk oleh" in html and "Unduh data" in html


# --- Areas ----------------------------------------------------------------------------------------


def test_kelurahan_samaan(client: FlaskClient) -> None:
    html, page = fetch(client, "/page/kelurahan/samaan?lang=en")
    area = section(html, "area")
    chain = re.findall(
        r'<li><a href="/page/([^"?]+)', area.split('class="chain"')[1].split("</ol>")[0]
    )
    assert chain == ["kecamatan/klojen", "city/malang", "province/jawa-timur", "country/indonesia"]
    assert '<code id="kemendagri-code">35.73.02.1003</code>' in area
    assert '<code id="bps-code">3573030010</code>' in area
    forecast = "https://api.bmkg.go.id/publik/prakiraan-cuaca?adm4=35.73.02.1003"
    assert f'<a href="{forecast}" class="external" rel="external noopener noreferrer"' in area
    assert "/page/organization/kim-samaan" in area.split("Organisations based here")[1]
    assert 'class="is-inferred"' in statement(html, "mk:within")
    assert 'class="is-inferred"' not in statement(html, "schema:containedInPlace")
    [jsonld] = [json.loads(block) for block in page.scripts]
    assert {"@type": "PropertyValue", "propertyID": "KemendagriCode", "value": "35.73.02.1003"} in (
        jsonld["identifier"]
    )
    assert jsonld["containedInPlace"] == {"@id": ID + "kecamatan/klojen"}


def test_klojen_lists_its_kelurahan_and_the_kims_within(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/kecamatan/klojen?lang=en")
    area = section(html, "area")
    inside = area.split("Areas inside it")[1].split("</ul>")[0]
    assert "/page/kelurahan/samaan?lang=en" in inside and "/page/kelurahan/kauman" in inside
    assert inside.count("<li>") == 11
    within = area.split("Organisations based in an area inside it")[1]
    assert "/page/organization/kim-samaan" in within
    assert "Organisations based here" not in area
    siblings = area.split("Other areas in Malang City")[1].split("</ul>")[0]
    assert siblings.count("<li>") == 4 and "/page/kecamatan/sukun" in siblings


def test_a_long_list_of_awards_is_cut_and_links_to_all_of_them(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Samaan's incoming links stand in for a kelurahan whose KIM won more awards than a page
    # shows (the real data has one each); the cut is the query's own row limit.
    many = labelled("?x ?y", "?x ?p ?s . BIND (?s AS ?y)", "x", "y", limit=2)
    monkeypatch.setattr(views, "AREA_AWARDS", many)
    monkeypatch.setattr(views, "AREA_QUERIES", (*views.AREA_QUERIES, many))
    html, _ = fetch(client, "/page/kelurahan/samaan?lang=en")
    area = section(html, "area")
    assert area.split('id="awards-here"')[1].split("</ul>")[0].count("<li>") == 2
    note = area.split('id="awards-first"')[1].split("</p>")[0]
    assert "Only the first 2 awards are shown" in note
    link = re.search(r'href="(/awards\?recipient=[^"]+)"', note)
    assert link is not None and "KIM Samaan" in note
    awards, _ = fetch(client, link.group(1).replace("&amp;", "&"))
    assert "KIM Hackathon" in awards


def test_incoming_pages_list_every_link_once_in_order(client: FlaskClient) -> None:
    pages = [
        section(fetch(client, f"/page/city/malang?page={n}&lang=en")[0], "referenced-by")
        for n in (1, 2)
    ]
    links = [
        (prop, href)
        for page in pages
        for prop, values in re.findall(r"<code>([^<]+)</code></dt>\s*<dd>(.*?)</dd>", page, re.S)
        for href in re.findall(r'<li><a href="(/page/[^"#?]+)[?"]', values)
    ]
    total = int(re.search(r"(\d+) incoming links", pages[0]).group(1))  # type: ignore[union-attr]
    assert len(links) == total > 50 and len(set(links)) == total


def test_city_incoming_links_are_paged(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/city/malang?lang=en")
    incoming = section(html, "referenced-by")
    assert "Page 1 of 2" in incoming
    assert 'href="?page=2&amp;lang=en#referenced-by"' in incoming and 'rel="next"' in incoming
    second, _ = fetch(client, "/page/city/malang?page=2&lang=en")
    assert "Page 2 of 2" in section(second, "referenced-by")
    assert 'rel="prev"' in section(second, "referenced-by")
    wikidata = statement(html, "skos:exactMatch")
    assert 'href="http://www.wikidata.org/entity/Q11445" class="external"' in wikidata
    assert "Confidence:" in wikidata  # seen in one source only


# --- Organisations and people ---------------------------------------------------------------------


def test_diskominfo_kota_malang(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/organization/diskominfo-kota-malang?lang=en")
    assert "Malang City Communication and Informatics Service</h1>" in html
    org = section(html, "organisation")
    assert "/page/organization/pemerintah-kota-malang" in org.split("Part of")[1]
    head = org.split("<dt>Head</dt>")[1].split("</dd>")[0]
    assert "/page/post/kepala-diskominfo-kota-malang" in head
    assert "held by" in head and "/page/person/muhammad-nur-widianto" in head
    received = org.split('id="awards-received"')[1]
    assert "(5)" in received
    assert "/page/award/amh-2023-audiovisual-media" in received
    assert "/page/event/amh-2023" in received
    assert "Regarding the series of achievements" in section(html, "evidence")


def test_pemerintah_kota_malang_and_the_province(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/organization/pemerintah-kota-malang?lang=en")
    org = section(html, "organisation")
    assert "/page/organization/diskominfo-kota-malang" in org.split("Sub-organisations")[1]
    assert "/page/post/penjabat-wali-kota-malang" in org and "/page/person/wahyu-hidayat" in org
    province, _ = fetch(client, "/page/organization/diskominfo-provinsi-jawa-timur?lang=en")
    conferred = section(province, "organisation").split('id="awards-conferred"')[1]
    assert "(6)" in conferred and "/page/organization/kim-samaan" in conferred


def test_acting_mayor(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/person/wahyu-hidayat?lang=en")
    assert '<h1 id="entity-title">Wahyu Hidayat</h1>' in html
    person = section(html, "person")
    assert "Acting Mayor of Malang" in person and "/page/post/penjabat-wali-kota-malang" in person
    assert "/page/organization/pemerintah-kota-malang" in person.split("Heads")[1]
    assert "Dr. Ir. Wahyu Hidayat, MM" in html
    incoming = section(html, "referenced-by")
    assert "handed over by" in incoming and "/page/event/apel-pagi-2023-11-06" in incoming
    html_id, _ = fetch(client, "/page/person/wahyu-hidayat?lang=id")
    assert "Penjabat Wali Kota Malang" in section(html_id, "person")


def test_award(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/award/amh-2023-audiovisual-media?lang=en")
    award = section(html, "award")
    for label, target in [
        ("Competition", "/page/event/amh-2023"),
        ("Recipient", "/page/organization/diskominfo-kota-malang"),
        ("Placing", "/page/award-rank/1"),
        ("Category", "/page/award-category/audiovisual-media"),
        ("Winning work", "/page/work/gelaran-malang"),
        ("Conferred by", "/page/organization/kementerian-komunikasi-dan-informatika"),
    ]:
        assert f"<dt>{label}</dt>" in award
        assert target in award.split(f"<dt>{label}</dt>")[1].split("</dd>")[0]
    assert "first best award" in award


# --- The press release ----------------------------------------------------------------------------


def test_article_marks_the_sentences_facts_were_taken_from(client: FlaskClient) -> None:
    html, page = fetch(client, ARTICLE_PAGE + "?lang=en")
    article = section(html, "article")
    marks = re.findall(
        r'<mark id="(sentence-[^"]+)">([^<]+)<a class="cite" href="#cites-\1"', article
    )
    assert len(marks) == 12
    texts = dict(marks)
    assert texts["sentence-2023-11-06-p4-s2"] == (
        "Finally, in the KIM Hackathon competition also organized by the East Java Provincial "
        "Communication and Informatics Office, KIM Samaan won third place in the 2023 KIM "
        "Hackathon."
    )
    cites = article.split('<li id="cites-sentence-2023-11-06-p4-s2">')[1].split("</li>\n    \n")[0]
    assert "/page/organization/kim-samaan" in cites and "/page/award/kim-hackathon-2023" in cites
    assert 'href="#sentence-2023-11-06-p4-s2"' in cites
    # Quoted speech that no fact cites is text, not a mark.
    assert "<p>&#34;Of course, at the regional level" in article
    original = "https://malangkota.go.id/2023/11/06/kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan/"
    assert f'<a href="{original}" class="external"' in article
    assert len(page.ids) == len(set(page.ids))


def test_sentence_page_points_into_the_article(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/sentence/2023-11-06-p4-s2?lang=en")
    quote = section(html, "sentence")
    assert "KIM Samaan won third place" in quote
    assert f'href="{ARTICLE_PAGE}?lang=en#sentence-2023-11-06-p4-s2"' in quote
    assert "/page/organization/kim-samaan" in section(html, "referenced-by")


# --- The ontology ---------------------------------------------------------------------------------


def test_ontology_documents_every_term_in_both_languages(
    client: FlaskClient, engine: QueryService
) -> None:
    html, page = fetch(client, "/ontology?lang=en")
    terms = engine.select(
        f"""SELECT DISTINCT ?t WHERE {{
          GRAPH <https://w3id.org/malang-kg/graph/ontology> {{ ?t a ?kind }}
          FILTER (STRSTARTS(STR(?t), "{MK}"))
          FILTER (?kind IN (<http://www.w3.org/2002/07/owl#Class>,
            <http://www.w3.org/2002/07/owl#ObjectProperty>,
            <http://www.w3.org/2002/07/owl#DatatypeProperty>,
            <http://www.w3.org/2002/07/owl#AnnotationProperty>,
            <http://www.w3.org/2000/01/rdf-schema#Datatype>))
        }}"""
    ).rows
    assert len(terms) > 60
    for row in terms:
        assert row["t"].value[len(MK) :] in page.ids
    kelurahan = html.split('id="Kelurahan"')[1].split("</article>")[0]
    assert '<dd lang="id"><strong>kelurahan</strong>' in kelurahan
    assert '<dd lang="en"><strong>kelurahan (urban village)</strong>' in kelurahan
    assert "led by a lurah" in kelurahan and "dipimpin seorang lurah" in kelurahan
    assert 'href="/ontology?lang=en#AdministrativeArea"' in kelurahan
    within = html.split('id="within"')[1].split("</article>")[0]
    assert "transitive" in within
    operates = html.split('id="operatesWithin"')[1].split("</article>")[0]
    assert "based in</a> ∘ <a" in operates
    assert len(page.ids) == len(set(page.ids))


def test_property_labels_come_from_the_ontology_graphs(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/kelurahan/samaan?lang=id")
    assert ">nama utama</a>" in html  # skos:prefLabel, from ontology/reused-terms.ttl
    assert ">terletak di dalam</a>" in html  # mk:within, from the ontology


# --- Every entity ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_entity_page_renders_with_safe_links(
    client: FlaskClient, engine: QueryService
) -> None:
    rows = engine.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{ID}")) }}'
    ).rows
    assert len(rows) > 100
    for row in rows:
        path = row["s"].value[len(ID) :]
        _, page = fetch(client, f"/page/{path}")
        assert len(page.ids) == len(set(page.ids)), path
        for href in page.hrefs:
            assert href.startswith(("/", "?", "#", "http://", "https://")), (path, href)
            assert not href.startswith("//"), (path, href)
        [jsonld] = [json.loads(block) for block in page.scripts]
        assert jsonld["@id"] == row["s"].value


@pytest.mark.parametrize("lang", ["id", "en"])
def test_local_links_lead_to_pages(client: FlaskClient, lang: str) -> None:
    _, page = fetch(client, f"/page/organization/diskominfo-kota-malang?lang={lang}")
    local = {href.split("#")[0] for href in page.hrefs if href.startswith("/page/")}
    assert len(local) > 10
    for href in local:
        assert client.get(href).status_code == 200, href
