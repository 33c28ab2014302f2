"""Answering a query safely, whatever the store.

Every query takes one path, ``QueryService.execute`` (``service.py``): the guard (``guard.py``),
the result cache (``cache.py``), then a backend within the limits: the embedded store in killable
query processes (``embedded.py``, ``workers.py``) or a remote SPARQL engine (``remote/``).
Answers are plain values (``types.py``), so the web layer never depends on which store answered.
"""

from malang_kg.engine.types import (
    RDF_LANGSTRING,
    XSD_STRING,
    AskResult,
    GraphResult,
    QueryRequest,
    QueryResult,
    Row,
    SelectResult,
    Term,
    TermKind,
    TsvResult,
)

__all__ = [
    "RDF_LANGSTRING",
    "XSD_STRING",
    "AskResult",
    "GraphResult",
    "QueryRequest",
    "QueryResult",
    "Row",
    "SelectResult",
    "Term",
    "TermKind",
    "TsvResult",
]
