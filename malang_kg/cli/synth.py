"""``malang-kg synth``: write a synthetic dataset (the generator lives in ``synthetic/``)."""

from __future__ import annotations

from pathlib import Path

import click

from synthetic import SynthError, generate


@click.command("synth")
@click.option("--triples", type=click.IntRange(min=1), required=True, metavar="N")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    metavar="DIR",
    help="An empty or new directory.",
)
@click.option("--seed", type=int, default=0, metavar="S", show_default=True)
def synth(triples: int, out: Path, seed: int) -> int:
    """Write about N triples of synthetic press releases, awards, organisations, people, claims
    and quotations (under {BASE}id/synthetic/, labelled as synthetic) that conform to the shapes;
    build them with MALANG_KG_DATA_DIR=DIR. The same seed gives the same files."""
    try:
        counts = generate(out, triples, seed)
    except SynthError as error:
        click.echo(f"synth failed: {error}", err=True)
        return 1
    click.echo(f"wrote {sum(counts.values())} triples in {len(counts)} files to {out}")
    return 0


COMMANDS = (synth,)
