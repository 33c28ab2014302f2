"""The change record of a rebuild (issue 17): the size's data with one English label in eight
revised (about 1% of the triples), built into the same store, so that the build compares itself
with the one just measured. Reports the build's time, the time its change record took and the
record's size beside the first build's (which records every triple: its size is the graph's)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.procs import run_timed
from bench.servers import BIN, log

EVERY = 8  # one English label in this many is revised
_LABEL = re.compile(r'(skos:prefLabel ")([^"\\]*)("@en)')


def revise(source: Path, target: Path) -> int:
    """Copy the Turtle files of ``source`` to ``target`` with every ``EVERY``-th English label
    revised; return how many were."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    seen = revised = 0
    for path in sorted(source.glob("*.ttl")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for index, line in enumerate(lines):
            if _LABEL.search(line):
                seen += 1
                if seen % EVERY == 0:
                    lines[index] = _LABEL.sub(r"\1\2 (revised)\3", line, count=1)
                    revised += 1
        (target / path.name).write_text("\n".join(lines), encoding="utf-8")
    return revised


def _record_bytes(store: Path, build_id: str) -> int:
    """The compressed size of one build's changes in the store's history."""
    with closing(sqlite3.connect(store / "history.sqlite")) as db:
        row = db.execute(
            "SELECT COALESCE(SUM(LENGTH(delta)), 0) FROM changes WHERE seq = "
            "(SELECT seq FROM builds WHERE build_id = ?)",
            (build_id,),
        ).fetchone()
    return int(row[0])


def rebuild(size_dir: Path, store: Path) -> dict[str, Any]:
    first = json.loads(((store / "current").resolve() / "manifest.json").read_text("utf-8"))
    revised = revise(size_dir / "data", size_dir / "data-revised")
    log(f"{size_dir.name}: rebuilding with {revised} English labels revised")
    seconds = run_timed(
        [str(BIN / "malang-kg"), "build", "--store", str(store)],
        size_dir / "logs" / "rebuild.log",
        {"MALANG_KG_DATA_DIR": str(size_dir / "data-revised")},
    )
    second = json.loads(((store / "current").resolve() / "manifest.json").read_text("utf-8"))
    changes = second["changes"]
    changed_quads = changes["quads_added"] + changes["quads_removed"]
    return {
        "labels_revised": revised,
        "build_s": round(seconds, 2),
        "record_s": second["timings"]["changes"],
        "record_cpu_s": changes.get("cpu_seconds"),
        "share_of_build": round(second["timings"]["changes"] / seconds, 3),
        "entities_updated": changes["entities_updated"],
        "quads_changed": changed_quads,
        "record_bytes": _record_bytes(store, second["build_id"]),
        "first_record_bytes": _record_bytes(store, first["build_id"]),
    }
