"""The query service over the real build: datasets, limits, and query processes that are killed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from malang_kg.config import Settings
from malang_kg.engine import AskResult, GraphResult, QueryRequest, SelectResult, Term, TsvResult
from malang_kg.engine.embedded import AUTO_MEMORY_QUADS, EmbeddedBackend, serves_from_memory
from malang_kg.engine.errors import (
    QueryRejected,
    QueryResourceExceeded,
    QuerySyntaxError,
    QueryTimeout,
)
from malang_kg.engine.oxterms import select_from_tsv
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from tests.conftest import BASE, ID

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
AREAS = BASE + "graph/data/areas"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def tight(engine: QueryService) -> QueryService:
    """The same backend with a 1 s limit, 5 rows and 128 MiB per query."""
    return QueryService(engine.backend, replace(engine.settings, query_timeout=1.0, max_rows=5))


def _count(result: object) -> int:
    assert isinstance(result, SelectResult)
    return int(result.rows[0]["n"].value)


def test_the_default_graph_is_the_union(engine: QueryService) -> None:
    assert _count(engine.execute(QueryRequest(COUNT))) == engine.triples


def test_from_and_protocol_datasets_select_our_graphs(engine: QueryService) -> None:
    from_areas = f"SELECT (COUNT(*) AS ?n) FROM <{AREAS}> WHERE {{ ?s ?p ?o }}"
    areas = _count(engine.execute(QueryRequest(from_areas)))
    assert 0 < areas < engine.triples
    assert _count(engine.execute(QueryRequest(COUNT, default_graphs=(AREAS,)))) == areas
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(engine.execute(QueryRequest(named, named_graphs=(AREAS,)))) == areas


@pytest.mark.parametrize(
    "request_",
    [
        QueryRequest("SELECT * FROM <http://127.0.0.1:9/data> WHERE { ?s ?p ?o }"),
        QueryRequest("SELECT * FROM NAMED <http://127.0.0.1:9/data> WHERE { ?s ?p ?o }"),
        QueryRequest(COUNT, default_graphs=("http://127.0.0.1:9/data",)),
        QueryRequest(COUNT, named_graphs=("http://127.0.0.1:9/data",)),
    ],
)
def test_unknown_graphs_are_refused(engine: QueryService, request_: QueryRequest) -> None:
    with pytest.raises(QueryRejected, match="is not a graph of this dataset"):
        engine.execute(request_)


def test_forms(engine: QueryService) -> None:
    ask = engine.execute(QueryRequest(f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}"))
    assert isinstance(ask, AskResult) and ask.value
    graph = engine.execute(QueryRequest(f"DESCRIBE <{ID}kelurahan/samaan>"))
    assert isinstance(graph, GraphResult)
    assert Term.uri(f"{ID}kelurahan/samaan") in {s for s, _, _ in graph.triples}


def test_syntax_errors_say_where(engine: QueryService) -> None:
    with pytest.raises(QuerySyntaxError, match=r"line 2, column \d+"):
        engine.execute(QueryRequest("SELECT * WHERE {\n ?s ?p ?o ?x }"))


def test_row_limit_cuts_and_says_so(tight: QueryService) -> None:
    result = tight.execute(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))
    assert isinstance(result, SelectResult)
    assert len(result.rows) == 5 and result.truncated
    graph = tight.execute(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }"))
    assert isinstance(graph, GraphResult) and len(graph.triples) == 5 and graph.truncated


def test_timeout_kills_the_query_and_the_next_one_runs(tight: QueryService) -> None:
    backend = tight.backend
    assert isinstance(backend, EmbeddedBackend)
    restarts = backend.pool.restarts
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="timed out"):
        tight.execute(QueryRequest(CARTESIAN))
    assert time.monotonic() - started < 3.0
    assert backend.pool.restarts == restarts + 1
    assert tight.ask(f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}")


def test_memory_cap_stops_a_greedy_query(tight: QueryService) -> None:
    greedy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
        "BIND (CONCAT(STR(?a), STR(?c), STR(?d), STR(?f)) AS ?x) } GROUP BY ?x"
    )
    with pytest.raises((QueryResourceExceeded, QueryTimeout)):
        tight.execute(QueryRequest(greedy))
    assert tight.ask(f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}")


def test_bindings_are_values_not_text(engine: QueryService) -> None:
    query = "SELECT ?label ?x WHERE { ?k <http://www.w3.org/2004/02/skos/core#prefLabel> ?x }"
    hostile = Term.literal('Samaan" } ; DROP ALL ; #')
    result = engine.execute(QueryRequest(query, {"x": hostile}))
    assert isinstance(result, SelectResult) and result.rows == []


# A literal with a line break, a tab and a quote; a language tag; a typed value; a blank node.
TRICKY = """SELECT ?x ?y WHERE {
  VALUES (?x ?y) {
    ("two\\nlines\\tand a \\"quote\\"" "satu"@id)
    (42 UNDEF)
    (UNDEF "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>)
  }
}"""


def test_tsv_answers_hold_the_same_rows_as_terms(engine: QueryService) -> None:
    as_terms = engine.execute(QueryRequest(TRICKY))
    as_tsv = engine.execute(QueryRequest(TRICKY, as_tsv=True))
    assert isinstance(as_terms, SelectResult) and isinstance(as_tsv, TsvResult)
    assert as_tsv.tsv.count(b"\n") == 4  # the header and one line per row
    assert select_from_tsv(as_tsv).rows == as_terms.rows
    blank = engine.execute(QueryRequest("SELECT ?b WHERE { BIND (BNODE() AS ?b) }", as_tsv=True))
    assert isinstance(blank, TsvResult)
    assert select_from_tsv(blank).rows[0]["b"].kind == "bnode"


def test_tsv_answers_are_cut_at_the_row_limit(tight: QueryService) -> None:
    result = tight.execute(QueryRequest("SELECT * WHERE { ?s ?p ?o }", as_tsv=True))
    assert isinstance(result, TsvResult) and result.truncated
    assert len(select_from_tsv(result).rows) == 5
    whole = tight.execute(QueryRequest(TRICKY, as_tsv=True))
    assert isinstance(whole, TsvResult) and not whole.truncated


def test_only_select_answers_come_as_tsv(engine: QueryService) -> None:
    ask = engine.execute(QueryRequest(f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}", as_tsv=True))
    assert isinstance(ask, AskResult)


def test_the_store_on_disk_answers_as_the_one_in_memory(
    engine: QueryService, built: tuple[Settings, Manifest]
) -> None:
    memory = engine.backend
    assert isinstance(memory, EmbeddedBackend) and memory.in_memory  # the real data is small
    disk = EmbeddedBackend(memory.build_dir, serve_from="disk")
    assert not disk.in_memory and disk.graphs == memory.graphs
    on_disk = QueryService(disk, engine.settings)
    assert _count(on_disk.execute(QueryRequest(COUNT))) == engine.triples
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    bound = {"s": Term.uri(f"{ID}kelurahan/samaan")}
    assert on_disk.select(query, bound).rows == engine.select(query, bound).rows
    # Only the query processes opened it (``disk.store`` is not touched here: RocksDB must not
    # be opened by a process that forks query processes afterwards).
    assert disk._store is None


@pytest.mark.parametrize(
    ("serve_from", "quads", "expected"),
    [
        ("auto", AUTO_MEMORY_QUADS, True),
        ("auto", AUTO_MEMORY_QUADS + 1, False),
        ("disk", 10, False),
        ("memory", 10**7, True),
    ],
)
def test_serve_from(serve_from: str, quads: int, expected: bool) -> None:
    assert serves_from_memory(serve_from, quads) is expected


BATCH = (
    QueryRequest(f"SELECT ?p ?o WHERE {{ <{ID}kelurahan/samaan> ?p ?o }}"),
    QueryRequest(f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}"),
    QueryRequest(
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3",
    ),
    QueryRequest(
        f"SELECT ?x WHERE {{ ?x ?p <{ID}kelurahan/samaan> }}",
        max_rows=1,
    ),
)


def _same(one: object, other: object) -> bool:
    if isinstance(one, SelectResult) and isinstance(other, SelectResult):

        def key(row: dict[str, Term]) -> str:
            return repr(sorted(row.items()))

        return (
            one.columns == other.columns
            and sorted(map(key, one.rows)) == sorted(map(key, other.rows))
            and one.truncated == other.truncated
        )
    return isinstance(one, AskResult) and isinstance(other, AskResult) and one.value == other.value


def test_a_batch_answers_as_each_query_would(engine: QueryService) -> None:
    fresh = QueryService(engine.backend, replace(engine.settings, cache_mb=0))
    together = fresh.execute_all(BATCH)
    alone = [fresh.execute(request) for request in BATCH]
    assert len(together) == len(BATCH)
    assert all(_same(a, b) for a, b in zip(together, alone, strict=True))
    assert isinstance(together[3], SelectResult) and together[3].truncated


def test_a_batch_is_one_trip_to_a_query_process(engine: QueryService) -> None:
    backend = engine.backend
    if not isinstance(backend, EmbeddedBackend):
        pytest.skip("query processes are the embedded backend's")
    trips: list[object] = []
    submit = backend.pool.submit

    def counted(job: object) -> Callable[[float], object]:
        trips.append(job)
        return submit(job)

    fresh = QueryService(backend, replace(engine.settings, cache_mb=0))
    backend.pool.submit = counted  # type: ignore[method-assign]
    try:
        fresh.execute_all(BATCH)
    finally:
        backend.pool.submit = submit  # type: ignore[method-assign]
    # The two lookups of Samaan are answered here; the two other queries go in one trip.
    assert len(trips) == 1 and len(trips[0]) == 2  # type: ignore[arg-type]


def test_an_error_in_a_batch_raises_and_the_next_batch_runs(tight: QueryService) -> None:
    with pytest.raises(QuerySyntaxError):
        tight.execute_all([BATCH[0], QueryRequest("SELECT ?x WHERE { ?x ?p }")])
    with pytest.raises(QueryTimeout, match="timed out"):
        tight.execute_all([BATCH[0], QueryRequest(CARTESIAN.replace("?n", "?m"))])
    assert _same(tight.execute_all([BATCH[1]])[0], AskResult(True))
