"""The downloadable dumps of a build, written once at build time and served as files.

Each dump is serialised by Oxigraph (no quad passes through Python, so a million triples dump in
seconds), gzip-compressed (deterministically: no timestamp in the header) and described in the
manifest with its size, SHA-256 and triple count, which the server uses for ``ETag`` and the
dataset description for its ``dcat:Distribution``.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from malang_kg.pipeline.dataset import graph_counts
from malang_kg.pipeline.forking import Forked

DOWNLOADS_DIR = "downloads"
COMPRESSION = 5  # gzip level: 9 takes three times as long for some 10% less
CONCATENATE = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)  # two documents make one


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


def _ntriples(store: ox.Store, graphs: Iterable[str]) -> bytes:
    return b"".join(
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
        for graph in graphs
    )


class _Merger:
    """The union of some named graphs, each triple once, serialised by Oxigraph.

    If no triple lies in two of the graphs (one ASK query tells), the union is the graphs'
    serialisations one after another (for formats that concatenate, such as Turtle): a blank
    node keeps its label across graphs. Otherwise the graphs are dumped as one N-Triples
    document and loaded into a new store, which keeps each triple once; a union that contains
    the previous one loads only the graphs it adds.

    ``apart`` names a graph known to share no triple with any other, which the ASK leaves out:
    the inferred graph, from which both reasoners delete what another graph asserts
    (``fixpoint.drop_asserted``). At 1M the ASK for it took some 2 s."""

    def __init__(self, store: ox.Store, apart: str | None = None) -> None:
        self.store = store
        self.apart = apart
        self.disjoint: set[str] = set()  # graphs known to share no triple
        self.counts: dict[str, int] = {}
        self.merged = ox.Store()
        self.graphs: set[str] = set()

    def _share_none(self, graphs: list[str]) -> bool:
        if not self.disjoint <= set(graphs):
            self.disjoint = set()
        checked = [graph for graph in graphs if graph != self.apart]
        new = [graph for graph in checked if graph not in self.disjoint]
        if new:
            every = [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]
            if len(new) == 1:  # one graph: look it up by name
                first, other, tests = f"GRAPH <{new[0]}>", f"<{new[0]}>", "true"
            else:
                first, other, tests = "GRAPH ?a", "?a", _member("?a", new, every)
            shared = self.store.query(
                f"ASK {{ {first} {{ ?s ?p ?o }} GRAPH ?b {{ ?s ?p ?o }} FILTER ({tests} "
                f"&& {_member('?b', checked, every)} && ?b != {other}) }}"
            )
            if shared:
                return False
        self.disjoint = set(graphs)
        return True

    def union(self, graphs: list[str]) -> ox.Store:
        if not self.graphs <= set(graphs):
            self.merged, self.graphs = ox.Store(), set()
        added = [graph for graph in graphs if graph not in self.graphs]
        self.merged.load(_ntriples(self.store, added), format=ox.RdfFormat.N_TRIPLES)
        self.graphs |= set(added)
        return self.merged

    def body(self, dump: Dump, graphs: list[str], prefixes: dict[str, str]) -> tuple[bytes, int]:
        """The dump's serialisation of the union of ``graphs``, and its number of triples."""
        if dump.format in CONCATENATE and self._share_none(graphs):
            if not self.counts:
                self.counts = graph_counts(self.store)
            body = b"".join(
                self.store.dump(
                    format=dump.format, from_graph=ox.NamedNode(graph), prefixes=prefixes
                )
                or b""
                for graph in graphs
            )
            return body, sum(self.counts.get(graph, 0) for graph in graphs)
        merged = self.union(graphs)
        serialised = merged.dump(
            format=dump.format, from_graph=ox.DefaultGraph(), prefixes=prefixes
        )
        assert serialised is not None
        return serialised, len(merged)


def _member(variable: str, graphs: list[str], every: list[str]) -> str:
    """A SPARQL test that ``variable`` is one of ``graphs`` (among ``every`` graph), written
    with the shorter list: each IN costs one comparison per graph listed, per row."""
    others = [graph for graph in every if graph not in graphs]
    if not others:
        return "true"
    if len(others) < len(graphs):
        return f"{variable} NOT IN ({', '.join(f'<{g}>' for g in others)})"
    return f"{variable} IN ({', '.join(f'<{g}>' for g in graphs)})"


def _with_graphs(store: ox.Store, graphs: list[str], every: list[str]) -> ox.Store:
    """The named graphs chosen, as a store: the store itself when all are chosen."""
    if sorted(graphs) == sorted(every):
        return store
    selected = ox.Store()
    selected.extend(
        quad
        for graph in graphs
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    return selected


def _pack(body: bytes, path: Path) -> tuple[int, str]:
    """Compress (zlib lets other threads run meanwhile) and write; return size and SHA-256."""
    packed = gzip.compress(body, compresslevel=COMPRESSION, mtime=0)
    path.write_bytes(packed)
    return len(packed), hashlib.sha256(packed).hexdigest()


def _write_group(
    dumps: list[Dump],
    store: ox.Store,
    directory: Path,
    inferred_graph: str,
    prefixes: dict[str, str],
    nquads: bytes | None,
) -> list[dict[str, Any]]:
    """Write some dumps, each compressed in a worker thread while the next is serialised."""
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    merger = _Merger(store, apart=inferred_graph)
    described: list[dict[str, Any]] = []
    packing: list[Future[tuple[int, str]]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for dump in dumps:
            chosen = dump.graphs(graphs, inferred_graph)
            if dump.keep_graphs:
                selected = _with_graphs(store, chosen, graphs)
                everything = selected is store and dump.format == ox.RdfFormat.N_QUADS
                body = nquads if nquads is not None and everything else None
                if body is None:
                    body = selected.dump(format=dump.format, prefixes=prefixes)
                triples = len(selected)
            else:
                body, triples = merger.body(dump, chosen, prefixes)
            assert body is not None
            packing.append(pool.submit(_pack, body, directory / dump.file))
            entry = asdict(dump)
            for key in ("format", "graphs", "keep_graphs"):
                entry.pop(key)
            entry.update(triples=triples, graphs=chosen)
            described.append(entry)
        for entry, done in zip(described, packing, strict=True):
            size, digest = done.result()
            entry.update(bytes=size, sha256=digest)
    return described


def write_dumps(
    store: ox.Store,
    directory: Path,
    inferred_graph: str,
    prefixes: dict[str, str],
    dataset: Path | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Write every dump into ``directory``, and the whole store as N-Quads to ``dataset`` if
    given; return the dumps' descriptions for the manifest and the dataset file's size and
    SHA-256.

    The dumps that merge graphs into one are written by a forked child process meanwhile
    (``forking.py``); each body is compressed in a thread while the next is serialised."""
    directory.mkdir(parents=True, exist_ok=True)
    merged = [dump for dump in DUMPS if not dump.keep_graphs]
    kept = [dump for dump in DUMPS if dump.keep_graphs]
    child = Forked(lambda: _write_group(merged, store, directory, inferred_graph, prefixes, None))
    try:
        nquads = store.dump(format=ox.RdfFormat.N_QUADS)
        assert nquads is not None
        described = {"bytes": len(nquads), "sha256": hashlib.sha256(nquads).hexdigest()}
        if dataset is not None:
            dataset.write_bytes(nquads)
        entries = _write_group(kept, store, directory, inferred_graph, prefixes, nquads)
        del nquads
    except BaseException:
        child.cancel()
        raise
    entries += child.result()
    by_file = {entry["file"]: entry for entry in entries}
    return [by_file[dump.file] for dump in DUMPS], described
