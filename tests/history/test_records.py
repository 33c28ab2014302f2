"""The change records written and replayed without a whole build: builds compared by the
digests the previous one kept (or by its N-Quads where it kept none), and descriptions replayed
from the history, from the last new start on."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from malang_kg.history.records import (
    CHANGES_FILE,
    DIGESTS_FILE,
    History,
    previous_build,
    record,
    write_changes,
)
from malang_kg.store.builds import DATASET_FILE, builds_dir

A = '<http://x/a> <http://x/p> "{}" <http://g/1> .\n'
B = '<http://x/b> <http://x/p> _:n <http://g/1> .\n_:n <http://x/q> "{}" <http://g/1> .\n'
C = '<http://x/c> <http://x/p> "only in the first" <http://g/1> .\n'


def _build(store: Path, build_id: str, text: str, previous: str | None) -> dict[str, object]:
    directory = builds_dir(store) / build_id
    directory.mkdir(parents=True)
    (directory / DATASET_FILE).write_text(text, encoding="utf-8")
    counts = write_changes(
        directory / CHANGES_FILE,
        directory / DATASET_FILE,
        store,
        previous,
        directory / DIGESTS_FILE,
    )
    record(
        store,
        build_id,
        f"2026-12-0{build_id[-1]}T00:00:00+00:00",
        previous,
        directory / CHANGES_FILE,
        counts,
    )
    return counts


def _kinds(store: Path, build_id: str) -> dict[str, str]:
    history = History(store)
    build = history.build(build_id)
    return {c.entity: c.kind for c in history.changes(0, 100, build)}


def test_a_rebuild_is_compared_by_digests_and_replays_what_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, "b1", A.format("one") + B.format("x") + C, None)
    assert previous_build(store) == "b1"
    counts = _build(
        store,
        "b2",
        A.format("two") + B.format("x") + A.format("new").replace("/a>", "/d>", 1),
        "b1",
    )
    assert _kinds(store, "b2") == {
        "http://x/a": "update",
        "http://x/c": "delete",
        "http://x/d": "create",
    }
    assert (counts["quads_added"], counts["quads_removed"]) == (2, 2)
    history = History(store)
    assert history.description("http://x/a", "b1") == [A.format("one").strip()]
    assert history.description("http://x/a", "b2") == [A.format("two").strip()]
    assert history.description("http://x/c", "b2") == []
    assert len(history.description("http://x/b", "b2")) == 2  # unchanged, blank node and all


def test_a_previous_build_without_digests_is_compared_by_its_n_quads(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, "b1", A.format("one") + C, None)
    (builds_dir(store) / "b1" / DIGESTS_FILE).unlink()  # as a build made before digests were kept
    _build(store, "b2", A.format("two") + C, "b1")
    assert _kinds(store, "b2") == {"http://x/a": "update"}
    with closing(sqlite3.connect(builds_dir(store) / "b2" / DIGESTS_FILE)) as db:
        assert db.execute("SELECT COUNT(*) FROM digests").fetchone() == (2,)


def test_descriptions_are_replayed_from_the_last_new_start(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, "b1", A.format("one") + C, None)
    # b2 is recorded as a new start (its previous build's files were gone): everything created.
    _build(store, "b2", A.format("two"), None)
    history = History(store)
    assert history.description("http://x/a", "b2") == [A.format("two").strip()]
    assert history.description("http://x/c", "b2") == []
    assert history.description("http://x/c", "b1") == [C.strip()]
    assert history.descriptions(["http://x/a", "http://x/c"], "b1") == {
        "http://x/a": {A.format("one").strip()},
        "http://x/c": {C.strip()},
    }


def test_a_previous_build_with_neither_digests_nor_n_quads_starts_anew(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, "b1", A.format("one") + C, None)
    assert previous_build(store) == "b1"
    for name in (DIGESTS_FILE, DATASET_FILE):
        (builds_dir(store) / "b1" / name).unlink()
    assert previous_build(store) is None
