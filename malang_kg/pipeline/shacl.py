"""Validating the store against the shapes compiled to SPARQL (``shapes.py``).

Each node shape's targets become one SPARQL pattern of its focus nodes (``?this``); each
constraint becomes one query that joins it and returns only the violations, so the store's query
engine does the work that pyshacl does by walking the graph node by node in Python. The results
are those pyshacl gives (``tests/test_build_shapes.py`` compares the two on the real data,
synthetic data and broken files): same focus node, constraint component, path, value and, where
the shapes give one, message.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from malang_kg.pipeline.dataset import OxTerm, to_rdflib
from malang_kg.pipeline.shapes import (
    NodeShape,
    PropertyShape,
    ShapeReader,
    SparqlConstraint,
    UnsupportedShape,
    datatypes,
)
from malang_kg.pipeline.sparqltext import split_unions

Term = ox.NamedNode | ox.BlankNode | ox.Literal
SELECT = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?(.*?)\s+WHERE\s*\{(.*)\}\s*$", re.DOTALL | re.I)
PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


@dataclass(frozen=True)
class Result:
    """One validation result, as pyshacl would report it."""

    focus: Term
    component: str
    path: str
    value: Term | None
    message: str
    severity: str
    details: tuple[str, ...] = ()


def ill_typed(literal: ox.Literal) -> bool:
    """Whether pyshacl's ``sh:datatype`` refuses a literal of its own datatype: rdflib cannot
    read its lexical form, or reads it as a value of the wrong Python type."""
    value = to_rdflib(literal)
    assert isinstance(value, Literal)
    if value.ill_typed:
        return True
    expected = PYTHON_TYPES.get(URIRef(literal.datatype.value))
    return expected is not None and not isinstance(value.value, expected)


class Checker:
    """Runs the compiled shapes over the union of the store's graphs."""

    def __init__(self, store: ox.Store, shapes: Graph, literals: list[ox.Literal]) -> None:
        self.store = store
        wanted = datatypes(shapes) - {str(RDF.langString), str(XSD.string)}
        bad: dict[str, list[Literal]] = defaultdict(list)
        for literal in literals:
            if literal.datatype.value in wanted and ill_typed(literal):
                rdflib_literal = to_rdflib(literal)
                assert isinstance(rdflib_literal, Literal)
                bad[literal.datatype.value].append(rdflib_literal)
        self.reader = ShapeReader(shapes, self.subclasses, dict(bad))

    @functools.cache  # noqa: B019 (one checker per validation)
    def subclasses(self, cls: str) -> list[str]:
        rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}")
        found = {cls} | {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}
        return sorted(found)

    def select(self, query: str) -> list[ox.QuerySolution]:
        rows = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        return list(rows)

    def run(self) -> list[Result]:
        results: list[Result] = []
        for shape in self.reader.shapes.values():
            if shape.targets:
                branches = " UNION ".join(f"{{ {target} }}" for target in shape.targets)
                focus = f"{{ SELECT DISTINCT ?this WHERE {{ {branches} }} }}"
                results += self.node(shape, focus)
        return results

    def node(self, shape: NodeShape, focus: str) -> list[Result]:
        """The results of one node shape for the focus nodes that ``focus`` binds to ?this."""
        results: list[Result] = []
        for test in shape.tests:
            test_expression = f"FILTER (!COALESCE({test.expression}, false))"
            query = f"SELECT ?this WHERE {{ {focus} BIND (?this AS ?v) {test_expression} }}"
            for row in self.select(query):
                this = _term(row["this"])
                message = shape.message or test.message
                results.append(Result(this, test.component, "", this, message, shape.severity))
        for prop in shape.properties:
            results += self.property(prop, focus)
        if shape.nodes:
            results += self.nested(shape, focus)
        for constraint in shape.sparql:
            results += self.sparql(shape, constraint, focus)
        return results

    def nested(self, shape: NodeShape, focus: str) -> list[Result]:
        """``sh:node``: per referenced shape a focus node fails, one result whose details are
        the referenced shape's results (which pyshacl reports as well)."""
        shown = [self.reader.short(referenced) for referenced in shape.nodes]
        if len(shown) < 2:
            default = f"Value does not conform to Shape {shown[0]}."
        else:
            default = "Value must conform to every Shape in ('" + "', '".join(shown) + "')."
        message = shape.message or default + " See details for more information."
        results: list[Result] = []
        for referenced in shape.nodes:
            found: dict[Term, list[Result]] = defaultdict(list)
            for result in self.node(self.reader.shapes[referenced], focus):
                found[result.focus].append(result)
            for this, nested in found.items():
                details = {r.message for r in nested} | {d for r in nested for d in r.details}
                component = "NodeConstraintComponent"
                results.append(
                    Result(
                        this, component, "", this, message, shape.severity, tuple(sorted(details))
                    )
                )
                results += nested
        return results

    def property(self, prop: PropertyShape, focus: str) -> list[Result]:
        """The results of one property shape for the focus nodes that ``focus`` binds to ?this."""
        values = f"{focus} ?this {prop.path} ?v ."
        return [
            *self.cardinality(prop, focus, values),
            *self.value_tests(prop, values),
            *self.unique_lang(prop, values),
            *self.qualified(prop, focus),
        ]

    def cardinality(self, prop: PropertyShape, focus: str, values: str) -> list[Result]:
        """``sh:minCount`` and ``sh:maxCount``, counted in one query when a shape has both."""
        low, high = prop.min_count, prop.max_count
        if not low and high is None:
            return []
        count = "COUNT(DISTINCT ?v)"
        more = f"More than {high} values on {prop.shown_path}"
        if not low:
            query = f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING ({count} > {high})"
            return self.failing(prop, query, "MaxCountConstraintComponent", more)
        failing = f"{count} < {low}" + (f" || {count} > {high}" if high is not None else "")
        query = (
            f"SELECT ?this ({count} AS ?n) WHERE {{ {focus} OPTIONAL {{ ?this {prop.path} ?v }} }} "
            f"GROUP BY ?this HAVING ({failing})"
        )
        fewer = f"Less than {low} values on {prop.shown_path}"
        results = []
        for row in self.select(query):
            number = row["n"]
            assert isinstance(number, ox.Literal)
            if int(number.value) < low:
                component, message = "MinCountConstraintComponent", fewer
            else:
                component, message = "MaxCountConstraintComponent", more
            results.append(_result(prop, row["this"], component, None, message))
        return results

    def value_tests(self, prop: PropertyShape, values: str) -> list[Result]:
        """The value constraints, all of a property shape in one query (one pass over its values,
        not one per constraint): one result per focus node, value and constraint it fails."""
        if not prop.tests:
            return []
        binds = " ".join(
            f"BIND (!COALESCE({test.expression}, false) AS ?bad{i})"
            if test.may_fail
            else f"BIND (!({test.expression}) AS ?bad{i})"
            for i, test in enumerate(prop.tests)
        )
        names = [f"?bad{i}" for i in range(len(prop.tests))]
        query = (
            f"SELECT DISTINCT ?this ?v {' '.join(names)} WHERE {{ {values} {binds} "
            f"FILTER ({' || '.join(names)}) }}"  # an unbound (an error) is no failure
        )
        results: list[Result] = []
        for row in self.select(query):
            for i, test in enumerate(prop.tests):
                bad = row[f"bad{i}"]
                if isinstance(bad, ox.Literal) and bad.value == "true":
                    results.append(
                        _result(prop, row["this"], test.component, row["v"], test.message)
                    )
        return results

    def unique_lang(self, prop: PropertyShape, values: str) -> list[Result]:
        """``sh:uniqueLang``: one result per focus node and language used more than once."""
        if not prop.unique_lang:
            return []
        query = (
            f'SELECT ?this ?lang WHERE {{ {values} FILTER (isLiteral(?v) && LANG(?v) != "") '
            "BIND (LCASE(LANG(?v)) AS ?lang) } GROUP BY ?this ?lang "
            "HAVING (COUNT(DISTINCT ?v) > 1)"
        )
        message = "More than one String shares the same Language"
        return self.failing(prop, query, "UniqueLangConstraintComponent", message)

    def qualified(self, prop: PropertyShape, focus: str) -> list[Result]:
        """``sh:qualifiedMinCount`` and ``sh:qualifiedMaxCount``."""
        if prop.qualified is None:
            return []
        expression, low, high = prop.qualified
        results: list[Result] = []
        for bound, operator, name in ((low, "<", "Min"), (high, ">", "Max")):
            if bound is None:
                continue
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {prop.path} ?v "
                f"FILTER ({expression}) }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) {operator} {bound})"
            )
            component = f"Qualified{name}CountConstraintComponent"
            message = f"Focus node does not conform to the qualified shape {operator} {bound}"
            results += self.failing(prop, query, component, message)
        return results

    def failing(
        self, prop: PropertyShape, query: str, component: str, default: str
    ) -> list[Result]:
        """A result without a value for each focus node (``?this``) that ``query`` returns."""
        return [_result(prop, row["this"], component, None, default) for row in self.select(query)]

    def sparql(self, shape: NodeShape, constraint: SparqlConstraint, focus: str) -> list[Result]:
        """``sh:sparql``: the query is joined with the focus nodes rather than run once per focus
        node with ``$this`` pre-bound; the two agree when the query binds ``$this`` in a triple
        pattern, as every constraint of ``ontology/shapes.ttl`` does."""
        match = SELECT.match(constraint.select)
        if match is None:
            raise UnsupportedShape(f"cannot read the SPARQL constraint {constraint.select!r}")
        projection, body = match.groups()
        rows: list[ox.QuerySolution] = []
        names: list[str] = []
        for variant in split_unions(body):
            query = (
                f"{constraint.prefixes}SELECT DISTINCT {projection} WHERE {{ {focus} {variant} }}"
            )
            solutions = self.store.query(query, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            names = [variable.value for variable in solutions.variables]
            rows += list(solutions)
        results, seen = [], set()
        for row in rows:
            bound = {name: _term(row[name]) for name in names if row[name] is not None}
            key = tuple(sorted((name, str(term)) for name, term in bound.items()))
            if key in seen:
                continue
            seen.add(key)
            this = _term(bound["this"])
            value = _term(bound["value"]) if "value" in bound else this
            path = self.reader.short(URIRef(bound["path"].value)) if "path" in bound else ""
            message = constraint.message or shape.message or "SPARQL constraint violated"
            for name, term in bound.items():
                message = message.replace(f"{{?{name}}}", term.value)
                message = message.replace(f"{{${name}}}", term.value)
            results.append(
                Result(this, "SPARQLConstraintComponent", path, value, message, shape.severity)
            )
        return results


def _result(
    prop: PropertyShape, this: OxTerm | None, component: str, value: OxTerm | None, default: str
) -> Result:
    """A result of a property shape; the shape's own message, if any, replaces ``default``."""
    term = _term(value) if value is not None else None
    message = prop.message or default
    return Result(_term(this), component, prop.shown_path, term, message, prop.severity)


def _term(term: OxTerm | None) -> Term:
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal), term
    return term


def check(store: ox.Store, shapes: Graph, literals: list[ox.Literal]) -> list[Result]:
    """Every validation result of the store's data against the shapes."""
    return Checker(store, shapes, literals).run()
