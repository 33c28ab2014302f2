"""The per-entity comparison of two builds' N-Quads: a first build is read in one pass and comes
out as the comparison against an empty build would, and the comparison by digests finds what the
comparison of both files finds."""

from __future__ import annotations

from pathlib import Path

from malang_kg.history.diff import (
    compare_digests,
    compare_files,
    decoded,
    digest,
    read_build,
)

OWL = "http://www.w3.org/2002/07/owl#"
LINES = f"""<http://x/a> <http://x/p> "one" <http://g/1> .
<http://x/a> <http://x/p> "one" <http://g/2> .
<http://x/a> <http://x/q> <http://x/b> <http://g/1> .
<http://x/a> <http://x/r> _:n1 <http://g/1> .
_:n1 <http://x/s> _:n2 <http://g/1> .
_:n2 <http://x/t> "deep" <http://g/1> .
_:ax <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{OWL}Axiom> <http://g/1> .
_:ax <{OWL}annotatedSource> <http://x/b> <http://g/1> .
_:ax <http://x/confidence> "high" <http://g/1> .
<http://x/b> <http://x/note> "a literal with _: in it" <http://g/2> .
<http://x/c> <http://x/p> "three" <http://g/2> .
"""


def _changes(old: Path | None, new: Path) -> list[tuple[str, str, list[str], list[str]]]:
    return [(c.entity, c.kind, c.added, c.removed) for c in compare_files(old, new)]


def test_a_first_build_is_what_it_adds_to_an_empty_one(tmp_path: Path) -> None:
    new, empty = tmp_path / "new.nq", tmp_path / "empty.nq"
    new.write_text(LINES, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    first = _changes(None, new)
    assert first == _changes(empty, new)
    assert [entity for entity, *_ in first] == ["http://x/a", "http://x/b", "http://x/c"]
    assert all(kind == "create" and not removed for _, kind, _, removed in first)
    by_entity = {entity: added for entity, _, added, _ in first}
    assert len(by_entity["http://x/a"]) == 6  # its lines and its two nested blank nodes'
    assert sum("confidence" in line for line in by_entity["http://x/b"]) == 1  # its annotation


# LINES with <a>'s nested blank node, <b>'s annotation and <c> changed, <c> then removed, <d> new.
LATER = (
    LINES.replace('"deep"', '"deeper"')
    .replace('"high"', '"low"')
    .replace('<http://x/c> <http://x/p> "three" <http://g/2> .\n', "")
    + '<http://x/d> <http://x/p> "four" <http://g/2> .\n'
    + '<http://x/a> <http://x/p> "one" <http://g/3> .\n'
)


def test_the_comparison_by_digests_finds_what_the_files_comparison_finds(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text(LINES, encoding="utf-8")
    new.write_text(LATER, encoding="utf-8")
    was, now = read_build(old), read_build(new)
    asked: list[list[str]] = []

    def previous(entities: list[str]) -> dict[str, set[str]]:
        asked.append(entities)
        return {e: set(decoded(was.lines[e])) for e in entities}

    assert was.digests == {entity: digest(lines) for entity, lines in was.lines.items()}
    found = compare_digests(was.digests, now, previous)
    as_files = _changes(old, new)
    assert [(c.entity, c.kind, c.added, c.removed) for c in found] == as_files
    assert {entity: kind for entity, kind, *_ in as_files} == {
        "http://x/a": "update",
        "http://x/b": "update",
        "http://x/c": "delete",
        "http://x/d": "create",
    }
    assert asked == [["http://x/a", "http://x/b", "http://x/c"]]  # only what differs, and existed


def test_a_digest_is_of_the_description_not_of_how_blank_nodes_are_named(tmp_path: Path) -> None:
    one, two = tmp_path / "one.nq", tmp_path / "two.nq"
    one.write_text(LINES, encoding="utf-8")
    two.write_text(LINES.replace("_:n1", "_:other").replace("_:ax", "_:b9"), encoding="utf-8")
    first, second = read_build(one), read_build(two)
    assert first.lines == second.lines
    assert first.digests == second.digests
    assert len(first.digests) == 3
