"""The OpenAPI 3.1 description of the service, generated from the named queries.

One path per query (``/api/queries/{name}``) with its typed parameters (``iri``: a string of
format ``uri``; ``string``; ``language``: ``id``/``en`` for ``lang``, else a language-tag pattern;
``integer``; ``date``: a string of format ``date``) and its responses: plain JSON with the query's
own columns, SPARQL JSON, CSV, TSV and HTML. The column types are what the current build's answer
holds (``Column``); the document is made per request from values cached per build.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from malang_kg.dataset.labels import LANGUAGES, LabelIndex
from malang_kg.dataset.named_queries import NamedQuery, Parameter, run
from malang_kg.dataset.openapi_schemas import (
    ANY_CONTENT,
    COMPONENTS,
    RDF_CONTENT,
    RECONCILE_POST,
    RECONCILE_QUERIES,
    TEXT_CONTENT,
)
from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from malang_kg.formats.rows import plain_value

OPENAPI_VERSION = "3.1.0"
LANGUAGE_TAG_PATTERN = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$"
INTEGER_LIMIT = 10**18 - 1  # the API accepts integers of at most 18 digits
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
ERRORS = {
    "400": "A parameter is unknown or its value does not fit its type; the message names it.",
    "404": "There is no query of that name.",
    "406": "None of the media types the client accepts can be served.",
    "503": "The query timed out or needed more memory than a query may use.",
}


@dataclass(frozen=True)
class Column:
    """A result column and the JSON types its values take in plain JSON (``uri`` is a string
    holding an IRI; ``null`` where a row leaves it unbound)."""

    name: str
    kinds: frozenset[str]


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """The JSON Schema of a parameter's value."""
    schema: dict[str, Any]
    if parameter.type == "iri":
        schema = {"type": "string", "format": "uri"}
    elif parameter.type == "integer":
        schema = {"type": "integer", "minimum": -INTEGER_LIMIT, "maximum": INTEGER_LIMIT}
    elif parameter.type == "date":
        schema = {"type": "string", "format": "date"}
    elif parameter.type == "label-language" or (
        parameter.type == "language" and parameter.name == "lang"
    ):
        schema = {"type": "string", "enum": list(LANGUAGES)}
    elif parameter.type == "language":
        schema = {"type": "string", "pattern": LANGUAGE_TAG_PATTERN}
    else:
        schema = {"type": "string"}
    if parameter.default is not None:
        schema["default"] = (
            int(parameter.default) if parameter.type == "integer" else parameter.default
        )
    return schema


def column_schema(column: Column) -> dict[str, Any]:
    types: list[str] = []
    kinds = column.kinds
    if "integer" in kinds and "number" not in kinds:
        types.append("integer")
    if "number" in kinds:
        types.append("number")
    if "boolean" in kinds:
        types.append("boolean")
    if kinds & {"uri", "string"} or not kinds - {"null"}:
        types.append("string")
    if "null" in kinds or not kinds:
        types.append("null")
    schema: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
    if kinds - {"null"} == {"uri"}:
        schema["format"] = "uri"
    return schema


def _parameter(parameter: Parameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "in": "query",
        "required": False,
        "description": parameter.help or parameter.name,
        "schema": parameter_schema(parameter),
    }


def _plain_schema(query: NamedQuery, columns: Sequence[Column]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [
            "query",
            "columns",
            "rows",
            "truncated",
            "parameters",
            "elapsed_ms",
            "page",
            "limit",
        ],
        "properties": {
            "query": {"type": "string", "const": query.name},
            "columns": {
                "type": "array",
                "items": {"type": "string"},
                "examples": [[column.name for column in columns]],
            },
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {column.name: column_schema(column) for column in columns},
                },
            },
            "truncated": {"type": "boolean"},
            "parameters": {
                "type": "object",
                "properties": {p.name: parameter_schema(p) for p in query.parameters},
            },
            "elapsed_ms": {"type": "number"},
            "page": {"type": "integer", "minimum": 1},
            "limit": {"type": "integer", "minimum": 1},
            "next": {"type": "string", "format": "uri", "description": "The next page, if any."},
            "total": {"type": "integer", "description": "All rows, given on the last page."},
        },
    }


def _errors() -> dict[str, Any]:
    return {
        status: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, text in ERRORS.items()
    }


PAGING = (
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Rows per page, at most the service's row limit (the default).",
        "schema": {"type": "integer", "minimum": 1},
    },
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Which page, from 1; a page that is not the last links the next one "
        '(`next` in JSON, and a `Link: <…>; rel="next"` header).',
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
)


