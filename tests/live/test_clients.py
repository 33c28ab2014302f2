"""Common SPARQL clients against the running server: SPARQLWrapper (every return format it
offers), rdflib's SPARQLStore (every returnFormat) and Comunica (npm, the JavaScript client)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultRow
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tests.support.live import AWARD, MK, PROXY_VARIABLES, SAMAAN, LiveServer, named_query

pytestmark = pytest.mark.timeout(240)

AWARD_COUNT = 7


@pytest.fixture(autouse=True)
def _direct(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both clients use urllib, which honours proxy variables: talk to loopback directly."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def awards_by_sparqlwrapper(server: LiveServer, method: str, request: str) -> Any:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(named_query("awards"))
    client.setReturnFormat(JSON)
    client.setMethod(method)
    client.setRequestMethod(request)
    client.setTimeout(60)
    return client.queryAndConvert()


@pytest.mark.parametrize(
    ("method", "request_method"),
    [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)],
    ids=["GET", "POST form", "POST direct"],
)
def test_sparqlwrapper_select_awards(
    live_server: LiveServer, method: str, request_method: str
) -> None:
    """SPARQLWrapper runs queries/awards.rq and gets SPARQL JSON with the 7 awards."""
    document = awards_by_sparqlwrapper(live_server, method, request_method)
    assert isinstance(document, dict), type(document)
    assert "award" in document["head"]["vars"]
    bindings = document["results"]["bindings"]
    assert len(bindings) == AWARD_COUNT
    awards = {row["award"]["value"] for row in bindings}
    assert len(awards) == AWARD_COUNT and AWARD in awards
    assert all(row["rank"]["datatype"].endswith("#integer") for row in bindings)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore_select(live_server: LiveServer, method: str) -> None:
    """rdflib's SPARQLStore (as a Graph's store) runs queries/awards.rq: 7 rows of rdflib terms."""
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live_server.sparql, method=method))
    rows = [row for row in graph.query(named_query("awards")) if isinstance(row, ResultRow)]
    assert len(rows) == AWARD_COUNT
    assert rdflib.URIRef(AWARD) in {row["award"] for row in rows}
    ranks = [row["rank"] for row in rows]
    assert all(
        isinstance(rank, rdflib.Literal) and isinstance(rank.toPython(), int) for rank in ranks
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore_construct(live_server: LiveServer, method: str) -> None:
    """rdflib's SPARQLStore runs a CONSTRUCT and gets a parsed graph of the 57 kelurahan."""
    store = SPARQLStore(query_endpoint=live_server.sparql, method=method)
    result = rdflib.Graph(store=store).query(
        f"CONSTRUCT {{ ?k a <{MK}Kelurahan> }} WHERE {{ ?k a <{MK}Kelurahan> }}"
    )
    assert result.graph is not None
    kelurahan = set(result.graph.subjects(RDF.type, rdflib.URIRef(MK + "Kelurahan")))
    assert len(kelurahan) == 57 and rdflib.URIRef(SAMAAN) in kelurahan


def test_rdflib_sparqlstore_ask(live_server: LiveServer) -> None:
    """rdflib's SPARQLStore gets an ASK answer."""
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live_server.sparql))
    result = graph.query(f"ASK {{ <{SAMAAN}> a <{MK}Kelurahan> }}")
    assert result.askAnswer is True


