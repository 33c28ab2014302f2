"""``malang-kg synth``: a synthetic dataset shaped like the real data, for testing at scale.

This module lays out the output: one file of the entities shared by all releases
(``synthetic.shared``), then files of press releases (``synthetic.releases``), written until
about the requested number of triples. Each release file is self-contained apart from the shared
file, the areas and the concepts. Nothing here is a fact: every IRI lies under
``{BASE}id/synthetic/``, every label is marked synthetic, addresses use the reserved ``.invalid``
domain, and the same seed and size give byte-identical files.
"""

from pathlib import Path

from malang_kg.config import REPOSITORY_ROOT
from synthetic.releases import write_release
from synthetic.shared import write_shared
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
