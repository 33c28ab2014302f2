"""``malang-kg build``: parse, validate, reason, write a new build and switch to it.

A build that fails validation is never written; a written build becomes current with one rename.
Everything happens on one pyoxigraph store: the sources are parsed into it, the shapes run on it
as SPARQL, the rules of the ontology add the inferred graph to it and it is dumped as the build.
Validation runs in a forked child while the parent reasons, and the dumps are written in a child
while the parent writes the RocksDB store (``forking.py``); meanwhile another child validates the
graph as it will be served, the data with its inferences, against the same shapes.
``MALANG_KG_BUILD_ENGINE=reference`` validates with pyshacl and reasons with owlrl instead.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph

from malang_kg.config import ConfigError, Settings
from malang_kg.dataset.answers import ANSWERS_DIR, write_answers
from malang_kg.dataset.labels import LABELS_FILE, LabelIndex, write_labels
from malang_kg.dataset.named_queries import load_queries
from malang_kg.history.records import (
    CHANGES_FILE,
    DIGESTS_FILE,
    forget,
    previous_build,
    record,
    write_changes,
)
from malang_kg.iris import Layout
from malang_kg.pipeline.dataset import graph_counts, load_graphs, write_store
from malang_kg.pipeline.dumps import DOWNLOADS_DIR, write_dumps
from malang_kg.pipeline.fixpoint import drop_asserted, materialise_store
from malang_kg.pipeline.forking import Forked
from malang_kg.pipeline.reason import materialise
from malang_kg.pipeline.rules import UnsupportedOntology
from malang_kg.pipeline.sources import BuildError, Sources, discover
from malang_kg.pipeline.validate import Report, validate, validate_reference
from malang_kg.store.builds import (
    DATASET_FILE,
    MANIFEST_FILE,
    STORE_DIR,
    GraphCount,
    Manifest,
    builds_dir,
    make_current,
    prune_old_builds,
)

Log = Callable[[str], None]
T = TypeVar("T")
ENGINES = ("oxigraph", "reference")


def _build_id(sources: Sources, base_iri: str, now: datetime) -> str:
    digest = hashlib.sha256(base_iri.encode())
    for source in [*sources.all(), sources.shapes]:
        digest.update(f"{source.display}\0{source.sha256}\0".encode())
    return f"{now:%Y%m%dT%H%M%S.%f}Z-{digest.hexdigest()[:8]}"


def load_sources(settings: Settings) -> Sources:
    return discover(settings.home, settings.base_iri, settings.data_dir)


def _engine(settings: Settings) -> str:
    if settings.build_engine not in ENGINES:
        raise ConfigError(
            f"MALANG_KG_BUILD_ENGINE (--build-engine): expected one of {', '.join(ENGINES)}, "
            f"got {settings.build_engine!r}"
        )
    return settings.build_engine


def validate_with(sources: Sources, settings: Settings) -> Report:
    """Validate with the engine the settings choose."""
    if _engine(settings) == "reference":
        return validate_reference(sources)
    return validate(sources)


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    """What ``work`` returned, and the seconds it took."""
    started = time.perf_counter()
    return work(), time.perf_counter() - started


def reason(sources: Sources, settings: Settings, inferred_iri: str, log: Log) -> Counter[str]:
    """Add the pruned OWL RL entailments to the graph ``inferred_iri`` of the sources' store."""
    if _engine(settings) == "reference":
        inferred, dropped = materialise(sources.rdflib_graph(sources.all()))
        load_graphs([(inferred_iri, inferred)], sources.store)
        drop_asserted(sources.store, inferred_iri)  # as the rules engine does
        return dropped
    ontology = [source.graph_iri for source in sources.ontology]
    try:
        return materialise_store(sources.store, ontology, inferred_iri, log, sources.typed_literals)
    except UnsupportedOntology as error:
        raise BuildError(str(error)) from error


def _report_inferences(
    store: ox.Store, inferred_iri: str, base_iri: str, dropped: Counter[str], log: Log
) -> None:
    names = Graph().namespace_manager
    for prefix, namespace in Layout(base_iri).prefixes.items():
        names.bind(prefix, namespace, replace=True)
    rows = store.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{inferred_iri}> {{ ?s ?p ?o }} }} "
        "GROUP BY ?p ORDER BY DESC(?n) ?p"
    )
    assert isinstance(rows, ox.QuerySolutions)
    by_predicate = []
    for row in rows:
        predicate, number = row[0], row[1]
        assert isinstance(predicate, ox.NamedNode) and isinstance(number, ox.Literal)
        by_predicate.append((predicate.value, int(number.value)))
    log(f"inferred {sum(n for _, n in by_predicate)} triples; most common properties:")
    for predicate, count in by_predicate[:12]:
        log(f"  {count:7d}  {names.normalizeUri(predicate)}")
    if dropped:
        summary = ", ".join(f"{count} {reason}" for reason, count in dropped.most_common())
        log(f"pruned {sum(dropped.values())} trivial entailments: {summary}")


