"""The change records of a store: ``{STORE}/history.sqlite``, one row per build ever published
there and one per entity a build changed, with the quads it added and removed (zlib-compressed
N-Quads lines, ``+`` or ``-`` first). They outlive the builds (``KEEP_BUILDS`` prunes builds,
never records), so any past description can be rebuilt by replaying an entity's changes.

The build writes a build's changes into the build's own ``changes.sqlite`` (``write_changes``,
in a child process, beside the store) and copies them into the history when it publishes the
build (``record``). Beside them it keeps each description's digest (``digests.sqlite``), so the
next build reads only its own N-Quads: what differs from the digests it replays from the
history. Serving processes read the history read-only (``History``).
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from malang_kg.history.diff import (
    Described,
    EntityChange,
    compare_digests,
    compare_files,
    decoded,
    read_build,
)
from malang_kg.store.builds import DATASET_FILE, builds_dir

HISTORY_FILE = "history.sqlite"
CHANGES_FILE = "changes.sqlite"  # in a build's directory: what that build changed
DIGESTS_FILE = "digests.sqlite"  # in a build's directory: its descriptions' digests
DIGESTS = "digests"  # the table in it
KINDS = ("create", "update", "delete")
CHUNK = 500  # entities per query when replaying descriptions (SQLite allows 32,766 parameters)

SCHEMA = """
CREATE TABLE IF NOT EXISTS builds (
    seq INTEGER PRIMARY KEY,
    build_id TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    previous TEXT,
    created_entities INTEGER NOT NULL,
    updated_entities INTEGER NOT NULL,
    deleted_entities INTEGER NOT NULL,
    added_quads INTEGER NOT NULL,
    removed_quads INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER NOT NULL REFERENCES builds (seq),
    entity TEXT NOT NULL,
    kind TEXT NOT NULL,
    delta BLOB NOT NULL,
    PRIMARY KEY (entity, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_by_build ON changes (seq, entity);
"""


@dataclass(frozen=True)
class Build:
    seq: int
    build_id: str
    created: str  # ISO 8601, as in the manifest
    previous: str | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Change:
    build: Build
    entity: str
    kind: str  # "create", "update" or "delete"


def _pack(added: list[str], removed: list[str]) -> bytes:
    signed = [
        sign + f"\n{sign}".join(lines) for sign, lines in (("+", added), ("-", removed)) if lines
    ]
    text = "\n".join(signed)
    return zlib.compress(text.encode("utf-8"), 1)  # fast: a first build records every quad


def _unpack(delta: bytes) -> Iterator[tuple[str, str]]:
    for line in zlib.decompress(delta).decode("utf-8").split("\n"):
        if line:
            yield line[0], line[1:]


# --- writing (the build) ------------------------------------------------------------------------


def previous_build(store: Path) -> str | None:
    """The last build the history records, if its digests or its N-Quads are still on disk (else
    the next build is recorded as a new start: everything in it created)."""
    last = History(store).last()
    if last is None:
        return None
    kept = builds_dir(store) / last.build_id
    found = (kept / DIGESTS_FILE).is_file() or (kept / DATASET_FILE).is_file()
    return last.build_id if found else None


def write_changes(
    target: Path, dataset: Path, store: Path, previous: str | None, digests: Path
) -> dict[str, Any]:
    """Compare the build's N-Quads (``dataset``) with the ``previous`` build in ``store``; write
    each entity's change to ``target`` and each description's digest to ``digests``; return
    the counts, and the seconds it took (its process's CPU time too), for the manifest."""
    started, cpu = time.perf_counter(), time.process_time()
    new = read_build(dataset)
    changes = _compare(store, previous, dataset, new)
    with closing(sqlite3.connect(target)) as db, db:
        db.execute("CREATE TABLE changes (entity TEXT PRIMARY KEY, kind TEXT, delta BLOB)")
        rows = ((c.entity, c.kind, _pack(c.added, c.removed)) for c in changes)
        db.executemany("INSERT INTO changes VALUES (?, ?, ?)", rows)
    with closing(sqlite3.connect(digests)) as db, db:
        db.execute(f"CREATE TABLE {DIGESTS} (entity TEXT PRIMARY KEY, digest BLOB) WITHOUT ROWID")
        db.executemany(f"INSERT INTO {DIGESTS} VALUES (?, ?)", sorted(new.digests.items()))
    counts = {kind: 0 for kind in KINDS}
    added = removed = 0
    for change in changes:
        counts[change.kind] += 1
        added, removed = added + len(change.added), removed + len(change.removed)
    return {
        "entities_created": counts["create"],
        "entities_updated": counts["update"],
        "entities_deleted": counts["delete"],
        "quads_added": added,
        "quads_removed": removed,
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "bytes": target.stat().st_size,
    }


def _compare(
    store: Path,
    previous: str | None,
    dataset: Path,
    new: Described,
) -> list[EntityChange]:
    if previous is None:
        return [EntityChange(e, "create", decoded(lines)) for e, lines in sorted(new.lines.items())]
    directory = builds_dir(store) / previous
    old = _kept_digests(directory / DIGESTS_FILE)
    if old is None:  # a build made before builds kept digests: read its N-Quads
        return compare_files(directory / DATASET_FILE, dataset)
    history = History(store)
    return compare_digests(old, new, lambda e: history.descriptions(e, previous))


def _kept_digests(path: Path) -> dict[str, bytes] | None:
    if not path.is_file():
        return None
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return dict(db.execute(f"SELECT entity, digest FROM {DIGESTS}"))


def record(
    store: Path,
    build_id: str,
    created: str,
    previous: str | None,
    changes: Path,
    counts: dict[str, Any],
) -> None:
    """Add a build and its changes (``write_changes``'s file and counts) to the store's
    history."""
    with closing(sqlite3.connect(store / HISTORY_FILE)) as db, db:
        db.executescript(SCHEMA)
        db.execute("ATTACH DATABASE ? AS staged", (str(changes),))
        cursor = db.execute(
            "INSERT INTO builds (build_id, created, previous, created_entities, updated_entities,"
            " deleted_entities, added_quads, removed_quads) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                build_id,
                created,
                previous,
                counts["entities_created"],
                counts["entities_updated"],
                counts["entities_deleted"],
                counts["quads_added"],
                counts["quads_removed"],
            ),
        )
        db.execute(
            "INSERT INTO changes SELECT ?, entity, kind, delta FROM staged.changes",
            (cursor.lastrowid,),
        )


def forget(store: Path, build_id: str) -> None:
    """Remove a build from the history (its publishing failed after it was recorded)."""
    with closing(sqlite3.connect(store / HISTORY_FILE)) as db, db:
        row = db.execute("SELECT seq FROM builds WHERE build_id = ?", (build_id,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM changes WHERE seq = ?", row)
            db.execute("DELETE FROM builds WHERE seq = ?", row)


# --- reading (the server) -----------------------------------------------------------------------


class History:
    """The history of one store, read-only; empty where there is none yet."""

    def __init__(self, store: Path) -> None:
        self.path = store / HISTORY_FILE

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.is_file():
            yield None
            return
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            yield db

    @staticmethod
    def _build(row: tuple[Any, ...]) -> Build:
        seq, build_id, created, previous, *counts = row
        names = ("created", "updated", "deleted", "added_quads", "removed_quads")
        return Build(seq, build_id, created, previous, dict(zip(names, counts, strict=True)))

    _BUILD = (
        "SELECT seq, build_id, created, previous, created_entities, updated_entities,"
        " deleted_entities, added_quads, removed_quads FROM builds"
    )

    def builds(self) -> list[Build]:
        """Every recorded build, oldest first."""
        with self._db() as db:
            return self._builds(db) if db is not None else []

    def _builds(self, db: sqlite3.Connection) -> list[Build]:
        return [self._build(row) for row in db.execute(self._BUILD + " ORDER BY seq")]

    def last(self) -> Build | None:
        found = self.builds()
        return found[-1] if found else None

    def build(self, build_id: str) -> Build | None:
        return next((b for b in self.builds() if b.build_id == build_id), None)

    def count(self, build: Build | None = None) -> int:
        """How many changes (entity, build) there are, in all builds or in one."""
        with self._db() as db:
            if db is None:
                return 0
            if build is None:
                return int(db.execute("SELECT COUNT(*) FROM changes").fetchone()[0])
            query = "SELECT COUNT(*) FROM changes WHERE seq = ?"
            return int(db.execute(query, (build.seq,)).fetchone()[0])

    def changes(self, offset: int, limit: int, build: Build | None = None) -> list[Change]:
        """Changes newest first (by build, then entity), in all builds or in one."""
        with self._db() as db:
            if db is None:
                return []
            builds = {b.seq: b for b in self._builds(db)}
            if build is None:
                rows = db.execute(
                    "SELECT seq, entity, kind FROM changes"
                    " ORDER BY seq DESC, entity LIMIT ? OFFSET ?",
                    (limit, offset),
                ).fetchall()
            else:
                rows = db.execute(
                    "SELECT seq, entity, kind FROM changes WHERE seq = ?"
                    " ORDER BY entity LIMIT ? OFFSET ?",
                    (build.seq, limit, offset),
                ).fetchall()
        return [Change(builds[seq], entity, kind) for seq, entity, kind in rows]

    def last_changed(self) -> dict[str, str]:
        """Each entity's last change: its IRI → the time of the build that made it."""
        with self._db() as db:
            if db is None:
                return {}
            rows = db.execute(
                "SELECT c.entity, b.created FROM (SELECT entity, MAX(seq) AS seq FROM changes"
                " GROUP BY entity) c JOIN builds b ON b.seq = c.seq"
            )
            return dict(rows)

    def versions(self, entity: str) -> list[Change]:
        """The entity's changes, oldest first: each create or update is a version of it."""
        with self._db() as db:
            if db is None:
                return []
            builds = {b.seq: b for b in self._builds(db)}  # one connection for both reads
            rows = db.execute(
                "SELECT seq, kind FROM changes WHERE entity = ? ORDER BY seq", (entity,)
            ).fetchall()
        return [Change(builds[seq], entity, kind) for seq, kind in rows]

    def description(self, entity: str, build_id: str) -> list[str]:
        """The entity's description as of the build ``build_id`` (canonical N-Quads lines)."""
        return sorted(self.descriptions([entity], build_id).get(entity, ()))

    def descriptions(self, entities: list[str], build_id: str) -> dict[str, set[str]]:
        """The entities' descriptions as of the build ``build_id``, replayed from the last new
        start (a build recorded with no previous one: everything in it created) up to it."""
        found: dict[str, set[str]] = {}
        with self._db() as db:
            if db is None:
                return found
            row = db.execute(
                "SELECT (SELECT MAX(seq) FROM builds WHERE previous IS NULL AND seq <= b.seq),"
                " b.seq FROM builds b WHERE b.build_id = ?",
                (build_id,),
            ).fetchone()
            if row is None:
                return found
            for start in range(0, len(entities), CHUNK):
                chunk = entities[start : start + CHUNK]
                rows = db.execute(
                    "SELECT entity, delta FROM changes WHERE seq BETWEEN ? AND ?"
                    f" AND entity IN ({', '.join('?' * len(chunk))}) ORDER BY entity, seq",
                    (row[0] or 0, row[1], *chunk),
                )
                for entity, delta in rows:
                    lines = found.setdefault(entity, set())
                    for sign, line in _unpack(delta):
                        if sign == "+":
                            lines.add(line)
                        else:
                            lines.discard(line)
        return {entity: lines for entity, lines in found.items() if lines}
