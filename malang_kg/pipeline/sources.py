"""Finding and parsing the sources of a build: the ontology, the shapes and the data files.

Every Turtle file of the ontology and the data is parsed by pyoxigraph straight into one
in-memory store, each file as its own named graph; the SHACL shapes are parsed by rdflib, which
reads their structure. Files are written with the canonical base IRI (``iris.CANONICAL_BASE``);
when
``MALANG_KG_BASE_IRI`` differs, every IRI and datatype under the canonical base is rewritten to
the configured one as the file is read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from malang_kg.iris import CANONICAL_BASE, PREFIXES, Layout
from malang_kg.pipeline.dataset import OxTerm, count, to_rdflib, typed_literals

ONTOLOGY_DIR = "ontology"
DATA_DIR = "data"
SHAPES_FILE = "shapes.ttl"


class BuildError(Exception):
    """A source cannot be built; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Source:
    """One Turtle file and the named graph it becomes in the store."""

    path: Path
    graph_iri: str
    sha256: str
    display: str  # the name shown in messages: relative to the project where it lies there
    triples: int = 0


@dataclass
class Sources:
    """Every parsed source: the ontology and data files as named graphs of ``store``, and the
    shapes as an rdflib graph."""

    ontology: list[Source]
    data: list[Source]
    shapes: Source
    shapes_graph: Graph
    store: ox.Store
    layout: Layout

    def all(self) -> list[Source]:
        return [*self.ontology, *self.data]

    def display_of(self, graph_iri: str) -> str | None:
        """The file a data graph comes from, or None for any other graph."""
        return next((s.display for s in self.data if s.graph_iri == graph_iri), None)

    def rdflib_graph(self, sources: Iterable[Source]) -> Graph:
        """The union of some sources as an rdflib graph (same blank nodes as the store)."""
        graph = Graph()
        for source in sources:
            name = ox.NamedNode(source.graph_iri)
            for quad in self.store.quads_for_pattern(None, None, None, name):
                graph.add(
                    (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                )
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, rebase_iri(namespace, self.base_iri), replace=True)
        return graph

    @cached_property
    def typed_literals(self) -> list[ox.Literal]:
        """The distinct literals of the sources with a datatype other than ``xsd:string`` (the
        ones whose lexical form may not fit their datatype)."""
        return typed_literals(self.store)

    @property
    def base_iri(self) -> str:
        return self.layout.base


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rebase_iri(iri: str, new_base: str) -> str:
    return Layout(new_base).rebase(iri)


def rebase_term(term: Node, new_base: str, in_text: bool = False) -> Node:
    """The term under ``new_base``; with ``in_text``, also inside literals (for the SPARQL text
    and namespace declarations of the shapes, which are our own code, not data)."""
    if new_base == CANONICAL_BASE:
        return term
    if in_text and isinstance(term, Literal) and CANONICAL_BASE in term:
        text = str(term).replace(CANONICAL_BASE, new_base)
        return Literal(text, lang=term.language, datatype=term.datatype)
    if isinstance(term, URIRef) and term.startswith(CANONICAL_BASE):
        return URIRef(new_base + term[len(CANONICAL_BASE) :])
    if isinstance(term, Literal) and term.datatype and term.datatype.startswith(CANONICAL_BASE):
        datatype = URIRef(new_base + term.datatype[len(CANONICAL_BASE) :])
        return Literal(str(term), datatype=datatype)
    return term


def _rebase_ox(term: OxTerm, new_base: str) -> OxTerm:
    if isinstance(term, ox.NamedNode) and term.value.startswith(CANONICAL_BASE):
        return ox.NamedNode(rebase_iri(term.value, new_base))
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(CANONICAL_BASE):
        return ox.Literal(
            term.value, datatype=ox.NamedNode(rebase_iri(term.datatype.value, new_base))
        )
    return term


def parse_turtle(
    path: Path, base_iri: str, display: str | None = None, in_text: bool = False
) -> Graph:
    """Parse one Turtle file with rdflib (the shapes); a syntax error names the file and line."""
    shown = display or str(path)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad Turtle
        raise BuildError(f"{shown}: cannot parse Turtle: {error}") from error
    if base_iri != CANONICAL_BASE:
        rebased = Graph()
        for s, p, o in graph:
            rebased.add(
                (
                    rebase_term(s, base_iri, in_text),
                    rebase_term(p, base_iri, in_text),
                    rebase_term(o, base_iri, in_text),
                )
            )
        graph = rebased
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rebase_term(URIRef(namespace), base_iri), replace=True)
    return graph


