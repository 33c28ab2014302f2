"""The benchmark's results as Markdown and JSON under bench/results/ (latest and dated), the
targets (``bench/targets.py``) checked against them, how each figure grows with the data, and
the table of docs/performance.md rewritten in place
between its markers."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.scenarios import SERVERS, scenarios
from bench.targets import answered, record_cpu, run_of, targets

BLOCK_START = "<!-- bench:start -->"
BLOCK_END = "<!-- bench:end -->"
TARGETS_START = "<!-- bench-targets:start -->"  # in README.md: the targets table alone
TARGETS_END = "<!-- bench-targets:end -->"
Results = dict[str, Any]


@dataclass(frozen=True)
class Paths:
    markdown: Path
    json: Path


def _cell(run: dict[str, Any] | None) -> str:
    if run is None:
        return "n/a"
    if not run["requests"]:
        return f"no answer within {run['seconds']:g} s"
    text = f"{run['p50_ms']:g} / {run['p99_ms']:g} ms · {run['throughput']:g}/s"
    if run.get("errors"):
        text += f" ({run['errors']} errors)"
    return text


def _scenario_cell(size: Results, server: str, scenario: str, connections: int) -> str:
    runs = size["servers"][server].get("runs", {}).get(scenario, {})
    if "error" in runs:
        return f"failed: {runs['error'][:60]}"
    return _cell(run_of(size, server, scenario, connections))


# (label, server, scenario or a size-level figure, connections, key)
GROWTH = (
    ("ours, cache off: cheap ASK throughput, 8 clients", "ours-nocache", "cheap", 8, "throughput"),
    ("oxigraph serve: cheap ASK throughput, 8 clients", "oxigraph", "cheap", 8, "throughput"),
    ("ours, cache off: entity page p50", "ours-nocache", "page", 1, "p50_ms"),
    ("Trifid: entity page p50", "trifid", "page", 1, "p50_ms"),
    ("ours, cache off: `awards` as SPARQL p50", "ours-nocache", "medium", 1, "p50_ms"),
    ("oxigraph serve: `awards` p50", "oxigraph", "medium", 1, "p50_ms"),
    ("ours, cache off: `awards` API first page p50", "ours-nocache", "api-page", 1, "p50_ms"),
    ("ours, cache off: `awards` API whole answer p50", "ours-nocache", "api", 1, "p50_ms"),
    ("build (s)", "", "build_s", 0, ""),
    ("ours (cache on): peak memory, PSS (MB)", "ours", "peak_pss_mb", 0, ""),
    ("ours, cache off: peak memory, PSS (MB)", "ours-nocache", "peak_pss_mb", 0, ""),
)


def _figure(size: Results, server: str, what: str, connections: int, key: str) -> float | None:
    if not server:
        value = size.get(what)
    elif not key:
        value = size.get("servers", {}).get(server, {}).get(what)
    else:
        run = answered(run_of(size, server, what, connections))
        value = run[key] if run else None
    return float(value) if isinstance(value, int | float) and value else None


def growth_table(results: Results) -> list[str]:
    """How each figure grows from one size to the next, as a factor per 10x data."""
    sizes = [s for s in results["sizes"] if "error" not in s]
    if len(sizes) < 2:
        return []
    steps = list(itertools.pairwise(sizes))
    names = [f"{s['requested']:,}" for s in sizes]
    heads = [f"per 10x, {a['requested']:,} → {b['requested']:,}" for a, b in steps]
    lines = [
        "### Growth per 10x data",
        "",
        "Each figure at each size, then the factor it grows by per 10x triples between two "
        "sizes ((b / a) ^ (1 / log10 of the size ratio)); latency and memory: lower is better, "
        "throughput: higher is better.",
        "",
        "| Figure | " + " | ".join(names + heads) + " |",
        "| --- |" + " --- |" * (len(names) + len(heads)),
    ]
    for label, server, what, connections, key in GROWTH:
        values = [_figure(s, server, what, connections, key) for s in sizes]
        if not any(values):
            continue
        cells = [f"{v:g}" if v is not None else "—" for v in values]
        for (a, b), (x, y) in zip(steps, itertools.pairwise(values), strict=False):
            if x and y:
                tenfold = math.log10(b["requested"] / a["requested"])
                cells.append(f"x{(y / x) ** (1 / tenfold):.2f}")
            else:
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _status(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "—"}[met]


def _rebuild_sentence(size: Results) -> str:
    rebuilt = size.get("rebuild")
    if not rebuilt:
        return ""
    return (
        f" Rebuilt with {rebuilt['labels_revised']:,} English labels revised: "
        f"{rebuilt['build_s']:g} s, of which the change record took {rebuilt['record_s']:g} s "
        f"({rebuilt['share_of_build'] * 100:.1f}%{record_cpu(rebuilt, '; ')}) for "
        f"{rebuilt['entities_updated']:,} entities "
        f"and {rebuilt['quads_changed']:,} quads changed; the record is "
        f"{rebuilt['record_bytes']:,} bytes, the first build's (the whole graph) "
        f"{rebuilt['first_record_bytes']:,}."
    )


def _size_table(size: Results, connections: list[int]) -> list[str]:
    title = f"### {size['requested']:,} triples requested"
    if "error" in size:
        return [title, "", f"Failed: `{size['error'][:300]}`", ""]
    servers = [spec for spec in SERVERS if spec.key in size["servers"]]
    lines = [
        f"### {size['triples']:,} quads ({size['requested']:,} requested)",
        "",
        f"Build (`malang-kg build`: parse, validate, reason, store) {size['build_s']:g} s; "
        f"`oxigraph load` of its dump {size['oxigraph_load_s']:g} s. Cells: p50 / p99 latency · "
        "throughput." + _rebuild_sentence(size),
        "",
        "| | " + " | ".join(spec.label for spec in servers) + " |",
        "| --- |" + " --- |" * len(servers),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    figures = [size["servers"][spec.key] for spec in servers]
    row("ready (s)", [f"{f['ready_s']:g}" if "ready_s" in f else "failed" for f in figures])
    row(
        "peak memory, PSS (RSS summed)",
        [
            f"{f['peak_pss_mb']:,.0f} MB ({f['peak_rss_mb']:,.0f} MB, {f['processes']} proc.)"
            for f in figures
        ],
    )
    for scenario in scenarios():
        for conn in connections:
            clients = "client" if conn == 1 else "clients"
            row(
                f"{scenario.label}, {conn} {clients}",
                [_scenario_cell(size, spec.key, scenario.name, conn) for spec in servers],
            )
        if scenario.name == "cheap":
            many = max(connections)
            row(
                f"cheap, {many} clients, every query new (cache cold)",
                [_cell(run_of(size, spec.key, "cheap-cold", many)) for spec in servers],
            )
    answers = []
    for f in figures:
        counts = [
            str(f.get("answers", {}).get(s, {}).get("results", "-"))
            for s in ("cheap", "medium", "heavy")
        ]
        answers.append(" / ".join(counts))
    row("results: cheap / medium / heavy", answers)
    errors = [
        f"{spec.label}: {size['servers'][spec.key]['error'][:200]}"
        for spec in servers
        if "error" in size["servers"][spec.key]
    ]
    lines.append("")
    lines += [f"- Failed: {text}" for text in errors] + ([""] if errors else [])
    return lines


def targets_markdown(results: Results) -> str:
    """The targets table with the line saying when and where it was measured."""
    lines = markdown(results).split("\n### ", 2)
    return lines[0] + "\n### " + lines[1].rstrip("\n") + "\n"


def markdown(results: Results) -> str:
    """The results as Markdown (level-3 headings and below, to sit in docs/performance.md)."""
    m, v = results["machine"], results["versions"]
    method = results["method"]
    lines = [
        f"Measured {results['date']} on {m['cpus']} CPUs, {m['memory_gb']} GB, Python "
        f"{m['python']}; pyoxigraph {v['pyoxigraph']}, {v['oxigraph']}, rdflib-endpoint "
        f"{v['rdflib-endpoint']}; `wrk` ({method['wrk_threads']} thread) for "
        f"{method['duration_s']:g} s per figure (slow ones up to "
        f"{method.get('max_duration_s', method['duration_s']):g} s, to get a few answers) after "
        f"{method['warmup_s']:g} s of warm-up. Our server runs with `--max-rows 1000000 "
        "--query-timeout 120`, so that it returns the whole answer as the peers do.",
        "",
        "### Targets",
        "",
        "| Target | At | Figure | Status |",
        "| --- | --- | --- | --- |",
    ]
    for target in results.get("targets") or targets(results):
        size = f"{target['size']:,}" if target["size"] else "—"
        lines.append(
            f"| {target['target']} | {size} | {target['figure']} | {_status(target['met'])} |"
        )
    lines.append("")
    lines += growth_table(results)
    for size in results["sizes"]:
        lines += _size_table(size, method["connections"])
    return "\n".join(lines).rstrip("\n") + "\n"


def update_page(page: Path, block: str, start: str = BLOCK_START, end: str = BLOCK_END) -> bool:
    text = page.read_text(encoding="utf-8")
    if text.count(start) != 1 or text.count(end) != 1:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    page.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")
    return True


def update_pages(root: Path, results: Results) -> bool:
    """docs/performance.md's block (everything) and README.md's (the targets)."""
    whole = update_page(root / "docs" / "performance.md", markdown(results))
    readme = update_page(root / "README.md", targets_markdown(results), TARGETS_START, TARGETS_END)
    return whole and readme


def write(results: Results, directory: Path, root: Path | None) -> Paths:
    """Write latest.{md,json} and dated copies; rewrite docs/performance.md's block if ``root``
    is given."""
    directory.mkdir(parents=True, exist_ok=True)
    results["targets"] = targets(results)
    text = markdown(results)
    stamp = results["date"][:16].replace(":", "")
    payload = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    for name in ("latest", stamp):
        (directory / f"{name}.json").write_text(payload, encoding="utf-8")
        (directory / f"{name}.md").write_text(f"# Benchmark\n\n{text}", encoding="utf-8")
    if root is not None:
        update_pages(root, results)
    return Paths(directory / "latest.md", directory / "latest.json")


def main() -> int:
    """``python -m bench.report``: re-render latest.md, docs/performance.md and README.md's
    targets from latest.json."""
    directory = Path(__file__).resolve().parent / "results"
    results = json.loads((directory / "latest.json").read_text(encoding="utf-8"))
    results = {**results, "targets": targets(results)}
    (directory / "latest.md").write_text(f"# Benchmark\n\n{markdown(results)}", encoding="utf-8")
    return 0 if update_pages(directory.parent.parent, results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
