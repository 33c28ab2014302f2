"""Entity reconciliation: the W3C Reconciliation Service API 0.2 (as OpenRefine speaks it).
Identifiers are the path after ``{BASE}id/``, types the ontology's local names or full IRIs;
names match by ``search.py``'s rule and Kemendagri or BPS codes exactly. ``match`` is true only for
the one exact hit."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from malang_kg.dataset import lookups
from malang_kg.dataset.search import EXACT, MAX_QUERY_CHARS, SearchIndex, local_part
from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout

ORG_ORGANIZATION = "http://www.w3.org/ns/org#Organization"
DEFAULT_TYPES = (
    "Kelurahan",
    "Kecamatan",
    "City",
    ORG_ORGANIZATION,
    "GovernmentBody",
    "CommunityInformationGroup",
    "Person",
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_BATCH = 500
TOP_SCORE = EXACT + 30.0  # an exact, preferred, complete match (dataset/search.py)
_CODE = re.compile(r"^[0-9][0-9.]{0,31}$")
_LOCAL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
_PREFIXED = {"org:": "http://www.w3.org/ns/org#", "schema:": "https://schema.org/"}

CLASS_LABEL_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?label ?class WHERE { ?class rdfs:label ?label }"""


class BatchError(ValueError):
    """The ``queries`` parameter is not a batch of reconciliation queries."""


@dataclass(frozen=True)
class Spec:
    query: str
    types: tuple[str, ...]  # class IRIs; empty: any
    limit: int


# --- Identifiers ---------------------------------------------------------------------------------


def entity_id(layout: Layout, iri: str) -> str:
    return layout.path(iri) or iri


def type_id(layout: Layout, class_iri: str) -> str:
    space = layout.vocabulary
    return class_iri[len(space) :] if class_iri.startswith(space) else class_iri


def type_iri(layout: Layout, value: str) -> str | None:
    """The class IRI a type identifier names: a local name of the ontology, ``mk:Name``,
    ``org:``/``schema:`` names, or a full http(s) IRI."""
    text = value.strip()
    if text.startswith(("http://", "https://")) and not re.search(r"[\s<>\"{}|\\^`]", text):
        return text
    if text.startswith("mk:"):
        text = text[3:]
    for prefix, namespace in _PREFIXED.items():
        if text.startswith(prefix) and _LOCAL_NAME.match(text[len(prefix) :]):
            return namespace + text[len(prefix) :]
    return layout.term(text) if _LOCAL_NAME.match(text) else None


# --- Parsing a batch -----------------------------------------------------------------------------


def parse_batch(layout: Layout, raw: str) -> dict[str, Spec]:
    try:
        batch = json.loads(raw)
    except ValueError:
        raise BatchError("queries is not valid JSON") from None
    if not isinstance(batch, dict):
        raise BatchError('queries must be a JSON object such as {"q0": {"query": "Klojen"}}')
    if len(batch) > MAX_BATCH:
        raise BatchError(f"a batch holds at most {MAX_BATCH} queries, this one {len(batch)}")
    return {str(key): _spec(layout, str(key), value) for key, value in batch.items()}


def _spec(layout: Layout, key: str, value: Any) -> Spec:
    if not isinstance(value, dict):
        raise BatchError(f"query {key!r} must be a JSON object")
    text = value.get("query")
    if not isinstance(text, str):
        raise BatchError(
            f"query {key!r} needs a string 'query' (matching by properties alone is not supported)"
        )
    types = value.get("type")
    if types is None:
        names: list[str] = []
    elif isinstance(types, str):
        names = [types]
    elif isinstance(types, list) and all(isinstance(item, str) for item in types):
        names = list(types)
    else:
        raise BatchError(f"query {key!r}: 'type' must be a string or a list of strings")
    iris = []
    for name in names:
        iri = type_iri(layout, name)
        if iri is None:
            raise BatchError(f"query {key!r}: {name!r} is not a type identifier")
        iris.append(iri)
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit != limit:
        raise BatchError(f"query {key!r}: 'limit' must be a number")
    return Spec(text, tuple(iris), max(1, min(MAX_LIMIT, int(limit))))