def _rebased(path: Path, graph: ox.NamedNode, base_iri: str) -> Iterator[ox.Quad]:
    for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
        subject = _rebase_ox(quad.subject, base_iri)
        predicate = _rebase_ox(quad.predicate, base_iri)
        obj = _rebase_ox(quad.object, base_iri)
        assert isinstance(subject, ox.NamedNode | ox.BlankNode)
        assert isinstance(predicate, ox.NamedNode) and not isinstance(obj, ox.DefaultGraph)
        yield ox.Quad(subject, predicate, obj, graph)


def load_file(store: ox.Store, path: Path, graph_iri: str, base_iri: str, display: str) -> Source:
    """Parse one Turtle file into the named graph ``graph_iri`` of ``store``."""
    data = path.read_bytes()
    graph = ox.NamedNode(graph_iri)
    try:
        if base_iri == CANONICAL_BASE:
            store.load(data, format=ox.RdfFormat.TURTLE, to_graph=graph)
        else:
            store.extend(_rebased(path, graph, base_iri))
    except SyntaxError as error:
        raise BuildError(f"{display}: cannot parse Turtle: {error}") from error
    return Source(path, graph_iri, hashlib.sha256(data).hexdigest(), display, count(store, graph))


def _ontology_graph(layout: Layout, path: Path) -> str:
    """The main ontology file is graph ``ontology``; any other file ``ontology/<name>``."""
    return layout.graph("ontology" if path.stem == "malang-kg" else f"ontology/{_slug(path.stem)}")


def _turtle_files(directory: Path, recursive: bool) -> list[Path]:
    pattern = "**/*.ttl" if recursive else "*.ttl"
    return sorted(p for p in directory.glob(pattern) if p.is_file())


def discover(home: Path, base_iri: str, extra_dir: Path | None = None) -> Sources:
    """Parse ``ontology/*.ttl`` (shapes apart), ``data/*.ttl`` and the extra directory, if any."""
    layout = Layout(base_iri)
    ontology_dir = home / ONTOLOGY_DIR
    shapes_path = ontology_dir / SHAPES_FILE
    if not shapes_path.is_file():
        raise BuildError(f"{shapes_path}: the SHACL shapes file is missing")
    if extra_dir is not None and not extra_dir.is_dir():
        raise BuildError(f"{extra_dir}: MALANG_KG_DATA_DIR is not a directory")
    store = ox.Store()
    ontology_files = [p for p in _turtle_files(ontology_dir, False) if p.name != SHAPES_FILE]
    if not ontology_files:
        raise BuildError(f"{ontology_dir}: no ontology files (*.ttl)")
    planned = [
        (path, _ontology_graph(layout, path), f"{ONTOLOGY_DIR}/{path.name}")
        for path in ontology_files
    ]
    data_plan = [
        (path, layout.graph(f"data/{_slug(path.stem)}"), f"{DATA_DIR}/{path.name}")
        for path in _turtle_files(home / DATA_DIR, recursive=False)
    ]
    if extra_dir is not None:
        for path in _turtle_files(extra_dir, recursive=True):
            relative = path.relative_to(extra_dir).with_suffix("")
            data_plan.append((path, layout.graph(f"extra/{_slug(str(relative))}"), str(path)))
    _check_unique(data_plan)
    ontology = [load_file(store, path, iri, base_iri, shown) for path, iri, shown in planned]
    data = [load_file(store, path, iri, base_iri, shown) for path, iri, shown in data_plan]
    shapes_name = f"{ONTOLOGY_DIR}/{SHAPES_FILE}"
    shapes_graph = parse_turtle(shapes_path, base_iri, shapes_name, in_text=True)
    digest = hashlib.sha256(shapes_path.read_bytes()).hexdigest()
    shapes = Source(shapes_path, layout.shapes_graph, digest, shapes_name, len(shapes_graph))
    return Sources(ontology, data, shapes, shapes_graph, store, layout)


def _check_unique(plan: Iterable[tuple[Path, str, str]]) -> None:
    seen: dict[str, Path] = {}
    for path, graph_iri, _ in plan:
        if graph_iri in seen:
            raise BuildError(
                f"{path}: its graph name {graph_iri} is taken by {seen[graph_iri]}; rename one file"
            )
        seen[graph_iri] = path
