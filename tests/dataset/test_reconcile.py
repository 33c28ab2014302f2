"""``/reconcile``: the W3C Entity Reconciliation API (v0.2, as OpenRefine speaks it). Every
kelurahan of the reference CSV, and every spelling variant the reference notes list, reconciles to
the right IRI as the top candidate; Kemendagri and BPS codes reconcile exactly, with match=true."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from tests.conftest import ID, MK, source_file
from tests.web.test_api import data

# Run on the embedded store and again on external engines (tests/conftest.py).
pytestmark = pytest.mark.engines("embedded", "oxigraph")

CODE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?area ?code WHERE { ?area skos:notation ?code }"""
VARIANTS = (
    "Rampal Celaket",
    "Gadingkasri",
    "Kidul Dalem",
    "Oro Oro Dowo",
    "Tasikmadu",
    "Bakalan Krajan",
    "Pisang Candi",
    "Karang Besuki",
)


def _areas() -> list[dict[str, str]]:
    with source_file("reference", "kota-malang-wilayah.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _iri(engine: QueryService, code: str) -> str:
    rows = engine.select(CODE_QUERY, {"code": Term.literal(code, datatype=MK + "KemendagriCode")})
    assert len(rows.rows) == 1, code
    return rows.rows[0]["area"].value


def _reconcile(client: FlaskClient, queries: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = data(response)
    assert set(body) == set(queries)
    return body


def _id(iri: str) -> str:
    assert iri.startswith(ID)
    return iri[len(ID) :]


def _spelling_pairs() -> list[tuple[str, str]]:
    """The 'A / B' spelling pairs of the reference notes (SOURCES.md)."""
    text = source_file("reference", "SOURCES.md").read_text(encoding="utf-8")
    found = re.search(r"spelled in several ways across sources:(.*?)Keep the CSV", text, re.S)
    assert found is not None
    pairs = []
    for item in found.group(1).replace("\n", " ").split(","):
        left, _, right = item.strip().rstrip(".").partition(" / ")
        pairs.append((left.strip(), right.strip()))
    return pairs


def test_manifest(client: FlaskClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = data(response)
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == ID
    assert manifest["schemaSpace"] == MK
    assert "{{id}}" in manifest["view"]["url"]
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    types = {item["id"] for item in manifest["defaultTypes"]}
    assert {"Kelurahan", "Kecamatan", "City", "http://www.w3.org/ns/org#Organization"} <= types
    assert all(item["name"] for item in manifest["defaultTypes"])
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_view_url_resolves(client: FlaskClient) -> None:
    response = client.get("/id/kelurahan/samaan", headers={"Accept": "text/html"})
    assert response.status_code == 303


def test_every_kelurahan_name_with_type(client: FlaskClient, engine: QueryService) -> None:
    rows = [row for row in _areas() if row["level"] == "kelurahan"]
    assert len(rows) == 57
    queries = {
        f"q{i}": {"query": row["name"], "type": "Kelurahan", "limit": 3}
        for i, row in enumerate(rows)
    }
    body = _reconcile(client, queries)
    for i, row in enumerate(rows):
        result = body[f"q{i}"]["result"]
        top = result[0]
        assert top["id"] == _id(_iri(engine, row["kemendagri_code"])), row["name"]
        assert top["match"] is True, row["name"]
        assert top["score"] == 100
        assert (
            top["type"] == [{"id": "Kelurahan", "name": "kelurahan"}]
            or top["type"][0]["id"] == "Kelurahan"
        )
        assert len(result) <= 3


def test_spelling_variants(client: FlaskClient, engine: QueryService) -> None:
    by_name = {
        row["name"]: _iri(engine, row["kemendagri_code"])
        for row in _areas()
        if row["level"] == "kelurahan"
    }
    pairs = _spelling_pairs()
    assert len(pairs) == 8
    expected: dict[str, str] = {}
    for left, right in pairs:
        canonical = left if left in by_name else right
        assert canonical in by_name, (left, right)
        for spelling in (left, right):
            expected[spelling] = by_name[canonical]
    assert set(VARIANTS) <= set(expected)
    extra = {
        "RAMPAL-CELAKET": expected["Rampal Celaket"],
        "  oro\u2013oro   dowo ": expected["Oro Oro Dowo"],
        "Óro-óro Dówo": expected["Oro Oro Dowo"],
        "Kelurahan Tasikmadu": expected["Tasikmadu"],
        "kidul-dalem": expected["Kidul Dalem"],
    }
    cases = {**expected, **extra}
    names = list(cases)
    typed = _reconcile(
        client, {f"q{i}": {"query": name, "type": "Kelurahan"} for i, name in enumerate(names)}
    )
    untyped = _reconcile(client, {f"q{i}": {"query": name} for i, name in enumerate(names)})
    for i, name in enumerate(names):
        for body in (typed, untyped):
            top = body[f"q{i}"]["result"][0]
            assert top["id"] == _id(cases[name]), name
            assert top["match"] is True, name


def test_shared_names_need_the_type(client: FlaskClient) -> None:
    queries = {
        "plain": {"query": "Klojen"},
        "kelurahan": {"query": "Klojen", "type": "Kelurahan"},
        "kecamatan": {"query": "klojen", "type": ["Kecamatan"]},
        "iri": {"query": "Sukun", "type": MK + "Kecamatan"},
        "prefixed": {"query": "Blimbing", "type": "mk:Kelurahan"},
    }
    body = _reconcile(client, queries)
    plain = body["plain"]["result"]
    assert {c["id"] for c in plain[:2]} == {"kecamatan/klojen", "kelurahan/klojen"}
    assert not any(c["match"] for c in plain)
    assert [c["id"] for c in body["kelurahan"]["result"]] == ["kelurahan/klojen"]
    assert body["kelurahan"]["result"][0]["match"] is True
    assert body["kecamatan"]["result"][0]["id"] == "kecamatan/klojen"
    assert body["iri"]["result"][0]["id"] == "kecamatan/sukun"
    assert body["prefixed"]["result"][0]["id"] == "kelurahan/blimbing"


@pytest.mark.parametrize("scheme", ["kemendagri_code", "bps_code"])
def test_codes_reconcile_exactly(client: FlaskClient, engine: QueryService, scheme: str) -> None:
    rows = _areas()
    body = _reconcile(client, {f"q{i}": {"query": row[scheme]} for i, row in enumerate(rows)})
    for i, row in enumerate(rows):
        result = body[f"q{i}"]["result"]
        assert result[0]["id"] == _id(_iri(engine, row["kemendagri_code"])), row[scheme]
        assert result[0]["match"] is True
        assert result[0]["score"] == 100
        assert not any(c["match"] for c in result[1:])


def test_codes_respect_the_type(client: FlaskClient) -> None:
    body = _reconcile(
        client,
        {
            "ok": {"query": "35.73.02.1001", "type": "Kelurahan"},
            "wrong": {"query": "35.73.02.1001", "type": "Kecamatan"},
            "city": {"query": "3573", "type": "City"},
            "partial": {"query": "35.73.02.100"},
        },
    )
    assert body["ok"]["result"][0]["id"] == "kelurahan/klojen"
    assert body["wrong"]["result"] == []
    assert body["city"]["result"][0]["id"] == "city/malang"
    assert body["city"]["result"][0]["match"] is True
    assert body["partial"]["result"] == []


def test_organisations(client: FlaskClient) -> None:
    body = _reconcile(
        client,
        {
            "kim": {
                "query": "kim lestari tunjungsekar",
                "type": "http://www.w3.org/ns/org#Organization",
            },
            "samaan": {"query": "Samaan", "type": "http://www.w3.org/ns/org#Organization"},
        },
    )
    top = body["kim"]["result"][0]
    assert top["id"] == "organization/kim-lestari-tunjungsekar"
    assert top["match"] is True
    assert {"id": "CommunityInformationGroup"}.items() <= top["type"][0].items()
    samaan = body["samaan"]["result"]
    assert [c["id"] for c in samaan] == ["organization/kim-samaan"]  # not the kelurahan
    assert samaan[0]["match"] is False


def test_get_batch_and_limit(client: FlaskClient) -> None:
    queries = json.dumps({"q0": {"query": "sari", "limit": 2}})
    response = client.get("/reconcile", query_string={"queries": queries})
    assert response.status_code == 200
    result = data(response)["q0"]["result"]
    assert 1 <= len(result) <= 2
    assert all(not c["match"] for c in result)
    assert all(0 < c["score"] < 100 for c in result)


@pytest.mark.parametrize(
    "queries",
    [
        "not json",
        "[]",
        '{"q0": "Klojen"}',
        '{"q0": {"type": "Kelurahan"}}',
        '{"q0": {"query": "Klojen", "type": 3}}',
        '{"q0": {"query": "Klojen", "type": "no such <type>"}}',
        '{"q0": {"query": "Klojen", "limit": "ten"}}',
    ],
)
def test_bad_batches_are_400(client: FlaskClient, queries: str) -> None:
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    assert data(response)["status"] == 400 and data(response)["message"]


def test_hostile_queries_are_values(client: FlaskClient) -> None:
    body = _reconcile(
        client,
        {
            "q0": {"query": '35.73" } ?s ?p ?o . {'},
            "q1": {"query": "x" * 10_000},
            "q2": {"query": ""},
        },
    )
    assert body["q0"]["result"] == [] or body["q0"]["result"][0]["match"] is False
    assert body["q1"]["result"] == [] and body["q2"]["result"] == []
