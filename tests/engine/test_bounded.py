"""Bounded lookups: the queries the serving process may answer itself, without a killable query
process. A table of what must and must not be accepted; a runaway is never accepted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from malang_kg.engine import QueryRequest, Term
from malang_kg.engine.bounded import WORK_BUDGET, fixed_subjects, holds_large_answer, within_budget
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.errors import QueryTimeout
from malang_kg.engine.service import QueryService
from tests.conftest import ID, MK

P = f"PREFIX mk: <{MK}>\nPREFIX id: <{ID}>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
SAMAAN = ID + "kelurahan/samaan"
BOUND = {"s": Term.uri(SAMAAN)}

ACCEPTED = [
    (f"ASK {{ <{SAMAAN}> a mk:Kelurahan }}", {}, (SAMAAN,)),
    ("ASK { mk:Kelurahan ?p ?o }", {}, (MK + "Kelurahan",)),
    ("SELECT ?p ?o WHERE { ?s ?p ?o }", BOUND, (SAMAAN,)),
    ("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", BOUND, (SAMAAN,)),
    ("SELECT * WHERE { ?s ?p ?o . FILTER (isIRI(?o)) } LIMIT 5", BOUND, (SAMAAN,)),
    ("SELECT * WHERE { ?s mk:basedIn ?k ; ?p ?o . OPTIONAL { ?s ?q ?r } }", BOUND, (SAMAAN,) * 3),
    (f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ <{ID}city/malang> ?p ?o }} }}", BOUND,
     (SAMAAN, ID + "city/malang")),
    ("SELECT ?s ?o WHERE { VALUES ?o { 1 2 } ?s ?p ?o }", BOUND, (SAMAAN,)),
]  # fmt: skip

REFUSED = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",  # the runaway of the limit tests
    "SELECT * WHERE { ?x ?p ?s }",  # the subject is the variable ?x
    "SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }",  # ?o is a subject, not fixed
    "SELECT * WHERE { ?s mk:within+ ?a }",  # a path
    "SELECT * WHERE { ?s mk:evidence/oa:hasSelector/oa:exact ?q }",  # a path in a name
    "SELECT * WHERE { ?s ^mk:basedIn ?k }",  # an inverse path
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { ?x ?y ?z } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { ?x ?y ?z } }",
    "SELECT * WHERE { { SELECT ?x WHERE { ?x ?y ?z } } ?s ?p ?x }",  # a sub-query
    "SELECT * WHERE { ?s ?p [ ?q ?r ] }",  # a blank node's triples
    "SELECT * FROM <https://w3id.org/malang-kg/graph/inferred> WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { nope:x ?p ?o }",  # an undeclared prefix
    "SELECT * WHERE { ?s ?p ?o . ?s ?q ?r . ?s ?a ?b . ?s ?c ?d . ?s ?e ?f . ?s ?g ?h . "
    "?s ?i ?j . ?s ?k ?l . ?s ?m ?n }",  # more patterns than a lookup needs
]


@pytest.mark.parametrize(("text", "bindings", "subjects"), ACCEPTED)
def test_bounded_lookups_are_accepted(
    text: str, bindings: dict[str, Term], subjects: tuple[str, ...]
) -> None:
    assert fixed_subjects(P + text, bindings) == subjects


@pytest.mark.parametrize("text", REFUSED)
def test_anything_else_is_refused(text: str) -> None:
    assert fixed_subjects(P + text, BOUND) is None


def test_a_variable_subject_must_be_bound() -> None:
    assert fixed_subjects(P + "SELECT * WHERE { ?s ?p ?o }", {}) is None
    assert fixed_subjects(P + "SELECT * WHERE { ?s ?p ?o }", {"s": Term.literal("x")}) is None


def test_the_work_budget_is_the_product_of_the_degrees() -> None:
    assert within_budget([10, 10, 10])
    assert within_budget([0, WORK_BUDGET * 10])  # a pattern that matches nothing
    assert not within_budget([1000, 1000])
    assert within_budget([WORK_BUDGET])


def test_a_lookup_is_answered_in_process_and_a_runaway_never(
    embedded_engine: QueryService,
) -> None:
    backend = embedded_engine.backend
    assert isinstance(backend, EmbeddedBackend) and backend.in_memory  # the real build: memory
    service = QueryService(backend, replace(embedded_engine.settings, cache_mb=0, query_timeout=1))
    before = backend.in_process
    assert service.ask(P + f"ASK {{ <{SAMAAN}> a mk:Kelurahan }}") is True
    assert backend.in_process == before + 1
    with pytest.raises(QueryTimeout):
        service.execute(QueryRequest(P + REFUSED[0].replace("*", "(COUNT(*) AS ?n)")))
    assert backend.in_process == before + 1


@pytest.mark.parametrize(
    ("text", "large"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", True),
        ("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", True),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 100", False),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5000", True),
        ("SELECT ?s WHERE { ?s ?p ?o }", False),  # streamed: cut at the row limit as it comes
        ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", False),  # one row
    ],
)
def test_which_answers_count_as_large(text: str, large: bool) -> None:
    assert holds_large_answer(text, 10_000) is large
    assert holds_large_answer(text, 100) is False  # a small row limit bounds any answer


def test_at_most_large_answers_sort_at_once(embedded_engine: QueryService) -> None:
    settings = replace(embedded_engine.settings, cache_mb=0, large_answers=1, query_timeout=1)
    service = QueryService(embedded_engine.backend, settings)
    assert service.large.acquire(1)  # as if another thread were sorting a large answer
    try:
        with pytest.raises(QueryTimeout, match="large answers"):
            service.execute(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"))
        assert service.ask("ASK { ?s ?p ?o }") is True  # other queries do not wait
    finally:
        service.large.release()
    assert service.select("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3").rows
