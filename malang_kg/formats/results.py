"""Serialising a query's result for a media type chosen by ``negotiation``.

SELECT and ASK results are written by hand (json, xml escaping, csv): the engine hands back plain
``Term`` values, possibly cut at the row limit, and pyoxigraph can only serialise the
``QuerySolutions`` iterator of a live query, not a list of rows cut at a limit. The formats are the
W3C "SPARQL 1.1 Query Results JSON Format", "SPARQL Query Results XML Format (Second Edition)" and
"SPARQL 1.1 Query Results CSV and TSV Formats", with the SPARQL 1.2 / RDF-star term ``triple``.
Graphs (CONSTRUCT, DESCRIBE) are turned back into pyoxigraph terms and serialised by pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from malang_kg.engine import (
    AskResult,
    GraphResult,
    QueryResult,
    Row,
    SelectResult,
    Term,
    TsvResult,
)
from malang_kg.engine.oxterms import OxTerm, from_oxigraph, parse_tsv, select_from_tsv, to_oxigraph
from malang_kg.formats import media as fmt
from malang_kg.iris import PREFIXES

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

_RDF_FORMATS: dict[str, ox.RdfFormat] = {
    fmt.TURTLE.mime: ox.RdfFormat.TURTLE,
    fmt.N_TRIPLES.mime: ox.RdfFormat.N_TRIPLES,
    fmt.JSON_LD.mime: ox.RdfFormat.JSON_LD,
    fmt.RDF_XML.mime: ox.RdfFormat.RDF_XML,
    fmt.TRIG.mime: ox.RdfFormat.TRIG,
    fmt.N_QUADS.mime: ox.RdfFormat.N_QUADS,
}
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


class SerializationError(ValueError):
    """The result cannot be written in the requested format (e.g. JSON-LD and triple terms);
    the message says so in words for the client."""


def serialize(
    result: QueryResult,
    media: fmt.MediaType,
    max_rows: int | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of ``result`` in ``media`` (never HTML: the web layer renders that). A result
    cut at the row limit ``max_rows`` says so in the JSON formats' ``head``; graphs are written
    with ``prefixes`` (default: the canonical layout's)."""
    if isinstance(result, GraphResult):
        return serialize_graph(result.triples, media, prefixes)
    mime = media.mime
    cut = max_rows if isinstance(result, SelectResult | TsvResult) and result.truncated else None
    if isinstance(result, TsvResult):  # written by the engine: passed on, or converted in Rust
        if mime == fmt.TSV.mime:
            return result.tsv
        if mime in (fmt.SPARQL_JSON.mime, fmt.JSON.mime):
            data = parse_tsv(result).serialize(format=ox.QueryResultsFormat.JSON) or b""
            return data if cut is None else mark_truncated(data, cut)
        result = select_from_tsv(result)
    if mime in (fmt.SPARQL_JSON.mime, fmt.JSON.mime):
        return to_json(result, cut)
    if mime in (fmt.SPARQL_XML.mime, fmt.XML.mime):
        return to_xml(result)
    if mime == fmt.CSV.mime:
        return to_csv(result)
    if mime == fmt.TSV.mime:
        return to_tsv(result)
    raise SerializationError(f"query results cannot be written as {mime}")


# --- SPARQL JSON ---------------------------------------------------------------------------------


def json_term(term: Term) -> dict[str, Any]:
    """A term as an RDF term object of the SPARQL JSON results format."""
    if term.kind == "triple":
        triple = to_triple(term.value)
        return {
            "type": "triple",
            "value": {
                "subject": json_term(from_ox(triple.subject)),
                "predicate": json_term(from_ox(triple.predicate)),
                "object": json_term(from_ox(triple.object)),
            },
        }
    value: dict[str, Any] = {"type": term.kind, "value": term.value}
    if term.kind == "literal":
        if term.lang:
            value["xml:lang"] = term.lang
        elif term.datatype:
            value["datatype"] = term.datatype
    return value


def _truncation(max_rows: int | None) -> dict[str, Any]:
    """What a cut answer adds to the JSON ``head`` (nothing for a whole one)."""
    return {} if max_rows is None else {"truncated": True, "maxRows": max_rows}


