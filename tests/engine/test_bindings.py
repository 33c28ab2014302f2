"""Binding values for a remote engine (``engine/query_text.py``): a VALUES block of escaped
terms answers exactly as Oxigraph's substitutions do, and no value can become syntax."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from malang_kg.engine import Term
from malang_kg.engine.bindings import bind_values, term_text, with_base
from malang_kg.engine.errors import QueryError
from malang_kg.engine.oxterms import to_oxigraph
from malang_kg.engine.tokens import tokenize

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = f"""
<{EX}a> <{EX}label> "Samaan"@id , "Samaan village"@en ; <{EX}code> "35.73.01"^^<{EX}Code> ;
  <{EX}link> <http://www.wikidata.org/entity/Q1> ; <{EX}rank> 1 .
<{EX}b> <{EX}label> "Klojen"@id ; <{EX}link> <{EX}elsewhere> ; <{EX}rank> 2 .
<{EX}c> <{EX}label> "say \\"hi\\" \\\\u0022 }} ; DROP ALL #"@en .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    return store


def answers(store: ox.Store, text: str, bindings: dict[str, Term] | None = None) -> object:
    substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
    result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return sorted(sorted((n, str(s[n])) for n in names if s[n] is not None) for s in result)
    return sorted(str(triple) for triple in result)


def solutions(store: ox.Store, text: str) -> list[ox.QuerySolution]:
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


LANG = {"lang": Term.literal("en")}
CASES = [
    # a parameter read by BIND/COALESCE and FILTERs of OPTIONALs (the named queries' pattern)
    (
        f"""SELECT ?s ?label ?lang WHERE {{
  BIND (COALESCE(?lang, "id") AS ?l)
  ?s <{EX}rank> ?r .
  OPTIONAL {{ ?s <{EX}label> ?label FILTER (LANGMATCHES(LANG(?label), ?l)) }}
}}""",
        LANG,
    ),
    # a parameter used inside a sub-query that projects it (the VoID link count)
    (
        f"""SELECT (COUNT(*) AS ?n) ?ns WHERE {{
  {{ SELECT DISTINCT ?s ?o ?ns WHERE {{
      ?s <{EX}link> ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), ?ns)) }} }}
}} GROUP BY ?ns""",
        {"ns": Term.literal("http://www.wikidata.org/entity/")},
    ),
    # a group that is a bare sub-query
    (
        f"SELECT ?s ?x WHERE {{ SELECT ?s ?x WHERE {{ ?s <{EX}rank> ?x }} }}",
        {"x": Term.literal("2", datatype=XSD + "integer")},
    ),
    # SELECT *, an IRI, and a prologue with a comment holding braces
    (
        f"PREFIX ex: <{EX}> # {{ not a group }}\nSELECT * {{ ?s ex:label ?o }}",
        {"s": Term.uri(EX + "b")},
    ),
    # a typed literal
    (
        f"SELECT ?s ?code WHERE {{ ?s <{EX}code> ?code }}",
        {"code": Term.literal("35.73.01", datatype=EX + "Code")},
    ),
]


@pytest.mark.parametrize(("text", "bindings"), CASES)
def test_values_answer_as_substitutions_do(
    store: ox.Store, text: str, bindings: dict[str, Term]
) -> None:
    bound = bind_values(text, bindings)
    assert "VALUES" in bound
    assert answers(store, bound) == answers(store, text, bindings)


HOSTILE = [
    'x" } ; DROP ALL ; SELECT * { ?s ?p "',
    "line\nbreak\rand\ttab",
    "back\\slash \\u0022 \\U0001F600 \\\\",
    "'single' '''triple''' \"\"\"",
    "# not a comment } {",
    "\x00\x01 control",
    "emoji 😀 and ÿ",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_is_one_term_whatever_it_holds(store: ox.Store, value: str) -> None:
    text = "SELECT ?v WHERE { }"
    bound = bind_values(text, {"v": Term.literal(value, lang="en")})
    tokens = tokenize(bound)
    strings = [t for t in tokens if t.kind == "string"]
    assert len(strings) == 1, bound  # the value stays inside one string token
    (row,) = solutions(store, bound)
    assert row["v"] == ox.Literal(value, language="en")


def test_a_value_cannot_end_the_iri_it_is_in() -> None:
    for bad in (EX + "a> } ; DROP ALL ; <x", EX + "a b", EX + 'a"b'):
        with pytest.raises(QueryError):
            bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": Term.uri(bad)})


def test_what_cannot_be_bound_is_refused() -> None:
    with pytest.raises(QueryError, match="does not project"):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Term.uri(EX + "a")})
    with pytest.raises(QueryError, match=r"bnode"):
        term_text(Term("bnode", "b1"))
    with pytest.raises(QueryError, match="variable name"):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s) } DROP ALL #": Term.uri(EX)})
    for other in ("ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE ?s { ?s ?p ?o }"):
        with pytest.raises(QueryError, match="SELECT query"):
            bind_values(other, {"s": Term.uri(EX + "a")})


def test_no_bindings_leave_the_text_alone() -> None:
    text = "SELECT * WHERE { ?s ?p ?o }"
    assert bind_values(text, {}) == text


def test_relative_iris_resolve_against_the_base(store: ox.Store) -> None:
    text = with_base("SELECT ?o WHERE { <a> <label> ?o }", EX)
    assert {str(row["o"]) for row in solutions(store, text)} == {
        '"Samaan"@id',
        '"Samaan village"@en',
    }
    own = with_base(f"BASE <{EX}x/>\nSELECT ?o WHERE {{ <a> ?p ?o }}", EX)
    assert solutions(store, own) == []  # its own BASE wins
    assert with_base("ASK {}", None) == "ASK {}"