def _check_and_reason(
    sources: Sources, settings: Settings, inferred_iri: str, timings: dict[str, float], log: Log
) -> Counter[str]:
    """Validate in a forked child (it only reads the store) while this process reasons.

    Returns the pruned entailments; raises ``BuildError`` with the report if the data is invalid.
    """
    checking = Forked(lambda: _timed(lambda: validate_with(sources, settings)))
    mark = time.perf_counter()
    try:
        dropped = reason(sources, settings, inferred_iri, log)
    except BaseException:
        report, _ = checking.result()  # invalid data is the better explanation of a failure
        if not report.conforms:
            raise BuildError(report.render()) from None
        raise
    timings["reason"] = time.perf_counter() - mark
    report, timings["validate"] = checking.result()
    if not report.conforms:
        raise BuildError(report.render())
    log(f"validated against {sources.shapes.display} in {timings['validate']:.2f} s")
    _report_inferences(sources.store, inferred_iri, settings.base_iri, dropped, log)
    log(f"reasoned in {timings['reason']:.2f} s")
    return dropped


def _manifest_graphs(sources: Sources, settings: Settings, inferred_iri: str) -> list[GraphCount]:
    """Each graph of the build, where it comes from and how many triples it has."""
    graphs = [s.graph_iri for s in sources.all()] + [inferred_iri]
    counts = graph_counts(sources.store)
    reasoner = (
        "owlrl (OWL RL)"
        if settings.build_engine == "reference"
        else "OWL RL rules on Oxigraph (ontology closed by owlrl)"
    )
    origin = {s.graph_iri: s.display for s in sources.all()} | {inferred_iri: reasoner}
    return [GraphCount(iri, origin[iri], counts.get(iri, 0)) for iri in graphs]


def _record_changes(staging: Path, store: Path, previous: str | None) -> dict[str, Any]:
    """What the build in ``staging`` changed since ``previous``, written beside it."""
    changes, digests = staging / CHANGES_FILE, staging / DIGESTS_FILE
    return write_changes(changes, staging / DATASET_FILE, store, previous, digests)


