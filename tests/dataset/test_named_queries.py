"""Named queries: header checks at load time, typed parameters, and the six required queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from malang_kg.dataset.labels import LabelIndex
from malang_kg.dataset.named_queries import (
    NamedQuery,
    ParameterError,
    QueryFileError,
    load_query,
    run,
    to_term,
)
from malang_kg.engine import Term
from malang_kg.engine.service import QueryService

HEADER = """\
# title@en: T
# title@id: T
# description@en: D
# description@id: D
"""

SAMAAN = "https://w3id.org/malang-kg/id/kelurahan/samaan"
XSD = "http://www.w3.org/2001/XMLSchema#"

REQUIRED = {
    "awards": [
        "award",
        "awardLabel",
        "event",
        "eventLabel",
        "organizer",
        "organizerLabel",
        "category",
        "categoryLabel",
        "rank",
        "placing",
        "placingLabel",
        "recipient",
        "recipientLabel",
        "year",
        "work",
        "workLabel",
        "quote",
    ],
    "organisations": ["org", "label", "parent", "parentLabel"],
    "people": ["person", "name", "post", "postLabel", "organisation", "organisationLabel"],
    "subdistricts": [
        "kelurahan",
        "name",
        "kemendagriCode",
        "bpsCode",
        "kecamatan",
        "kecamatanName",
    ],
    "kim": ["kim", "label", "kelurahan", "kelurahanName"],
    "kim-coverage": ["kelurahanTotal", "kimReported", "asOf"],
}


def _text(term: Term | None) -> str | None:
    return None if term is None else term.value


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# title@en: T\nSELECT * WHERE { ?s ?p ?o }",
            "header lacks title@id, description@id, description@en",
        ),
        (HEADER + "SELECT * WHERE { ?s ?p ?o ", "bad.rq: "),
        (HEADER + "# param n: number = 1 ; a count\nSELECT ?n WHERE {}", "parameter 'n' must read"),
        (
            HEADER + "# param n: integer = x ; a count\nSELECT ?n WHERE {}",
            "default of parameter 'n'",
        ),
        (HEADER + "# param n: integer = 1 ;\nSELECT ?m WHERE { BIND(?n AS ?m) }", "bad.rq: "),
        (HEADER + "# title@en: again\nSELECT * {}", "'title@en' is given twice"),
    ],
)
def test_bad_query_files_are_refused_with_file_and_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(QueryFileError) as error:
        load_query(_write(tmp_path, "bad", text))
    assert str(error.value).startswith("bad.rq: ")
    assert message in str(error.value)


def test_bad_query_name(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="lower-case"):
        load_query(_write(tmp_path, "Bad_Name", HEADER + "SELECT * {}"))


@pytest.mark.parametrize(
    ("type_", "raw", "expected"),
    [
        ("iri", SAMAAN, Term.uri(SAMAAN)),
        ("string", "Samaan } ; DROP ALL", Term.literal("Samaan } ; DROP ALL")),
        ("language", "ID", Term.literal("id")),
        ("integer", "+42", Term.literal("42", datatype=XSD + "integer")),
        ("date", "2023-11-06", Term.literal("2023-11-06", datatype=XSD + "date")),
    ],
)
def test_parameter_values_become_terms(type_: str, raw: str, expected: Term) -> None:
    assert to_term("p", type_, raw) == expected


@pytest.mark.parametrize(
    ("type_", "raw"),
    [
        ("iri", "javascript:alert(1)"),
        ("iri", "https://example.org/a b"),
        ("iri", "https://example.org/>"),
        ("language", "en; drop"),
        ("integer", "1.5"),
        ("integer", "12345678901234567890"),
        ("date", "2023-13-01"),
        ("date", "yesterday"),
    ],
)
def test_bad_parameter_values_name_the_parameter(type_: str, raw: str) -> None:
    with pytest.raises(ParameterError, match="parameter 'p'"):
        to_term("p", type_, raw)


def test_unknown_parameter(queries: dict[str, NamedQuery]) -> None:
    with pytest.raises(ParameterError, match="parameter 'colour'"):
        queries["awards"].bindings({"colour": "red"})


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_queries_have_their_columns(
    queries: dict[str, NamedQuery], engine: QueryService, labels: LabelIndex, name: str
) -> None:
    query = queries[name]
    assert query.title["en"] and query.title["id"]
    assert query.description["en"] and query.description["id"]
    columns = run(engine, query, labels=labels).columns
    assert columns[: len(REQUIRED[name])] == REQUIRED[name]
    assert "lang" not in columns


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("awards", 7),
        ("organisations", 8),
        ("people", 2),
        ("subdistricts", 57),
        ("kim", 2),
        ("kim-coverage", 1),
    ],
)
def test_row_counts(
    queries: dict[str, NamedQuery],
    engine: QueryService,
    labels: LabelIndex,
    name: str,
    rows: int,
) -> None:
    assert len(run(engine, queries[name], labels=labels).rows) == rows


def test_labels_are_english_by_default_and_indonesian_on_request(
    queries: dict[str, NamedQuery], engine: QueryService, labels: LabelIndex
) -> None:
    default = run(engine, queries["organisations"], labels=labels).rows
    english = {_text(row.get("label")) for row in default}
    assert "Malang City Communication and Informatics Service" in english
    assert all(row["label"].kind == "literal" and row["label"].lang == "en" for row in default)
    indonesian = {
        _text(row.get("label"))
        for row in run(engine, queries["organisations"], {"lang": "id"}, labels).rows
    }
    assert "Dinas Komunikasi dan Informatika Kota Malang" in indonesian


def test_awards_rows(
    queries: dict[str, NamedQuery], engine: QueryService, labels: LabelIndex
) -> None:
    rows = run(engine, queries["awards"], labels=labels).rows
    amh = [row for row in rows if _text(row.get("workLabel")) == "Gelaran Malang"]
    assert len(amh) == 1
    assert _text(amh[0]["rank"]) == "1"
    assert _text(amh[0]["organizerLabel"]) == "Ministry of Communication and Information Technology"
    assert _text(amh[0]["quote"]) is not None and "'Gelaran Malang'" in str(_text(amh[0]["quote"]))
    without_work = [row for row in rows if "work" not in row]
    assert len(without_work) == 5
    assert sorted(_text(row["rank"]) or "" for row in rows) == ["1", "1", "1", "2", "2", "3", "3"]


def test_subdistricts_codes(
    queries: dict[str, NamedQuery], engine: QueryService, labels: LabelIndex
) -> None:
    rows = run(engine, queries["subdistricts"], labels=labels).rows
    samaan = next(row for row in rows if _text(row["name"]) == "Samaan")
    assert _text(samaan["kemendagriCode"]) == "35.73.02.1003"
    assert _text(samaan["bpsCode"]) == "3573030010"
    assert _text(samaan["kecamatanName"]) == "Klojen"


def test_kim_and_coverage(
    queries: dict[str, NamedQuery], engine: QueryService, labels: LabelIndex
) -> None:
    kims = {
        _text(row["label"]): _text(row["kelurahanName"])
        for row in run(engine, queries["kim"], labels=labels).rows
    }
    assert kims == {"KIM Samaan": "Samaan", "KIM Lestari Tunjungsekar": "Tunjungsekar"}
    (coverage,) = run(engine, queries["kim-coverage"], labels=labels).rows
    assert _text(coverage["kelurahanTotal"]) == "57"
    assert _text(coverage["kimReported"]) == "40"
    assert _text(coverage["asOf"]) == "2023-11-06"
    assert _text(coverage["approximate"]) == "true"
