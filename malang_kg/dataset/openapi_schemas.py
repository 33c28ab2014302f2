"""The constant parts of the OpenAPI document (``openapi.py``): the schemas of the answers and
errors, and the service's fixed operations, as plain data."""

from __future__ import annotations

from typing import Any

from malang_kg.dataset.labels import LANGUAGES
from malang_kg.dataset.named_queries import PARAM_TYPES

TERM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "type": {"type": "string", "enum": ["uri", "literal", "bnode", "triple"]},
        "value": {},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string", "format": "uri"},
    },
}
LOCALIZED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {lang: {"type": "string"} for lang in LANGUAGES},
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "status", "message"],
    "properties": {
        "error": {"type": "string"},
        "status": {"type": "integer"},
        "message": {"type": "string"},
        "parameter": {"type": "string", "description": "The parameter at fault."},
    },
}
SPARQL_RESULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format.",
    "required": ["head"],
    "properties": {
        "head": {
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
        },
        "results": {
            "type": "object",
            "properties": {
                "bindings": {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": TERM_SCHEMA},
                }
            },
        },
    },
}
QUERY_INFO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "title", "description", "parameters", "url"],
    "properties": {
        "name": {"type": "string"},
        "title": LOCALIZED_SCHEMA,
        "description": LOCALIZED_SCHEMA,
        "parameters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "type": {
                        "type": "string",
                        "enum": list(PARAM_TYPES),
                    },
                    "default": {"type": ["string", "null"]},
                    "help": {"type": "string"},
                },
            },
        },
        "url": {"type": "string", "format": "uri"},
        "formats": {"type": "object", "additionalProperties": {"type": "string"}},
        "sparql": {"type": "string"},
    },
}
COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Error": ERROR_SCHEMA,
        "SparqlResults": SPARQL_RESULTS_SCHEMA,
        "QueryInfo": QUERY_INFO_SCHEMA,
    }
}

ANY_CONTENT: dict[str, Any] = {"schema": {}}
TEXT_CONTENT: dict[str, Any] = {"schema": {"type": "string"}}
RDF_CONTENT = {
    mime: TEXT_CONTENT for mime in ("text/turtle", "application/ld+json", "application/n-triples")
}
RECONCILE_QUERIES: dict[str, Any] = {
    "name": "queries",
    "in": "query",
    "required": False,
    "description": 'A batch of queries as JSON: {"q0": {"query": "Klojen", "type": '
    '"Kelurahan", "limit": 3}}. Without it, the service manifest.',
    "schema": {"type": "string"},
}
RECONCILE_POST: dict[str, Any] = {
    "summary": "A batch of reconciliation queries (form field queries)",
    "tags": ["reconciliation"],
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"queries": {"type": "string"}},
                    "required": ["queries"],
                }
            }
        }
    },
    "responses": {
        "200": {
            "description": "Candidates per query",
            "content": {"application/json": ANY_CONTENT},
        },
        "400": {"description": "The batch is not valid JSON or not a batch of queries."},
    },
}
