"""What the query page shows of an answer: columns in projection order, IRIs shortened, labelled
and linked to our pages, literals as values with a quiet tag, 100 rows a page with navigation,
ASK as yes/no, CONSTRUCT as Turtle with links, and every text in the interface's language."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine.service import QueryService
from malang_kg.web.i18n.query_page import TEXTS
from malang_kg.web.views.query_page import example_text
from tests.conftest import ID
from tests.web.dom import Node, parse, words
from tests.web.test_sparql import BROWSER, CONSTRUCT

pytestmark = pytest.mark.engines("embedded", "oxigraph")

SAMAAN = ID + "kelurahan/samaan"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3000"


def page(client: FlaskClient, query: str, **params: str) -> TestResponse:
    headers = {"Accept": BROWSER}
    if "accept_language" in params:
        headers["Accept-Language"] = params.pop("accept_language")
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def dom(response: TestResponse) -> Node:
    return parse(response.get_data(as_text=True))


def body_rows(document: Node) -> list[Node]:
    tbody = document.by_id("results").find("tbody")
    assert tbody is not None
    return tbody.find_all("tr")


def header(document: Node) -> list[str]:
    return [words(th.text()) for th in document.by_id("results").find_all("th")]


def summary(document: Node) -> str:
    return words(document.by_id("summary").text())


# --- columns, IRIs and literals -------------------------------------------------------------------


def test_select_star_columns_in_order_of_first_appearance(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?zed ?b ?a . BIND(1 AS ?m) } LIMIT 2"
    assert header(dom(page(client, query))) == ["zed", "b", "a", "m"]
    distinct = "SELECT DISTINCT * WHERE { ?zed ?b ?a . { SELECT ?c WHERE { ?c ?d ?e } LIMIT 1 } }"
    assert header(dom(page(client, distinct + " LIMIT 1"))) == ["zed", "b", "a", "c"]
    projected = "SELECT ?b ?zed WHERE { ?zed ?b ?a } LIMIT 1"
    assert header(dom(page(client, projected))) == ["b", "zed"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_our_iris_show_their_label_and_link_to_our_page(client: FlaskClient, lang: str) -> None:
    query = f"SELECT ?k ?t WHERE {{ BIND(<{SAMAAN}> AS ?k) <{SAMAAN}> a ?t }} LIMIT 1"
    document = dom(page(client, query, lang=lang))
    cell = body_rows(document)[0].find_all("td")[0]
    link = cell.find("a")
    assert link is not None and link.attrs["href"] == f"/page/kelurahan/samaan?lang={lang}"
    assert words(link.text()) == "Samaan"
    short = cell.find("small", class_="short")
    assert short is not None and short.text() == "kelurahan:samaan"
    # Without ?lang= the links carry none.
    plain = dom(page(client, query)).by_id("results").find("a")
    assert plain is not None and plain.attrs["href"] == "/page/kelurahan/samaan"


def test_other_iris_are_prefixed_and_link_to_themselves(client: FlaskClient) -> None:
    query = (
        "SELECT ?a ?b WHERE { BIND(<http://www.w3.org/2004/02/skos/core#prefLabel> AS ?a) "
        "BIND(<https://example.org/x/y> AS ?b) }"
    )
    cells = body_rows(dom(page(client, query)))[0].find_all("td")
    assert "skos:prefLabel" in words(cells[0].text())
    link = cells[1].find("a")
    assert link is not None and link.attrs["href"] == "https://example.org/x/y"


def test_literals_are_values_with_a_quiet_tag(client: FlaskClient) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    query = (
        'SELECT ?lang ?int ?year ?plain ?dec WHERE { BIND("Kota"@id AS ?lang) BIND(42 AS ?int) '
        f'BIND("2023"^^<{xsd}gYear> AS ?year) BIND("plain" AS ?plain) BIND(1.5 AS ?dec) }}'
    )
    document = dom(page(client, query, lang="en"))
    cells = body_rows(document)[0].find_all("td")
    tags = [cell.find("small", class_="tag") for cell in cells]
    lang_tag, int_tag, year_tag, plain_tag, dec_tag = tags
    assert lang_tag is not None and lang_tag.text() == "id" and lang_tag.attrs["title"]
    assert int_tag is None and plain_tag is None
    assert year_tag is not None and year_tag.text() == "gYear"
    assert year_tag.attrs["title"] == xsd + "gYear"
    assert dec_tag is not None and dec_tag.text() == "decimal"
    assert words(cells[1].text()) == "42" and "num" in cells[1].attrs["class"].split()
    assert "num" in cells[4].attrs["class"].split()
    assert "num" not in cells[0].attrs["class"].split()
    text = document.by_id("results").text()
    assert "^^" not in text and '"' not in text


def test_awards_example_reads_as_values(
    client: FlaskClient, queries: dict[str, NamedQuery]
) -> None:
    response = page(client, example_text(queries["awards"]))
    assert response.status_code == 200
    document = dom(response)
    assert len(body_rows(document)) == 7
    visible = document.by_id("main").text()  # the text area (the query itself) is not shown text
    assert "^^" not in visible and "xsd:" not in visible
    assert "https://w3id.org/" not in visible and "http://www.w3.org/" not in visible
    ranks = [row.find_all("td")[4] for row in body_rows(document)]
    assert all("num" in cell.attrs["class"].split() for cell in ranks)
    links = [a.attrs["href"] for a in document.by_id("results").find_all("a")]
    assert links and all(href.startswith("/page/") for href in links)


# --- pages of rows --------------------------------------------------------------------------------


def _page_link(document: Node, rel: str) -> str | None:
    nav = document.find("nav", class_="pages")
    link = nav.find("a", rel=rel) if nav is not None else None
    return link.attrs["href"] if link is not None else None


def test_a_long_answer_is_paged(client: FlaskClient) -> None:
    first = dom(page(client, ALL))
    rows = body_rows(first)
    assert len(rows) == 100
    assert summary(first).startswith("Baris 1\u2013100 dari 3.000")
    row_count = first.by_id("row-count")
    assert row_count.attrs["data-count"] == "3000" and row_count.text() == "3.000"
    assert _page_link(first, "prev") is None and _page_link(first, "first") is None
    next_href = _page_link(first, "next")
    assert next_href is not None and _page_link(first, "last") is not None
    assert parse_qs(urlsplit(next_href).query)["page"] == ["2"]
    second_response = client.get(next_href, headers={"Accept": BROWSER})
    assert second_response.status_code == 200
    second = dom(second_response)
    assert len(body_rows(second)) == 100
    assert summary(second).startswith("Baris 101\u2013200 dari 3.000")
    assert words(body_rows(second)[0].text()) != words(rows[0].text())
    nav = second.find("nav", class_="pages")
    assert nav is not None and nav.attrs["aria-label"] == TEXTS["pages_label"]["id"]
    current = nav.find("li", **{"aria-current": "page"})
    assert current is not None and words(current.text()) == "Halaman 2 dari 30"
    assert _page_link(second, "prev") is not None and _page_link(second, "first") is not None


def test_page_links_keep_query_graphs_and_language(
    client: FlaskClient, engine: QueryService
) -> None:
    graph = next(g for g in engine.graphs if g.endswith("/graph/inferred"))  # 1,000 or more
    response = page(client, ALL, lang="en", page="3", **{"default-graph-uri": graph})
    document = dom(response)
    assert summary(document).startswith("Rows 201\u2013300 of")
    for rel in ("first", "prev", "next", "last"):
        href = _page_link(document, rel)
        assert href is not None, rel
        params = parse_qs(urlsplit(href).query)
        assert params["query"] == [ALL] and params["lang"] == ["en"]
        assert params["default-graph-uri"] == [graph]


def test_the_last_page_and_beyond(client: FlaskClient) -> None:
    last = dom(page(client, ALL, page="30"))
    assert len(body_rows(last)) == 100 and _page_link(last, "next") is None
    beyond = page(client, ALL, page="31", lang="en")
    assert beyond.status_code == 404
    error = dom(beyond).by_id("error")
    assert "page 31" in words(error.text())
    to_last = error.find("a", rel="last")
    assert to_last is not None and parse_qs(urlsplit(to_last.attrs["href"]).query)["page"] == ["30"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "99999999999", "\uff12"])
def test_a_bad_page_number_is_400_in_both_languages(client: FlaskClient, value: str) -> None:
    for lang, words_of in (("id", "bilangan bulat"), ("en", "whole number")):
        response = page(client, ALL, page=value, lang=lang)
        assert response.status_code == 400 and response.mimetype == "text/html"
        message = words(dom(response).by_id("error").text())
        assert words_of in message and "page" in message


def test_a_long_answer_makes_a_light_page(client: FlaskClient) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"
    response = page(client, query)
    assert response.status_code == 200
    document = dom(response)
    assert len(body_rows(document)) == 100
    assert len(response.data) < 250_000, len(response.data)


# --- ASK and CONSTRUCT ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "value", "answers"),
    [
        ("ASK { ?s ?p ?o }", "true", {"id": "Ya", "en": "Yes"}),
        ("ASK { <urn:x:a> <urn:x:b> <urn:x:c> }", "false", {"id": "Tidak", "en": "No"}),
    ],
)
def test_ask_is_a_clear_yes_or_no(
    client: FlaskClient, query: str, value: str, answers: dict[str, str]
) -> None:
    for lang, answer in answers.items():
        document = dom(page(client, query, lang=lang))
        boolean = document.by_id("boolean")
        assert boolean.text() == answer and boolean.attrs["data-value"] == value
        assert words(document.by_id("ask-question").text()) == TEXTS["ask_question"][lang]
        assert document.find("table", id="results") is None


def test_construct_is_turtle_with_links(client: FlaskClient) -> None:
    document = dom(page(client, CONSTRUCT))
    assert document.find("table", id="results") is None
    pre = document.find("pre", class_="turtle")
    assert pre is not None
    turtle = pre.text()
    triples = list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 57
    assert "@prefix kelurahan: " in turtle and "kelurahan:samaan" in turtle
    hrefs = {a.text(): a.attrs["href"] for a in pre.find_all("a")}
    assert hrefs["kelurahan:samaan"] == "/page/kelurahan/samaan"
    assert hrefs["mk:Kelurahan"].startswith("/ontology")
    assert "# Samaan" in turtle  # the subject's label, as a comment
    assert summary(document).startswith("Tripel 1\u201357 dari 57")


def test_construct_is_paged_by_triples(client: FlaskClient) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 250"
    document = dom(page(client, query, page="3", lang="en"))
    assert summary(document).startswith("Triples 201\u2013250 of 250")
    pre = document.find("pre", class_="turtle")
    assert pre is not None
    assert len(list(ox.parse(pre.text().encode(), format=ox.RdfFormat.TURTLE))) == 50
    assert _page_link(document, "next") is None and _page_link(document, "prev") is not None


# --- the interface's language ---------------------------------------------------------------------


def _fixed_parts(text: str) -> list[str]:
    """The parts of a catalogue text around its ``{placeholders}``, those long enough to tell."""
    return [part.strip() for part in re.split(r"\{[a-z_]+\}", text) if len(part.strip()) > 3]


def _foreign(document: Node, lang: str) -> list[str]:
    """Texts of the other language's catalogue found in the page's visible text, leaving out
    the data (the table, the Turtle) and the query (the text area)."""
    other = "en" if lang == "id" else "id"
    skip = frozenset({"script", "style", "textarea", "tbody", "pre"})
    visible = words(document.by_id("main").text(skip))
    found = []
    for entry in TEXTS.values():
        if entry[other] == entry[lang]:
            continue
        found += [
            part  # as words of their own ("Triples", not the format name "N-Triples")
            for part in _fixed_parts(entry[other])
            if re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", visible)
        ]
    return found


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_is_in_one_language(client: FlaskClient, lang: str) -> None:
    responses = [
        client.get("/sparql", query_string={"lang": lang}, headers={"Accept": BROWSER}),
        page(client, ALL, lang=lang),
        page(client, ALL, lang=lang, page="2"),
        page(client, "ASK { ?s ?p ?o }", lang=lang),
        page(client, CONSTRUCT, lang=lang),
        page(client, ALL, lang=lang, page="x"),
        page(client, "SELECT * WHERE { SERVICE <http://x.org/> { ?s ?p ?o } }", lang=lang),
    ]
    for response in responses:
        document = dom(response)
        html = document.find("html")
        assert html is not None and html.attrs["lang"] == lang
        assert response.headers["Content-Language"] == lang
        assert _foreign(document, lang) == [], response.request.url
    english = dom(responses[1]).by_id("main").text(frozenset({"textarea", "tbody", "pre"}))
    if lang == "id":
        for word in ("Results", "Download", "Examples", "Run query", "Rows", "rows"):
            assert word not in english


def test_accept_language_chooses_and_varies(client: FlaskClient) -> None:
    english = page(client, ALL, accept_language="en-GB,en;q=0.9")
    assert english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]
    assert summary(dom(english)).startswith("Rows 1\u2013100 of 3,000")
    default = page(client, ALL)
    assert default.headers["Content-Language"] == "id"
    explicit = page(client, ALL, lang="en", accept_language="id")
    assert explicit.headers["Content-Language"] == "en"
    assert "Accept-Language" not in explicit.headers.get("Vary", "")


def test_the_form_keeps_an_explicit_language(client: FlaskClient) -> None:
    form = dom(page(client, ALL, lang="en")).by_id("query-form")
    hidden = form.find("input", name="lang")
    assert hidden is not None and hidden.attrs["value"] == "en"
    assert dom(page(client, ALL)).by_id("query-form").find("input", name="lang") is None


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_undeclared_prefix_offers_its_prefix_line(client: FlaskClient, lang: str) -> None:
    query = "SELECT ?k WHERE { ?k a mk:Kelurahan } LIMIT 1"
    response = page(client, query, lang=lang)
    assert response.status_code == 400 and response.mimetype == "text/html"
    error = dom(response).by_id("error")
    assert error.attrs["role"] == "alert"
    heading = error.find("h2")
    assert heading is not None and words(heading.text()).startswith(f"{TEXTS['error'][lang]} 400")
    fix = error.attrs["data-fix"]
    assert fix.startswith("PREFIX mk: <") and fix.rstrip().endswith(">")
    link = error.find("a", id="prefix-fix")
    assert link is not None and words(link.text()) == TEXTS["add_prefix"][lang]
    params = parse_qs(urlsplit(link.attrs["href"]).query)
    assert params["query"] == [f"{fix.rstrip()}\n{query}"] and params["lang"] == [lang]
    fixed = client.get(link.attrs["href"], headers={"Accept": BROWSER})  # works without scripts
    assert fixed.status_code == 200 and len(body_rows(dom(fixed))) == 1


def test_a_syntax_error_says_where(client: FlaskClient) -> None:
    response = page(client, "SELECT ?s WHERE {\n  ?s ?p \n}", lang="en")
    assert response.status_code == 400
    error = dom(response).by_id("error")
    assert error.attrs["data-line"].isdigit() and error.attrs["data-column"].isdigit()
    assert "data-fix" not in error.attrs and error.find("a", id="prefix-fix") is None
    message = words(error.text())
    assert "Traceback" not in message and "expected one of" not in message
