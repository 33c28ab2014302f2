"""Finding and parsing the sources of a build: the ontology, the shapes and the data files.

Each Turtle file becomes one named graph. Files are written with the canonical base IRI
(``namespaces.CANONICAL_BASE``); when ``MALANG_KG_BASE_IRI`` differs, every IRI and datatype
under the canonical base is rewritten to the configured one as the file is read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from malang_kg.namespaces import CANONICAL_BASE, PREFIXES

ONTOLOGY_DIR = "ontology"
DATA_DIR = "data"
SHAPES_FILE = "shapes.ttl"


class BuildError(Exception):
    """A source cannot be built; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Source:
    """One parsed Turtle file and the named graph it becomes."""

    path: Path
    graph_iri: str
    graph: Graph
    sha256: str
    display: str  # the name shown in messages: relative to the project where it lies there


@dataclass(frozen=True)
class Sources:
    ontology: list[Source]
    data: list[Source]
    shapes: Source

    def all(self) -> list[Source]:
        return [*self.ontology, *self.data]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


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


def parse_turtle(
    path: Path, base_iri: str, display: str | None = None, in_text: bool = False
) -> Graph:
    """Parse one Turtle file; a syntax error becomes a BuildError naming the file and line."""
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


def _source(
    path: Path, graph_iri: str, base_iri: str, display: str, in_text: bool = False
) -> Source:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    graph = parse_turtle(path, base_iri, display, in_text)
    return Source(path, graph_iri, graph, digest, display)


def _ontology_graph(graph_base: str, path: Path) -> str:
    """The main ontology file is graph ``ontology``; any other file ``ontology/<name>``."""
    return graph_base + ("ontology" if path.stem == "malang-kg" else f"ontology/{_slug(path.stem)}")


def _turtle_files(directory: Path, recursive: bool) -> list[Path]:
    pattern = "**/*.ttl" if recursive else "*.ttl"
    return sorted(p for p in directory.glob(pattern) if p.is_file())


def discover(home: Path, base_iri: str, extra_dir: Path | None = None) -> Sources:
    """Parse ``ontology/*.ttl`` (shapes apart), ``data/*.ttl`` and the extra directory, if any."""
    graph_base = base_iri + "graph/"
    ontology_dir = home / ONTOLOGY_DIR
    shapes_path = ontology_dir / SHAPES_FILE
    if not shapes_path.is_file():
        raise BuildError(f"{shapes_path}: the SHACL shapes file is missing")
    ontology = [
        _source(path, _ontology_graph(graph_base, path), base_iri, f"{ONTOLOGY_DIR}/{path.name}")
        for path in _turtle_files(ontology_dir, recursive=False)
        if path.name != SHAPES_FILE
    ]
    if not ontology:
        raise BuildError(f"{ontology_dir}: no ontology files (*.ttl)")
    data = [
        _source(path, f"{graph_base}data/{_slug(path.stem)}", base_iri, f"{DATA_DIR}/{path.name}")
        for path in _turtle_files(home / DATA_DIR, recursive=False)
    ]
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise BuildError(f"{extra_dir}: MALANG_KG_DATA_DIR is not a directory")
        for path in _turtle_files(extra_dir, recursive=True):
            relative = path.relative_to(extra_dir).with_suffix("")
            data.append(
                _source(path, f"{graph_base}extra/{_slug(str(relative))}", base_iri, str(path))
            )
    _check_unique(data)
    shapes_name = f"{ONTOLOGY_DIR}/{SHAPES_FILE}"
    shapes = _source(shapes_path, graph_base + "shapes", base_iri, shapes_name, in_text=True)
    return Sources(ontology=ontology, data=data, shapes=shapes)


def _check_unique(sources: Iterable[Source]) -> None:
    seen: dict[str, Path] = {}
    for source in sources:
        if source.graph_iri in seen:
            raise BuildError(
                f"{source.path}: its graph name {source.graph_iri} is taken by "
                f"{seen[source.graph_iri]}; rename one file"
            )
        seen[source.graph_iri] = source.path


def union(sources: Iterable[Source]) -> Graph:
    graph = Graph()
    for source in sources:
        graph += source.graph
        for prefix, namespace in source.graph.namespaces():
            graph.bind(prefix, namespace, replace=True)
    return graph