def _query_path(query: NamedQuery, columns: Sequence[Column]) -> dict[str, Any]:
    text = {"schema": {"type": "string"}}
    return {
        "get": {
            "operationId": "query_" + query.name.replace("-", "_"),
            "summary": query.title["en"],
            "description": f"{query.description['en']}\n\n({query.title['id']}: "
            f"{query.description['id']})\n\nThe format follows Accept, or a suffix of the "
            f"path: /api/queries/{query.name}.json (plain JSON), .srj (SPARQL JSON), .csv, .tsv "
            "or .html.",
            "tags": ["named queries"],
            "parameters": [*(_parameter(p) for p in query.parameters), *PAGING],
            "responses": {
                "200": {
                    "description": "The query's results (parameters are not among the columns).",
                    "headers": {
                        MAX_ROWS_HEADER: {
                            "description": "Present when the result was cut at this many rows.",
                            "schema": {"type": "integer"},
                        }
                    },
                    "content": {
                        "application/json": {"schema": _plain_schema(query, columns)},
                        "application/sparql-results+json": {
                            "schema": {"$ref": "#/components/schemas/SparqlResults"}
                        },
                        "text/csv": text,
                        "text/tab-separated-values": text,
                        "text/html": text,
                    },
                },
                **_errors(),
            },
        }
    }


# The schemas under ``components`` and the fixed parts of the service's own paths: plain data,
# copied into each document so that no caller can change them for the next one.


def _components() -> dict[str, Any]:
    return copy.deepcopy(COMPONENTS)


def _simple(summary: str, media: Mapping[str, dict[str, Any]], tag: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "responses": {"200": {"description": summary, "content": dict(media)}},
        }
    }


def _reconcile_path() -> dict[str, Any]:
    reconcile = _simple(
        "Entity reconciliation (W3C Reconciliation API 0.2): service manifest, or a batch",
        {"application/json": ANY_CONTENT},
        "reconciliation",
    )
    reconcile["get"]["parameters"] = [RECONCILE_QUERIES]
    reconcile["post"] = RECONCILE_POST
    return reconcile


def _download_path() -> dict[str, Any]:
    download = _simple("One dump, gzip-compressed", {"application/gzip": TEXT_CONTENT}, "downloads")
    download["get"]["parameters"] = [
        {"name": "file", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    download["get"]["responses"]["304"] = {"description": "Not modified (If-None-Match)."}
    download["get"]["responses"]["404"] = {"description": "No such download."}
    return download


def _service_paths() -> dict[str, Any]:
    """The paths of the service besides the named queries."""
    queries = {
        "application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/QueryInfo"}}
        },
        "text/html": TEXT_CONTENT,
    }
    paths = {
        "/api/queries": _simple("The named queries", queries, "named queries"),
        "/.well-known/void": _simple(
            "VoID and DCAT description of the dataset", RDF_CONTENT, "dataset"
        ),
        "/downloads/": _simple(
            "The dumps of the current build",
            {"application/json": ANY_CONTENT, "text/html": TEXT_CONTENT},
            "downloads",
        ),
        "/downloads/{file}": _download_path(),
        "/reconcile": _reconcile_path(),
        "/health": _simple("Service health", {"application/json": ANY_CONTENT}, "operations"),
    }
    return copy.deepcopy(paths)


def document(
    queries: Iterable[NamedQuery],
    server: str,
    columns: Mapping[str, Sequence[Column]],
    version: str,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document; ``server`` is the service's root URL (no trailing slash)."""
    paths = {
        f"/api/queries/{query.name}": _query_path(query, columns.get(query.name, ()))
        for query in queries
    }
    paths.update(_service_paths())
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "malang-kg: Malang City Knowledge Graph API",
            "version": version,
            "summary": "Named queries, dataset description, downloads and reconciliation.",
            "description": "Stable URLs answering JSON, CSV or TSV for the named queries of the "
            "Malang City knowledge graph (Graf Pengetahuan Kota Malang); every query takes "
            "lang=id|en for the language of its labels. The data are licensed CC BY 4.0.",
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": _components(),
    }


def _kind(term: Term | None) -> str:
    value = plain_value(term)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "uri" if term is not None and term.kind == "uri" else "string"


def _columns(service: QueryService, query: NamedQuery, labels: LabelIndex | None) -> list[Column]:
    result = run(service, query, {}, labels)
    return [
        Column(name, frozenset(_kind(row.get(name)) for row in result.rows))
        for name in result.columns
    ]


def columns_of(
    service: QueryService, queries: Iterable[NamedQuery], labels: LabelIndex | None
) -> dict[str, list[Column]]:
    """Each query's columns and the JSON types of their values, run once per build."""
    found: dict[str, list[Column]] = {}
    for query in queries:
        key = ("openapi-columns", query.name, query.text)
        found[query.name] = service.memoised(key, partial(_columns, service, query, labels))
    return found
