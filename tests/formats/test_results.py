"""Serialising query results: SPARQL JSON/XML/CSV/TSV by hand, graphs through pyoxigraph; each
read back with pyoxigraph where the format allows."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pyoxigraph as ox
import pytest

from malang_kg.engine import AskResult, GraphResult, SelectResult, Term, TsvResult
from malang_kg.formats import media as fmt
from malang_kg.formats.results import (
    SerializationError,
    from_ox,
    mark_truncated,
    nt_term,
    reorder,
    serialize,
    to_csv,
    to_json,
    to_ox,
    to_tsv,
    to_xml,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"
TRIPLE = Term("triple", f'<{EX}s> <{EX}p> "o"@en')
NESTED = Term("triple", f"<{EX}s> <{EX}p> <<( _:b1 <{EX}q> <{EX}o> )>>")

TERMS: dict[str, Term] = {
    "iri": Term.uri(EX + "a?b=c&d='e'"),
    "bnode": Term("bnode", "b0"),
    "plain": Term.literal('tab\there, "quotes", comma, new\nline \\ back <tag> & é 🙂'),
    "lang": Term.literal("Kota Malang", lang="id"),
    "typed": Term.literal("57", datatype=XSD + "integer"),
    "date": Term.literal("2023-11-06", datatype=XSD + "date"),
    "empty": Term.literal(""),
    "triple": TRIPLE,
    "nested": NESTED,
}
COLUMNS = [*TERMS, "unbound"]
SELECT = SelectResult(
    columns=COLUMNS,
    rows=[
        dict(TERMS),
        {"iri": Term.uri(EX + "only")},
        {},
    ],
)


def ox_row(row: dict[str, Term]) -> dict[str, object]:
    return {name: to_ox(term) for name, term in row.items()}


def solutions(
    data: bytes, format: ox.QueryResultsFormat
) -> tuple[list[str], list[dict[str, object]]]:
    parsed = ox.parse_query_results(data, format=format)
    assert isinstance(parsed, ox.QuerySolutions)
    columns = [variable.value for variable in parsed.variables]
    rows = []
    for solution in parsed:
        rows.append({c: solution[c] for c in columns if solution[c] is not None})
    return columns, rows


@pytest.mark.parametrize(
    ("writer", "format"),
    [
        (to_json, ox.QueryResultsFormat.JSON),
        (to_xml, ox.QueryResultsFormat.XML),
        (to_tsv, ox.QueryResultsFormat.TSV),
    ],
)
def test_select_round_trips_through_pyoxigraph(
    writer: object, format: ox.QueryResultsFormat
) -> None:
    assert callable(writer)
    columns, rows = solutions(writer(SELECT), format)
    assert columns == COLUMNS
    assert rows == [ox_row(row) for row in SELECT.rows]


@pytest.mark.parametrize(
    ("writer", "format"),
    [
        (to_json, ox.QueryResultsFormat.JSON),
        (to_xml, ox.QueryResultsFormat.XML),
        (to_tsv, ox.QueryResultsFormat.TSV),
    ],
)
@pytest.mark.parametrize("value", [True, False])
def test_ask_round_trips(writer: object, format: ox.QueryResultsFormat, value: bool) -> None:
    assert callable(writer)
    parsed = ox.parse_query_results(writer(AskResult(value)), format=format)
    assert isinstance(parsed, ox.QueryBoolean) and bool(parsed) is value


def test_json_is_the_w3c_shape() -> None:
    document = json.loads(to_json(SELECT))
    assert document["head"] == {"vars": COLUMNS}
    first = document["results"]["bindings"][0]
    assert first["iri"] == {"type": "uri", "value": EX + "a?b=c&d='e'"}
    assert first["bnode"] == {"type": "bnode", "value": "b0"}
    assert first["lang"] == {"type": "literal", "value": "Kota Malang", "xml:lang": "id"}
    assert first["typed"] == {"type": "literal", "value": "57", "datatype": XSD + "integer"}
    assert first["empty"] == {"type": "literal", "value": ""}
    assert first["triple"] == {
        "type": "triple",
        "value": {
            "subject": {"type": "uri", "value": EX + "s"},
            "predicate": {"type": "uri", "value": EX + "p"},
            "object": {"type": "literal", "value": "o", "xml:lang": "en"},
        },
    }
    assert first["nested"]["value"]["object"]["type"] == "triple"
    assert "unbound" not in first
    assert document["results"]["bindings"][2] == {}
    assert json.loads(to_json(AskResult(True))) == {"head": {}, "boolean": True}


def test_xml_is_well_formed_and_escaped() -> None:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(to_xml(SELECT))
    assert [v.get("name") for v in root.iter(ns + "variable")] == COLUMNS
    bindings = {b.get("name"): b for b in root.find(ns + "results")[0]}  # type: ignore[index]
    assert bindings["iri"][0].text == EX + "a?b=c&d='e'"
    assert bindings["plain"][0].text == TERMS["plain"].value
    assert bindings["lang"][0].get("{http://www.w3.org/XML/1998/namespace}lang") == "id"
    assert bindings["typed"][0].get("datatype") == XSD + "integer"
    assert bindings["triple"][0].tag == ns + "triple"
    ask = ET.fromstring(to_xml(AskResult(False)))
    assert ask.find(ns + "boolean") is not None and ask.find(ns + "boolean").text == "false"  # type: ignore[union-attr]


def test_csv_plain_values_and_crlf() -> None:
    data = to_csv(SELECT)
    assert data.startswith(b"iri,bnode,plain,lang,typed,date,empty,triple,nested,unbound\r\n")
    assert data.count(b"\r\n") == 4  # header and three rows; the newline in a value is quoted
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[1][:7] == [
        EX + "a?b=c&d='e'",
        "_:b0",
        TERMS["plain"].value,
        "Kota Malang",  # no language tag in CSV
        "57",  # no datatype in CSV
        "2023-11-06",
        "",
    ]
    assert rows[1][7] == f'<<( <{EX}s> <{EX}p> "o"@en )>>'
    assert rows[2] == [EX + "only"] + [""] * 9
    assert rows[3] == [""] * 10
    assert to_csv(AskResult(True)) == b"true\r\n"


def test_tsv_uses_term_syntax_and_escapes() -> None:
    lines = to_tsv(SELECT).decode("utf-8").split("\n")
    assert lines[0] == "\t".join("?" + c for c in COLUMNS)
    cells = lines[1].split("\t")
    assert len(cells) == len(COLUMNS)
    assert cells[0] == f"<{EX}a?b=c&d='e'>"
    assert cells[2] == '"tab\\there, \\"quotes\\", comma, new\\nline \\\\ back <tag> & é 🙂"'
    assert cells[3] == '"Kota Malang"@id'
    assert cells[4] == f'"57"^^<{XSD}integer>'
    assert lines[2] == f"<{EX}only>" + "\t" * 9
    assert lines[3] == "\t" * 9 and lines[4] == ""


@pytest.mark.parametrize("term", list(TERMS.values()))
def test_terms_convert_both_ways(term: Term) -> None:
    back = from_ox(to_ox(term))
    if term.kind == "triple":
        assert to_ox(back) == to_ox(term)
    else:
        assert back == term


def test_nt_term() -> None:
    assert nt_term(Term.literal('a"b', lang="en")) == '"a\\"b"@en'
    assert nt_term(Term("bnode", "x")) == "_:x"
    assert nt_term(TRIPLE) == f'<<( <{EX}s> <{EX}p> "o"@en )>>'


GRAPH = GraphResult(
    [
        (Term.uri(EX + "s"), Term.uri(EX + "p"), TERMS["lang"]),
        (Term.uri(EX + "s"), Term.uri(EX + "p"), TERMS["plain"]),
        (Term("bnode", "b0"), Term.uri(EX + "q"), TERMS["typed"]),
        (Term.uri(EX + "s"), Term.uri("https://w3id.org/malang-kg/ontology#x"), Term.uri(EX + "o")),
    ]
)
GRAPH_FORMATS = [
    (fmt.TURTLE, ox.RdfFormat.TURTLE),
    (fmt.N_TRIPLES, ox.RdfFormat.N_TRIPLES),
    (fmt.JSON_LD, ox.RdfFormat.JSON_LD),
    (fmt.RDF_XML, ox.RdfFormat.RDF_XML),
    (fmt.TRIG, ox.RdfFormat.TRIG),
    (fmt.N_QUADS, ox.RdfFormat.N_QUADS),
]


def isomorphic(data: bytes, format: ox.RdfFormat, expected: GraphResult) -> bool:
    parsed = ox.Dataset(ox.parse(data, format=format))
    wanted = ox.Dataset(
        ox.Quad(*(to_ox(t) for t in triple))  # type: ignore[arg-type]
        for triple in expected.triples
    )
    parsed.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    wanted.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return parsed == wanted


@pytest.mark.parametrize(("media", "format"), GRAPH_FORMATS)
def test_graph_formats_round_trip(media: fmt.MediaType, format: ox.RdfFormat) -> None:
    assert isomorphic(serialize(GRAPH, media), format, GRAPH)


def test_turtle_uses_project_prefixes() -> None:
    assert b"@prefix mk: <https://w3id.org/malang-kg/ontology#>" in serialize(GRAPH, fmt.TURTLE)


def test_triple_terms_in_graphs() -> None:
    graph = GraphResult([(Term.uri(EX + "s"), Term.uri(EX + "says"), TRIPLE)])
    assert isomorphic(serialize(graph, fmt.TURTLE), ox.RdfFormat.TURTLE, graph)
    with pytest.raises(SerializationError, match="Turtle"):
        serialize(graph, fmt.JSON_LD)


def test_dispatch_by_media_type() -> None:
    assert serialize(SELECT, fmt.JSON) == to_json(SELECT)
    assert serialize(SELECT, fmt.XML) == to_xml(SELECT)
    assert serialize(AskResult(True), fmt.CSV) == b"true\r\n"
    with pytest.raises(SerializationError):
        serialize(SELECT, fmt.HTML)
    with pytest.raises(SerializationError):
        serialize(SELECT, fmt.TURTLE)
    with pytest.raises(SerializationError):
        serialize(GRAPH, fmt.CSV)


# --- a cut answer, and the order of columns -------------------------------------------------------

CUT = SelectResult(["a", "b"], [{"a": Term.uri(EX + "x"), "b": Term.literal("1")}], truncated=True)
CUT_TSV = TsvResult(["a", "b"], f'?a\t?b\n<{EX}x>\t"1"\n'.encode(), truncated=True)


@pytest.mark.parametrize("result", [CUT, CUT_TSV], ids=["rows", "tsv"])
@pytest.mark.parametrize("media", [fmt.SPARQL_JSON, fmt.JSON])
def test_a_cut_answer_says_so_in_the_json_head(
    result: SelectResult | TsvResult, media: fmt.MediaType
) -> None:
    data = serialize(result, media, max_rows=1)
    document = json.loads(data)
    assert document["head"] == {"vars": ["a", "b"], "truncated": True, "maxRows": 1}
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) == 1
    whole = json.loads(serialize(replace(result, truncated=False), media, max_rows=1))
    assert whole["head"] == {"vars": ["a", "b"]}


@pytest.mark.parametrize("media", [fmt.CSV, fmt.TSV, fmt.SPARQL_XML])
def test_other_result_formats_keep_their_standard_body(media: fmt.MediaType) -> None:
    assert serialize(CUT, media, max_rows=1) == serialize(replace(CUT, truncated=False), media)


def test_mark_truncated_in_place_or_by_parsing() -> None:
    written = b'{"head":{"vars":["a"]},"results":{"bindings":[]}}'
    marked = json.loads(mark_truncated(written, 7))
    assert marked["head"] == {"truncated": True, "maxRows": 7, "vars": ["a"]}
    spaced = b'{ "head": { "vars": ["a"] }, "results": { "bindings": [] } }'
    assert json.loads(mark_truncated(spaced, 7))["head"]["maxRows"] == 7
    empty = json.loads(mark_truncated(b'{"head":{},"boolean":true}', 7))
    assert empty == {"head": {"truncated": True, "maxRows": 7}, "boolean": True}


def test_reorder_moves_columns_and_their_values() -> None:
    moved = reorder(CUT, ["b", "a"])
    assert isinstance(moved, SelectResult) and moved.columns == ["b", "a"]
    assert to_csv(moved).decode().splitlines() == ["b,a", f"1,{EX}x"]
    tsv = reorder(CUT_TSV, ["b", "a"])
    assert isinstance(tsv, TsvResult) and tsv.truncated
    assert tsv.tsv.decode().splitlines() == ["?b\t?a", f'"1"\t<{EX}x>']
    assert reorder(CUT, ["a", "c"]) is CUT  # not the same columns: unchanged
    assert reorder(AskResult(True), ["a"]) == AskResult(True)
