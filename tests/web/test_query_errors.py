"""A query that is not answered is explained in the interface's language (``web/i18n/queries.py``
through ``web/http/errors.py``): an undeclared prefix with the PREFIX line to add, a syntax error
with its line, column and token, timeouts, refusals, and the engine's faults, as JSON (with those
fields), plain text or HTML."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.config import Settings
from malang_kg.dataset.labels import LANGUAGES
from malang_kg.engine.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    QueryAbandoned,
    QueryError,
    QueryRejected,
    QueryResourceExceeded,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
)
from malang_kg.iris import PREFIXES
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app, embedded_service
from malang_kg.web.i18n.queries import TEXTS, Explanation, explain, number, sentence

JSON = "application/json"
SKOS_FIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
UNDECLARED = 'SELECT ?area WHERE {\n  ?area skos:prefLabel "Klojen"@id }'
UNKNOWN = "SELECT ?x WHERE { ?x ex:name ?name }"
MULTILINE = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?x WHERE {\n"
    '  ?x skos:prefLabel "Kelurahan Samaan \u2013 Klojen, Malang 日本 😀" OPTIONAL ?y }'
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SERVICE = "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }"
DUMPS = ("expected one of", "['", "\\u{", "[_]")


def ask(
    client: FlaskClient, query: str, accept: str = JSON, lang: str | None = None, **headers: str
) -> TestResponse:
    params = {"query": query, **({"lang": lang} if lang else {})}
    return client.get("/sparql", query_string=params, headers={"Accept": accept, **headers})


def body(response: TestResponse) -> dict[str, object]:
    document = response.get_json()
    assert isinstance(document, dict), response.get_data(as_text=True)
    return document


def assert_clean(message: str) -> None:
    for dump in DUMPS:
        assert dump not in message, message
    assert "Traceback" not in message


# --- Undeclared prefixes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "is not declared"), ("id", "belum dideklarasikan")]
)
def test_an_undeclared_prefix_says_which_and_the_line_to_add(
    client: FlaskClient, lang: str, words: str
) -> None:
    response = ask(client, UNDECLARED, lang=lang)
    assert response.status_code == 400
    document = body(response)
    assert document["error"] == "Bad Request" and document["status"] == 400
    assert document["prefix"] == "skos" and document["fix"] == SKOS_FIX
    assert (document["line"], document["column"], document["token"]) == (2, 9, "skos:prefLabel")
    message = str(document["message"])
    assert words in message and message.endswith(SKOS_FIX) and '"skos:"' in message
    assert_clean(message)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "not a prefix of this dataset"), ("id", "bukan prefiks dataset ini")],
)
def test_an_unknown_prefix_has_no_fix(client: FlaskClient, lang: str, words: str) -> None:
    document = body(ask(client, UNKNOWN, lang=lang))
    assert document["prefix"] == "ex" and document["token"] == "ex:name"
    assert "fix" not in document
    assert words in str(document["message"]) and '"ex:"' in str(document["message"])


def test_the_fix_is_the_served_datasets_prefix(built: tuple[Settings, Manifest]) -> None:
    settings = dataclasses.replace(built[0], base_iri="https://example.org/kg/")
    client = create_app(settings, engine=embedded_service(built[0])).test_client()
    document = body(ask(client, "ASK { ?x a mk:Kelurahan }", lang="en"))
    assert document["fix"] == "PREFIX mk: <https://example.org/kg/ontology#>"


# --- Other syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "Syntax error at line 3, column"), ("id", "Kesalahan sintaks di baris 3, kolom")],
)
def test_a_syntax_error_gives_line_column_and_token(
    client: FlaskClient, lang: str, start: str
) -> None:
    document = body(ask(client, MULTILINE, lang=lang))
    column = MULTILINE.splitlines()[2].index("?y") + 1  # characters, after non-ASCII ones
    assert (document["line"], document["column"], document["token"]) == (3, column, "?y")
    assert "prefix" not in document and "fix" not in document
    message = str(document["message"])
    assert message.startswith(f"{start} {column}") and '"?y"' in message
    assert_clean(message)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { ?x ?p ?o . FILTER(?o > ) }",
        "SELECT ?x WHERE { ?x ?p ?o } GROUP BY",
        'SELECT ?x WHERE { ?x ?p "unterminated }',
        "SELECT ?x WHERE { ?x ?p <http://x y> . ?a ?b ?c }",
        "SELECT * WHERE { ?s ?p }",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_a_parser_dump(client: FlaskClient, query: str, lang: str) -> None:
    document = body(ask(client, query, lang=lang))
    assert document["status"] == 400 and isinstance(document["line"], int)
    message = str(document["message"])
    assert_clean(message)
    assert message[0].isupper() and message.endswith((".", ")"))


def test_the_language_follows_accept_language(client: FlaskClient) -> None:
    english = ask(client, UNDECLARED, **{"Accept-Language": "en-GB,en;q=0.9"})
    indonesian = ask(client, UNDECLARED, **{"Accept-Language": "id"})
    assert "is not declared" in str(body(english)["message"])
    assert "belum dideklarasikan" in str(body(indonesian)["message"])
    assert "belum dideklarasikan" in str(body(ask(client, UNDECLARED))["message"])  # the default
    assert "Accept-Language" in english.headers.get("Vary", "")
    chosen = ask(client, UNDECLARED, lang="en", **{"Accept-Language": "id"})
    assert "is not declared" in str(body(chosen)["message"])
    assert "Accept-Language" not in chosen.headers.get("Vary", "")


def test_plain_text_answers_are_explained(client: FlaskClient) -> None:
    response = ask(client, UNDECLARED, "text/csv", lang="id")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "belum dideklarasikan" in text and SKOS_FIX in text


# --- Timeouts and refusals --------------------------------------------------------------------


def test_a_timeout_is_explained_with_its_limit(built: tuple[Settings, Manifest]) -> None:
    tight = embedded_service(dataclasses.replace(built[0], query_timeout=0.5, threads=1))
    client = create_app(built[0], engine=tight).test_client()
    english = ask(client, CARTESIAN, lang="en")
    assert english.status_code == 503
    assert "time limit of 0.5 s" in str(body(english)["message"])
    indonesian = ask(client, CARTESIAN + " # again", lang="id")
    assert "batas waktu 0,5 detik" in str(body(indonesian)["message"])
    assert "line" not in body(indonesian)


@pytest.mark.parametrize(
    ("query", "english", "indonesian"),
    [
        (SERVICE, "SERVICE is not allowed", "SERVICE tidak diizinkan"),
        ("INSERT DATA { <x:a> <x:b> 1 }", "INSERT is a SPARQL Update", "INSERT adalah operasi"),
        ("LOAD <http://x/d.ttl>", "LOAD is not allowed", "LOAD tidak diizinkan"),
        ("ASK " + "{" * 100 + "}" * 100, "nested more than 64 levels", "lebih dari 64 tingkat"),
        ("ASK { ?s ?p '\\uD800' }", "\\uD800, an escape", "\\uD800, escape yang"),
        (
            "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
            "<http://127.0.0.1:9/g> is not a graph of this dataset",
            "<http://127.0.0.1:9/g> bukan graf dataset ini",
        ),
    ],
)
def test_refusals_are_explained_in_both_languages(
    client: FlaskClient, query: str, english: str, indonesian: str
) -> None:
    for lang, words in (("en", english), ("id", indonesian)):
        response = ask(client, query, lang=lang)
        assert response.status_code == 400
        assert words in str(body(response)["message"]), body(response)


def test_an_unknown_graph_lists_the_datasets_graphs(client: FlaskClient) -> None:
    message = str(body(ask(client, "SELECT * FROM <x:g> WHERE { ?s ?p ?o }", lang="en"))["message"])
    assert "Its graphs are: <https://w3id.org/malang-kg/graph/" in message


# --- The handler in every format, for every error ------------------------------------------


ERRORS: dict[str, QueryError] = {
    "timeout": QueryTimeout("the query timed out", limit_seconds=30),
    "busy": QueryTimeout("busy", limit_seconds=2.5, queued=True),
    "memory": QueryResourceExceeded("too much memory", memory_mib=512),
    "unavailable": BackendUnavailable("the SPARQL engine cannot be reached; try again shortly"),
    "failing": BackendError("the SPARQL engine failed to answer (HTTP 500)"),
    "slow": BackendTimeout("the SPARQL engine did not answer in time"),
    "large": QueryTooLarge("too large", limit=10_000),
    "other": QueryError("values can only be bound in a SELECT query"),
    "prefix": QuerySyntaxError("x", line=1, column=5, token="skos:a", prefix="skos"),
}


@pytest.fixture
def raising(app: Flask) -> FlaskClient:
    """The app with ``/raise/<name>``, which raises ``ERRORS[name]``."""

    def fail(name: str) -> str:
        raise ERRORS[name]

    app.add_url_rule("/raise/<name>", "raise", fail)
    return app.test_client()


@pytest.mark.parametrize(
    ("name", "english", "indonesian"),
    [
        ("timeout", "time limit of 30 s", "batas waktu 30 detik"),
        ("busy", "no turn within 2.5 s", "dalam 2,5 detik"),
        ("memory", "512 MiB of memory", "512 MiB"),
        ("unavailable", "cannot be reached", "tidak dapat dihubungi"),
        ("failing", "failed to answer (HTTP 500)", "gagal menjawab"),
        ("slow", "did not answer in time", "tidak menjawab tepat waktu"),
        ("large", "longer than 10000 bytes", "lebih panjang dari 10000 byte"),
        ("other", "Values can only be bound", "Pesan dari server (dalam bahasa Inggris): Values"),
    ],
)
def test_every_format_says_it_in_the_language(
    raising: FlaskClient, name: str, english: str, indonesian: str
) -> None:
    for lang, words in (("en", english), ("id", indonesian)):
        for accept in (JSON, "text/html", "text/plain"):
            response = raising.get(f"/raise/{name}?lang={lang}", headers={"Accept": accept})
            assert response.status_code == ERRORS[name].status
            text = response.get_data(as_text=True)
            assert words in (str(body(response)["message"]) if accept == JSON else text), text


def test_html_error_pages_show_the_fix(raising: FlaskClient) -> None:
    page = raising.get("/raise/prefix?lang=id", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "belum dideklarasikan" in text
    assert "PREFIX skos: &lt;http://www.w3.org/2004/02/skos/core#&gt;" in text


# --- explain() itself -------------------------------------------------------------------------


def test_every_text_is_in_both_languages() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_explain_gives_the_fields_the_query_page_shows() -> None:
    error = QuerySyntaxError("x", line=3, column=12, token="skos:a", prefix="skos")
    said = explain(error, "en", PREFIXES)
    assert said == Explanation(said.message, 3, 12, "skos:a", "skos", SKOS_FIX, "prefix")
    assert said.fields() == {
        "line": 3,
        "column": 12,
        "token": "skos:a",
        "prefix": "skos",
        "fix": SKOS_FIX,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        said.message = "changed"  # type: ignore[misc]
    unknown = explain(QuerySyntaxError("x", prefix="zz"), "id", PREFIXES)
    assert unknown.case == "prefix-unknown" and unknown.fix is None and unknown.line is None
    assert "(baris" not in unknown.message


def test_explain_without_a_position_keeps_the_servers_words() -> None:
    error = QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    assert explain(error, "en", PREFIXES).message == (
        "Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE."
    )
    indonesian = explain(error, "id", PREFIXES).message
    assert indonesian.startswith("Kueri tidak dapat dibaca. Pesan dari server")


@pytest.mark.parametrize(
    ("error", "case"),
    [
        (QueryTimeout("t"), "timeout"),
        (QueryTimeout("t", limit_seconds=1.0, queued=True), "busy"),
        (QueryRejected("r", reason="service"), "refused"),
        (QueryRejected("r", reason="update"), "refused"),
        (QueryRejected("r", reason="nesting"), "refused"),
        (QueryRejected("r", reason="unknown-graph"), "refused"),
        (QueryRejected("r", reason="encoding"), "refused"),
        (QueryRejected("r", reason="invalid"), "other"),
        (QueryResourceExceeded("m"), "resources"),
        (QueryAbandoned("gone"), "abandoned"),
    ],
)
def test_each_case_has_a_sentence_in_both_languages(error: QueryError, case: str) -> None:
    said = {lang: explain(error, lang, PREFIXES) for lang in LANGUAGES}
    assert said["id"].case == said["en"].case == case
    assert said["id"].message != said["en"].message or case == "other"
    for explanation in said.values():
        assert explanation.message[0].isupper() and "{" not in explanation.message


def test_sentences_and_numbers() -> None:
    assert sentence("the query timed out") == "The query timed out."
    assert sentence("Done!") == "Done!"
    assert (number(0.5, "id"), number(0.5, "en"), number(30.0, "id")) == ("0,5", "0.5", "30")
