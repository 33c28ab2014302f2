"""The result cache (malang_kg.engine.cache) and its place in QueryService.execute."""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pytest

from malang_kg.engine import AskResult, QueryRequest, QueryResult, SelectResult, Term
from malang_kg.engine.cache import CacheKey, ResultCache, result_size
from malang_kg.engine.errors import QueryError, QueryTimeout
from malang_kg.engine.job import Job
from malang_kg.engine.service import QueryService
from tests.conftest import ID, settings_with

GRAPH_A = "https://example.org/graph/a"
GRAPH_B = "https://example.org/graph/b"
QUERY = "SELECT ?x WHERE { ?x ?p ?o }"


@dataclass
class CountingBackend:
    """A backend that answers every query with one row and counts how often it was asked."""

    build_id: str = "build-1"
    triples: int = 10
    graphs: tuple[str, ...] = (GRAPH_A, GRAPH_B)
    calls: int = 0
    value: str = "v"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, job: Job, timeout: float) -> QueryResult:
        with self.lock:
            self.calls += 1
        if "FAIL" in job.text:
            raise QueryError("the query cannot be run")
        if "SLOW" in job.text:
            raise QueryTimeout("the query timed out")
        if job.text.lstrip().startswith("ASK"):
            return AskResult(True)
        return SelectResult(["x"], [{"x": Term.literal(self.value)}])

    def run_all(self, jobs: Sequence[Job], timeout: float) -> list[QueryResult]:
        return [self.run(job, timeout) for job in jobs]


def service(backend: CountingBackend, cache_mb: int = 1) -> QueryService:
    return QueryService(backend, settings_with(cache_mb=cache_mb))


def key(text: str = QUERY, build_id: str = "b", **bindings: Term) -> CacheKey:
    job = Job(text, dict(bindings), None, None, True, 100)
    return CacheKey.of(build_id, job)


def rows(n: int, width: int = 100) -> SelectResult:
    return SelectResult(["x"], [{"x": Term.literal(str(i).rjust(width, "x"))} for i in range(n)])


def test_a_repeated_query_is_answered_from_the_cache() -> None:
    backend = CountingBackend()
    engine = service(backend)
    first = engine.execute(QueryRequest(QUERY))
    second = engine.execute(QueryRequest(QUERY))
    assert second == first
    assert backend.calls == 1
    assert (engine.cache.hits, engine.cache.misses) == (1, 1)
    assert engine.select(QUERY) == first  # select and ask take the same path
    assert backend.calls == 1


@pytest.mark.parametrize(
    "other",
    [
        QueryRequest(QUERY, bindings={"x": Term.literal("b")}),
        QueryRequest(QUERY, bindings={"x": Term.literal("a", lang="en")}),
        QueryRequest(QUERY, bindings={"y": Term.literal("a")}),
        QueryRequest(QUERY, default_graphs=(GRAPH_A,)),
        QueryRequest(QUERY, default_graphs=(GRAPH_B,)),
        QueryRequest(QUERY, named_graphs=(GRAPH_A,)),
        QueryRequest(QUERY, max_rows=5),
        QueryRequest(QUERY + " # another comment"),
        QueryRequest(f"SELECT ?x FROM <{GRAPH_A}> WHERE {{ ?x ?p ?o }}"),
    ],
)
def test_anything_that_changes_the_answer_misses(other: QueryRequest) -> None:
    backend = CountingBackend()
    engine = service(backend)
    engine.execute(QueryRequest(QUERY, bindings={"x": Term.literal("a")}))
    engine.execute(other)
    assert backend.calls == 2
    engine.execute(other)
    assert backend.calls == 2  # and the other one is cached in its turn


def test_bindings_in_another_order_hit() -> None:
    backend = CountingBackend()
    engine = service(backend)
    a, b = Term.literal("a"), Term.uri(ID + "b")
    engine.execute(QueryRequest(QUERY, bindings={"x": a, "y": b}))
    engine.execute(QueryRequest(QUERY, bindings={"y": b, "x": a}))
    assert backend.calls == 1


def test_a_new_build_means_new_keys() -> None:
    backend = CountingBackend()
    engine = service(backend)
    engine.execute(QueryRequest(QUERY))
    backend.build_id = "build-2"
    backend.value = "new"
    result = engine.execute(QueryRequest(QUERY))
    assert isinstance(result, SelectResult)
    assert result.rows[0]["x"].value == "new"
    assert backend.calls == 2
    assert len(engine.cache) == 1  # the old build's answer is gone


@pytest.mark.parametrize(("text", "error"), [("FAIL", QueryError), ("SLOW", QueryTimeout)])
def test_errors_and_timeouts_are_not_cached(text: str, error: type[Exception]) -> None:
    backend = CountingBackend()
    engine = service(backend)
    query = f"SELECT ?x WHERE {{ ?x ?p ?o }} # {text}"
    for _ in range(2):
        with pytest.raises(error):
            engine.execute(QueryRequest(query))
    assert backend.calls == 2
    assert len(engine.cache) == 0


