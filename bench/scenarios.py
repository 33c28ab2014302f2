"""What the benchmark asks and of whom: the scenarios (queries, a page, a named-query call) and
the servers (ours with and without its result cache and behind its nginx front, ``oxigraph
serve`` from disk and in memory, rdflib-endpoint, Trifid over ``oxigraph serve``), each with how
it is started and where it answers."""

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
            "named-query API /api/queries/awards.json (the whole answer)",
            path="/api/queries/awards.json",
            accept="application/json",
        ),
        Scenario(
            "api-page",
            "named-query API, first page: /api/queries/awards.json?limit=100",
            path="/api/queries/awards.json?limit=100",
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
    serve_from: str = "auto"  # ours only: MALANG_KG_SERVE_FROM (the default, as served)
    in_memory: bool = False  # oxigraph only: no --location, the data POSTed after start
    front: str = "none"  # ours only: MALANG_KG_FRONT
    pages: tuple[tuple[str, str], ...] = ()  # a peer's own path for a scenario of ours
    largest: bool = False  # also measured at the sizes beyond --all-servers-max

    def target(self, scenario: Scenario) -> Target | None:
        own = dict(self.pages)
        if scenario.name in own:
            return Target(own[scenario.name], scenario.accept)
        if scenario.sparql is not None and self.sparql_path:
            return Target(self.sparql_path, scenario.accept, scenario.sparql)
        if scenario.path is not None and self.has_pages:
            return Target(scenario.path, scenario.accept)
        return None


ASK_ANYTHING = "?query=ASK%7B%7D"

OURS_NO_CACHE = ServerSpec(
    "ours-nocache",
    "ours, cache off",
    "/sparql",
    "/health",
    has_pages=True,
    cache_mb=0,
    largest=True,
)
OURS = ServerSpec(
    "ours", "ours (cache on, default)", "/sparql", "/health", has_pages=True, cache_mb=64
)
OURS_FRONT = ServerSpec(
    "ours-front",
    "ours behind its nginx front",
    "/sparql",
    "/health",
    has_pages=True,
    cache_mb=64,
    front="nginx",
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
OXIGRAPH = ServerSpec("oxigraph", "oxigraph serve", "/query", "/query" + ASK_ANYTHING, largest=True)
OXIGRAPH_MEMORY = ServerSpec(
    "oxigraph-memory",
    "oxigraph serve, in memory",
    "/query",
    "/query" + ASK_ANYTHING,
    in_memory=True,
)
RDFLIB = ServerSpec("rdflib", "rdflib-endpoint", "/", "/" + ASK_ANYTHING)
# Trifid renders an entity's page from the SPARQL endpoint behind it (an ``oxigraph serve`` of
# the same store, started with it), at the entity's own path under the dataset's base.
TRIFID = ServerSpec(
    "trifid",
    "Trifid over oxigraph serve",
    "",
    "/",
    pages=(("page", "/id/kelurahan/samaan"),),
)

SERVERS = (
    OURS_NO_CACHE,
    OURS,
    OURS_FRONT,
    OURS_MEMORY,
    OXIGRAPH,
    OXIGRAPH_MEMORY,
    RDFLIB,
    TRIFID,
)
