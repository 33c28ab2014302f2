"""The plain values every part of the service shares: RDF terms, answers and requests.

Answers are picklable (query processes send them through a pipe) and hold no engine objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

TermKind = Literal["uri", "bnode", "literal", "triple"]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Term(NamedTuple):
    """An RDF term as plain data. ``value`` is the IRI, the blank node id, the literal's lexical
    form, or (kind ``triple``) the N-Triples form of a quoted triple."""

    kind: TermKind
    value: str
    lang: str | None = None
    datatype: str | None = None  # None for simple (xsd:string) and language-tagged literals

    @classmethod
    def uri(cls, value: str) -> Term:
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, lang: str | None = None, datatype: str | None = None) -> Term:
        if datatype == XSD_STRING:
            datatype = None
        return cls("literal", value, lang, None if lang else datatype)

    def __str__(self) -> str:
        return self.value


Row = dict[str, Term]


@dataclass(frozen=True)
class SelectResult:
    columns: list[str]
    rows: list[Row]  # a row holds only the columns bound in it
    truncated: bool = False  # True when the row limit cut the result
    elapsed: float = 0.0  # seconds the engine took


@dataclass(frozen=True)
class AskResult:
    value: bool
    elapsed: float = 0.0


@dataclass(frozen=True)
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[tuple[Term, Term, Term]]
    truncated: bool = False
    elapsed: float = 0.0


@dataclass(frozen=True)
class TsvResult:
    """A SELECT's answer as the engine serialised it: SPARQL TSV, a header line and then one line
    per row (line breaks inside values are escaped), cut at the row limit. Asked for with
    ``QueryRequest.as_tsv`` by the SPARQL endpoint, which turns it into JSON or TSV with pyoxigraph
    instead of making a Python object of every value. A backend that cannot write TSV answers
    with a ``SelectResult`` instead."""

    columns: list[str]
    tsv: bytes
    truncated: bool = False
    elapsed: float = 0.0


QueryResult = SelectResult | AskResult | GraphResult | TsvResult


@dataclass(frozen=True)
class QueryRequest:
    """One query as a client asked it. ``default_graphs``/``named_graphs`` are the protocol's
    ``default-graph-uri``/``named-graph-uri`` (None: not given). ``bindings`` bind variables by
    value (the query must project them)."""

    text: str
    bindings: dict[str, Term] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    timeout: float | None = None  # seconds; None: the service's MALANG_KG_QUERY_TIMEOUT
    max_rows: int | None = None  # None: the service's MALANG_KG_MAX_ROWS
    as_tsv: bool = False  # a SELECT may be answered as a TsvResult
