"""Query results as people read them, for the query page and the named-query API's HTML: IRIs
shortened with the dataset's prefixes (and the prefix of their kind for our entities), shown with
their label and linking to our own pages; literals as plain values with a quiet language or
datatype tag; graphs as Turtle made of segments (text, link) that the template prints. Nothing
here is HTML: Jinja's autoescaping does all escaping."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from malang_kg.engine import AskResult, GraphResult, QueryResult, Row, Term, TsvResult
from malang_kg.engine.oxterms import select_from_tsv
from malang_kg.formats.results import nt_term
from malang_kg.formats.rows import INTEGER_TYPES, NUMBER_TYPES
from malang_kg.iris import LOCAL_NAME, RDF, XSD, Layout, Links
from malang_kg.web.context import label_index, layout, links
from malang_kg.web.i18n import choose_language, other_language, translator
from malang_kg.web.i18n.query_page import TEXTS

XSD_NS = str(XSD)
XSD_INTEGER = XSD_NS + "integer"
RDF_TYPE = str(RDF.type)
TermTriple = tuple[Term, Term, Term]


LONG_TEXT = 60  # characters past which a cell's column is made wide


@dataclass(frozen=True)
class Cell:
    """One value of the results table: ``text`` (a label, a short IRI or a literal's value),
    ``note`` the short IRI beside a label, ``tag`` a literal's language or datatype."""

    text: str = ""
    href: str | None = None
    note: str = ""
    kind: str = "unbound"
    tag: str = ""
    tag_title: str = ""
    lang: str = ""  # the language of ``text``, when known
    numeric: bool = False

    @property
    def classes(self) -> str:
        """The cell's kind, ``num`` for numbers, ``long`` for a text that needs a wide column
        (so that a sentence is not squeezed into a narrow one, many lines high)."""
        extra = " num" if self.numeric else " long" if len(self.text) > LONG_TEXT else ""
        return self.kind + extra


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def numeric(self, index: int) -> bool:
        """Whether the column holds numbers only (its header is then right-aligned too)."""
        cells = [row[index] for row in self.rows if row[index].kind != "unbound"]
        return bool(cells) and all(cell.numeric for cell in cells)

    @property
    def header(self) -> list[tuple[str, bool]]:
        """(name, numeric) of each column."""
        return [(name, self.numeric(i)) for i, name in enumerate(self.columns)]


@dataclass(frozen=True)
class Segment:
    """A piece of the Turtle text: a link when ``href`` is set."""

    text: str
    href: str | None = None
    kind: str = ""  # iri, literal, comment or "" (punctuation and white space)


@dataclass(frozen=True)
class Reader:
    """How one request shows terms: the layout, its links (keeping ``?lang=``), the labels of
    the IRIs at hand and the interface language."""

    layout: Layout
    links: Links
    labels: Mapping[str, Term]
    lang: str

    def prefixed(self, iri: str) -> tuple[str, str, str] | None:
        """(prefix, namespace, local name) of an IRI SPARQL can write as a prefixed name."""
        for prefix, namespace in self.layout.prefixes.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and LOCAL_NAME.fullmatch(local):
                return prefix, namespace, local
        return self.layout.entity_prefixed(iri)

    def short(self, iri: str) -> str:
        """``kelurahan:samaan``, ``mk:Award``; the IRI itself when no prefix fits."""
        found = self.prefixed(iri)
        return f"{found[0]}:{found[2]}" if found else self.layout.short(iri)

    def href(self, iri: str) -> str | None:
        return self.links.href(iri)[0]

    def cell(self, term: Term | None) -> Cell:
        """A term as a table cell."""
        if term is None:
            return Cell()
        if term.kind == "uri":
            short = self.short(term.value)
            label = self.labels.get(term.value)
            href = self.href(term.value)
            if label is None:
                return Cell(short, href, kind="uri")
            return Cell(label.value, href, short, "uri", lang=label.lang or "")
        if term.kind == "bnode":
            return Cell("_:" + term.value, kind="bnode")
        if term.kind == "triple":
            return Cell(nt_term(term), kind="triple")
        return self.literal(term)

    def literal(self, term: Term) -> Cell:
        t = translator(TEXTS, self.lang)
        if term.lang:
            title = t("language_tag").format(lang=term.lang)
            return Cell(term.value, kind="literal", tag=term.lang, tag_title=title, lang=term.lang)
        datatype = term.datatype
        if datatype is None:
            return Cell(term.value, kind="literal")
        numeric = datatype in INTEGER_TYPES or datatype in NUMBER_TYPES
        if datatype == XSD_INTEGER:
            return Cell(term.value, kind="literal", numeric=True)
        tag = self.datatype_tag(datatype)
        return Cell(term.value, kind="literal", tag=tag, tag_title=datatype, numeric=numeric)

    def datatype_tag(self, datatype: str) -> str:
        """``gYear`` for XSD's types, a prefixed name for other known ones, else the IRI's end."""
        if datatype.startswith(XSD_NS):
            return datatype[len(XSD_NS) :]
        short = self.short(datatype)
        return short if short != datatype else re.split(r"[/#]", datatype.rstrip("/#"))[-1]


def iris_of(terms: Iterable[Term | None]) -> set[str]:
    return {term.value for term in terms if term is not None and term.kind == "uri"}


def reader(iris: Iterable[str], lang: str | None = None) -> Reader:
    """The reader of this request, with the labels of ``iris`` (one lookup for all of them)."""
    chosen = lang or choose_language()
    wanted = set(iris)
    labels: Mapping[str, Term] = {}
    if wanted:
        try:
            labels = label_index().best_labels(wanted, chosen, other_language(chosen))
        except (OSError, sqlite3.Error):  # a build without its label index: short IRIs only
            labels = {}
    return Reader(layout(), links(), labels, chosen)


def select_table(columns: Sequence[str], rows: Sequence[Row], lang: str | None = None) -> Table:
    """The rows as a table, a column per variable, in the order of ``columns``."""
    view = reader(iris_of(term for row in rows for term in row.values()), lang)
    return Table(list(columns), [[view.cell(row.get(name)) for name in columns] for row in rows])


def graph_table(triples: Sequence[TermTriple], lang: str | None = None) -> Table:
    view = reader(iris_of(term for triple in triples for term in triple), lang)
    return Table(
        ["subject", "predicate", "object"], [[view.cell(term) for term in t] for t in triples]
    )


def table(result: QueryResult, lang: str | None = None) -> Table | None:
    """The result as a table (None for ASK): a column per variable, or subject/predicate/object."""
    if isinstance(result, AskResult):
        return None
    if isinstance(result, GraphResult):
        return graph_table(result.triples, lang)
    rows = select_from_tsv(result).rows if isinstance(result, TsvResult) else result.rows
    return select_table(result.columns, rows, lang)


# --- Turtle ---------------------------------------------------------------------------------------

_BARE = {
    XSD_INTEGER: re.compile(r"[+-]?[0-9]+"),
    XSD_NS + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD_NS + "boolean": re.compile(r"true|false"),
}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _string(value: str) -> str:
    return '"' + "".join(_ESCAPES.get(char, char) for char in value) + '"'


class _Turtle:
    """Writes triples as Turtle segments, noting the prefixes it used."""

    def __init__(self, view: Reader) -> None:
        self.view = view
        self.used: dict[str, str] = {}

    def iri(self, iri: str) -> Segment:
        found = self.view.prefixed(iri)
        if found is None:
            return Segment(f"<{iri}>", self.view.href(iri), "iri")
        prefix, namespace, local = found
        self.used[prefix] = namespace
        return Segment(f"{prefix}:{local}", self.view.href(iri), "iri")

    def term(self, term: Term) -> list[Segment]:
        if term.kind == "uri":
            return [self.iri(term.value)]
        if term.kind == "bnode":
            return [Segment("_:" + term.value)]
        if term.kind == "triple":
            return [Segment(nt_term(term))]
        if term.lang:
            return [Segment(f"{_string(term.value)}@{term.lang}", kind="literal")]
        if term.datatype is None:
            return [Segment(_string(term.value), kind="literal")]
        bare = _BARE.get(term.datatype)
        if bare is not None and bare.fullmatch(term.value):
            return [Segment(term.value, kind="literal")]
        return [Segment(_string(term.value) + "^^", kind="literal"), self.iri(term.datatype)]

    def predicate(self, term: Term) -> list[Segment]:
        return [Segment("a")] if term == Term.uri(RDF_TYPE) else self.term(term)

    def subject(self, subject: Term, body: dict[Term, list[Term]]) -> list[Segment]:
        out = self.term(subject)
        label = self.view.labels.get(subject.value) if subject.kind == "uri" else None
        if label is not None:
            out.append(Segment("  # " + " ".join(label.value.split()), kind="comment"))
        for number, (predicate, objects) in enumerate(body.items()):
            out.append(Segment("\n    " if number == 0 else " ;\n    "))
            out += self.predicate(predicate)
            for index, value in enumerate(objects):
                out.append(Segment(" " if index == 0 else " ,\n        "))
                out += self.term(value)
        out.append(Segment(" .\n"))
        return out


def turtle(triples: Sequence[TermTriple], lang: str | None = None) -> list[Segment]:
    """The triples as Turtle, grouped by subject in the order they came, with ``@prefix`` lines
    for the prefixes used and each labelled subject's label as a comment."""
    view = reader(iris_of(term for triple in triples for term in triple), lang)
    grouped: dict[Term, dict[Term, list[Term]]] = {}
    for s, p, o in triples:
        grouped.setdefault(s, {}).setdefault(p, []).append(o)
    writer = _Turtle(view)
    body: list[Segment] = []
    for subject, predicates in grouped.items():
        body.append(Segment("\n"))
        body += writer.subject(subject, predicates)
    head = [Segment(f"@prefix {name}: <{ns}> .\n") for name, ns in sorted(writer.used.items())]
    return head + body
