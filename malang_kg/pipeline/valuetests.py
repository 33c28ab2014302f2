"""The value constraints of the SHACL shapes (``sh:class``, ``sh:datatype``, ``sh:in``, ...).

Each constraint compiles to a ``ValueTest``: a SPARQL expression on ``?v`` that is true when a
value node conforms, so that one FILTER checks every value of a shape at once. The tests apply to
the values of a property shape, to the focus node of a node shape and to the members of ``sh:or``
and qualified value shapes (``ValueReader.conforms``). Only the keys in ``VALUE_KEYS`` are
compiled; ``shapes.py`` reads the rest of the shapes on top of ``ValueReader``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

# What a value constraint can say about one value node (sh:or members and qualified value
# shapes may use them too).
VALUE_KEYS = frozenset(
    {
        SH["class"],
        SH.datatype,
        SH.nodeKind,
        SH.pattern,
        SH.flags,
        SH.minLength,
        SH.maxLength,
        SH.languageIn,
        SH.minInclusive,
        SH.maxInclusive,
        SH.minExclusive,
        SH.maxExclusive,
        SH["in"],
        SH["or"],
    }
)
COMMON_KEYS = frozenset(
    {RDF.type, SH.message, SH.severity, SH.name, SH.description, RDFS.comment, RDFS.label}
)
NODE_KINDS = {
    SH.IRI: "isIRI(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isIRI(?v) || isBlank(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature that is not compiled to SPARQL."""


