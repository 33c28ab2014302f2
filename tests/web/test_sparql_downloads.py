"""Answers of ``/sparql`` other than the page: a cut answer says so in every format (headers, and
the JSON formats' ``head``), the page's download links are attachments with a file name, and the
columns of ``SELECT *`` come in the order of the query."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.query import Result

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from tests.web.dom import parse, words
from tests.web.test_sparql import ASK, BROWSER, CONSTRUCT, SELECT, get

pytestmark = pytest.mark.engines("embedded", "oxigraph")

LIMIT = 5
STAR = "SELECT * WHERE { ?zed ?b ?a FILTER(isIRI(?zed)) } ORDER BY ?zed ?b ?a LIMIT 3"
NAME = re.compile(r'^attachment; filename="malang-kg-query-[0-9a-f]{12}\.([a-z]+)"$')


@pytest.fixture
def limited(built: tuple[Settings, Manifest], engine: QueryService) -> FlaskClient:
    """A client of an app whose row limit is 5."""
    service = QueryService(engine.backend, replace(engine.settings, max_rows=LIMIT))
    return create_app(built[0], engine=service).test_client()


# --- truncation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept", "format_name"),
    [
        (SELECT, "application/sparql-results+json", None),
        (SELECT, "application/json", None),
        (SELECT, None, "json"),
        (SELECT, "application/sparql-results+xml", None),
        (SELECT, "text/csv", None),
        (SELECT, "text/tab-separated-values", None),
        (CONSTRUCT, "text/turtle", None),
        (CONSTRUCT, None, "ntriples"),
    ],
)
def test_a_cut_answer_says_so_in_its_headers(
    limited: FlaskClient, query: str, accept: str | None, format_name: str | None
) -> None:
    params = {"format": format_name} if format_name else {}
    response = get(limited, query, accept, **params)
    assert response.status_code == 200
    assert response.headers["X-SPARQL-MaxRows"] == str(LIMIT)
    assert response.headers["X-SPARQL-Truncated"] == "true"
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "X-SPARQL-Truncated" in exposed and "X-SPARQL-MaxRows" in exposed


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/json"])
def test_json_heads_say_the_answer_was_cut(limited: FlaskClient, accept: str) -> None:
    response = get(limited, SELECT, accept)
    document = json.loads(response.data)
    assert document["head"]["truncated"] is True and document["head"]["maxRows"] == LIMIT
    assert document["head"]["vars"] == ["s"] and len(document["results"]["bindings"]) == LIMIT
    # Both libraries still read it.
    parsed = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) == LIMIT
    assert len(list(Result.parse(io.BytesIO(response.data), format="json"))) == LIMIT


def test_whole_answers_say_nothing(client: FlaskClient) -> None:
    response = get(client, SELECT, "application/sparql-results+json")
    assert "X-SPARQL-Truncated" not in response.headers
    assert "X-SPARQL-MaxRows" not in response.headers
    head = json.loads(response.data)["head"]
    assert head == {"vars": ["s"]}
    assert "X-SPARQL-Truncated" not in get(client, ASK).headers


def test_csv_tsv_and_xml_bodies_stay_standard(limited: FlaskClient) -> None:
    rows = list(csv.reader(io.StringIO(get(limited, SELECT, "text/csv").get_data(as_text=True))))
    assert rows[0] == ["s"] and len(rows) == LIMIT + 1
    tsv = get(limited, SELECT, "text/tab-separated-values").get_data(as_text=True)
    assert tsv.splitlines()[0] == "?s" and len(tsv.splitlines()) == LIMIT + 1
    xml = get(limited, SELECT, "application/sparql-results+xml").data
    parsed = ox.parse_query_results(xml, format=ox.QueryResultsFormat.XML)
    assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) == LIMIT
    graph = rdflib.Graph().parse(data=get(limited, CONSTRUCT, "text/turtle").data, format="turtle")
    assert len(graph) == LIMIT


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_admits_the_cut(limited: FlaskClient, lang: str) -> None:
    response = get(limited, SELECT, BROWSER, lang=lang)
    assert response.headers["X-SPARQL-Truncated"] == "true"
    document = parse(response.get_data(as_text=True))
    note = words(document.by_id("truncated").text())
    assert "5" in note and "LIMIT" in note and "OFFSET" in note
    assert ("unduhan" in note) if lang == "id" else ("downloads" in note)
    # Above the table.
    html = response.get_data(as_text=True)
    assert html.index('id="truncated"') < html.index('id="results"')


# --- attachments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "format_name", "extension"),
    [
        (SELECT, "json", "srj"),
        (SELECT, "srj", "srj"),
        (SELECT, "application/json", "json"),
        (SELECT, "xml", "srx"),
        (SELECT, "csv", "csv"),
        (SELECT, "tsv", "tsv"),
        (CONSTRUCT, "turtle", "ttl"),
        (CONSTRUCT, "ntriples", "nt"),
        (CONSTRUCT, "jsonld", "jsonld"),
        (CONSTRUCT, "rdfxml", "rdf"),
        (CONSTRUCT, "trig", "trig"),
        (CONSTRUCT, "nquads", "nq"),
    ],
)
def test_downloads_are_attachments(
    client: FlaskClient, query: str, format_name: str, extension: str
) -> None:
    response = get(client, query, format=format_name)
    assert response.status_code == 200
    match = NAME.match(response.headers["Content-Disposition"])
    assert match is not None and match.group(1) == extension


def test_attachment_names_follow_the_query(client: FlaskClient) -> None:
    def name(query: str) -> str:
        return get(client, query, format="csv").headers["Content-Disposition"]

    assert name(SELECT) == name(SELECT) != name(SELECT + " LIMIT 3")


def test_protocol_clients_get_no_attachment(client: FlaskClient) -> None:
    for accept in ("application/sparql-results+json", "text/csv", None):
        assert "Content-Disposition" not in get(client, SELECT, accept).headers
    assert "Content-Disposition" not in get(client, CONSTRUCT, "text/turtle").headers
    assert "Content-Disposition" not in get(client, SELECT, BROWSER).headers


def test_the_page_links_its_downloads(client: FlaskClient) -> None:
    document = parse(get(client, SELECT, BROWSER).get_data(as_text=True))
    links = document.by_id("downloads").find_all("a")
    assert {link.attrs["type"] for link in links} >= {"text/csv", "application/sparql-results+json"}
    for link in links:
        response = client.get(link.attrs["href"])
        assert response.status_code == 200 and response.mimetype == link.attrs["type"]
        assert NAME.match(response.headers["Content-Disposition"])


# --- the columns of SELECT * ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_star_columns_in_every_format(client: FlaskClient, accept: str) -> None:
    body = get(client, STAR, accept).data
    if accept == "text/csv":  # pyoxigraph does not read CSV back
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["zed", "b", "a"] and rows[1][0].startswith("http")
        return
    formats = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }
    parsed = ox.parse_query_results(body, format=formats[accept])
    assert isinstance(parsed, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == ["zed", "b", "a"]
    found = list(parsed)
    assert len(found) == 3
    assert all(isinstance(row["zed"], ox.NamedNode) for row in found)
    assert all(isinstance(row["b"], ox.NamedNode) for row in found)
    if accept == "text/tab-separated-values":  # the fields moved with their header
        first = body.decode().splitlines()[1].split("\t")
        assert first[0].startswith("<") and first[1].startswith("<")
