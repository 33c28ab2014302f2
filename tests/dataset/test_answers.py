"""Named queries answered at build time: the build writes the answer of every query that binds
no parameter (and its plain JSON and CSV rows in each language), the pages read from it equal
the pages the engine computes, and an answer whose query text has changed since the build is not
used."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.dataset.answers import ANSWERS_DIR, Answer, BuiltAnswers, RowFile, answerable
from malang_kg.dataset.labels import LabelIndex
from malang_kg.dataset.named_queries import NamedQuery, PageRequest, run
from malang_kg.engine import SelectResult
from malang_kg.engine.service import QueryService
from malang_kg.formats.results import to_csv
from malang_kg.formats.rows import plain_row
from malang_kg.store.builds import Manifest, current_build_dir


@pytest.fixture(scope="module")
def answers(built: tuple[Settings, Manifest]) -> BuiltAnswers:
    return BuiltAnswers(current_build_dir(built[0].store) / ANSWERS_DIR)


def test_every_query_without_bound_parameters_is_answered_by_the_build(
    answers: BuiltAnswers, queries: dict[str, NamedQuery]
) -> None:
    expected = {name for name, query in queries.items() if answerable(query)}
    assert "awards" in expected
    assert "subdistricts" not in expected  # it binds ?lang in its SPARQL
    assert {name for name in queries if name in answers} == expected


@pytest.mark.parametrize("limit", [3, 7, 1000])
def test_pages_of_the_built_answer_equal_the_engines(
    answers: BuiltAnswers,
    queries: dict[str, NamedQuery],
    embedded_engine: QueryService,
    labels: LabelIndex,
    limit: int,
) -> None:
    for name, query in queries.items():
        built = answers.answer(query)
        if built is None:
            continue
        number = 1
        while True:
            page = PageRequest(limit, number)
            ours = run(embedded_engine, query, {"lang": "id"}, labels, page, built)
            theirs = run(embedded_engine, query, {"lang": "id"}, labels, page)
            assert ours.columns == theirs.columns, name
            assert ours.rows == theirs.rows, (name, number)
            assert ours.truncated == theirs.truncated, (name, number)
            if not ours.truncated:
                break
            number += 1


def test_a_query_edited_since_the_build_is_run_by_the_engine(
    answers: BuiltAnswers, queries: dict[str, NamedQuery]
) -> None:
    awards = queries["awards"]
    assert answers.answer(awards) is not None
    edited = dataclasses.replace(awards, text=awards.text + "\n# edited\n")
    assert answers.answer(edited) is None


def test_a_build_without_answers_answers_nothing(
    tmp_path: Path, queries: dict[str, NamedQuery]
) -> None:
    assert BuiltAnswers(tmp_path / ANSWERS_DIR).answer(queries["awards"]) is None


def test_the_api_serves_the_built_answer(
    client: FlaskClient, answers: BuiltAnswers, queries: dict[str, NamedQuery]
) -> None:
    built = answers.answer(queries["awards"])
    assert built is not None
    body = client.get("/api/queries/awards.json?limit=2&page=2").get_json()
    awards = [row["award"] for row in body["rows"]]
    assert awards == [row["award"].value for row in built.page(2, 4)]


def test_the_api_gives_the_total_of_a_built_answer_on_every_page(
    client: FlaskClient, answers: BuiltAnswers, queries: dict[str, NamedQuery]
) -> None:
    built = answers.answer(queries["awards"])
    assert built is not None and built.rows > 2
    first = client.get("/api/queries/awards.json?limit=2").get_json()
    assert first["total"] == built.rows and "next" in first


def _engine_page(
    engine: QueryService, labels: LabelIndex, query: NamedQuery, lang: str, limit: int, number: int
) -> SelectResult:
    return run(engine, query, {"lang": lang}, labels, PageRequest(limit, number))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("limit", [5, 1000])
def test_json_and_csv_pages_written_by_the_build_equal_the_engines(
    client: FlaskClient,
    queries: dict[str, NamedQuery],
    embedded_engine: QueryService,
    labels: LabelIndex,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    limit: int,
) -> None:
    # The pages come from the written rows: the built answer is never parsed into terms.
    monkeypatch.setattr(Answer, "page", lambda *_: pytest.fail("a written page was parsed"))
    for name, query in queries.items():
        if not answerable(query):
            continue
        number = 1
        while True:
            expected = _engine_page(embedded_engine, labels, query, lang, limit, number)
            url = f"/api/queries/{name}.{{}}?lang={lang}&limit={limit}&page={number}"
            if not any(p.name == "lang" for p in query.parameters):
                url = url.replace(f"lang={lang}&", "")
            body = client.get(url.format("json")).get_json()
            assert body["columns"] == expected.columns, name
            assert body["rows"] == [plain_row(r, expected.columns) for r in expected.rows]
            assert body["truncated"] == expected.truncated == ("next" in body), (name, number)
            assert client.get(url.format("csv")).data == to_csv(expected), (name, number)
            if not expected.truncated:
                assert body["total"] == (number - 1) * limit + len(expected.rows)
                break
            number += 1


def test_a_page_past_the_end_of_written_rows_is_empty(client: FlaskClient) -> None:
    body = client.get("/api/queries/awards.json?limit=1000&page=50").get_json()
    assert body["rows"] == [] and "next" not in body
    whole = client.get("/api/queries/awards.json").get_json()
    assert body["total"] == whole["total"] == len(whole["rows"])
    csv = client.get("/api/queries/awards.csv?limit=1000&page=50").data.decode()
    assert csv.splitlines()[0].startswith("award,awardLabel,event") and csv.count("\r\n") == 1


def test_a_row_file_slices_rows_by_their_offsets(tmp_path: Path) -> None:
    rows = [b"a", b"", "\u00e9\r\n".encode(), b"last"]
    RowFile.write(tmp_path / "rows", rows)
    written = RowFile(tmp_path / "rows")
    assert written.rows == 4
    assert written.slice(0, 4) == b"".join(rows)
    assert written.slice(1, 3) == "\u00e9\r\n".encode()
    assert written.slice(3, 9) == b"last" and written.slice(7, 9) == b""