def to_json(result: SelectResult | AskResult, truncated_at: int | None = None) -> bytes:
    """SPARQL JSON; ``truncated_at``: the row limit that cut the answer, said in ``head``."""
    document: dict[str, Any]
    if isinstance(result, AskResult):
        document = {"head": {}, "boolean": result.value}
    else:
        bindings = [{name: json_term(term) for name, term in row.items()} for row in result.rows]
        head = {"vars": list(result.columns), **_truncation(truncated_at)}
        document = {"head": head, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_HEAD = b'{"head":{'


def mark_truncated(data: bytes, max_rows: int) -> bytes:
    """SPARQL JSON written by pyoxigraph, with ``"truncated": true, "maxRows": N`` added to its
    ``head`` (in place when it starts as pyoxigraph writes it, else by parsing it)."""
    fields = json.dumps(_truncation(max_rows), separators=(",", ":")).encode()[1:-1]
    if data.startswith(_HEAD):
        rest = data[len(_HEAD) :]
        return _HEAD + fields + (b"" if rest.startswith(b"}") else b",") + rest
    document = json.loads(data)
    document.setdefault("head", {}).update(_truncation(max_rows))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- Column order ---------------------------------------------------------------------------------


def reorder(result: QueryResult, columns: Sequence[str]) -> QueryResult:
    """``result`` with its columns in the order ``columns`` (the same names, reordered); any other
    result as it is."""
    if not isinstance(result, SelectResult | TsvResult) or list(columns) == result.columns:
        return result
    if sorted(columns) != sorted(result.columns):
        return result
    if isinstance(result, SelectResult):
        return replace(result, columns=list(columns))
    where = [result.columns.index(name) for name in columns]
    lines = []
    for line in result.tsv.split(b"\n"):
        fields = line.split(b"\t")  # TSV escapes tabs inside values: every tab parts fields
        lines.append(b"\t".join(fields[i] for i in where) if len(fields) == len(where) else line)
    return replace(result, columns=list(columns), tsv=b"\n".join(lines))


# --- SPARQL XML ----------------------------------------------------------------------------------


# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    if _NOT_XML.search(value):
        raise SerializationError(
            "the result holds control characters that XML cannot carry; ask for JSON or TSV"
        )
    return escape(value)


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{_xml_text(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if term.kind == "triple":
        triple = to_triple(term.value)
        parts = (
            f"<{role}>{_xml_term(from_ox(part))}</{role}>"
            for role, part in (
                ("subject", triple.subject),
                ("predicate", triple.predicate),
                ("object", triple.object),
            )
        )
        return f"<triple>{''.join(parts)}</triple>"
    attributes = ""
    if term.lang:
        attributes = f" xml:lang={quoteattr(term.lang)}"
    elif term.datatype:
        attributes = f" datatype={quoteattr(term.datatype)}"
    return f"<literal{attributes}>{_xml_text(term.value)}</literal>"


def to_xml(result: SelectResult | AskResult) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f"<sparql xmlns={quoteattr(SPARQL_RESULTS_NS)}>",
    ]
    if isinstance(result, AskResult):
        out.append(f"<head/><boolean>{'true' if result.value else 'false'}</boolean>")
    else:
        out.append("<head>")
        out.extend(f"<variable name={quoteattr(name)}/>" for name in result.columns)
        out.append("</head>\n<results>\n")
        for row in result.rows:
            out.append("<result>")
            out.extend(
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in row.items()
            )
            out.append("</result>\n")
        out.append("</results>")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


# --- CSV and TSV ---------------------------------------------------------------------------------


def csv_value(term: Term) -> str:
    """A term in CSV: IRIs and literals as plain strings (no language or datatype), blank nodes
    as ``_:id``, triple terms in N-Triples syntax."""
    if term.kind == "bnode":
        return "_:" + term.value
    if term.kind == "triple":
        return nt_term(term)
    return term.value


class CsvRows:
    """CSV records by RFC 4180 (CRLF line ends, fields quoted where needed), one at a time."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def record(self, values: Sequence[str]) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(values)
        return self._buffer.getvalue().encode("utf-8")

    def row(self, row: Row, columns: Sequence[str]) -> bytes:
        return self.record([csv_value(row[name]) if name in row else "" for name in columns])


def to_csv(result: SelectResult | AskResult) -> bytes:
    """CSV (``CsvRows``). CSV has no boolean form in the W3C note; ASK is written
    ``true``/``false`` on one line, as Oxigraph does."""
    if isinstance(result, AskResult):
        return b"true\r\n" if result.value else b"false\r\n"
    records = CsvRows()
    rows = (records.row(row, result.columns) for row in result.rows)
    return b"".join([records.record(result.columns), *rows])


_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _nt_string(value: str) -> str:
    return '"' + "".join(_NT_ESCAPES.get(char, char) for char in value) + '"'


def nt_term(term: Term) -> str:
    """A term in N-Triples syntax (as TSV and the HTML page write it)."""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return "_:" + term.value
    if term.kind == "triple":
        return f"<<( {_triple_body(term.value)} )>>"
    if term.lang:
        return f"{_nt_string(term.value)}@{term.lang}"
    if term.datatype:
        return f"{_nt_string(term.value)}^^<{term.datatype}>"
    return _nt_string(term.value)


def to_tsv(result: SelectResult | AskResult) -> bytes:
    """TSV: variables with ``?``, terms in N-Triples syntax (tabs and newlines in literals are
    escaped there), LF line ends; ASK as ``true``/``false``, which Oxigraph reads back."""
    if isinstance(result, AskResult):
        return b"true\n" if result.value else b"false\n"
    lines = ["\t".join("?" + name for name in result.columns)]
    for row in result.rows:
        lines.append(
            "\t".join(nt_term(row[name]) if name in row else "" for name in result.columns)
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- Terms and graphs ----------------------------------------------------------------------------


def _triple_body(value: str) -> str:
    """The ``s p o`` of a triple term's N-Triples form, with or without ``<<( … )>>``."""
    body = value.strip()
    for opening, closing in (("<<(", ")>>"), ("<<", ">>")):
        if body.startswith(opening) and body.endswith(closing):
            return body[len(opening) : -len(closing)].strip()
    return body


def to_triple(value: str) -> ox.Triple:
    """Parse the N-Triples form of a triple term (``Term.value`` of kind ``triple``)."""
    try:
        quads = list(ox.parse(f"{_triple_body(value)} .\n", format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as error:
        raise SerializationError("a triple term in the result is malformed") from error
    if len(quads) != 1:
        raise SerializationError("a triple term in the result is malformed")
    quad = quads[0]
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def to_ox(term: Term) -> OxTerm:
    """A ``Term`` as a pyoxigraph term."""
    try:
        return _to_ox(term)
    except ValueError as error:  # an IRI or language tag pyoxigraph refuses
        raise SerializationError(f"the result holds an invalid RDF term ({term.kind})") from error


def _to_ox(term: Term) -> OxTerm:
    return to_triple(term.value) if term.kind == "triple" else to_oxigraph(term)


def from_ox(term: object) -> Term:
    """A pyoxigraph term as a ``Term`` (the inverse of ``to_ox``)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return from_oxigraph(term)
    raise SerializationError(f"unexpected term {type(term).__name__}")


def to_ox_triples(triples: Iterable[tuple[Term, Term, Term]]) -> list[ox.Triple]:
    out = []
    for s, p, o in triples:
        subject, predicate = to_ox(s), to_ox(p)
        if not isinstance(subject, ox.NamedNode | ox.BlankNode) or not isinstance(
            predicate, ox.NamedNode
        ):
            raise SerializationError("a triple of the result has an invalid subject or predicate")
        out.append(ox.Triple(subject, predicate, to_ox(o)))
    return out


def serialize_graph(
    triples: Iterable[tuple[Term, Term, Term]],
    media: fmt.MediaType,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """The triples in an RDF format; Turtle, TriG and RDF/XML with the project's prefixes
    (``prefixes``, default the canonical layout's)."""
    rdf_format = _RDF_FORMATS.get(media.mime)
    if rdf_format is None:
        raise SerializationError(f"a graph cannot be written as {media.mime}")
    declared = dict(PREFIXES if prefixes is None else prefixes) if rdf_format in _PREFIXED else None
    try:
        data = ox.serialize(to_ox_triples(triples), format=rdf_format, prefixes=declared)
    except OSError as error:  # e.g. "JSON-LD does not support RDF 1.2 yet"
        raise SerializationError(
            f"this graph cannot be written as {media.label} (it holds triple terms, which "
            f"{media.label} cannot express here); ask for Turtle or N-Triples instead"
        ) from error
    return data if data is not None else b""
