"""SHACL validation of the data against ``ontology/shapes.ttl``, reported by file and node.

``validate`` runs the shapes compiled to SPARQL on the Oxigraph store (``shacl.py``), which
scales to millions of triples; ``validate_reference`` runs pyshacl, the reference, which it is
tested against. Either way the ontology is part of the data graph while validating, so
``sh:class`` constraints follow the class hierarchy without running the reasoner first, and
every result names the files that describe its focus node and value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

from malang_kg.pipeline.dataset import to_oxigraph, to_rdflib
from malang_kg.pipeline.shacl import check
from malang_kg.pipeline.shapes import UnsupportedShape, shacl_path
from malang_kg.pipeline.sources import BuildError, Sources


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


class Display:
    """Shows the terms of results: IRIs in full, literals in Turtle with the project's prefixes,
    a blank node by what points to it in the store (so a reader can find it in the file)."""

    def __init__(self, sources: Sources) -> None:
        self.store = sources.store
        self.names: NamespaceManager = sources.shapes_graph.namespace_manager

    def show(self, node: Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            return node.n3()
        if isinstance(node, Literal):
            text = node.n3(self.names)
            return text if len(text) <= 200 else text[:200] + "…"
        if isinstance(node, BNode):
            return f"a blank node [{self._describe_bnode(node)}]"
        return str(node)

    def prefixed(self, node: Node | None) -> str:
        return self.names.normalizeUri(str(node)) if isinstance(node, URIRef) else self.show(node)

    def _describe_bnode(self, node: BNode) -> str:
        blank = ox.BlankNode(str(node))
        for quad in self.store.quads_for_pattern(None, None, blank, None):
            subject = self.show(to_rdflib(quad.subject))
            return f"the {self.prefixed(to_rdflib(quad.predicate))} of {subject}"
        outgoing = list(self.store.quads_for_pattern(blank, None, None, None))[:2]
        return ", ".join(
            f"{self.prefixed(to_rdflib(q.predicate))} {self.show(to_rdflib(q.object))}"
            for q in outgoing
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


def files_of(sources: Sources, nodes: Iterable[Node | None]) -> tuple[str, ...]:
    """The data files that describe the nodes (the focus and, where it is a node, the value: a
    SPARQL constraint whose focus is a document or a parent area reports the culprit as its
    value)."""
    files: list[str] = []
    for node in nodes:
        if node is None or isinstance(node, Literal):
            continue
        subject = to_oxigraph(node)
        assert not isinstance(subject, ox.Literal)
        quads = sources.store.quads_for_pattern(subject, None, None, None)
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        files += [s.display for s in sources.data if s.graph_iri in graphs]
    return tuple(dict.fromkeys(files))


def _report(violations: list[Violation]) -> Report:
    violations.sort(key=lambda v: (v.files, v.focus, v.constraint, v.path, v.message, v.value))
    return Report(conforms=not violations, violations=violations)


def validate(sources: Sources) -> Report:
    """Validate with the shapes compiled to SPARQL, on the store (see ``shacl.py``)."""
    display = Display(sources)
    try:
        results = check(sources.store, sources.shapes_graph, sources.typed_literals)
    except UnsupportedShape as error:
        raise BuildError(
            f"{sources.shapes.display}: {error}; validate with MALANG_KG_BUILD_ENGINE=reference"
        ) from error
    violations = []
    for result in results:
        focus = to_rdflib(result.focus)
        value = to_rdflib(result.value) if result.value is not None else None
        violations.append(
            Violation(
                files=files_of(sources, (focus, value)),
                focus=display.show(focus),
                path=result.path,
                constraint=result.component,
                message=result.message,
                value=display.show(value),
                severity=result.severity,
                details=result.details,
            )
        )
    return _report(violations)


def validate_reference(sources: Sources) -> Report:
    """Validate with pyshacl, the reference SHACL engine (slow beyond some 10,000 triples)."""
    data = sources.rdflib_graph(sources.data)
    ontology = sources.rdflib_graph(sources.ontology)
    conforms, results_graph, _ = pyshacl.validate(
        data,
        shacl_graph=sources.shapes_graph,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
    )
    results: Graph = results_graph
    display = Display(sources)
    violations = []
    for result in results.subjects(predicate=SH.focusNode):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        violations.append(
            Violation(
                files=files_of(sources, (focus, value)),
                focus=display.show(focus),
                path=shacl_path(results, path)[1] if path is not None else "",
                constraint=display.prefixed(
                    results.value(result, SH.sourceConstraintComponent)
                ).removeprefix("sh:"),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=display.show(value),
                severity=display.prefixed(results.value(result, SH.resultSeverity)).removeprefix(
                    "sh:"
                ),
                details=_details(results, result),
            )
        )
    report = _report(violations)
    assert report.conforms == bool(conforms)
    return report
