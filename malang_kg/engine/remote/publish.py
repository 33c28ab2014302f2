"""Loading a build into an external SPARQL engine (``malang-kg publish``): every named graph
replaces its namesake, in batches (Graph Store Protocol, else SPARQL Update), statements that
share blank nodes together, transient failures retried; the build description graph
(``Layout.build_graph``) is replaced last, so the service switches builds only when all is there."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from malang_kg.engine.errors import BackendTimeout, BackendUnavailable
from malang_kg.engine.remote.backend import RemoteBackend
from malang_kg.engine.remote.client import BackendConfig, HttpClient
from malang_kg.iris import DCTERMS, VOID, XSD, Layout
from malang_kg.store.builds import DATASET_FILE, read_manifest

BATCH_TRIPLES = 10_000
ATTEMPTS = 5  # tries of one request, and of one graph
FIRST_PAUSE = 0.5  # seconds before the first retry; doubled each time
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Say = Callable[[str], None]


class PublishError(Exception):
    """Publishing failed; the message says where and why."""


class _Transient(Exception):
    """A failure worth another try."""


class _Restart(Exception):
    """A batch that may not be sent twice failed: the graph starts again."""


# --- splitting the dataset ----------------------------------------------------------------------


@dataclass
class GraphFile:
    iri: str
    plain: Path  # statements without blank nodes, N-Triples
    blank: Path  # statements with blank nodes: "<ids>\t<N-Triples line>"
    triples: int = 0


def split_dataset(dataset: Path, directory: Path) -> dict[str, GraphFile]:
    """One N-Triples file per named graph of ``dataset`` (N-Quads), read as a stream."""
    files: dict[str, GraphFile] = {}
    handles: dict[Path, IO[str]] = {}
    try:
        for quad in ox.parse(path=dataset, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise PublishError(f"{dataset}: a statement outside a named graph: {quad}")
            iri = quad.graph_name.value
            graph = files.get(iri)
            if graph is None:
                stem = directory / f"graph-{len(files)}"
                graph = files[iri] = GraphFile(iri, stem.with_suffix(".nt"), stem.with_suffix(".b"))
                handles[graph.plain] = graph.plain.open("w", encoding="utf-8")
                handles[graph.blank] = graph.blank.open("w", encoding="utf-8")
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n"
            blanks = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
            if blanks:
                handles[graph.blank].write(" ".join(blanks) + "\t" + line)
            else:
                handles[graph.plain].write(line)
            graph.triples += 1
    finally:
        for handle in handles.values():
            handle.close()
    return files


def _blank_groups(path: Path) -> list[list[str]]:
    """The statements of ``path`` grouped so that statements sharing a blank node (directly or
    through others) are in one group."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    entries = []
    with path.open(encoding="utf-8") as handle:
        for entry in handle:
            ids, line = entry.split("\t", 1)
            nodes = ids.split(" ")
            for other in nodes[1:]:
                parent[find(other)] = find(nodes[0])
            entries.append((nodes[0], line))
    groups: dict[str, list[str]] = {}
    for node, line in entries:
        groups.setdefault(find(node), []).append(line)
    return list(groups.values())


def batches(graph: GraphFile, size: int) -> Iterator[tuple[str, bool]]:
    """(N-Triples text, has blank nodes) of at most ``size`` statements each (a group of
    statements sharing blank nodes is never cut, whatever its size). Always one at least."""
    sent = False
    lines: list[str] = []
    with graph.plain.open(encoding="utf-8") as handle:
        for line in handle:
            lines.append(line)
            if len(lines) == size:
                yield "".join(lines), False
                sent, lines = True, []
    if lines:
        yield "".join(lines), False
        sent, lines = True, []
    for group in _blank_groups(graph.blank):
        if lines and len(lines) + len(group) > size:
            yield "".join(lines), True
            sent, lines = True, []
        lines += group
    if lines or not sent:
        yield "".join(lines), True


# --- the engine ---------------------------------------------------------------------------------


