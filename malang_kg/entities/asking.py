"""The pages' queries as a reader asks them: constant texts of ``queries.py`` with the entity
bound, asked together in one trip to the query service, each row given the labels its query
declares from the build's label index (so the store answers with IRIs alone)."""

from __future__ import annotations

from collections.abc import Sequence

from malang_kg.dataset.labels import LabelIndex
from malang_kg.engine import QueryRequest, Row, SelectResult, Term
from malang_kg.engine.service import QueryService
from malang_kg.entities.queries import EXISTS, EntityQuery
from malang_kg.iris import Layout

QUERY_PREFIXES = ("mk", "org", "schema", "oa", "skos", "prov", "owl", "rdf", "rdfs", "xsd", "dct")


class PageQueries:
    """Runs the pages' queries for one request, in one language (then the other)."""

    def __init__(self, engine: QueryService, layout: Layout, labels: LabelIndex, lang: str) -> None:
        self.engine = engine
        self.labels = labels
        self.lang = lang
        self.other = "en" if lang == "id" else "id"
        self._prefixes = layout.sparql_prefixes(*QUERY_PREFIXES)
        self._fetched: dict[tuple[EntityQuery, tuple[tuple[str, Term], ...]], SelectResult] = {}

    def run(self, query: EntityQuery, **bindings: Term) -> SelectResult:
        """Run one of the pages' queries (unless ``prefetch`` has); each row gets the labels the
        query declares."""
        found = self._fetched.get(_key(query, bindings))
        if found is not None:
            return found
        return self.run_all([(query, bindings)])[0]

    def run_all(self, queries: Sequence[tuple[EntityQuery, dict[str, Term]]]) -> list[SelectResult]:
        """Run the pages' queries together: one trip to the engine for all of them."""
        results = self.engine.select_all(
            [
                QueryRequest(self._prefixes + query.text, dict(bindings), max_rows=query.limit)
                for query, bindings in queries
            ]
        )
        pairs = zip(queries, results, strict=True)
        return [self._labelled(query, result) for (query, _), result in pairs]

    def prefetch(self, queries: Sequence[EntityQuery], **bindings: Term) -> None:
        """Run ``queries`` now, in one trip, for the ``run``/``select`` calls that follow."""
        wanted = [q for q in dict.fromkeys(queries) if _key(q, bindings) not in self._fetched]
        if not wanted:
            return
        results = self.run_all([(q, bindings) for q in wanted])
        for query, result in zip(wanted, results, strict=True):
            self._fetched[_key(query, bindings)] = result

    def _labelled(self, query: EntityQuery, result: SelectResult) -> SelectResult:
        if not query.labels:
            return result
        iris = {
            row[var].value
            for row in result.rows
            for var in query.labels
            if var in row and row[var].kind == "uri"
        }
        found = self.labels.best_labels(iris, self.lang, self.other)
        rows = [
            {
                **row,
                **{
                    f"{var}Label": found[row[var].value]
                    for var in query.labels
                    if var in row and row[var].value in found and row[var].kind == "uri"
                },
            }
            for row in result.rows
        ]
        columns = [*result.columns, *(f"{var}Label" for var in query.labels)]
        return SelectResult(columns, rows, result.truncated, result.elapsed)

    def select(self, query: EntityQuery, **bindings: Term) -> list[Row]:
        return self.run(query, **bindings).rows

    def exists(self, iri: str) -> bool:
        return bool(self.select(EXISTS, s=Term.uri(iri)))


def _key(
    query: EntityQuery, bindings: dict[str, Term]
) -> tuple[EntityQuery, tuple[tuple[str, Term], ...]]:
    return query, tuple(sorted(bindings.items()))
