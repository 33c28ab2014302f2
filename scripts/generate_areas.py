"""Write data/areas.ttl from the reference CSV: ``python scripts/generate_areas.py [CSV] [OUT]``."""

from __future__ import annotations

import sys
from pathlib import Path

from malang_kg.pipeline.areas import build_graph, default_csv_path, write_turtle

HOME = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    csv_path = Path(argv[0]) if argv else default_csv_path(HOME)
    out = Path(argv[1]) if len(argv) > 1 else HOME / "data" / "areas.ttl"
    graph = build_graph(csv_path)
    write_turtle(graph, out)
    print(f"wrote {len(graph)} triples to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
