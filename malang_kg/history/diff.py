"""What changed between two builds, per entity: the difference of their N-Quads files.

An entity's description is every quad whose subject it is, in every graph (asserted or
inferred), with the blank nodes those quads lead to and the ``owl:Axiom`` annotations about it
(a blank node belongs to the entity that annotates or points to it). Blank nodes get a new label
at every parse, so each is written with a label made from its own content (``_:c…``): an
unchanged description reads the same in two builds, and a past one reads as valid N-Quads.

The files are read as text, not parsed into RDF terms: an N-Quads line is subject, predicate,
object and graph, and only the object (a literal) may contain spaces. Oxigraph writes a term the
same way in every build, so a line without blank nodes is compared as it is, by its hash; only
the few lines with blank nodes are made canonical.

Two ways to compare: ``compare_digests`` reads only the new build's N-Quads and compares each
description's digest with the one the previous build kept (the previous descriptions of what
differs come from the change records); ``compare_files`` reads both builds' N-Quads, for a
previous build that kept no digests.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ANNOTATED_SOURCE = "<http://www.w3.org/2002/07/owl#annotatedSource>"
DEPTH = 4  # blank nodes inside blank nodes, followed this deep for their labels
DIGEST_SIZE = 16  # bytes of a description's digest (SHA-256, which CPUs speed up, cut short)


@dataclass
class EntityChange:
    """One entity's change in a build: its quads added and removed (canonical N-Quads lines)."""

    entity: str  # the IRI, without angle brackets
    kind: str  # "create", "update" or "delete"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _split(line: str) -> tuple[str, str, str, str]:
    subject, rest = line.split(" ", 1)
    predicate, rest = rest.split(" ", 1)
    rest = rest.rstrip()
    rest = rest[:-1].rstrip() if rest.endswith(".") else rest
    obj, graph = rest.rsplit(" ", 1)
    return subject, predicate, obj, graph


class _Canon:
    """The blank nodes of one build: their content labels and the entity each belongs to."""

    def __init__(self, bnode_quads: dict[str, list[tuple[str, str, str]]]) -> None:
        self._quads = bnode_quads
        self._labels: dict[str, str] = {}
        self.owner: dict[str, str] = {}

    def label(self, node: str, depth: int = 0) -> str:
        if node in self._labels:
            return self._labels[node]
        if depth > DEPTH:
            return "_:deep"
        parts = sorted(
            f"{p} {self.label(o, depth + 1) if o.startswith('_:') else o} {g}"
            for p, o, g in self._quads.get(node, ())
        )
        digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]
        self._labels[node] = "_:c" + digest
        return self._labels[node]

    def term(self, term: str) -> str:
        return self.label(term) if term.startswith("_:") else term


def descriptions(lines: Iterable[str]) -> dict[str, set[str]]:
    """Each entity's description (its IRI → canonical lines) in one build's N-Quads."""
    iri_quads: list[tuple[str, str, str, str]] = []
    bnode_quads: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    pointed: dict[str, str] = {}  # a blank node → an IRI subject pointing to it
    parents: dict[str, str] = {}  # a blank node → a blank node pointing to it
    for line in lines:
        s, p, o, g = _split(line)
        if s.startswith("_:"):
            bnode_quads[s].append((p, o, g))
            if o.startswith("_:"):
                parents.setdefault(o, s)
        else:
            iri_quads.append((s, p, o, g))
            if o.startswith("_:"):
                pointed.setdefault(o, s)
    canon = _Canon(bnode_quads)
    owners: dict[str, str] = {}
    for node, quads in bnode_quads.items():
        source = next((o for p, o, _ in quads if p == ANNOTATED_SOURCE and o.startswith("<")), None)
        owner = source or pointed.get(node)
        if owner is not None:
            owners[node] = owner
    for node in bnode_quads:  # blank nodes inside blank nodes: their outermost one's owner
        parent, depth = parents.get(node), 0
        while node not in owners and parent is not None and depth < DEPTH:
            if parent in owners:
                owners[node] = owners[parent]
            parent, depth = parents.get(parent), depth + 1
    found: dict[str, set[str]] = defaultdict(set)
    for s, p, o, g in iri_quads:
        found[s[1:-1]].add(f"{s} {p} {canon.term(o)} {g} .")
    for node, quads in bnode_quads.items():
        owner = owners.get(node)
        if owner is None:
            continue
        label = canon.label(node)
        for p, o, g in quads:
            found[owner[1:-1]].add(f"{label} {p} {canon.term(o)} {g} .")
    return found


def _subject(line: str) -> str:
    return line[1 : line.index(">")]


def _read(path: Path | None) -> set[str]:
    """A build's N-Quads lines as a set (made in C: a million lines take well under a second)."""
    if path is None or not path.is_file():
        return set()
    with path.open(encoding="utf-8") as handle:
        return set(handle)


def _subjects(lines: set[str]) -> tuple[set[str], list[str]]:
    """The IRI subjects of a build's lines, and its lines with blank nodes (one pass)."""
    subjects: set[str] = set()
    blank: list[str] = []
    for line in lines:
        if line[0] == "<":
            subjects.add(line[1 : line.index(">")])
        if "_:" in line:
            blank.append(line.rstrip("\n"))
    return subjects, blank


