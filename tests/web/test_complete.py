"""``GET /api/complete``: the editor's completions over HTTP — results, languages, spelling
variants, limits, caching, and refusals in the interface language."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

ID = "https://w3id.org/malang-kg/id/"
MK = "https://w3id.org/malang-kg/ontology#"


def results(client: FlaskClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/complete", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"] == params["q"]
    found: list[dict[str, Any]] = body["results"]
    return found


def test_a_prefixed_class(client: FlaskClient) -> None:
    found = results(client, q="mk:Kel")
    assert found[0]["prefixed"] == "mk:Kelurahan"
    assert found[0]["namespace"] == MK
    assert found[0]["kind"] == "class"


def test_an_entity_by_its_label_with_the_prefix_of_its_kind(client: FlaskClient) -> None:
    found = results(client, q="Samaan", kind="entity")
    assert found[0]["iri"] == ID + "kelurahan/samaan"
    assert found[0]["prefixed"] == "kelurahan:samaan"
    assert found[0]["namespace"] == ID + "kelurahan/"
    assert found[0]["path"] == "kelurahan/samaan"
    assert found[0]["types"] == [MK + "Kelurahan"]


@pytest.mark.parametrize("typed", ["oro oro dowo", "ORO-ORO-DOWO", "Óro-óro dowo", "orooro"])
def test_spelling_variants(client: FlaskClient, typed: str) -> None:
    assert results(client, q=typed, kind="entity")[0]["iri"] == ID + "kelurahan/oro-oro-dowo"


def test_labels_in_the_language_asked(client: FlaskClient) -> None:
    english = results(client, q="mk:Award", kind="class", lang="en")[0]["label"]
    indonesian = results(client, q="mk:Award", kind="class", lang="id")[0]["label"]
    assert english.lower() == "award"
    assert indonesian.lower() == "penghargaan"


def test_an_indonesian_label_finds_a_class(client: FlaskClient) -> None:
    assert results(client, q="penghargaan", kind="class")[0]["prefixed"] == "mk:Award"


def test_prefix_names(client: FlaskClient) -> None:
    found = results(client, q="sk", kind="prefix")
    assert found == [
        {
            "iri": "http://www.w3.org/2004/02/skos/core#",
            "prefixed": "skos:",
            "namespace": "http://www.w3.org/2004/02/skos/core#",
            "path": None,
            "label": "http://www.w3.org/2004/02/skos/core#",
            "matched": "skos",
            "kind": "prefix",
            "types": [],
        }
    ]


def test_the_limit_is_kept(client: FlaskClient) -> None:
    assert len(results(client, q="k", kind="entity", limit="3")) == 3
    assert len(results(client, q="k", kind="entity", limit="50")) <= 50


def test_answers_are_cached_by_build(client: FlaskClient) -> None:
    first = client.get("/api/complete?q=samaan")
    tag = first.headers["ETag"]
    again = client.get("/api/complete?q=samaan", headers={"If-None-Match": tag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "parameter", "english"),
    [
        ("", "q", "required"),
        ("q=", "q", "empty"),
        ("q=" + "a" * 201, "q", "longer than 200"),
        ("q=a&kind=thing", "kind", "must be one of"),
        ("q=a&lang=fr", "lang", "must be id or en"),
        ("q=a&limit=0", "limit", "from 1 to 50"),
        ("q=a&limit=51", "limit", "from 1 to 50"),
        ("q=a&limit=ten", "limit", "from 1 to 50"),
        ("q=a&q=b", "q", "given 2 times"),
        ("q=a&sort=x", "sort", "not a parameter"),
        ("q=%ff", "q", "not valid UTF-8"),
    ],
)
def test_bad_input_is_400_in_the_interface_language(
    client: FlaskClient, query: str, parameter: str, english: str
) -> None:
    response = client.get("/api/complete?" + query, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert english in body["message"]
    indonesian = client.get("/api/complete?" + query, headers={"Accept-Language": "id"})
    assert indonesian.get_json()["message"] != body["message"]
    assert (
        "Parameter" in indonesian.get_json()["message"]
        or "UTF-8" in body["message"]
        or ("bukan parameter" in indonesian.get_json()["message"])
    )