@pytest.mark.parametrize("return_format", ["xml", "json"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_rdflib_sparqlstore_graphs_in_every_return_format(
    live_server: LiveServer, return_format: str, form: str
) -> None:
    """Asked with result-set types only (``json``: ``application/sparql-results+json``), a
    graph is answered in Turtle, as Fuseki does, and rdflib reads it."""
    store = SPARQLStore(query_endpoint=live_server.sparql, returnFormat=return_format)
    query = (
        f"CONSTRUCT {{ <{SAMAAN}> a <{MK}Kelurahan> }} WHERE {{ <{SAMAAN}> a <{MK}Kelurahan> }}"
        if form == "CONSTRUCT"
        else f"DESCRIBE <{SAMAAN}>"
    )
    result = rdflib.Graph(store=store).query(query)
    assert result.graph is not None
    assert (rdflib.URIRef(SAMAAN), RDF.type, rdflib.URIRef(MK + "Kelurahan")) in result.graph


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select_and_ask_in_every_return_format(
    live_server: LiveServer, return_format: str
) -> None:
    store = SPARQLStore(query_endpoint=live_server.sparql, returnFormat=return_format)
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(f"SELECT ?k WHERE {{ ?k a <{MK}Kelurahan> }}"))
    assert len(rows) == 57
    if return_format in ("xml", "json"):  # rdflib reads ASK answers in these two only
        assert graph.query(f"ASK {{ <{SAMAAN}> a <{MK}Kelurahan> }}").askAnswer is True


# --- SPARQLWrapper in every return format it offers -----------------------------------------------

KELURAHAN_SELECT = f"SELECT ?k WHERE {{ ?k a <{MK}Kelurahan> }}"
SAMAAN_ASK = f"ASK {{ <{SAMAAN}> a <{MK}Kelurahan> }}"
SAMAAN_CONSTRUCT = (
    f"CONSTRUCT {{ <{SAMAAN}> a <{MK}Kelurahan> }} WHERE {{ <{SAMAAN}> a <{MK}Kelurahan> }}"
)


def sparqlwrapper(server: LiveServer, query: str, return_format: str) -> Any:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setTimeout(60)
    return client.queryAndConvert()


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_result_format(
    live_server: LiveServer, return_format: str
) -> None:
    answer = sparqlwrapper(live_server, KELURAHAN_SELECT, return_format)
    if return_format == JSON:
        rows = answer["results"]["bindings"]
    elif return_format == XML:
        rows = answer.getElementsByTagName("result")
    else:  # CSV and TSV come back as bytes: a header line, then one line per row
        rows = answer.decode("utf-8").strip().splitlines()[1:]
    assert len(rows) == 57


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask_in_every_result_format(
    live_server: LiveServer, return_format: str
) -> None:
    answer = sparqlwrapper(live_server, SAMAAN_ASK, return_format)
    if return_format == JSON:
        assert answer["boolean"] is True
    else:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("return_format", [TURTLE, N3, RDFXML, XML, JSONLD, JSON])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graphs_in_every_format(
    live_server: LiveServer, return_format: str, form: str
) -> None:
    """Every format SPARQLWrapper offers for a graph gives a graph rdflib reads (JSON: asked
    as JSON-LD; XML: RDF/XML)."""
    query = SAMAAN_CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{SAMAAN}>"
    answer = sparqlwrapper(live_server, query, return_format)
    if isinstance(answer, rdflib.Graph):
        graph = answer
    else:
        data = answer.decode("utf-8") if isinstance(answer, bytes) else answer
        syntax = "json-ld" if return_format in (JSONLD, JSON) else "turtle"
        graph = rdflib.Graph().parse(
            data=data if isinstance(data, str) else str(data), format=syntax
        )
    assert (rdflib.URIRef(SAMAAN), RDF.type, rdflib.URIRef(MK + "Kelurahan")) in graph


# --- Comunica, the JavaScript client (npm, tests/clients) -----------------------------------------

CLIENTS = Path(__file__).resolve().parent.parent / "clients"


def comunica(server: LiveServer, kind: str, query: str) -> Any:
    if shutil.which("node") is None or not (CLIENTS / "node_modules").is_dir():
        pytest.fail("Comunica is not installed: run `make clients` (npm ci in tests/clients)")
    done = subprocess.run(
        ["node", str(CLIENTS / "comunica.mjs"), server.sparql, kind, query],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_comunica_selects(live_server: LiveServer) -> None:
    rows = comunica(live_server, "bindings", KELURAHAN_SELECT)
    assert len(rows) == 57 and {"k": SAMAAN} in rows


def test_comunica_asks(live_server: LiveServer) -> None:
    assert comunica(live_server, "boolean", SAMAAN_ASK) is True


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_comunica_constructs_and_describes(live_server: LiveServer, form: str) -> None:
    query = SAMAAN_CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{SAMAAN}>"
    triples = comunica(live_server, "quads", query)
    assert [SAMAAN, str(RDF.type), MK + "Kelurahan"] in triples
