"""The layout of builds on disk, shared by the build (writer) and the server (reader).

``{STORE}/builds/<build-id>/`` holds one complete, immutable build:

- ``dataset.nq``: every named graph (ontology, one per data file, inferences) as N-Quads, the
  fastest format to load into an in-memory pyoxigraph store;
- ``manifest.json``: build id, creation time, base IRI, triple counts per graph, source checksums.

``{STORE}/current`` is a symbolic link to the newest complete build. It is replaced with one
``rename`` so a reader sees either the old build or the new one, never a half-written one.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from malang_kg.store.servers import builds_in_use

DATASET_FILE = "dataset.nq"
STORE_DIR = "oxigraph"  # the quads as an Oxigraph (RocksDB) store, opened read-only to serve
MANIFEST_FILE = "manifest.json"
BUILDS_DIR = "builds"
CURRENT_LINK = "current"


@dataclass(frozen=True)
class GraphCount:
    iri: str
    source: str
    triples: int


@dataclass(frozen=True)
class Manifest:
    build_id: str
    created: str
    base_iri: str
    graphs: list[GraphCount]
    sources: dict[str, str] = field(default_factory=dict)  # path -> sha256
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    dumps: list[dict[str, Any]] = field(default_factory=list)  # see build/dumps.py
    pruned: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)  # since the previous build: history/

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)

    def to_json(self) -> str:
        data = asdict(self)
        data["triples"] = self.triples
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data.pop("triples", None)
        data["graphs"] = [GraphCount(**graph) for graph in data["graphs"]]
        return cls(**data)


class NoBuildError(FileNotFoundError):
    """There is no complete build in the store yet."""


def builds_dir(store: Path) -> Path:
    return store / BUILDS_DIR


def current_build_dir(store: Path) -> Path:
    link = store / CURRENT_LINK
    if not link.is_symlink() or not (link / MANIFEST_FILE).is_file():
        raise NoBuildError(f"no build in {store}: run `malang-kg build` first")
    return link.resolve()


def read_manifest(build_dir: Path) -> Manifest:
    return Manifest.from_json((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))


def make_current(store: Path, staging: Path, build_id: str) -> Path:
    """Move a finished build into place and point ``current`` at it, atomically."""
    final = builds_dir(store) / build_id
    os.replace(staging, final)
    tmp_link = store / f".{CURRENT_LINK}.{build_id}.tmp"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(Path(BUILDS_DIR) / build_id)
    os.replace(tmp_link, store / CURRENT_LINK)
    return final


def prune_old_builds(store: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest complete builds; never the current one, nor one that a
    running server still uses (``running.builds_in_use``): such a build goes at a later prune,
    e.g. the one the server makes once its reload is over."""
    current = current_build_dir(store).name
    in_use = builds_in_use(store)
    complete = sorted(
        (d for d in builds_dir(store).iterdir() if d.is_dir() and (d / MANIFEST_FILE).is_file()),
        key=lambda d: d.name,
        reverse=True,
    )
    removed = []
    for old in complete[keep:]:
        if old.name != current and old.name not in in_use:
            shutil.rmtree(old)
            removed.append(old.name)
    return removed
