"""``/reconcile``: the W3C Entity Reconciliation Service API, version 0.2 (the one OpenRefine
speaks; https://reconciliation-api.github.io/specs/0.2/).

- ``GET /reconcile`` without ``queries``: the service manifest.
- ``GET`` or ``POST`` (form) with ``queries={"q0": {"query": "…", "type": "Kelurahan",
  "limit": 3}, …}``: for each query, candidates ``{"id", "name", "type": [{"id", "name"}],
  "score", "match"}``, best first.

Identifiers are the path after ``{BASE}id/`` (``kelurahan/samaan``; the manifest's
``identifierSpace`` is ``{BASE}id/``, its view URL ``/id/{{id}}``); types are the local name
after ``{BASE}ontology#`` (``Kelurahan``) or, for a class of another vocabulary, its full IRI
(``http://www.w3.org/ns/org#Organization``). A query matches names by ``dataset/search.py``'s rule
(case, diacritics, spaces and hyphens do not matter: "Rampal-Celaket" is "Rampalcelaket") and
Kemendagri or BPS codes exactly (``skos:notation`` literals of datatype ``mk:KemendagriCode`` /
``mk:BpsCode``, bound as typed values). ``match`` is true only for a candidate that is the one
exact hit, by name or by code.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from malang_kg.dataset.search import EXACT, MAX_QUERY_CHARS, SearchIndex, index_for, local_part
from malang_kg.engine import Term
from malang_kg.web.context import engine, layout, settings
from malang_kg.web.i18n import choose_language

bp = Blueprint("reconcile", __name__)

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
CODE_SCHEMES = ("KemendagriCode", "BpsCode")
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_BATCH = 500
TOP_SCORE = EXACT + 30.0  # an exact, preferred, complete match in malang_kg.dataset.search
_CODE = re.compile(r"^[0-9][0-9.]{0,31}$")
_LOCAL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
_PREFIXED = {"org:": "http://www.w3.org/ns/org#", "schema:": "https://schema.org/"}

CODE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?area ?code WHERE { ?area skos:notation ?code } ORDER BY ?area"""
MEMBERS_QUERY = (
    "SELECT DISTINCT ?entity ?class WHERE { ?entity a ?class . FILTER (isIRI(?entity)) }"
)
CLASS_LABEL_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?label ?class WHERE { ?class rdfs:label ?label }"""


class BatchError(ValueError):
    """The ``queries`` parameter is not a batch of reconciliation queries."""


@dataclass(frozen=True)
class Spec:
    query: str
    types: tuple[str, ...]  # class IRIs; empty: any
    limit: int


# --- Thin adapter over dataset/search.py: classes of any vocabulary, with a bounded cache ----


class _Cache:
    """Per-build answers of small queries (class members, class labels), at most ``size``."""

    def __init__(self, size: int = 256) -> None:
        self._values: OrderedDict[tuple[str, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[str, ...]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        return None

    def put(self, key: tuple[str, ...], value: Any) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)


_CACHE = _Cache()


def members(class_iri: str) -> frozenset[str]:
    """Every instance of the class, asserted or inferred (the store holds the inferences)."""
    service = engine()
    key = ("members", service.build_id, class_iri)
    cached = _CACHE.get(key)
    if cached is None:
        rows = service.select(MEMBERS_QUERY, {"class": Term.uri(class_iri)}).rows
        cached = frozenset(row["entity"].value for row in rows if "entity" in row)
        _CACHE.put(key, cached)
    found: frozenset[str] = cached
    return found


def class_name(index: SearchIndex, class_iri: str, lang: str) -> str:
    if class_iri in index.class_labels:
        return index.class_label(class_iri, lang)
    service = engine()
    key = ("label", service.build_id, class_iri)
    labels = _CACHE.get(key)
    if labels is None:
        rows = service.select(CLASS_LABEL_QUERY, {"class": Term.uri(class_iri)}).rows
        labels = {(row["label"].lang or "").lower(): row["label"].value for row in rows}
        _CACHE.put(key, labels)
    text = labels.get(lang) or next(iter(sorted(labels.values())), local_part(class_iri))
    return str(text)


# --- Identifiers ---------------------------------------------------------------------------------


def _schema_space() -> str:
    return layout().vocabulary


def entity_id(iri: str) -> str:
    return layout().path(iri) or iri


def type_id(class_iri: str) -> str:
    space = _schema_space()
    return class_iri[len(space) :] if class_iri.startswith(space) else class_iri


def type_iri(value: str) -> str | None:
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
    return _schema_space() + text if _LOCAL_NAME.match(text) else None


# --- Parsing a batch -----------------------------------------------------------------------------


def parse_batch(raw: str) -> dict[str, Spec]:
    try:
        batch = json.loads(raw)
    except ValueError:
        raise BatchError("queries is not valid JSON") from None
    if not isinstance(batch, dict):
        raise BatchError('queries must be a JSON object such as {"q0": {"query": "Klojen"}}')
    if len(batch) > MAX_BATCH:
        raise BatchError(f"a batch holds at most {MAX_BATCH} queries, this one {len(batch)}")
    return {str(key): _spec(str(key), value) for key, value in batch.items()}


def _spec(key: str, value: Any) -> Spec:
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
        iri = type_iri(name)
        if iri is None:
            raise BatchError(f"query {key!r}: {name!r} is not a type identifier")
        iris.append(iri)
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit != limit:
        raise BatchError(f"query {key!r}: 'limit' must be a number")
    return Spec(text, tuple(iris), max(1, min(MAX_LIMIT, int(limit))))


# --- Answering -----------------------------------------------------------------------------------


def code_hits(text: str) -> list[str]:
    """Areas whose Kemendagri or BPS code is ``text`` exactly."""
    code = text.strip()
    if not _CODE.match(code):
        return []
    found: list[str] = []
    for scheme in CODE_SCHEMES:
        literal = Term.literal(code, datatype=_schema_space() + scheme)
        for row in engine().select(CODE_QUERY, {"code": literal}).rows:
            if "area" in row and row["area"].value not in found:
                found.append(row["area"].value)
    return found


def _score(value: float) -> float:
    return round(min(100.0, 100.0 * value / TOP_SCORE), 1)


def candidates(index: SearchIndex, spec: Spec, lang: str) -> list[dict[str, Any]]:
    allowed: set[str] | None = None
    if spec.types:
        allowed = set().union(*(members(iri) for iri in spec.types))
    by_code = [iri for iri in code_hits(spec.query) if allowed is None or iri in allowed]
    scored: list[tuple[str, float, bool]] = [(iri, 100.0, True) for iri in by_code]
    if len(spec.query) <= MAX_QUERY_CHARS:
        hits = [
            hit for hit in index.search(spec.query) if allowed is None or hit.entity.iri in allowed
        ]
        scored += [
            (hit.entity.iri, _score(hit.score), hit.score >= EXACT)
            for hit in hits
            if hit.entity.iri not in by_code
        ]
    exact = [iri for iri, _, is_exact in scored if is_exact]
    unique = exact[0] if len(exact) == 1 else None
    results = []
    for iri, score, _ in scored[: spec.limit]:
        entity = index.entities.get(iri)
        results.append(
            {
                "id": entity_id(iri),
                "name": entity.label(lang) if entity else local_part(iri),
                "type": [
                    {"id": type_id(cls), "name": class_name(index, cls, lang)}
                    for cls in (entity.types if entity else ())
                ],
                "score": score,
                "match": iri == unique,
            }
        )
    return results


def manifest(index: SearchIndex, lang: str) -> dict[str, Any]:
    root = request.url_root
    return {
        "versions": ["0.1", "0.2"],
        "name": "malang-kg: Malang City Knowledge Graph (Graf Pengetahuan Kota Malang)",
        "identifierSpace": layout().entity_prefix,
        "schemaSpace": layout().vocabulary,
        "documentation": root + "api/openapi.json",
        "defaultTypes": [
            {"id": type_id(iri), "name": class_name(index, iri, lang)}
            for iri in (type_iri(name) for name in DEFAULT_TYPES)
            if iri is not None
        ],
        "view": {"url": root + "id/{{id}}"},
    }


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    response.vary.add("Accept-Language")  # names and type names follow the client's language
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    raw = request.form.get("queries") if request.method == "POST" else None
    if raw is None:
        raw = request.args.get("queries")
    lang = choose_language()
    index = index_for(engine(), settings().base_iri)
    if raw is None:
        if request.method == "POST":
            return _error("The POST has no queries field: send queries={...} as a form.")
        return _json(manifest(index, lang))
    try:
        batch = parse_batch(raw)
    except BatchError as error:
        return _error(str(error))
    return _json({key: {"result": candidates(index, spec, lang)} for key, spec in batch.items()})


def _error(message: str) -> Response:
    return _json({"error": "Bad Request", "status": 400, "message": message}, 400)
