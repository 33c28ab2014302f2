"""Why a query was not answered (``engine/errors.py``): syntax errors read from Oxigraph's
parser with their line, column (1-based characters), token and undeclared prefix, in clean
sentences; and the typed fields the refusals, timeouts and memory limits carry."""

from __future__ import annotations

import pickle
import re
from dataclasses import replace

import pyoxigraph as ox
import pytest

from malang_kg.engine import QueryRequest
from malang_kg.engine.errors import (
    QueryError,
    QueryRejected,
    QueryResourceExceeded,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    offset_of,
    position_of,
    quoted,
    syntax_error,
)
from malang_kg.engine.guard import check
from malang_kg.engine.service import QueryService
from malang_kg.iris import PREFIXES, Layout

SKOS = "http://www.w3.org/2004/02/skos/core#"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DUMPS = ("expected one of", "['", "\\u{", "[_]", "..=")
BROKEN = [
    "SELECT * WHERE { ?s skos:prefLabel ?o }",
    "SELECT ?x WHERE { ?x ?p ?o ",
    "SELECT ?x WHERE { ?x ?p ?o } GROUP BY",
    "SELECT ?x WHERE { ?x ?p ?o . FILTER(?o > ) }",
    'SELECT ?x WHERE { ?x ?p "unterminated }',
    "SELECT ?x WHERE { ?x ?p <http://x y> . ?a ?b ?c }",
    'SELECT ?x WHERE {\n  ?x ?p "Kota Malang \u2013 Klojen" . WHER ?z }',
    "SELEC ?x WHERE { ?x ?p ?o }",
    "",
]


def parse_error(text: str) -> QuerySyntaxError:
    """The syntax error Oxigraph finds in ``text``, as the engine reports it."""
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        return syntax_error(error, text)
    raise AssertionError(f"{text!r} parsed")


def raw_position(text: str) -> tuple[int, int]:
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        match = re.match(r"error at (\d+):(\d+):", str(error))
        assert match, str(error)
        return int(match.group(1)), int(match.group(2))
    raise AssertionError(f"{text!r} parsed")


# --- Where: Oxigraph's line and column ----------------------------------------------------------

NON_ASCII = "\n".join(
    [
        "SELECT ?x WHERE {",
        '  ?x ?p "Kota Malang \u2013 Klojen, 日本語" .',
        '  ?x ?q "é 😀 ñ" OPTIONAL ?y }',
    ]
)


def test_oxigraph_counts_1_based_characters_and_lines_ended_by_newline() -> None:
    last = NON_ASCII.splitlines()[2]
    expected = last.index("?y") + 1  # in characters: in bytes (or UTF-16) it would be more
    assert raw_position(NON_ASCII) == (3, expected)
    assert len(last[: expected - 1].encode()) != expected - 1
    assert raw_position(NON_ASCII.replace("\n", "\r\n"))[0] == 3  # \r\n is one line end
    assert raw_position(NON_ASCII.replace("\n", "\r"))[0] == 1  # a lone \r is not


def test_a_syntax_error_gives_line_column_and_token_after_non_ascii_text() -> None:
    error = parse_error(NON_ASCII)
    last = NON_ASCII.splitlines()[2]
    assert (error.line, error.column, error.token) == (3, last.index("?y") + 1, "?y")
    assert error.problem == "near" and error.prefix is None
    assert error.message.startswith(f'Syntax error at line 3, column {error.column}, near "?y"')


def test_offsets_and_positions_agree() -> None:
    text = "ab\nçd😀ef\n\nx"
    for offset in range(len(text) + 1):
        assert offset_of(text, *position_of(text, offset)) == offset
    assert position_of(text, text.index("e")) == (2, 4)
    assert offset_of(text, 2, 99) == text.index("\n", 3)  # kept within its line
    assert offset_of(text, 9, 1) == len(text)


def test_a_word_is_quoted_from_its_start() -> None:
    error = parse_error("SELECT ?x, ?y WHERE { ?x ?p ?y }")
    assert error.token == "WHERE" and error.column == len("SELECT ?x, ?y ") + 1


def test_the_end_of_the_text_has_no_token() -> None:
    error = parse_error("SELECT * WHERE {\n ?s ?p ?o ?x }")
    assert error.problem == "end" and error.token is None and error.line == 2
    assert "end of the query" in error.message


def test_an_invalid_iri_is_quoted_whole() -> None:
    error = parse_error("SELECT ?x WHERE { ?x ?p <http://x y> . ?a ?b ?c }")
    assert error.problem == "iri" and error.token == "<http://x y>" and error.prefix is None
    assert error.column == len("SELECT ?x WHERE { ?x ?p ") + 1


def test_a_quoted_token_is_short_and_never_cut_inside_a_character() -> None:
    assert quoted("x" * 40) == "x" * 40
    assert quoted("x" * 39 + "e\u0301" + "tail") == "x" * 39 + "…"  # é with its accent, or none
    assert quoted("😀" * 50) == "😀" * 40 + "…"
    error = parse_error("SELECT ?x WHERE { ?x ?p ?o } LIMIT " + "ü" * 100)
    assert error.token is not None and len(error.token) <= 41 and error.token.endswith("…")


@pytest.mark.parametrize("text", BROKEN)
def test_messages_are_sentences_never_parser_dumps(text: str) -> None:
    message = parse_error(text).message
    assert message[0].isupper() and len(message) < 400
    for dump in DUMPS:
        assert dump not in message, message


