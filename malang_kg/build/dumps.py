"""The downloadable dumps of a build, written once at build time and served as files.

Each dump is gzip-compressed (deterministically: no timestamp in the header) and described in the
manifest with its size, SHA-256 and triple count, which the server uses for ``ETag`` and the
dataset description for its ``dcat:Distribution``.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DOWNLOADS_DIR = "downloads"


@dataclass(frozen=True)
class Dump:
    file: str
    media_type: str
    format: ox.RdfFormat
    title: dict[str, str]
    # Which named graphs go in: given all graph IRIs and the inferred graph's IRI.
    graphs: Callable[[list[str], str], list[str]]
    keep_graphs: bool  # True: quads with their graph; False: merged into one graph


def _all(graphs: list[str], inferred: str) -> list[str]:
    return graphs


def _asserted(graphs: list[str], inferred: str) -> list[str]:
    return [graph for graph in graphs if graph != inferred]


DUMPS: tuple[Dump, ...] = (
    Dump(
        "malang-kg.nq.gz",
        "application/n-quads",
        ox.RdfFormat.N_QUADS,
        {
            "en": "Every named graph (ontology, data, inferences), as N-Quads",
            "id": "Semua graf bernama (ontologi, data, inferensi), dalam N-Quads",
        },
        _all,
        True,
    ),
    Dump(
        "malang-kg-asserted.ttl.gz",
        "text/turtle",
        ox.RdfFormat.TURTLE,
        {
            "en": "The ontology and the asserted data, without inferences, as Turtle",
            "id": "Ontologi dan data yang dinyatakan, tanpa inferensi, dalam Turtle",
        },
        _asserted,
        False,
    ),
    Dump(
        "malang-kg-inferred.ttl.gz",
        "text/turtle",
        ox.RdfFormat.TURTLE,
        {
            "en": "The ontology, the data and the OWL RL inferences, as Turtle",
            "id": "Ontologi, data, dan inferensi OWL RL, dalam Turtle",
        },
        _all,
        False,
    ),
    Dump(
        "malang-kg.jsonld.gz",
        "application/ld+json",
        ox.RdfFormat.JSON_LD,
        {
            "en": "Every named graph, as JSON-LD",
            "id": "Semua graf bernama, dalam JSON-LD",
        },
        _all,
        True,
    ),
)


def _quads(store: ox.Store, graphs: list[str], keep_graphs: bool) -> ox.Store:
    selected = ox.Store()
    for graph in graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            target = quad.graph_name if keep_graphs else ox.DefaultGraph()
            selected.add(ox.Quad(quad.subject, quad.predicate, quad.object, target))
    return selected


def write_dumps(
    store: ox.Store, directory: Path, inferred_graph: str, prefixes: dict[str, str]
) -> list[dict[str, Any]]:
    """Write every dump into ``directory``; return their descriptions for the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    described = []
    for dump in DUMPS:
        chosen = dump.graphs(graphs, inferred_graph)
        selected = _quads(store, chosen, dump.keep_graphs)
        if dump.keep_graphs:
            body = selected.dump(format=dump.format, prefixes=prefixes)
        else:
            body = selected.dump(
                format=dump.format, from_graph=ox.DefaultGraph(), prefixes=prefixes
            )
        assert body is not None
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        (directory / dump.file).write_bytes(packed)
        entry = asdict(dump)
        for key in ("format", "graphs", "keep_graphs"):
            entry.pop(key)
        entry.update(
            bytes=len(packed),
            sha256=hashlib.sha256(packed).hexdigest(),
            triples=len(selected),
            graphs=chosen,
        )
        described.append(entry)
    return described
