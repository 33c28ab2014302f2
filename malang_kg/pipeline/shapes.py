"""The SHACL shapes as a model that compiles to SPARQL, for validation on the Oxigraph store.

``ShapeReader`` turns ``ontology/shapes.ttl`` into node shapes (targets, property shapes,
``sh:node`` references, SPARQL constraints) and property shapes (a path, cardinalities, qualified
counts, ``sh:uniqueLang`` and value constraints, which ``valuetests.py`` compiles). Only the SHACL
Core and SHACL-SPARQL features in ``VALUE_KEYS``, ``PROPERTY_KEYS`` and ``NODE_KEYS`` are
compiled: a shape using anything else raises ``UnsupportedShape``, naming it; validate such
shapes with pyshacl (``MALANG_KG_BUILD_ENGINE=reference``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from malang_kg.pipeline.valuetests import (
    VALUE_KEYS,
    UnsupportedShape,
    ValueReader,
    ValueTest,
    sparql_term,
)

__all__ = [
    "NODE_KEYS",
    "PROPERTY_KEYS",
    "SPARQL_KEYS",
    "VALUE_KEYS",
    "NodeShape",
    "PropertyShape",
    "ShapeReader",
    "SparqlConstraint",
    "UnsupportedShape",
    "ValueTest",
    "datatypes",
    "shacl_path",
    "sparql_term",
]

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
SPARQL_KEYS = frozenset({RDF.type, SH.select, SH.message, SH.prefixes})


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


class ShapeReader(ValueReader):
    """Reads the shapes graph; ``shapes`` maps each node shape's node to its model."""

    def __init__(
        self,
        graph: Graph,
        subclasses: Callable[[str], list[str]],
        ill_typed: dict[str, list[Literal]] | None = None,
    ) -> None:
        super().__init__(graph, subclasses, ill_typed)
        self.shapes: dict[Node, NodeShape] = {}
        roots = set(graph.subjects(RDF.type, SH.NodeShape))
        for key in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            roots |= set(graph.subjects(key, None))
        for root in sorted(roots, key=str):
            self.node_shape(root)
        for shape in list(self.shapes.values()):
            for referenced in shape.nodes:
                self.node_shape(referenced)

    def _message(self, node: Node) -> str | None:
        message = self._one(node, SH.message)
        return str(message) if message is not None else None

    def _severity(self, node: Node) -> str:
        severity = self._one(node, SH.severity)
        return self.short(severity).removeprefix("sh:") if severity is not None else "Violation"

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


def datatypes(graph: Graph) -> set[str]:
    """Every datatype the shapes name in sh:datatype."""
    return {str(d) for d in graph.objects(None, SH.datatype)}