@dataclass
class Described:
    """One build's descriptions: each entity's canonical lines (UTF-8, sorted) and their digest,
    by IRI."""

    lines: dict[str, list[bytes]]
    digests: dict[str, bytes]


def read_build(path: Path) -> Described:
    """Each entity's description in one build's N-Quads, and its digest. The lines stay bytes
    and are sorted once, in C: then each entity's lines are one run, which ``bisect`` finds, and
    the lines with blank nodes (those of blank subjects sort last) are the few to decode and make
    canonical; so Python steps through the entities, not through a million lines."""
    lines = path.read_bytes().split(b"\n")
    lines.sort()
    start, tail = bisect_left(lines, b"<"), bisect_left(lines, b"_:")
    blank = [line.decode("utf-8") for line in lines[tail:]]
    found: dict[str, list[bytes]] = {}
    digests: dict[str, bytes] = {}
    while start < tail:
        line = lines[start]
        subject = line[: line.index(b">") + 1]
        end = bisect_left(lines, subject + b"!", start, tail)  # its lines all begin b"<iri> "
        run, entity = lines[start:end], subject[1:-1].decode("utf-8")
        joined = b"\n".join(run)
        if b"_:" in joined:  # made canonical below, with the blank subjects' lines
            found[entity] = [line for line in run if b"_:" not in line]
            blank.extend(line.decode("utf-8") for line in run if b"_:" in line)
        else:
            found[entity] = run
            digests[entity] = hashlib.sha256(joined).digest()[:DIGEST_SIZE]
        start = end
    for entity, described in descriptions(blank).items():
        encoded = (line.encode("utf-8") for line in described)
        found[entity] = sorted([*found.get(entity, ()), *encoded])
        digests[entity] = digest(found[entity])
    return Described(found, digests)


def digest(lines: list[bytes]) -> bytes:
    """A description's fingerprint (of its sorted canonical lines), kept with each build so that
    the next one finds what changed without reading this build's N-Quads again."""
    return hashlib.sha256(b"\n".join(lines)).digest()[:DIGEST_SIZE]


def decoded(lines: Iterable[bytes]) -> list[str]:
    return [line.decode("utf-8") for line in lines]


def compare_digests(
    old: Mapping[str, bytes],
    new: Described,
    was: Callable[[list[str]], Mapping[str, set[str]]],
) -> list[EntityChange]:
    """Each entity whose description differs from the previous build's, by IRI: ``old`` holds
    that build's digests, ``new`` this build's descriptions, and ``was`` gives the previous
    descriptions of the entities whose digests differ."""
    now, digests = new.lines, new.digests
    differ = sorted(e for e in old.keys() | now.keys() if old.get(e) != digests.get(e))
    before = was([e for e in differ if e in old])
    changes = []
    for entity in differ:
        current, past = set(decoded(now.get(entity, ()))), before.get(entity, set())
        plus, minus = sorted(current - past), sorted(past - current)
        if not plus and not minus:
            continue
        existed, exists = entity in old, entity in now
        kind = "update" if existed and exists else "create" if exists else "delete"
        changes.append(EntityChange(entity, kind, plus, minus))
    return changes


def _first(new: Path) -> list[EntityChange]:
    """Every entity of a first build, created with all its lines (what ``compare_files`` finds
    against an empty build)."""
    described = sorted(read_build(new).lines.items())
    return [EntityChange(entity, "create", decoded(lines)) for entity, lines in described]


def compare_files(old: Path | None, new: Path) -> list[EntityChange]:
    """Each entity whose description differs between two builds' N-Quads files (``old`` None:
    the first build), by IRI. The files' lines are compared as sets; of what differs, the lines
    with blank nodes (new labels at every parse) are made canonical and compared again."""
    if old is None or not old.is_file():
        return _first(new)
    before, after = _read(old), _read(new)
    old_subjects, old_lines = _subjects(before)
    new_subjects, new_lines = _subjects(after)
    old_blank, new_blank = descriptions(old_lines), descriptions(new_lines)
    gained, lost = after - before, before - after
    del before, after
    added: dict[str, list[str]] = defaultdict(list)
    removed: dict[str, list[str]] = defaultdict(list)
    for lines, into in ((gained, added), (lost, removed)):
        for line in lines:
            if "_:" not in line:
                into[_subject(line)].append(line.rstrip("\n"))
    for entity in old_blank.keys() | new_blank.keys():
        was, now = old_blank.get(entity, set()), new_blank.get(entity, set())
        added[entity].extend(now - was)
        removed[entity].extend(was - now)
    changes = []
    for entity in sorted(added.keys() | removed.keys()):
        plus, minus = sorted(added.get(entity, [])), sorted(removed.get(entity, []))
        if not plus and not minus:
            continue
        existed = entity in old_subjects or entity in old_blank
        exists = entity in new_subjects or entity in new_blank
        kind = "update" if existed and exists else "create" if exists else "delete"
        changes.append(EntityChange(entity, kind, plus, minus))
    return changes
