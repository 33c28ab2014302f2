"""The short-link store (``malang_kg/store/shortlinks.py``): one id per exact text, kept across
reopening, bounded, and safe with many threads and processes writing at once."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from malang_kg.store.shortlinks import (
    FULL_LENGTH,
    ID_LENGTH,
    SHORTLINKS_FILE,
    LinksFull,
    QueryTooLong,
    ShortLinks,
    digest_id,
    valid_id,
)
from tests.conftest import ROOT

TEXTS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1 ",
    "select * where { ?s ?p ?o } limit 1",
    'SELECT ?x WHERE { ?x ?p "Kelurahan Samaan — Kota Malang, 日本, 😀" }',
    "PREFIX mk: <https://w3id.org/malang-kg/ontology#>\nSELECT ?a\nWHERE {\n\t?a a mk:Award\n}\n",
    "SELECT ?a\r\nWHERE { ?a ?b ?c }\r\n",
    "ASK { ?s ?p 'nul\x00byte' }",
]


def links(tmp_path: Path, **bounds: int) -> ShortLinks:
    return ShortLinks(tmp_path / "store" / SHORTLINKS_FILE, **bounds)


def test_the_same_text_gets_the_same_id_and_the_id_comes_from_its_hash(tmp_path: Path) -> None:
    store = links(tmp_path)
    for text in TEXTS:
        link_id = store.add(text)
        assert link_id == digest_id(text.encode("utf-8"))[:ID_LENGTH]
        assert valid_id(link_id) and len(link_id) == ID_LENGTH
        assert store.add(text) == link_id
    assert store.count() == len(TEXTS)


def test_different_texts_get_different_ids_and_come_back_exactly(tmp_path: Path) -> None:
    store = links(tmp_path)
    texts = TEXTS + [f"SELECT * WHERE {{ ?s ?p {n} }}" for n in range(500)]
    ids = [store.add(text) for text in texts]
    assert len(set(ids)) == len(texts)
    for link_id, text in zip(ids, texts, strict=True):
        assert store.get(link_id) == text


def test_links_survive_reopening(tmp_path: Path) -> None:
    first = links(tmp_path)
    ids = {text: first.add(text) for text in TEXTS}
    first.close()
    again = links(tmp_path)
    assert {text: again.get(link_id) for text, link_id in ids.items()} == {t: t for t in TEXTS}
    assert {text: again.add(text) for text in TEXTS} == ids
    assert again.count() == len(TEXTS)
    with sqlite3.connect(again.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_unknown_and_malformed_ids_find_nothing(tmp_path: Path) -> None:
    store = links(tmp_path)
    store.add(TEXTS[0])
    assert store.get("0123456789") is None
    for bad in ("", "abc", "0123456789-", "a" * (FULL_LENGTH + 1), "01234567é9", "' OR 1=1 --"):
        assert not valid_id(bad)
        assert store.get(bad) is None


def test_a_short_id_held_by_another_text_makes_a_longer_one(tmp_path: Path) -> None:
    store = links(tmp_path)
    store.add("placeholder")  # creates the file
    text = "SELECT ?collision WHERE { ?collision ?p ?o }"
    full = digest_id(text.encode("utf-8"))
    with sqlite3.connect(store.path) as db:
        db.execute("INSERT INTO links VALUES (?, ?, 0)", (full[:ID_LENGTH], b"another text"))
    assert store.add(text) == full[: ID_LENGTH + 1]
    assert store.add(text) == full[: ID_LENGTH + 1]
    assert store.get(full[:ID_LENGTH]) == "another text"
    assert store.get(full[: ID_LENGTH + 1]) == text


def test_the_number_of_links_is_bounded_and_none_is_evicted(tmp_path: Path) -> None:
    store = links(tmp_path, max_links=3)
    ids = [store.add(text) for text in TEXTS[:3]]
    with pytest.raises(LinksFull, match="full"):
        store.add(TEXTS[3])
    assert [store.add(text) for text in TEXTS[:3]] == ids  # old texts still get their id
    assert [store.get(link_id) for link_id in ids] == TEXTS[:3]
    assert store.count() == 3


def test_the_text_is_bounded_in_utf8_bytes_and_must_not_be_empty(tmp_path: Path) -> None:
    store = links(tmp_path, max_bytes=12)
    assert store.get(store.add("é" * 6)) == "é" * 6  # 12 bytes
    with pytest.raises(QueryTooLong, match="13 bytes"):
        store.add("é" * 6 + "x")
    for empty in ("", " \n\t "):
        with pytest.raises(ValueError):
            store.add(empty)
    assert store.count() == 1


def test_threads_insert_at_once(tmp_path: Path) -> None:
    store = links(tmp_path)
    shared = [f"ASK {{ ?s ?p {n} }}" for n in range(40)]
    barrier = threading.Barrier(8)
    found: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait(timeout=30)
            own = [f"ASK {{ ?s ?p 'thread {worker} query {n}' }}" for n in range(25)]
            found[worker] = [store.add(text) for text in shared + own]
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and len(found) == 8
    assert len({tuple(ids[:40]) for ids in found.values()}) == 1  # shared texts: one id each
    assert store.count() == 40 + 8 * 25


CHILD = """
import json, sys, time
from pathlib import Path
from malang_kg.store.shortlinks import ShortLinks
path, go, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
store = ShortLinks(path)
while not go.exists():
    time.sleep(0.005)
texts = [f"ASK {{ ?s ?p {n} }}" for n in range(100)]
texts += [f"ASK {{ ?s ?p '{name} {n}' }}" for n in range(100)]
print(json.dumps({text: store.add(text) for text in texts}))
"""


def test_two_processes_insert_at_once(tmp_path: Path) -> None:
    path = tmp_path / "store" / SHORTLINKS_FILE  # neither process finds the file made
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(go), name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    go.touch()
    answers = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        answers.append(json.loads(out))
    shared = [f"ASK {{ ?s ?p {n} }}" for n in range(100)]
    assert [answers[0][text] for text in shared] == [answers[1][text] for text in shared]
    store = links(tmp_path)
    assert store.count() == 300
    for answer in answers:
        assert all(store.get(link_id) == text for text, link_id in answer.items())


def _add_in_child(store: ShortLinks, text: str) -> None:
    sys.exit(0 if store.get(store.add(text)) == text else 1)


def test_a_forked_process_opens_its_own_connection(tmp_path: Path) -> None:
    store = links(tmp_path)
    store.add(TEXTS[0])  # the parent holds a connection now
    child = multiprocessing.get_context("fork").Process(
        target=_add_in_child, args=(store, TEXTS[1])
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert store.get(store.add(TEXTS[1])) == TEXTS[1]
    assert store.count() == 2


def test_find_reads_without_writing(tmp_path: Path) -> None:
    links = ShortLinks(tmp_path / "links.sqlite")
    assert links.find("ASK {}") is None
    assert not (tmp_path / "links.sqlite").exists()
    link_id = links.add("ASK {}")
    assert links.find("ASK {}") == link_id
    assert links.find("ASK { }") is None
    assert links.count() == 1
