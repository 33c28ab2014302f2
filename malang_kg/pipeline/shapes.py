"""The SHACL shapes as a model that compiles to SPARQL, for validation on the Oxigraph store.

``read_shapes`` turns ``ontology/shapes.ttl`` into node shapes (targets, property shapes,
``sh:node`` references, SPARQL constraints) and property shapes (a path, cardinalities,
qualified counts, ``sh:uniqueLang`` and value constraints). A value constraint becomes a SPARQL
expression on ``?v`` that is true when a value node conforms (``ValueTest.expression``).

Only the SHACL Core and SHACL-SPARQL features listed in ``VALUE_KEYS``, ``PROPERTY_KEYS`` and
``NODE_KEYS`` are compiled. A shape using anything else raises ``UnsupportedShape``, naming it:
validate such shapes with pyshacl (``MALANG_KG_BUILD_ENGINE=reference``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
PROPERTY_KEYS = VALUE_KEYS | {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
NODE_KEYS = VALUE_KEYS | {
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.node,
    SH.property,
    SH.sparql,
}
COMMON_KEYS = frozenset(
    {RDF.type, SH.message, SH.severity, SH.name, SH.description, RDFS.comment, RDFS.label}
)
SPARQL_KEYS = frozenset({RDF.type, SH.select, SH.message, SH.prefixes})
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


@dataclass
class PropertyShape:
    node: Node
    path: str  # SPARQL property path
    shown_path: str  # the path in prefixed form, for reports
    message: str | None
    severity: str
    min_count: int | None = None
    max_count: int | None = None
    unique_lang: bool = False
    qualified: tuple[str, int | None, int | None] | None = None  # (expression, min, max)
    tests: list[ValueTest] = field(default_factory=list)


@dataclass
class SparqlConstraint:
    node: Node
    prefixes: str  # PREFIX declarations from sh:prefixes
    select: str  # the SELECT query with $this renamed ?this
    message: str | None


@dataclass
class NodeShape:
    node: Node
    targets: list[str] = field(default_factory=list)  # SPARQL patterns binding ?this
    message: str | None = None
    severity: str = "Violation"
    properties: list[PropertyShape] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)  # sh:node references
    sparql: list[SparqlConstraint] = field(default_factory=list)
    tests: list[ValueTest] = field(default_factory=list)  # on the focus node itself


def shacl_path(graph: Graph, node: Node) -> tuple[str, str]:
    """A SHACL path as a SPARQL property path, and in prefixed form."""
    if isinstance(node, URIRef):
        return f"<{node}>", _short(graph, node)
    if (node, RDF.first, None) in graph:
        steps = [shacl_path(graph, step) for step in graph.items(node)]
        return "/".join(p for p, _ in steps), "/".join(s for _, s in steps)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        steps = [shacl_path(graph, step) for step in graph.items(alternatives)]
        return (
            "(" + "|".join(p for p, _ in steps) + ")",
            "(" + " | ".join(s for _, s in steps) + ")",
        )
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        path, shown = shacl_path(graph, inverse)
        return f"^({path})", f"^{shown}"
    for key, mark in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(node, key)
        if inner is not None:
            path, shown = shacl_path(graph, inner)
            return f"({path}){mark}", f"({shown}){mark}"
    raise UnsupportedShape(f"the path {_short(graph, node)} is not compiled")


def _short(graph: Graph, node: Node) -> str:
    return (
        graph.namespace_manager.normalizeUri(str(node)) if isinstance(node, URIRef) else str(node)
    )


class ShapeReader:
    """Reads the shapes graph; ``shapes`` maps each node shape's node to its model.

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
        self.shapes: dict[Node, NodeShape] = {}
        roots = set(graph.subjects(RDF.type, SH.NodeShape))
        for key in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            roots |= set(graph.subjects(key, None))
        for root in sorted(roots, key=str):
            self.node_shape(root)
        for shape in list(self.shapes.values()):
            for referenced in shape.nodes:
                self.node_shape(referenced)

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

    def _message(self, node: Node) -> str | None:
        message = self._one(node, SH.message)
        return str(message) if message is not None else None

    def _severity(self, node: Node) -> str:
        severity = self._one(node, SH.severity)
        return self.short(severity).removeprefix("sh:") if severity is not None else "Violation"

    def _int(self, node: Node, key: URIRef) -> int | None:
        value = self._one(node, key)
        return int(value) if isinstance(value, Literal) else None

    def node_shape(self, node: Node) -> NodeShape:
        if node in self.shapes:
            return self.shapes[node]
        self._check(node, NODE_KEYS)
        shape = NodeShape(node, message=self._message(node), severity=self._severity(node))
        self.shapes[node] = shape
        graph = self.graph
        for cls in graph.objects(node, SH.targetClass):
            shape.targets += [f"?this a <{c}>" for c in self.subclasses(str(cls))]
        for prop in graph.objects(node, SH.targetSubjectsOf):
            shape.targets.append(f"?this {sparql_term(prop)} ?target")
        for prop in graph.objects(node, SH.targetObjectsOf):
            shape.targets.append(f"?target {sparql_term(prop)} ?this")
        for target in graph.objects(node, SH.targetNode):
            shape.targets.append(f"BIND ({sparql_term(target)} AS ?this)")
        shape.properties = [self.property_shape(p) for p in graph.objects(node, SH.property)]
        shape.nodes = list(graph.objects(node, SH.node))
        shape.sparql = [self.sparql_constraint(c) for c in graph.objects(node, SH.sparql)]
        shape.tests = self.value_tests(node)
        return shape

    def property_shape(self, node: Node) -> PropertyShape:
        self._check(node, PROPERTY_KEYS)
        path_node = self._one(node, SH.path)
        if path_node is None:
            raise UnsupportedShape(f"the property shape {self.short(node)} has no sh:path")
        path, shown = self.path(path_node)
        shape = PropertyShape(node, path, shown, self._message(node), self._severity(node))
        shape.min_count = self._int(node, SH.minCount)
        shape.max_count = self._int(node, SH.maxCount)
        unique = self._one(node, SH.uniqueLang)
        shape.unique_lang = isinstance(unique, Literal) and unique.value is True
        qualified = self._one(node, SH.qualifiedValueShape)
        if qualified is not None:
            disjoint = self._one(node, SH.qualifiedValueShapesDisjoint)
            if isinstance(disjoint, Literal) and disjoint.value is True:
                raise UnsupportedShape("sh:qualifiedValueShapesDisjoint true is not compiled")
            shape.qualified = (
                self.conforms(qualified),
                self._int(node, SH.qualifiedMinCount),
                self._int(node, SH.qualifiedMaxCount),
            )
        shape.tests = self.value_tests(node)
        return shape

    def path(self, node: Node) -> tuple[str, str]:
        return shacl_path(self.graph, node)

    def sparql_constraint(self, node: Node) -> SparqlConstraint:
        self._check(node, SPARQL_KEYS)
        select = self._one(node, SH.select)
        if select is None:
            raise UnsupportedShape(f"{self.short(node)} has no sh:select")
        prefixes = ""
        for declarations in self.graph.objects(node, SH.prefixes):
            for declaration in self.graph.objects(declarations, SH.declare):
                prefix = self._one(declaration, SH.prefix)
                namespace = self._one(declaration, SH.namespace)
                prefixes += f"PREFIX {prefix}: <{namespace}>\n"
        text = str(select).replace("$this", "?this")
        return SparqlConstraint(node, prefixes, text, self._message(node))

    def value_tests(self, node: Node) -> list[ValueTest]:
        """The value constraints of a shape, each as a SPARQL test of ``?v``."""
        graph, tests = self.graph, []
        for cls in graph.objects(node, SH["class"]):
            types = ", ".join(f"<{c}>" for c in self.subclasses(str(cls)))
            expression = f"EXISTS {{ ?v a ?type FILTER (?type IN ({types})) }}"
            tests.append(
                ValueTest(
                    "ClassConstraintComponent",
                    expression,
                    f"Value does not have class {self.short(cls)}",
                )
            )
        datatype = self._one(node, SH.datatype)
        if datatype is not None:
            if datatype == RDF.langString:
                expression = 'isLiteral(?v) && LANG(?v) != ""'
            else:
                expression = f"isLiteral(?v) && DATATYPE(?v) = {sparql_term(datatype)}"
            for literal in self.ill_typed.get(str(datatype), []):
                expression += f" && !sameTerm(?v, {sparql_term(literal)})"
            message = f"Value is not Literal with datatype {self.short(datatype)}"
            tests.append(ValueTest("DatatypeConstraintComponent", expression, message))
        kind = self._one(node, SH.nodeKind)
        if kind is not None:
            if not isinstance(kind, URIRef) or kind not in NODE_KINDS:
                raise UnsupportedShape(f"sh:nodeKind {self.short(kind)}")
            tests.append(
                ValueTest(
                    "NodeKindConstraintComponent",
                    NODE_KINDS[kind],
                    f"Value is not of Node Kind {self.short(kind)}",
                )
            )
        pattern = self._one(node, SH.pattern)
        if pattern is not None:
            flags = self._one(node, SH.flags)
            arguments = sparql_term(Literal(str(pattern)))
            if flags is not None:
                arguments += ", " + sparql_term(Literal(str(flags)))
            tests.append(
                ValueTest(
                    "PatternConstraintComponent",
                    f"!isBlank(?v) && REGEX(STR(?v), {arguments})",
                    f"Value does not match pattern '{pattern}'",
                )
            )
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
        languages = self._one(node, SH.languageIn)
        if languages is not None:
            wanted = [str(lang).lower() for lang in graph.items(languages)]
            test = " || ".join(
                f'LCASE(LANG(?v)) = "{lang}" || STRSTARTS(LCASE(LANG(?v)), "{lang}-")'
                for lang in wanted
            )
            if "*" in wanted:
                test = "true"
            tests.append(
                ValueTest(
                    "LanguageInConstraintComponent",
                    f'isLiteral(?v) && LANG(?v) != "" && ({test or "false"})',
                    f"String language is not in {wanted}",
                )
            )
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
        allowed = self._one(node, SH["in"])
        if allowed is not None:
            members = [f"sameTerm(?v, {sparql_term(m)})" for m in graph.items(allowed)]
            tests.append(
                ValueTest(
                    "InConstraintComponent",
                    " || ".join(members) or "false",
                    "Value is not in the list of allowed values",
                )
            )
        alternatives = self._one(node, SH["or"])
        if alternatives is not None:
            members = [f"({self.conforms(m)})" for m in graph.items(alternatives)]
            tests.append(
                ValueTest(
                    "OrConstraintComponent",
                    " || ".join(members) or "false",
                    "Value does not conform to any shape of sh:or",
                )
            )
        return tests

    def conforms(self, node: Node) -> str:
        """A SPARQL test that ``?v`` conforms to a shape made of value constraints alone."""
        self._check(node, VALUE_KEYS)
        tests = self.value_tests(node)
        return " && ".join(f"COALESCE({t.expression}, false)" for t in tests) or "true"


def datatypes(graph: Graph) -> set[str]:
    """Every datatype the shapes name in sh:datatype."""
    return {str(d) for d in graph.objects(None, SH.datatype)}
