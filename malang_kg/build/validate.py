"""SHACL validation of the data against ``ontology/shapes.ttl``, reported by file and node.

The ontology is mixed into the data graph while validating (pyshacl's ``ont_graph``), so
``sh:class`` constraints follow the class hierarchy without running the reasoner first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from malang_kg.build.sources import Sources, union


@dataclass(frozen=True)
class Violation:
    files: tuple[str, ...]
    focus: str
    path: str
    constraint: str
    message: str
    value: str
    severity: str
    details: tuple[str, ...] = ()

    def render(self) -> str:
        lines = [
            f"{', '.join(self.files) or '(no file)'}: {self.severity} on {self.focus}",
            f"    constraint: {self.constraint}" + (f" on path {self.path}" if self.path else ""),
            f"    message:    {self.message}",
        ]
        if self.value:
            lines.append(f"    value:      {self.value}")
        lines.extend(f"    because:    {detail}" for detail in self.details)
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]

    def render(self) -> str:
        if self.conforms:
            return "The data conforms to the shapes."
        head = f"The data does not conform to the shapes: {len(self.violations)} result(s)."
        return "\n\n".join([head, *(v.render() for v in self.violations)])


def _show(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return node.n3()
    if isinstance(node, Literal):
        text = node.n3(graph.namespace_manager)
        return text if len(text) <= 200 else text[:200] + "…"
    if isinstance(node, BNode):
        return f"a blank node [{_describe_bnode(graph, node)}]"
    return str(node)


def _prefixed(graph: Graph, path: Node | None) -> str:
    """A term of the shapes or the report in prefixed form (``mk:rank``, ``sh:Violation``)."""
    if isinstance(path, URIRef):
        return path.n3(graph.namespace_manager)
    return _show(graph, path)


def _describe_bnode(graph: Graph, node: BNode) -> str:
    """Name a blank node by what points to it, so the reader can find it in the file."""
    for subject, predicate in graph.subject_predicates(node):
        return f"the {predicate.n3(graph.namespace_manager)} of {_show(graph, subject)}"
    return ", ".join(
        f"{p.n3(graph.namespace_manager)} {_show(graph, o)}"
        for p, o in list(graph.predicate_objects(node))[:2]
    )


def _details(results: Graph, result: Node) -> tuple[str, ...]:
    """The messages of the nested results behind an sh:node failure (pyshacl's sh:detail)."""
    found = []
    for detail in results.objects(result, SH.detail):
        message = results.value(detail, SH.resultMessage)
        if message is not None:
            found.append(str(message))
        found.extend(_details(results, detail))
    return tuple(sorted(set(found)))


def _files_of(sources: Sources, focus: Node | None, value: Node | None) -> tuple[str, ...]:
    """The files that describe the focus node and, where it is a node, the value: a SPARQL
    constraint whose focus is a document or a parent area reports the culprit as its value."""
    files: list[str] = []
    for node in (focus, value):
        if node is None or isinstance(node, Literal):
            continue
        files += [s.display for s in sources.data if (node, None, None) in s.graph]
    return tuple(dict.fromkeys(files))


def validate(sources: Sources) -> Report:
    data = union(sources.data)
    ontology = union(sources.ontology)
    conforms, results_graph, _ = pyshacl.validate(
        data,
        shacl_graph=sources.shapes.graph,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
    )
    results: Graph = results_graph
    shapes = sources.shapes.graph
    for prefix, namespace in data.namespaces():
        results.bind(prefix, namespace, replace=True)
    violations = []
    for result in results.subjects(predicate=SH.focusNode):
        focus = results.value(result, SH.focusNode)
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        violations.append(
            Violation(
                files=_files_of(sources, focus, value),
                focus=_show(data, focus),
                path=_prefixed(shapes, results.value(result, SH.resultPath)),
                constraint=_prefixed(results, component).removeprefix("sh:"),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=_show(data, value),
                severity=_prefixed(results, severity).removeprefix("sh:"),
                details=_details(results, result),
            )
        )
    violations.sort(key=lambda v: (v.files, v.focus, v.constraint, v.path, v.message))
    return Report(conforms=bool(conforms), violations=violations)