def test_refused_queries_never_reach_cache_or_backend() -> None:
    backend = CountingBackend()
    engine = service(backend)
    with pytest.raises(QueryError):
        engine.execute(
            QueryRequest("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        )
    assert backend.calls == 0
    assert (engine.cache.hits, engine.cache.misses) == (0, 0)


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    backend = CountingBackend()
    engine = service(backend, cache_mb=0)
    engine.execute(QueryRequest(QUERY))
    engine.execute(QueryRequest(QUERY))
    assert backend.calls == 2
    assert len(engine.cache) == 0


def test_size_grows_with_the_values() -> None:
    assert result_size(rows(10, 1000)) > result_size(rows(10, 10)) + 9 * 990
    assert result_size(rows(100)) > 10 * result_size(rows(10)) - 10_000
    assert result_size(AskResult(True)) > 0


def test_eviction_by_size_drops_the_least_recently_used() -> None:
    one = rows(10)
    entry = result_size(one) + key("q0").size()
    cache = ResultCache(entry * 4 + entry // 2)  # room for four
    for index in range(4):
        assert cache.put_answer(key(f"q{index}"), one)
    assert cache.get_answer(key("q0")) is one  # q0 is now the most recently used
    assert cache.put_answer(key("q4"), one)
    assert len(cache) == 4
    assert cache.evictions == 1
    assert cache.get_answer(key("q1")) is None  # the least recently used went
    assert all(cache.get_answer(key(name)) is one for name in ("q0", "q2", "q3", "q4"))
    assert cache.size <= cache.max_bytes


def test_an_answer_larger_than_a_quarter_of_the_cache_is_not_kept() -> None:
    cache = ResultCache(100_000)
    cache.put_answer(key("small"), rows(1))
    assert not cache.put_answer(key("huge"), rows(1000))
    assert cache.get_answer(key("huge")) is None
    assert cache.get_answer(key("small")) is not None


def test_replacing_an_entry_keeps_the_size_right() -> None:
    cache = ResultCache(1_000_000)
    cache.put_answer(key(), rows(10))
    cache.put_answer(key(), rows(20))
    assert len(cache) == 1
    assert cache.size == result_size(rows(20)) + key().size()
    cache.clear()
    assert (len(cache), cache.size) == (0, 0)
    assert cache.stats()["max_size"] == 1_000_000


def test_concurrent_use_keeps_the_cache_consistent() -> None:
    cache = ResultCache(60_000)
    results = [rows(n % 7 + 1) for n in range(40)]
    keys = [key(f"q{n}") for n in range(40)]
    gets = [0] * 8
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        chance = random.Random(worker)
        try:
            for _ in range(2000):
                index = chance.randrange(40)
                found = cache.get_answer(keys[index])
                gets[worker] += 1
                if found is None:
                    cache.put_answer(keys[index], results[index])
                else:
                    assert found is results[index]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert cache.hits + cache.misses == sum(gets) == 16_000
    assert cache.hits > 0 and cache.evictions > 0
    assert cache.size <= cache.max_bytes
    assert cache.size == sum(
        result_size(results[keys.index(k)]) + k.size() for k in cache.answer_keys()
    )


def test_concurrent_queries_through_the_service() -> None:
    backend = CountingBackend()
    engine = service(backend)
    queries = [f"SELECT ?x WHERE {{ ?x ?p ?o }} # {n}" for n in range(10)]
    answers: list[QueryResult] = []

    def work() -> None:
        for text in queries * 20:
            answers.append(engine.execute(QueryRequest(text)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 8 * 200
    assert 10 <= backend.calls <= 80  # each query runs once, or a few times when threads race
    assert engine.cache.hits + engine.cache.misses == 1600


def _use_after_fork(cache: ResultCache) -> None:
    cache.put_answer(key("child"), rows(1))
    raise SystemExit(0 if cache.get_answer(key("child")) is not None and cache.hits == 1 else 1)


def test_a_forked_child_gets_a_lock_and_counters_of_its_own() -> None:
    cache = ResultCache(1_000_000)
    cache.put_answer(key("parent"), rows(1))
    cache.get_answer(key("parent"))
    child = multiprocessing.get_context("fork").Process(target=_use_after_fork, args=(cache,))
    with cache._lock:  # held by this thread while the child forks: the child must not wait
        child.start()
        child.join(timeout=20)
    if child.exitcode is None:
        child.kill()
    assert child.exitcode == 0
    assert cache.hits == 1


def test_the_real_engine_caches_pages_queries(engine: QueryService) -> None:
    cached = QueryService(engine.backend, replace(engine.settings, cache_mb=8))
    ask = f"ASK {{ <{ID}kelurahan/samaan> ?p ?o }}"
    assert cached.ask(ask) is True
    assert cached.ask(ask) is True
    assert (cached.cache.hits, cached.cache.misses) == (1, 1)
    samaan = {"s": Term.uri(ID + "kelurahan/samaan")}
    other = {"s": Term.uri(ID + "kelurahan/klojen")}
    text = "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s"
    first = cached.select(text, samaan)
    assert cached.select(text, other) != first
    assert cached.select(text, samaan) == first
    assert (cached.cache.hits, cached.cache.misses) == (2, 3)
