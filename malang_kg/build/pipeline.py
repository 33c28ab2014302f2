"""``malang-kg build``: parse, validate, reason, write a new build and switch to it.

A build that fails validation is never written; a written build becomes current with one rename.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from malang_kg.build.dataset import graph_counts, load_graphs, write_nquads
from malang_kg.build.dumps import DOWNLOADS_DIR, write_dumps
from malang_kg.build.reason import materialise
from malang_kg.build.sources import BuildError, Sources, discover, union
from malang_kg.build.validate import validate
from malang_kg.builds import (
    DATASET_FILE,
    MANIFEST_FILE,
    GraphCount,
    Manifest,
    builds_dir,
    prune_old_builds,
    publish,
)
from malang_kg.config import Settings

Log = Callable[[str], None]


def _build_id(sources: Sources, base_iri: str, now: datetime) -> str:
    digest = hashlib.sha256(base_iri.encode())
    for source in [*sources.all(), sources.shapes]:
        digest.update(f"{source.display}\0{source.sha256}\0".encode())
    return f"{now:%Y%m%dT%H%M%S.%f}Z-{digest.hexdigest()[:8]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_sources(settings: Settings) -> Sources:
    return discover(settings.home, settings.base_iri, settings.data_dir)


def _describe_inferences(inferred: Graph, dropped: Counter[str], log: Log) -> None:
    names = inferred.namespace_manager
    by_predicate = Counter(names.normalizeUri(str(p)) for p in inferred.predicates())
    log(f"inferred {len(inferred)} triples; most common properties:")
    for predicate, count in by_predicate.most_common(12):
        log(f"  {count:7d}  {predicate}")
    if dropped:
        summary = ", ".join(f"{count} {reason}" for reason, count in dropped.most_common())
        log(f"pruned {sum(dropped.values())} trivial entailments: {summary}")


def run_build(settings: Settings, log: Log = print) -> Manifest:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = load_sources(settings)
    timings["parse"] = time.perf_counter() - started
    log(f"parsed {len(sources.all())} files in {timings['parse']:.2f} s")

    mark = time.perf_counter()
    report = validate(sources)
    timings["validate"] = time.perf_counter() - mark
    if not report.conforms:
        raise BuildError(report.render())
    log(f"validated against {sources.shapes.display} in {timings['validate']:.2f} s")

    mark = time.perf_counter()
    inferred, dropped = materialise(union(sources.all()))
    timings["reason"] = time.perf_counter() - mark
    _describe_inferences(inferred, dropped, log)
    log(f"reasoned in {timings['reason']:.2f} s")

    now = datetime.now(UTC)
    build_id = _build_id(sources, settings.base_iri, now)
    store = settings.store
    builds_dir(store).mkdir(parents=True, exist_ok=True)
    staging = builds_dir(store) / f".{build_id}.tmp"
    staging.mkdir()
    try:
        mark = time.perf_counter()
        inferred_iri = settings.base_iri + "graph/inferred"
        graphs = [(s.graph_iri, s.graph) for s in sources.all()] + [(inferred_iri, inferred)]
        dataset = load_graphs(graphs)
        write_nquads(dataset, staging / DATASET_FILE)
        counts = graph_counts(dataset)
        prefixes = {p: str(ns) for p, ns in inferred.namespaces() if p}
        dumps = write_dumps(dataset, staging / DOWNLOADS_DIR, inferred_iri, prefixes)
        timings["write"] = time.perf_counter() - mark
        origin = {s.graph_iri: s.display for s in sources.all()} | {inferred_iri: "owlrl (OWL RL)"}
        manifest = Manifest(
            build_id=build_id,
            created=now.isoformat(timespec="seconds"),
            base_iri=settings.base_iri,
            graphs=[GraphCount(iri, origin[iri], counts.get(iri, 0)) for iri, _ in graphs],
            sources={s.display: s.sha256 for s in [*sources.all(), sources.shapes]},
            files={
                DATASET_FILE: {
                    "sha256": _sha256(staging / DATASET_FILE),
                    "bytes": (staging / DATASET_FILE).stat().st_size,
                }
            },
            dumps=dumps,
            pruned=dict(dropped),
            timings={k: round(v, 3) for k, v in timings.items()},
        )
        (staging / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
        publish(store, staging, build_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    removed = prune_old_builds(store, settings.keep_builds)

    log(f"build {build_id} written to {builds_dir(store) / build_id}")
    for graph in manifest.graphs:
        log(f"  {graph.triples:8d}  {graph.iri}  ({graph.source})")
    log(f"  {manifest.triples:8d}  triples in all")
    if removed:
        log(f"removed old builds: {', '.join(removed)}")
    log(f"done in {time.perf_counter() - started:.2f} s")
    return manifest
