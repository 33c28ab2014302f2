"""What the benchmark asks and of whom: the scenarios (queries, a page, a named-query call) and
the servers (ours with and without its result cache, ``oxigraph serve`` from disk and in memory,
rdflib-endpoint), each with how it is started and where it answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.load import Target
from malang_kg.iris import CANONICAL

ROOT = Path(__file__).resolve().parent.parent
MK = CANONICAL.vocabulary
ID = CANONICAL.entity_prefix
SPARQL_JSON = "application/sparql-results+json"

CHEAP = f"""PREFIX mk: <{MK}>
ASK {{ <{ID}kelurahan/samaan> a mk:Kelurahan }}"""

# Everything that refers to a place within a kecamatan, counted per kecamatan: a scan over all
# references to areas, grouped.
HEAVY = f"""PREFIX mk: <{MK}>
SELECT ?kecamatan (COUNT(DISTINCT ?x) AS ?n)
WHERE {{
  ?kecamatan a mk:Kecamatan .
  ?area mk:within ?kecamatan .
  ?x ?p ?area .
}}
GROUP BY ?kecamatan
ORDER BY DESC(?n) ?kecamatan"""


def medium_query() -> str:
    """The ``awards`` named query as the API runs it (its ``?lang`` left unbound: English)."""
    return (ROOT / "queries" / "awards.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    sparql: str | None = None  # sent to each server's SPARQL endpoint
    path: str | None = None  # a page of our own (the peers have none)
    accept: str = SPARQL_JSON


def scenarios() -> list[Scenario]:
    return [
        Scenario("cheap", "cheap: ASK on one entity", sparql=CHEAP),
        Scenario("medium", "medium: the `awards` named query", sparql=medium_query()),
        Scenario("heavy", "heavy: references per kecamatan (aggregate)", sparql=HEAVY),
        Scenario(
            "page",
            "entity page /page/kelurahan/samaan",
            path="/page/kelurahan/samaan",
            accept="text/html",
        ),
        Scenario(
            "complete",
            "editor completion /api/complete?q=sam",
            path="/api/complete?q=sam&limit=10",
            accept="application/json",
        ),
        Scenario(
            "api",
            "named-query API /api/queries/awards.json",
            path="/api/queries/awards.json",
            accept="application/json",
        ),
    ]


@dataclass(frozen=True)
class ServerSpec:
    """How to reach one server under test."""

    key: str
    label: str
    sparql_path: str
    ready_path: str  # answers 200 once the server can answer queries
    has_pages: bool = False
    cache_mb: int | None = None  # ours only
    serve_from: str = "disk"  # ours only: MALANG_KG_SERVE_FROM
    in_memory: bool = False  # oxigraph only: no --location, the data POSTed after start

    def target(self, scenario: Scenario) -> Target | None:
        if scenario.sparql is not None:
            return Target(self.sparql_path, scenario.accept, scenario.sparql)
        if scenario.path is not None and self.has_pages:
            return Target(scenario.path, scenario.accept)
        return None


ASK_ANYTHING = "?query=ASK%7B%7D"

OURS_NO_CACHE = ServerSpec(
    "ours-nocache", "ours, cache off", "/sparql", "/health", has_pages=True, cache_mb=0
)
OURS = ServerSpec(
    "ours", "ours (cache on, default)", "/sparql", "/health", has_pages=True, cache_mb=64
)
OURS_MEMORY = ServerSpec(
    "ours-memory",
    "ours, in memory, cache off",
    "/sparql",
    "/health",
    has_pages=True,
    cache_mb=0,
    serve_from="memory",
)
OXIGRAPH = ServerSpec("oxigraph", "oxigraph serve", "/query", "/query" + ASK_ANYTHING)
OXIGRAPH_MEMORY = ServerSpec(
    "oxigraph-memory",
    "oxigraph serve, in memory",
    "/query",
    "/query" + ASK_ANYTHING,
    in_memory=True,
)
RDFLIB = ServerSpec("rdflib", "rdflib-endpoint", "/", "/" + ASK_ANYTHING)

SERVERS = (OURS_NO_CACHE, OURS, OURS_MEMORY, OXIGRAPH, OXIGRAPH_MEMORY, RDFLIB)