def test_a_message_without_position_is_cleaned() -> None:
    said = "expected one of ['a' ..= 'z' | '\\u{00B7}'], [_]"
    message = syntax_error(SyntaxError(said), "ASK {}").message
    assert message == "Syntax error: the query cannot be read."
    assert syntax_error(SyntaxError("bad input"), "").message == "Syntax error: bad input."


# --- Undeclared prefixes ----------------------------------------------------------------------


def test_an_undeclared_known_prefix_is_named_with_its_declaration() -> None:
    text = 'SELECT * WHERE {\n  ?s a ?c ;\n     skos:prefLabel "Klojen"@id }'
    error = parse_error(text)
    assert (error.prefix, error.token, error.line, error.column) == ("skos", "skos:prefLabel", 3, 6)
    assert error.problem == "prefix"
    assert error.message == (
        f'The prefix "skos:" is not declared (line 3, column 6); add: PREFIX skos: <{SKOS}>'
    )


def test_an_undeclared_unknown_prefix_says_it_is_not_the_datasets() -> None:
    # After ``;`` Oxigraph reports "expected OPTIONAL" there, not "Prefix not found".
    text = 'PREFIX a: <http://x/>\nSELECT ?x WHERE {\n  ?x a:b "日本" ;\n  foo:bar ?z }'
    error = parse_error(text)
    assert (error.prefix, error.token, error.line, error.column) == ("foo", "foo:bar", 4, 3)
    assert "not a prefix of this dataset" in error.message and "PREFIX foo: <" in error.message


@pytest.mark.parametrize(
    ("text", "prefix", "token"),
    [
        ('SELECT ?x WHERE { ?x ?p "1"^^xsd:integer }', "xsd", "xsd:integer"),
        ("SELECT ?x WHERE {\n  ?x skos:broader/skos:prefLabel ?z }", "skos", "skos:broader"),
        ("SELECT ?x WHERE { ?x ?p ?z FILTER(?z = xsd:integer(1)) }", "xsd", "xsd:integer"),
        ("SELECT ?x WHERE { ?x <http://x/> 1 ; :bar ?z }", "", ":bar"),
        ("PREFIX mk: <x:>\nASK { ?x a mk:A ; org:memberOf ?y }", "org", "org:memberOf"),
    ],
)
def test_the_undeclared_prefix_is_found_in_the_text(text: str, prefix: str, token: str) -> None:
    error = parse_error(text)
    assert (error.prefix, error.token) == (prefix, token)
    assert offset_of(text, error.line or 0, error.column or 0) == text.index(token)


def test_the_declaration_offered_is_the_datasets_own() -> None:
    text = "SELECT * WHERE { ?s a mk:Kelurahan }"
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(text)
    elsewhere = syntax_error(raised.value, text, Layout("https://example.org/kg/").prefixes)
    assert elsewhere.message.endswith("add: PREFIX mk: <https://example.org/kg/ontology#>")
    assert syntax_error(raised.value, text).message.endswith(f"PREFIX mk: <{PREFIXES['mk']}>")


def test_the_engine_reports_an_undeclared_prefix(engine: QueryService) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        engine.execute(QueryRequest("SELECT * WHERE {\n ?s a schema:Event }"))
    assert (raised.value.prefix, raised.value.line, raised.value.column) == ("schema", 2, 7)
    assert "PREFIX schema: <https://schema.org/>" in raised.value.message


def test_the_guard_names_an_undeclared_prefix_in_from() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        check("SELECT * FROM g:x WHERE { ?s ?p ?o }", 10_000, 64)
    assert raised.value.prefix == "g" and raised.value.problem == "prefix"


# --- Typed fields, kept across the query processes ---------------------------------------------


def test_fields_survive_pickling() -> None:
    errors: list[QueryError] = [
        QuerySyntaxError("x", line=2, column=3, token="WHER", prefix=None, problem="near"),
        QueryTimeout("t", limit_seconds=0.5, queued=True),
        QueryResourceExceeded("m", memory_mib=512),
        QueryRejected("r", reason="nesting", limit=64),
        QueryTooLarge("l", limit=10),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and vars(copy) == vars(error)


@pytest.mark.parametrize(
    ("text", "reason", "subject", "limit"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "service", None, None),
        ("LOAD <http://x/d.ttl>", "load", None, None),
        ("INSERT DATA { <x:a> <x:b> 1 }", "update", "INSERT", None),
        ("ASK " + "{" * 70 + "}" * 70, "nesting", None, 64),
        ("ASK { ?s ?p '\\uD800' }", "encoding", "\\uD800", None),
    ],
)
def test_guard_refusals_carry_what_was_refused(
    text: str, reason: str, subject: str | None, limit: int | None
) -> None:
    with pytest.raises(QueryRejected) as raised:
        check(text, 10_000, 64)
    assert (raised.value.reason, raised.value.subject, raised.value.limit) == (
        reason,
        subject,
        limit,
    )


def test_too_large_carries_the_limit() -> None:
    with pytest.raises(QueryTooLarge) as raised:
        check("ASK {}" + " " * 100, 50, 64)
    assert raised.value.limit == 50


def test_an_unknown_graph_carries_the_datasets_graphs(engine: QueryService) -> None:
    with pytest.raises(QueryRejected) as raised:
        engine.check(QueryRequest("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }"))
    assert raised.value.subject == "http://127.0.0.1:9/g"
    assert raised.value.choices == engine.graphs and engine.graphs


def test_a_timeout_carries_its_limit(engine: QueryService) -> None:
    tight = QueryService(engine.backend, replace(engine.settings, query_timeout=0.5))
    with pytest.raises(QueryTimeout) as raised:
        tight.execute(QueryRequest(CARTESIAN))
    assert raised.value.limit_seconds == 0.5 and not raised.value.queued