class Target:
    """Where graphs go: the Graph Store Protocol, or SPARQL Update."""

    def __init__(self, client: HttpClient, config: BackendConfig) -> None:
        self.client = client
        self.store_url = config.store_url
        self.update_url = config.update_url
        if not self.store_url and not self.update_url:
            raise PublishError(
                "set MALANG_KG_BACKEND_STORE_URL (Graph Store Protocol) or "
                "MALANG_KG_BACKEND_UPDATE_URL (SPARQL Update) to publish"
            )

    def name(self) -> str:
        if self.store_url:
            return f"graph store {self.store_url}"
        return f"SPARQL Update endpoint {self.update_url}"

    def _call(self, method: str, url: str, allowed: tuple[int, ...] = (), **options: Any) -> None:
        try:
            response = self.client.request(method, url, self.client.config.timeout, **options)
        except (BackendUnavailable, BackendTimeout) as error:
            raise _Transient(error.message) from None
        with response:
            status = response.status_code
            if 200 <= status < 300 or status in allowed:
                return
            text = " ".join(response.text.split())[:300]
            if status == 429 or status >= 500:
                raise _Transient(f"HTTP {status}: {text}")
            raise PublishError(f"{method} {url} answered HTTP {status}: {text}")

    def _update(self, text: str) -> None:
        assert self.update_url is not None
        self._call(
            "POST",
            self.update_url,
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def _store(self, method: str, graph: str, body: str | None = None) -> None:
        assert self.store_url is not None
        options: dict[str, Any] = {"params": {"graph": graph}}
        if body is not None:
            options["data"] = body.encode("utf-8")
            options["headers"] = {"Content-Type": "application/n-triples; charset=utf-8"}
        self._call(method, self.store_url, (404,) if method == "DELETE" else (), **options)

    def replace(self, graph: str, body: str, blank: bool = False) -> None:
        if self.store_url:
            self._store("PUT", graph, body)
        else:
            insert = f" ;\n{_insert(graph, body, blank)}" if body else ""
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}{insert}")

    def add(self, graph: str, body: str, blank: bool = False) -> None:
        if self.store_url:
            self._store("POST", graph, body)
        else:
            self._update(_insert(graph, body, blank))

    def drop(self, graph: str) -> None:
        if self.store_url:
            self._store("DELETE", graph)
        else:
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")


def _insert(graph: str, body: str, blank: bool) -> str:
    """The update adding ``body`` (N-Triples) to ``graph``. Statements with blank nodes go in an
    INSERT template (one fresh node per label), as some engines (Virtuoso) refuse blank nodes in
    INSERT DATA."""
    name = ox.NamedNode(graph)
    if blank:
        return f"INSERT {{ GRAPH {name} {{\n{body}}} }} WHERE {{ }}"
    return f"INSERT DATA {{ GRAPH {name} {{\n{body}}} }}"


def _retrying(send: Callable[[], None], repeatable: bool, what: str, say: Say) -> int:
    """Send, retrying transient failures of a repeatable request; the number of requests."""
    pause = FIRST_PAUSE
    for attempt in range(1, ATTEMPTS + 1):
        try:
            send()
            return attempt
        except _Transient as error:
            if not repeatable:
                raise _Restart(str(error)) from None
            if attempt == ATTEMPTS:
                raise PublishError(f"{what}: gave up after {ATTEMPTS} tries: {error}") from None
            say(f"  {what}: {error}; trying again in {pause:g} s")
            time.sleep(pause)
            pause *= 2
    raise AssertionError("unreachable")


def upload(target: Target, graph: GraphFile, size: int, say: Say) -> int:
    """Replace ``graph`` in the engine; the number of requests it took."""
    requests_made = 0
    pause = FIRST_PAUSE
    for attempt in range(1, ATTEMPTS + 1):
        try:
            for index, (body, blank) in enumerate(batches(graph, size)):
                first = index == 0
                send = target.replace if first else target.add
                what = f"<{graph.iri}> batch {index + 1}"
                requests_made += _retrying(
                    partial(send, graph.iri, body, blank), first or not blank, what, say
                )
            return requests_made
        except _Restart as error:
            if attempt == ATTEMPTS:
                raise PublishError(
                    f"<{graph.iri}>: gave up after {ATTEMPTS} tries: {error}"
                ) from None
            say(f"  <{graph.iri}>: {error}; sending the whole graph again in {pause:g} s")
            time.sleep(pause)
            pause *= 2
    raise AssertionError("unreachable")


