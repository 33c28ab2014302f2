"""``malang-kg synth``: a synthetic dataset shaped like the real data, for testing at scale.

The files use the real vocabulary in the real proportions: many press releases (each a
``mk:PressRelease`` whose ``schema:articleBody`` quotes every ``mk:Sentence`` verbatim), award
competitions and awards (organiser = conferrer, category, rank 1-3 with the matching placing,
recipient, year, evidence), people and their posts, assemblies, works, statistical claims,
quotations and a few ``owl:Axiom`` annotations. Organisations, KIMs (based in the real 57
kelurahan of ``data/areas.ttl``) and meeting halls are shared by all releases and live in one
file; each release file is self-contained apart from them, the areas and the concepts.

Nothing here is a fact: every IRI lies under ``{BASE}id/synthetic/``, every label says
"(sintetis)" / "(synthetic)", and addresses use the reserved ``.invalid`` domain. The output
is deterministic: the same seed and size give byte-identical files.
"""

from pathlib import Path

from malang_kg.config import REPOSITORY_ROOT
from synthetic.releases import write_release, write_shared
from synthetic.turtle import Turtle, load_kelurahan

SHARED_FILE = "synthetic-organisations.ttl"
RELEASE_FILE = "synthetic-releases-{:05d}.ttl"
RELEASES_PER_FILE = 40


class SynthError(Exception):
    """The output directory cannot be used."""


def generate(
    out_dir: Path, triples: int, seed: int = 0, home: Path = REPOSITORY_ROOT
) -> dict[str, int]:
    """Write about ``triples`` triples into ``out_dir``; return the triple count per file."""
    if out_dir.exists() and any(out_dir.rglob("*.ttl")):
        raise SynthError(f"{out_dir}: holds Turtle files already; choose an empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    kelurahan = load_kelurahan(home)
    header = f"Synthetic data made by `malang-kg synth --seed {seed}`: not facts."
    shared_out = Turtle()
    shared = write_shared(shared_out, kelurahan, triples)
    (out_dir / SHARED_FILE).write_text(shared_out.text(header), encoding="utf-8")
    counts = {SHARED_FILE: shared_out.triples}
    total, number, batch = shared_out.triples, 0, 0
    while total < triples:
        batch += 1
        out = Turtle()
        for _ in range(RELEASES_PER_FILE):
            if total + out.triples >= triples:
                break
            number += 1
            write_release(out, number, seed, shared)
        name = RELEASE_FILE.format(batch)
        (out_dir / name).write_text(out.text(header), encoding="utf-8")
        counts[name] = out.triples
        total += out.triples
    return counts