def _write_files(
    sources: Sources,
    settings: Settings,
    staging: Path,
    inferred_iri: str,
    timings: dict[str, float],
    previous: str | None,
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Write the serving store here while a forked child writes the dumps, the label index and
    the named queries' answers, and a child of that child what changed since ``previous`` (the
    last recorded build); return the dumps', the dataset file's and the changes'
    descriptions."""
    layout = Layout(settings.base_iri)
    queries = load_queries(settings.home, settings.base_iri)

    def dumps_and_labels() -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
        written, dataset = write_dumps(
            sources.store,
            staging / DOWNLOADS_DIR,
            inferred_iri,
            layout.prefixes,
            staging / DATASET_FILE,
        )
        # The change record needs only the N-Quads just written: a child of its own finds it
        # while this one writes the labels and the answers, so that once the store and the
        # validation are done, both cores still have work.
        recording = Forked(lambda: _record_changes(staging, settings.store, previous))
        try:
            write_labels(sources.store, staging / LABELS_FILE, layout)
            labels = LabelIndex(staging / LABELS_FILE)
            write_answers(sources.store, staging / ANSWERS_DIR, queries, settings.base_iri, labels)
        except BaseException:
            recording.cancel()
            raise
        return written, dataset, recording.result()

    # RocksDB (under the on-disk store) must never run in a forked child of a process that
    # has used it (its threads and locks do not survive a fork; the child can hang).
    dumping = Forked(dumps_and_labels)
    served = Forked(lambda: _timed(lambda: validate(sources)))  # now with the inferences
    try:
        _, timings["store"] = _timed(lambda: write_store(sources.store, staging / STORE_DIR))
    except BaseException:
        dumping.cancel()
        served.cancel()
        raise
    try:
        report, timings["validate_served"] = served.result()
    except BaseException:
        dumping.cancel()
        raise
    if not report.conforms:
        dumping.cancel()
        raise BuildError(
            "the graph as served (the data with its inferences) does not conform to the "
            f"shapes:\n{report.render()}"
        )
    return dumping.result()


def _write_build(
    sources: Sources,
    settings: Settings,
    inferred_iri: str,
    dropped: Counter[str],
    timings: dict[str, float],
    started: float,
    log: Log,
) -> Manifest:
    """Write the build into a staging directory and publish it; on failure remove the staging."""
    now = datetime.now(UTC)
    build_id = _build_id(sources, settings.base_iri, now)
    store = settings.store
    builds_dir(store).mkdir(parents=True, exist_ok=True)
    staging = builds_dir(store) / f".{build_id}.tmp"
    staging.mkdir()
    try:
        mark = time.perf_counter()
        graphs = _manifest_graphs(sources, settings, inferred_iri)
        previous = previous_build(store)
        dumps, dataset, changes = _write_files(
            sources, settings, staging, inferred_iri, timings, previous
        )
        timings["changes"] = changes.pop("seconds")
        timings["write"] = time.perf_counter() - mark
        log(
            f"wrote the Oxigraph store in {timings['store']:.2f} s; the dumps, labels and "
            "named queries' answers meanwhile"
        )
        log(
            f"validated the graph as served (with its inferences) in "
            f"{timings['validate_served']:.2f} s, meanwhile"
        )
        log(f"wrote the build and its dumps in {timings['write']:.2f} s")
        _report_changes(previous, changes, timings["changes"], log)
        timings["total"] = time.perf_counter() - started  # validation overlaps reasoning
        manifest = Manifest(
            build_id=build_id,
            created=now.isoformat(timespec="seconds"),
            base_iri=settings.base_iri,
            graphs=graphs,
            sources={s.display: s.sha256 for s in [*sources.all(), sources.shapes]},
            files={DATASET_FILE: dataset},
            dumps=dumps,
            pruned=dict(dropped),
            timings={k: round(v, 3) for k, v in timings.items()},
            changes={"previous": previous, **changes},
        )
        _publish(store, staging, manifest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _publish(store: Path, staging: Path, manifest: Manifest) -> None:
    """Write the manifest, record the build's changes in the store's history, then make it the
    current build."""
    (staging / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
    previous = manifest.changes.get("previous")
    changes = staging / CHANGES_FILE
    record(store, manifest.build_id, manifest.created, previous, changes, manifest.changes)
    try:
        make_current(store, staging, manifest.build_id)
    except BaseException:
        forget(store, manifest.build_id)
        raise


def _report_changes(
    previous: str | None, changes: dict[str, Any], seconds: float, log: Log
) -> None:
    log(
        f"changes since {previous or 'nothing (the first recorded build)'}: "
        f"{changes['entities_created']} entities added, {changes['entities_updated']} "
        f"changed, {changes['entities_deleted']} removed (+{changes['quads_added']} / "
        f"-{changes['quads_removed']} quads), found in {seconds:.2f} s "
        f"({changes['cpu_seconds']:.2f} s of CPU, beside the rest of the build)"
    )


def _report_build(
    settings: Settings, manifest: Manifest, removed: list[str], started: float, log: Log
) -> None:
    log(f"build {manifest.build_id} written to {builds_dir(settings.store) / manifest.build_id}")
    for graph in manifest.graphs:
        log(f"  {graph.triples:8d}  {graph.iri}  ({graph.source})")
    log(f"  {manifest.triples:8d}  triples in all")
    if removed:
        log(f"removed old builds: {', '.join(removed)}")
    log(f"done in {time.perf_counter() - started:.2f} s")


def run_build(settings: Settings, log: Log = print) -> Manifest:
    """Parse, validate and reason, write and publish the build, then prune old builds."""
    _engine(settings)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = load_sources(settings)
    timings["parse"] = time.perf_counter() - started
    triples = sum(s.triples for s in sources.all())
    log(f"parsed {len(sources.all())} files ({triples} triples) in {timings['parse']:.2f} s")
    inferred_iri = Layout(settings.base_iri).inferred_graph
    dropped = _check_and_reason(sources, settings, inferred_iri, timings, log)
    manifest = _write_build(sources, settings, inferred_iri, dropped, timings, started, log)
    removed = prune_old_builds(settings.store, settings.keep_builds)
    _report_build(settings, manifest, removed, started, log)
    return manifest
