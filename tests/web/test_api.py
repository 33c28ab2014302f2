"""``/api/queries``: the named queries as a web API, in every format and with every parameter type.

Besides the project's queries, a query written here (``typed``) takes one parameter of each type
(iri, string, language, integer, date) and returns values of each JSON type, so that binding and
typing are checked end to end; it is served from a temporary HOME over the real build.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from malang_kg.config import Settings
from malang_kg.engine.remote.backend import RemoteBackend
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from tests.conftest import ID, ROOT, settings_for

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph", "virtuoso")

TYPED_QUERY = """# title@en: Typed parameters
# title@id: Parameter bertipe
# description@en: One row that echoes a parameter of each type, and a value of each JSON type.
# description@id: Satu baris yang menggemakan parameter dari setiap tipe.
# param lang: language = en ; language of the labels
# param area: iri = https://w3id.org/malang-kg/id/kelurahan/samaan ; an area
# param name: string = Samaan ; a name
# param tag: language = id ; a language tag
# param count: integer = 3 ; a number
# param day: date = 2023-11-06 ; a day
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?place ?label ?shout ?next ?dayText ?tagText ?half ?double ?flag
       ?lang ?area ?name ?tag ?count ?day
WHERE {
  OPTIONAL { ?area skos:prefLabel ?label FILTER (LANGMATCHES(LANG(?label), ?tag)) }
  BIND (STR(?area) AS ?place)
  BIND (CONCAT(?name, "!") AS ?shout)
  BIND (?count + 1 AS ?next)
  BIND (STR(?day) AS ?dayText)
  BIND (CONCAT(?tag, "/", ?lang) AS ?tagText)
  BIND (1.5 AS ?half)
  BIND (2.5e0 AS ?double)
  BIND (true AS ?flag)
}
"""


def data(response: TestResponse) -> Any:
    """The JSON body of a response (fails the test if there is none)."""
    body = response.get_json(silent=True)
    assert body is not None, response.get_data(as_text=True)[:500]
    return body


def typed_settings(store: Path, home: Path) -> Settings:
    (home / "queries").mkdir(parents=True, exist_ok=True)
    for query in (ROOT / "queries").glob("*.rq"):
        (home / "queries" / query.name).write_text(query.read_text(encoding="utf-8"))
    (home / "queries" / "typed.rq").write_text(TYPED_QUERY, encoding="utf-8")
    return settings_for(store, HOME=str(home))


@pytest.fixture
def typed_client(
    built: tuple[Settings, Manifest], engine: QueryService, tmp_path: Path
) -> FlaskClient:
    app = create_app(typed_settings(built[0].store, tmp_path), engine=engine)
    app.config["TESTING"] = True
    return app.test_client()


def test_list_is_json_by_default_and_html_for_browsers(client: FlaskClient) -> None:
    response = client.get("/api/queries")
    assert response.status_code == 200 and response.mimetype == "application/json"
    listed = {item["name"]: item for item in data(response)}
    assert {"awards", "subdistricts", "kim-coverage"} <= set(listed)
    awards = listed["awards"]
    assert awards["title"] == {"en": "Awards", "id": "Penghargaan"}
    assert awards["parameters"][0]["name"] == "lang"
    assert awards["formats"]["csv"].endswith("/api/queries/awards.csv")
    assert "/sparql?query=" in awards["sparql"]
    html = client.get("/api/queries", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    assert "Named queries API" in page and "/api/queries/awards.csv" in page
    page_id = client.get("/api/queries?lang=id", headers={"Accept": "text/html"})
    assert "API kueri bernama" in page_id.get_data(as_text=True)


def test_plain_json_has_typed_values(client: FlaskClient) -> None:
    response = client.get("/api/queries/kim-coverage")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = data(response)
    assert body["query"] == "kim-coverage"
    assert body["columns"] == ["kelurahanTotal", "kimReported", "asOf", "approximate"]
    assert body["rows"] == [
        {"kelurahanTotal": 57, "kimReported": 40, "asOf": "2023-11-06", "approximate": True}
    ]
    assert body["truncated"] is False
    assert body["parameters"] == {"lang": "en"}
    assert isinstance(body["elapsed_ms"], int | float)
    assert data(client.get("/api/queries/kim-coverage.json"))["rows"] == body["rows"]


def test_lang_chooses_label_language(client: FlaskClient) -> None:
    english = data(client.get("/api/queries/classes?lang=en"))
    indonesian = data(client.get("/api/queries/classes.json?lang=id"))
    assert indonesian["parameters"] == {"lang": "id"}
    labels_en = {row["class"]: row["classLabel"] for row in english["rows"]}
    labels_id = {row["class"]: row["classLabel"] for row in indonesian["rows"]}
    kelurahan = "https://w3id.org/malang-kg/ontology#Kelurahan"
    assert labels_en[kelurahan] == "kelurahan (urban village)"
    assert labels_id[kelurahan] == "kelurahan"
    assert "lang" not in english["columns"]


@pytest.mark.parametrize(
    ("suffix", "accept", "mime"),
    [
        ("", "application/sparql-results+json", "application/sparql-results+json"),
        (".srj", None, "application/sparql-results+json"),
        ("", "text/csv", "text/csv"),
        (".csv", None, "text/csv"),
        ("", "text/tab-separated-values", "text/tab-separated-values"),
        (".tsv", None, "text/tab-separated-values"),
        ("", "application/json", "application/json"),
        ("", "*/*", "application/json"),
    ],
)
def test_formats(client: FlaskClient, suffix: str, accept: str | None, mime: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/api/queries/subdistricts{suffix}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mime
    text = response.get_data(as_text=True)
    if mime == "application/sparql-results+json":
        document = json.loads(text)
        assert "lang" not in document["head"]["vars"]
        assert len(document["results"]["bindings"]) == 57
        first = document["results"]["bindings"][0]
        assert first["kelurahan"]["type"] == "uri"
    elif mime == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 57 and "lang" not in rows[0]
        assert {row["kemendagriCode"] for row in rows} >= {"35.73.02.1001"}
    elif mime == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0].split("\t")[0] == "?kelurahan" and len(lines) == 58
    else:
        assert len(json.loads(text)["rows"]) == 57
    if not suffix:
        assert "Accept" in response.headers.get("Vary", "")


def test_html_view(client: FlaskClient) -> None:
    response = client.get(
        "/api/queries/subdistricts?lang=en", headers={"Accept": "text/html,*/*;q=0.8"}
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Kelurahan of Kota Malang" in page
    assert "The 57 kelurahan" in page
    assert 'id="results"' in page and "Rampalcelaket" in page
    assert 'id="open-in-editor" href="/sparql?query=' in page
    assert "/api/queries/subdistricts.csv?lang=en" in page
    assert "SELECT ?kelurahan" in page
    assert '<form method="get"' in page
    indonesian = client.get("/api/queries/subdistricts.html?lang=id").get_data(as_text=True)
    assert "Kelurahan di Kota Malang" in indonesian and "Parameter" in indonesian


def test_every_parameter_type_is_bound_as_a_value(typed_client: FlaskClient) -> None:
    defaults = data(typed_client.get("/api/queries/typed"))
    assert defaults["rows"] == [
        {
            "place": ID + "kelurahan/samaan",
            "label": "Samaan",
            "shout": "Samaan!",
            "next": 4,
            "dayText": "2023-11-06",
            "tagText": "id/en",
            "half": 1.5,
            "double": 2.5,
            "flag": True,
        }
    ]
    assert defaults["parameters"] == {
        "lang": "en",
        "area": ID + "kelurahan/samaan",
        "name": "Samaan",
        "tag": "id",
        "count": 3,
        "day": "2023-11-06",
    }
    given = data(
        typed_client.get(
            "/api/queries/typed",
            query_string={
                "area": ID + "kelurahan/klojen",
                "name": 'Kl"ojen} . ?s ?p ?o {',
                "tag": "en",
                "count": "-41",
                "day": "2024-02-29",
                "lang": "id",
            },
        )
    )
    row = given["rows"][0]
    assert row["place"] == ID + "kelurahan/klojen"
    assert row["shout"] == 'Kl"ojen} . ?s ?p ?o {!'  # a value, never query text
    assert row["next"] == -40
    assert row["dayText"] == "2024-02-29"
    assert row["tagText"] == "en/id"
    assert row["label"] == "Klojen"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lang=xx;", "lang"),
        ("lang=fr", "lang"),
        ("lang=", "lang"),
        ("area=not-an-iri", "area"),
        ("area=javascript:alert(1)", "area"),
        ("tag=e n", "tag"),
        ("count=3.5", "count"),
        ("count=1e3", "count"),
        ("day=2023-02-30", "day"),
        ("day=yesterday", "day"),
        ("colour=red", "colour"),
        ("count=1&count=2", "count"),
    ],
)
def test_bad_parameters_answer_400_naming_them(
    typed_client: FlaskClient, query: str, parameter: str
) -> None:
    response = typed_client.get(f"/api/queries/typed?{query}")
    assert response.status_code == 400
    assert data(response)["parameter"] == parameter
    assert repr(parameter) in data(response)["message"]
    csv_error = typed_client.get(f"/api/queries/typed.csv?{query}")
    assert csv_error.status_code == 400 and csv_error.mimetype == "text/plain"
    assert repr(parameter) in csv_error.get_data(as_text=True)
    html = typed_client.get(f"/api/queries/typed.html?{query}")
    assert html.status_code == 400 and html.mimetype == "text/html"
    assert 'role="alert"' in html.get_data(as_text=True)


def test_bad_parameter_on_a_project_query(client: FlaskClient) -> None:
    response = client.get("/api/queries/awards?lang=xx;")
    assert response.status_code == 400
    assert data(response)["parameter"] == "lang"
    unknown = client.get("/api/queries/awards?colour=red")
    assert unknown.status_code == 400 and data(unknown)["parameter"] == "colour"
    for bad in ("limit=0", "limit=x", "page=0", "limit=10001", "page=-1"):
        refused = client.get(f"/api/queries/awards?{bad}")
        assert refused.status_code == 400, bad
        assert data(refused)["parameter"] == bad.split("=")[0]


def test_bad_utf8_is_400(client: FlaskClient) -> None:
    response = client.get("/api/queries/awards?lang=%ff")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/queries/nope",
        "/api/queries/nope.json",
        "/api/queries/awards.xml",
        "/api/queries/a.b.c",
    ],
)
def test_unknown_query_is_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "awards" in data(response)["message"]


def test_unacceptable_media_type_is_406(client: FlaskClient) -> None:
    response = client.get("/api/queries/awards", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_truncated_results_say_so(built: tuple[Settings, Manifest], engine: QueryService) -> None:
    limited = QueryService(engine.backend, replace(engine.settings, max_rows=5))
    app: Flask = create_app(built[0], engine=limited)
    client = app.test_client()
    response = client.get("/api/queries/subdistricts")
    assert response.status_code == 200
    assert response.headers["X-SPARQL-MaxRows"] == "5"
    assert data(response)["truncated"] is True and len(data(response)["rows"]) == 5
    csv_response = client.get("/api/queries/subdistricts.csv")
    assert csv_response.headers["X-SPARQL-MaxRows"] == "5"
    html = client.get("/api/queries/subdistricts.html").get_data(as_text=True)
    assert 'id="truncated"' in html
    complete = client.get("/api/queries/kim-coverage")
    assert "X-SPARQL-MaxRows" not in complete.headers


def test_health_reports_workers(client: FlaskClient, built: tuple[Settings, Manifest]) -> None:
    body = data(client.get("/health"))
    assert body["status"] == "ok" and body["store_loaded"] is True
    assert body["build_id"] == built[1].build_id and body["triples"] == built[1].triples
    worker = body["worker"]
    assert isinstance(worker["pid"], int)
    assert worker["query_processes"] >= 1 and worker["query_process_restarts"] >= 0


def test_the_app_answers_from_the_engine_under_test(
    client: FlaskClient, engine: QueryService, engine_kind: str, built: tuple[Settings, Manifest]
) -> None:
    """The suites marked ``engines`` really run on each engine, serving the same build."""
    assert client.application.config["MALANG_KG_ENGINE"] is engine
    remote = isinstance(engine.backend, RemoteBackend)
    assert remote is (engine_kind != "embedded")
    assert engine.triples == built[1].triples
    assert set(engine.graphs) == {graph.iri for graph in built[1].graphs if graph.triples}
    if remote:
        assert engine.build_id == built[1].build_id


def test_pages_concatenate_to_the_whole_answer(client: FlaskClient) -> None:
    whole = data(client.get("/api/queries/subdistricts"))
    assert "next" not in whole and whole["total"] == len(whole["rows"]) == 57
    rows: list[dict[str, Any]] = []
    url: str | None = "/api/queries/subdistricts?limit=10"
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        body = data(response)
        pages += 1
        assert body["page"] == pages and body["limit"] == 10
        rows += body["rows"]
        url = body.get("next")
        if url is not None:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            assert body["truncated"] is True and "total" not in body
        else:
            assert "Link" not in response.headers and body["total"] == 57
    assert pages == 6
    assert rows == whole["rows"]


def test_a_live_page_past_the_end_claims_no_total(client: FlaskClient) -> None:
    body = data(client.get("/api/queries/subdistricts?limit=10&page=99"))
    assert body["rows"] == [] and "next" not in body and "total" not in body


def test_every_format_pages(client: FlaskClient) -> None:
    csv_page = client.get("/api/queries/subdistricts.csv?limit=5&page=2")
    assert csv_page.status_code == 200
    assert len(csv_page.get_data(as_text=True).strip().splitlines()) == 1 + 5
    assert "page=3" in csv_page.headers["Link"] and "subdistricts.csv" in csv_page.headers["Link"]
    html = client.get("/api/queries/subdistricts.html?limit=5", headers={"Accept": "text/html"})
    assert 'id="next-page"' in html.get_data(as_text=True)
    last = client.get("/api/queries/subdistricts.html?limit=5&page=12")
    assert 'id="next-page"' not in last.get_data(as_text=True)
