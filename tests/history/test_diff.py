"""The per-entity comparison of two builds' N-Quads: a first build is read in one pass and comes
out as the comparison against an empty build would."""

from __future__ import annotations

from pathlib import Path

from malang_kg.history.diff import compare_files

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
