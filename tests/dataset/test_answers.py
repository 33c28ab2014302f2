"""Named queries answered at build time: the build writes the answer of every query that binds
no parameter, the pages read from it equal the pages the engine computes, and an answer whose
query text has changed since the build is not used."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.dataset.answers import ANSWERS_DIR, BuiltAnswers, answerable
from malang_kg.dataset.labels import LabelIndex
from malang_kg.dataset.named_queries import NamedQuery, PageRequest, run
from malang_kg.engine.service import QueryService
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
