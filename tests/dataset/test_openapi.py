"""``/api/openapi.json``: an OpenAPI 3.1 document generated from the named queries, valid against
the specification (checked with openapi-spec-validator)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from openapi_spec_validator import validate

from malang_kg.dataset.openapi import Column, column_schema
from tests.web.test_api import data, typed_client

__all__ = ["typed_client"]  # the fixture, imported for pytest


def _document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = data(response)
    return document


def test_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    document = _document(client)
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert document["servers"] == [{"url": "http://localhost"}]


def test_one_path_per_query_with_its_parameters_and_media_types(client: FlaskClient) -> None:
    document = _document(client)
    listed = data(client.get("/api/queries"))
    for item in listed:
        path = document["paths"][f"/api/queries/{item['name']}"]["get"]
        assert path["summary"] == item["title"]["en"]
        lang = next(p for p in path["parameters"] if p["name"] == "lang")
        assert lang["in"] == "query"
        assert lang["schema"] == {"type": "string", "enum": ["id", "en"], "default": "en"}
        content = path["responses"]["200"]["content"]
        assert set(content) == {
            "application/json",
            "application/sparql-results+json",
            "text/csv",
            "text/tab-separated-values",
            "text/html",
        }
        assert {"400", "404"} <= set(path["responses"])
    for other in ("/api/queries", "/.well-known/void", "/downloads/", "/reconcile", "/health"):
        assert other in document["paths"]


def test_result_schema_types_the_columns(client: FlaskClient) -> None:
    document = _document(client)
    schema = document["paths"]["/api/queries/kim-coverage"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    columns = schema["properties"]["rows"]["items"]["properties"]
    assert columns["kelurahanTotal"] == {"type": "integer"}
    assert columns["approximate"] == {"type": "boolean"}
    assert columns["asOf"] == {"type": "string"}
    subdistricts = document["paths"]["/api/queries/subdistricts"]["get"]["responses"]["200"]
    rows = subdistricts["content"]["application/json"]["schema"]["properties"]["rows"]
    assert rows["items"]["properties"]["kelurahan"] == {"type": "string", "format": "uri"}


def test_every_parameter_type(typed_client: FlaskClient) -> None:
    document = _document(typed_client)
    validate(document)
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/queries/typed"]["get"]["parameters"]
    }
    assert parameters["area"]["type"] == "string" and parameters["area"]["format"] == "uri"
    assert parameters["name"] == {"type": "string", "default": "Samaan"}
    assert parameters["tag"]["type"] == "string" and "pattern" in parameters["tag"]
    assert parameters["count"]["type"] == "integer" and parameters["count"]["default"] == 3
    assert parameters["day"] == {"type": "string", "format": "date", "default": "2023-11-06"}
    assert parameters["lang"]["enum"] == ["id", "en"]
    rows = document["paths"]["/api/queries/typed"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["properties"]["rows"]["items"]["properties"]
    assert rows["half"] == {"type": "number"} and rows["double"] == {"type": "number"}
    assert rows["next"] == {"type": "integer"} and rows["flag"] == {"type": "boolean"}


def test_column_schema_unions() -> None:
    assert column_schema(Column("x", frozenset({"integer", "null"}))) == {
        "type": ["integer", "null"]
    }
    assert column_schema(Column("x", frozenset({"integer", "number"}))) == {"type": "number"}
    assert column_schema(Column("x", frozenset())) == {"type": ["string", "null"]}
    assert column_schema(Column("x", frozenset({"uri", "null"}))) == {
        "type": ["string", "null"],
        "format": "uri",
    }