def description_body(graph: str, build_id: str, created: str, counts: dict[str, int]) -> str:
    """The build description graph in N-Triples: what the remote backend reads."""
    node = ox.NamedNode(graph)
    integer = ox.NamedNode(str(XSD.integer))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        (node, ox.NamedNode(RDF_TYPE), ox.NamedNode(str(VOID.Dataset))),
        (node, ox.NamedNode(str(DCTERMS.identifier)), ox.Literal(build_id)),
        (node, ox.NamedNode(str(DCTERMS.created)), ox.Literal(created)),
        (node, ox.NamedNode(str(DCTERMS.modified)), ox.Literal(now)),
        (
            node,
            ox.NamedNode(str(VOID.triples)),
            ox.Literal(str(sum(counts.values())), datatype=integer),
        ),
    ]
    for iri, count in sorted(counts.items()):
        part = ox.NamedNode(iri)
        lines.append((node, ox.NamedNode(str(DCTERMS.hasPart)), part))
        lines.append(
            (part, ox.NamedNode(str(VOID.triples)), ox.Literal(str(count), datatype=integer))
        )
    return "".join(f"{s} {p} {o} .\n" for s, p, o in lines)


def publish(build_dir: Path, config: BackendConfig, size: int, say: Say) -> dict[str, int]:
    """Publish the build in ``build_dir``; the triples per graph."""
    started = time.perf_counter()
    manifest = read_manifest(build_dir)
    client = HttpClient(config)
    target = Target(client, config)
    reader = RemoteBackend(config, manifest.base_iri) if config.query_url else None
    described = Layout(manifest.base_iri).build_graph
    say(f"publishing build {manifest.build_id} ({manifest.triples} triples) to {target.name()}")
    previous: set[str] = set()
    if reader is not None:
        rows = reader.own_select(
            f"SELECT ?g WHERE {{ GRAPH {ox.NamedNode(described)} {{ ?d <{DCTERMS}hasPart> ?g }} }}"
        )
        previous = {row["g"].value for row in rows if "g" in row}
    with tempfile.TemporaryDirectory(prefix="malang-kg-publish-") as directory:
        files = split_dataset(build_dir / DATASET_FILE, Path(directory))
        for graph in files.values():
            began = time.perf_counter()
            made = upload(target, graph, size, say)
            say(
                f"  <{graph.iri}>: {graph.triples} triples in {made} request(s), "
                f"{time.perf_counter() - began:.2f} s"
            )
    counts = {graph.iri: graph.triples for graph in files.values()}
    for stale in sorted(previous - set(counts) - {described}):
        _retrying(partial(target.drop, stale), True, f"dropping <{stale}>", say)
        say(f"  <{stale}>: dropped (not in this build)")
    body = description_body(described, manifest.build_id, manifest.created, counts)
    _retrying(partial(target.replace, described, body), True, f"<{described}>", say)
    say(f"  <{described}>: the build description")
    expected = {graph.iri: graph.triples for graph in manifest.graphs}
    if expected != counts:
        raise PublishError(f"the dataset's graphs or counts differ from the manifest's: {counts}")
    if reader is not None:
        _verify(reader, counts)
        say(f"checked: the engine holds {sum(counts.values())} triples in {len(counts)} graphs")
    say(f"published build {manifest.build_id} in {time.perf_counter() - started:.1f} s")
    return counts


def _verify(reader: RemoteBackend, counts: dict[str, int]) -> None:
    rows = reader.own_select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    found = {row["g"].value: int(row["n"].value) for row in rows if "g" in row and "n" in row}
    wrong = [
        f"<{iri}>: {found.get(iri, 0)} of {n}"
        for iri, n in counts.items()
        if found.get(iri, 0) != n
    ]
    if wrong:
        raise PublishError("the engine does not hold what was sent: " + "; ".join(wrong))