def sparql_term(node: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if node.language:
            return f'"{text}"@{node.language}'
        return f'"{text}"^^<{node.datatype or XSD.string}>'
    raise UnsupportedShape(f"a blank node where a term is expected: {node}")


@dataclass(frozen=True)
class ValueTest:
    """One value constraint: its component, a SPARQL test of ``?v``, a default message."""

    component: str  # e.g. "ClassConstraintComponent"
    expression: str
    message: str
    # False when the test cannot raise a SPARQL error (an EXISTS, a term test), so it needs no
    # COALESCE in a combination: Oxigraph evaluates ``COALESCE(EXISTS …) || COALESCE(EXISTS …)``
    # some thirty times slower than ``EXISTS … || EXISTS …`` (4.5 s against 0.16 s at 1M).
    may_fail: bool = True


class ValueReader:
    """Reads the shapes graph's single values and compiles its value constraints.

    ``subclasses`` gives a class and its subclasses (``sh:targetClass`` and ``sh:class``
    follow ``rdfs:subClassOf*``); they are looked up once, so that each query finds its nodes
    through the type index.

    ``ill_typed`` lists, per datatype IRI, the literals of the data with that datatype whose
    lexical form is not valid for it: they fail ``sh:datatype`` (as in pyshacl)."""

    def __init__(
        self,
        graph: Graph,
        subclasses: Callable[[str], list[str]],
        ill_typed: dict[str, list[Literal]] | None = None,
    ) -> None:
        self.graph = graph
        self.subclasses = subclasses  # a class and its subclasses, in the data and ontology
        self.ill_typed = ill_typed or {}
        self.names = graph.namespace_manager

    def short(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return self.names.normalizeUri(str(node))
        return str(node)

    def _check(self, node: Node, allowed: frozenset[URIRef]) -> None:
        unknown = {p for p in self.graph.predicates(node) if p not in allowed | COMMON_KEYS}
        if unknown:
            keys = ", ".join(sorted(self.short(p) for p in unknown))
            raise UnsupportedShape(f"{self.short(node)} uses {keys}, which is not compiled")

    def _one(self, node: Node, key: URIRef) -> Node | None:
        values = list(self.graph.objects(node, key))
        if len(values) > 1:
            raise UnsupportedShape(f"{self.short(node)} has more than one {self.short(key)}")
        return values[0] if values else None

    def _int(self, node: Node, key: URIRef) -> int | None:
        value = self._one(node, key)
        return int(value) if isinstance(value, Literal) else None

    def value_tests(self, node: Node) -> list[ValueTest]:
        """The value constraints of a shape, each as a SPARQL test of ``?v``."""
        families = (
            self._class,
            self._datatype,
            self._node_kind,
            self._pattern,
            self._length,
            self._language_in,
            self._range,
            self._in,
            self._or,
        )
        return [test for family in families for test in family(node)]

    def conforms(self, node: Node) -> str:
        """A SPARQL test that ``?v`` conforms to a shape made of value constraints alone."""
        self._check(node, VALUE_KEYS)
        tests = self.value_tests(node)
        return (
            " && ".join(
                f"COALESCE({t.expression}, false)" if t.may_fail else t.expression for t in tests
            )
            or "true"
        )

    def _class(self, node: Node) -> list[ValueTest]:
        """``sh:class``: a type of ``?v`` is the class or one of its subclasses."""
        tests = []
        for cls in self.graph.objects(node, SH["class"]):
            types = ", ".join(f"<{c}>" for c in self.subclasses(str(cls)))
            expression = f"EXISTS {{ ?v a ?type FILTER (?type IN ({types})) }}"
            message = f"Value does not have class {self.short(cls)}"
            tests.append(ValueTest("ClassConstraintComponent", expression, message, False))
        return tests

    def _datatype(self, node: Node) -> list[ValueTest]:
        """``sh:datatype``; the data's ill-typed literals of that datatype fail it."""
        datatype = self._one(node, SH.datatype)
        if datatype is None:
            return []
        if datatype == RDF.langString:
            expression = 'isLiteral(?v) && LANG(?v) != ""'
        else:
            expression = f"isLiteral(?v) && DATATYPE(?v) = {sparql_term(datatype)}"
        for literal in self.ill_typed.get(str(datatype), []):
            expression += f" && !sameTerm(?v, {sparql_term(literal)})"
        message = f"Value is not Literal with datatype {self.short(datatype)}"
        return [ValueTest("DatatypeConstraintComponent", expression, message)]

    def _node_kind(self, node: Node) -> list[ValueTest]:
        """``sh:nodeKind``."""
        kind = self._one(node, SH.nodeKind)
        if kind is None:
            return []
        if not isinstance(kind, URIRef) or kind not in NODE_KINDS:
            raise UnsupportedShape(f"sh:nodeKind {self.short(kind)}")
        message = f"Value is not of Node Kind {self.short(kind)}"
        return [ValueTest("NodeKindConstraintComponent", NODE_KINDS[kind], message, False)]

    def _pattern(self, node: Node) -> list[ValueTest]:
        """``sh:pattern``, with ``sh:flags`` if given."""
        pattern = self._one(node, SH.pattern)
        if pattern is None:
            return []
        flags = self._one(node, SH.flags)
        arguments = sparql_term(Literal(str(pattern)))
        if flags is not None:
            arguments += ", " + sparql_term(Literal(str(flags)))
        return [
            ValueTest(
                "PatternConstraintComponent",
                f"!isBlank(?v) && REGEX(STR(?v), {arguments})",
                f"Value does not match pattern '{pattern}'",
            )
        ]

    def _length(self, node: Node) -> list[ValueTest]:
        """``sh:minLength`` and ``sh:maxLength``."""
        tests = []
        for key, operator, name in (
            (SH.minLength, ">=", "MinLengthConstraintComponent"),
            (SH.maxLength, "<=", "MaxLengthConstraintComponent"),
        ):
            limit = self._int(node, key)
            if limit is not None:
                tests.append(
                    ValueTest(
                        name,
                        f"!isBlank(?v) && STRLEN(STR(?v)) {operator} {limit}",
                        f"String length not {operator} {limit}",
                    )
                )
        return tests

    def _language_in(self, node: Node) -> list[ValueTest]:
        """``sh:languageIn``: a language tag in the list, or a subtag of one (``*``: any)."""
        languages = self._one(node, SH.languageIn)
        if languages is None:
            return []
        wanted = [str(lang).lower() for lang in self.graph.items(languages)]
        test = " || ".join(
            f'LCASE(LANG(?v)) = "{lang}" || STRSTARTS(LCASE(LANG(?v)), "{lang}-")'
            for lang in wanted
        )
        if "*" in wanted:
            test = "true"
        return [
            ValueTest(
                "LanguageInConstraintComponent",
                f'isLiteral(?v) && LANG(?v) != "" && ({test or "false"})',
                f"String language is not in {wanted}",
            )
        ]

    def _range(self, node: Node) -> list[ValueTest]:
        """``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``."""
        tests = []
        for key, operator in COMPARISONS.items():
            bound = self._one(node, key)
            if bound is not None:
                name = self.short(key).removeprefix("sh:")
                tests.append(
                    ValueTest(
                        name[0].upper() + name[1:] + "ConstraintComponent",
                        f"?v {operator} {sparql_term(bound)}",
                        f"Value is not {operator} {bound}",
                    )
                )
        return tests

    def _in(self, node: Node) -> list[ValueTest]:
        """``sh:in``: ``?v`` is one of the listed terms."""
        allowed = self._one(node, SH["in"])
        if allowed is None:
            return []
        members = [f"sameTerm(?v, {sparql_term(m)})" for m in self.graph.items(allowed)]
        return [
            ValueTest(
                "InConstraintComponent",
                " || ".join(members) or "false",
                "Value is not in the list of allowed values",
                False,
            )
        ]

    def _or(self, node: Node) -> list[ValueTest]:
        """``sh:or``: ``?v`` conforms to one of the listed shapes of value constraints."""
        alternatives = self._one(node, SH["or"])
        if alternatives is None:
            return []
        members = [f"({self.conforms(m)})" for m in self.graph.items(alternatives)]
        return [
            ValueTest(
                "OrConstraintComponent",
                " || ".join(members) or "false",
                "Value does not conform to any shape of sh:or",
                False,  # each member's tests are made safe by ``conforms``
            )
        ]
