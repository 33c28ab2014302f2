"""The guard: what it refuses, in every spelling, and what it lets through."""

from __future__ import annotations

import pytest

from malang_kg.engine.errors import QueryRejected, QuerySyntaxError, QueryTooLarge
from malang_kg.engine.guard import check, decode_escapes

LIMIT = 65_536


def _check(text: str, nesting: int = 64) -> object:
    return check(text, LIMIT, nesting)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { S\\u0045RVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 <http://x/> { } }",
        "SELECT * WHERE { \\U00000053ERVICE <http://x/> { } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://x/> { ?s ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }",
        "ASK { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
        "ASK { FILTER NOT EXISTS { SeRvIcE <http://x/> { ?s ?p ?o } } }",
        "PREFIX ex: <http://x/> SELECT * WHERE { SERVICE ex:endpoint { ?s ?p ?o } }",
        "SELECT * WHERE {SERVICE<http://x/>{?s ?p ?o}}",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_in_every_spelling(query: str) -> None:
    with pytest.raises(QueryRejected, match="SERVICE is not allowed"):
        _check(query)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("load <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://x/g>", "LOAD"),
        ("L\\u004FAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://x/g>", "DROP"),
        ("CREATE GRAPH <http://x/g>", "CREATE"),
        ("WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("COPY DEFAULT TO <http://x/g>", "COPY"),
        ("MOVE <http://x/a> TO <http://x/b>", "MOVE"),
        ("ADD <http://x/a> TO <http://x/b>", "ADD"),
        ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://x/a> <http://x/b> 1 }", "INSERT"),
    ],
)
def test_loads_and_updates_are_refused(query: str, word: str) -> None:
    with pytest.raises(QueryRejected, match=word):
        _check(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s ?p '''LOAD\nINSERT DATA''' }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { } and DROP ALL",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:load ?o }",
        "SELECT ?service ?load ?insert WHERE { ?service ?load ?insert }",
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p _:drop }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        "SELECT * WHERE { ?a ?b ?c FILTER (?c < 3 && ?c > 1) }",
    ],
)
def test_words_inside_strings_iris_comments_and_names_are_not_keywords(query: str) -> None:
    assert _check(query) is not None


def test_size_limit() -> None:
    with pytest.raises(QueryTooLarge):
        check("SELECT * WHERE { ?s ?p ?o }" + " " * LIMIT, LIMIT, 64)


@pytest.mark.parametrize("opener", ["{", "(", "["])
def test_nesting_limit(opener: str) -> None:
    closer = {"{": "}", "(": ")", "[": "]"}[opener]
    deep = "SELECT * WHERE { FILTER " + opener * 3000 + closer * 3000 + " }"
    with pytest.raises(QueryRejected, match="nested more than 64 levels"):
        _check(deep)
    assert _check("SELECT * WHERE " + "{" * 10 + "}" * 10) is not None


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX ex: <http://x/> select ?s WHERE { ?s ?p ?o }", "select"),
        ("BASE <http://x/> ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("# a comment\nDESCRIBE <http://x/a>", "describe"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert check(query, LIMIT, 64).form == form


def test_not_a_query() -> None:
    with pytest.raises(QuerySyntaxError, match="expected SELECT, ASK, CONSTRUCT or DESCRIBE"):
        _check("PREFIX ex: <http://x/>")


def test_dataset_graphs_are_found_and_expanded() -> None:
    prepared = check(
        "PREFIX g: <https://w3id.org/malang-kg/graph/> SELECT * FROM g:ontology "
        "FROM NAMED <https://w3id.org/malang-kg/graph/inferred> WHERE { ?s ?p ?o }",
        LIMIT,
        64,
    )
    assert prepared.from_graphs == ("https://w3id.org/malang-kg/graph/ontology",)
    assert prepared.from_named_graphs == ("https://w3id.org/malang-kg/graph/inferred",)
    assert prepared.names_a_dataset


def test_escapes_are_decoded_for_the_engine_too() -> None:
    assert decode_escapes("S\\u0045RVICE \\U0001F600") == "SERVICE \U0001f600"
    with pytest.raises(QueryRejected, match="not a valid character"):
        decode_escapes("\\uD800")