# --- Answering -----------------------------------------------------------------------------------


def _score(value: float) -> float:
    return round(min(100.0, 100.0 * value / TOP_SCORE), 1)


@dataclass(frozen=True)
class Reconciler:
    """Answers reconciliation queries over one build, in one language."""

    service: QueryService
    layout: Layout
    index: SearchIndex
    lang: str

    def members(self, class_iri: str) -> frozenset[str]:
        """Every instance of the class, asserted or inferred (the store holds the inferences)."""
        return frozenset(lookups.members(self.service, class_iri)[0])

    def class_name(self, class_iri: str) -> str:
        if class_iri in self.index.class_labels:
            return self.index.class_label(class_iri, self.lang)
        rows = self.service.select(CLASS_LABEL_QUERY, {"class": Term.uri(class_iri)}).rows
        labels = {(row["label"].lang or "").lower(): row["label"].value for row in rows}
        return labels.get(self.lang) or next(iter(sorted(labels.values())), local_part(class_iri))

    def code_hits(self, text: str) -> list[str]:
        """Areas whose Kemendagri or BPS code is ``text`` exactly."""
        code = text.strip()
        if not _CODE.match(code):
            return []
        found: list[str] = []
        for scheme in lookups.CODE_SCHEMES:
            for area in lookups.areas_with_code(self.service, self.layout, scheme, code):
                if area not in found:
                    found.append(area)
        return found

    def _scored(self, spec: Spec) -> list[tuple[str, float, bool]]:
        """(IRI, score, exact) of every candidate, best first: codes, then names."""
        allowed: set[str] | None = None
        if spec.types:
            allowed = set().union(*(self.members(iri) for iri in spec.types))
        by_code = [iri for iri in self.code_hits(spec.query) if allowed is None or iri in allowed]
        scored: list[tuple[str, float, bool]] = [(iri, 100.0, True) for iri in by_code]
        if len(spec.query) <= MAX_QUERY_CHARS:
            scored += [
                (hit.entity.iri, _score(hit.score), hit.score >= EXACT)
                for hit in self.index.search(spec.query)
                if (allowed is None or hit.entity.iri in allowed) and hit.entity.iri not in by_code
            ]
        return scored

    def candidates(self, spec: Spec) -> list[dict[str, Any]]:
        scored = self._scored(spec)
        exact = [iri for iri, _, is_exact in scored if is_exact]
        unique = exact[0] if len(exact) == 1 else None
        results = []
        for iri, score, _ in scored[: spec.limit]:
            entity = self.index.entities.get(iri)
            results.append(
                {
                    "id": entity_id(self.layout, iri),
                    "name": entity.label(self.lang) if entity else local_part(iri),
                    "type": [
                        {"id": type_id(self.layout, cls), "name": self.class_name(cls)}
                        for cls in (entity.types if entity else ())
                    ],
                    "score": score,
                    "match": iri == unique,
                }
            )
        return results

    def manifest(self, root: str) -> dict[str, Any]:
        """The service manifest; ``root`` is the service's URL, ending in ``/``."""
        return {
            "versions": ["0.1", "0.2"],
            "name": "malang-kg: Malang City Knowledge Graph (Graf Pengetahuan Kota Malang)",
            "identifierSpace": self.layout.entity_prefix,
            "schemaSpace": self.layout.vocabulary,
            "documentation": root + "api/openapi.json",
            "defaultTypes": [
                {"id": type_id(self.layout, iri), "name": self.class_name(iri)}
                for iri in (type_iri(self.layout, name) for name in DEFAULT_TYPES)
                if iri is not None
            ],
            "view": {"url": root + "id/{{id}}"},
        }
