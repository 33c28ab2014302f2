"""The benchmark's results as Markdown and JSON under bench/results/ (latest and dated), the
issue's targets checked against them, and the table of docs/performance.md rewritten in place
between its markers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.scenarios import SERVERS, scenarios

BLOCK_START = "<!-- bench:start -->"
BLOCK_END = "<!-- bench:end -->"
Results = dict[str, Any]


@dataclass(frozen=True)
class Paths:
    markdown: Path
    json: Path


def _run(size: Results, server: str, scenario: str, connections: int) -> dict[str, Any] | None:
    runs = size.get("servers", {}).get(server, {}).get("runs", {}).get(scenario, {})
    found = runs.get(str(connections))
    return found if isinstance(found, dict) and "requests" in found else None


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
    return _cell(_run(size, server, scenario, connections))


def _answered(run: dict[str, Any] | None) -> dict[str, Any] | None:
    return run if run and run["requests"] else None


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _largest(results: Results, server: str | None = None) -> Results | None:
    measured = [
        size
        for size in results["sizes"]
        if "error" not in size and (server is None or server in size.get("servers", {}))
    ]
    return max(measured, key=lambda size: size["requested"], default=None)


def _ratio(
    name: str,
    size: Results | None,
    ours: tuple[str, str, int, str],
    theirs: tuple[str, int],
    bound: float,
    better: str,
) -> dict[str, Any]:
    """A target comparing our figure with a peer's: ``better`` 'lower' (latency) or 'higher'."""
    result: dict[str, Any] = {"target": name, "size": size and size["requested"], "met": None}
    if size is None:
        return {**result, "figure": "not measured"}
    server, scenario, connections, key = ours
    mine = _run(size, server, scenario, connections)
    peer = _run(size, theirs[0], scenario, theirs[1])
    if mine is None or peer is None:
        return {**result, "figure": "not measured"}
    unit = " ms" if key.endswith("_ms") else "/s"
    if mine[key] is None or not mine["requests"]:
        return {**result, "figure": "ours answered none", "met": False}
    if peer[key] is None or not peer[key]:  # the peer answered nothing in the time given
        result["figure"] = f"{mine[key]:g}{unit} vs none in {peer['seconds']:g} s"
        result["met"] = better == "higher"
        return result
    ratio = mine[key] / peer[key]
    result["figure"] = f"{mine[key]:g}{unit} vs {peer[key]:g}{unit} ({ratio:.2f}x)"
    result["met"] = ratio <= bound if better == "lower" else ratio >= bound
    if _failing(mine) or _failing(peer):  # errors make the figures meaningless
        result["figure"] += " (with errors)"
        result["met"] = None
    return result


def _failing(run: dict[str, Any]) -> bool:
    return bool(run["errors"]) and run["errors"] > run["requests"] / 100


def targets(results: Results) -> list[dict[str, Any]]:
    """The issue's targets (at 1M triples, rdflib-endpoint at the largest size it ran at),
    checked at the largest size measured."""
    top = _largest(results)
    peer = _largest(results, "rdflib")
    conns = results["method"]["connections"]
    one, many = min(conns), max(conns)
    checks = [
        _ratio(
            "Medium query p50 ≤ 1.0x `oxigraph serve`'s (1 client, cache off)",
            top,
            ("ours-nocache", "medium", one, "p50_ms"),
            ("oxigraph", one),
            1.0,
            "lower",
        ),
        _ratio(
            f"Cheap query throughput ≥ 0.5x `oxigraph serve`'s ({many} clients, cache off)",
            top,
            ("ours-nocache", "cheap", many, "throughput"),
            ("oxigraph", many),
            0.5,
            "higher",
        ),
        _ratio(
            f"Cheap query throughput from the cache ≥ 1.0x `oxigraph serve`'s ({many} clients)",
            top,
            ("ours", "cheap", many, "throughput"),
            ("oxigraph", many),
            1.0,
            "higher",
        ),
        _ratio(
            f"Medium query throughput ≥ 50x rdflib-endpoint's ({many} clients, cache off)",
            peer,
            ("ours-nocache", "medium", many, "throughput"),
            ("rdflib", many),
            50,
            "higher",
        ),
        _ratio(
            f"Cheap query throughput ≥ 4x rdflib-endpoint's ({many} clients, cache off)",
            peer,
            ("ours-nocache", "cheap", many, "throughput"),
            ("rdflib", many),
            4,
            "higher",
        ),
    ]
    checks += _absolute_targets(top, one)
    return checks


def _absolute_targets(top: Results | None, one: int) -> list[dict[str, Any]]:
    size = top and top["requested"]
    found: list[dict[str, Any]] = []
    cold = top and _answered(_run(top, "ours-nocache", "page", one))
    warm = top and _answered(_run(top, "ours", "page", one))
    page: dict[str, Any] = {
        "target": "Entity page p50 ≤ 20 ms (1 client, cache off)",
        "size": size,
        "met": None,
        "figure": "not measured",
    }
    if cold:
        page["figure"] = f"{_ms(cold['p50_ms'])}" + (
            f" (cache on: {_ms(warm['p50_ms'])})" if warm else ""
        )
        page["met"] = cold["p50_ms"] <= 20
    found.append(page)
    servers = (top or {}).get("servers", {})
    readies = [
        servers[key]["ready_s"]
        for key in ("ours", "ours-nocache")
        if "ready_s" in servers.get(key, {})
    ]
    found.append(
        {
            "target": "Ready to serve ≤ 3 s from a built store",
            "size": size,
            "figure": f"{max(readies):g} s" if readies else "not measured",
            "met": max(readies) <= 3 if readies else None,
        }
    )
    build = (top or {}).get("build_s")
    found.append(
        {
            "target": "Build (parse, validate, reason, store) ≤ 60 s",
            "size": size,
            "figure": f"{build:g} s" if build is not None else "not measured",
            "met": build <= 60 if build is not None else None,
        }
    )
    ours = servers.get("ours", {})
    pss, rss = ours.get("peak_pss_mb"), ours.get("peak_rss_mb")
    found.append(
        {
            "target": "Peak memory of the serving processes together ≤ 1.5 GB",
            "size": size,
            "figure": f"{pss / 1024:.2f} GB PSS ({rss / 1024:.2f} GB summed RSS)"
            if pss
            else "not measured",
            "met": pss / 1024 <= 1.5 if pss else None,
        }
    )
    return found


def _status(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "—"}[met]


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
        "throughput.",
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
                [_cell(_run(size, spec.key, "cheap-cold", many)) for spec in servers],
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
    for size in results["sizes"]:
        lines += _size_table(size, method["connections"])
    return "\n".join(lines).rstrip("\n") + "\n"


def update_page(page: Path, block: str) -> bool:
    text = page.read_text(encoding="utf-8")
    if text.count(BLOCK_START) != 1 or text.count(BLOCK_END) != 1:
        return False
    head, rest = text.split(BLOCK_START, 1)
    _, tail = rest.split(BLOCK_END, 1)
    page.write_text(f"{head}{BLOCK_START}\n{block}{BLOCK_END}{tail}", encoding="utf-8")
    return True


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
        update_page(root / "docs" / "performance.md", text)
    return Paths(directory / "latest.md", directory / "latest.json")


def main() -> int:
    """``python -m bench.report``: re-render latest.md and docs/performance.md from latest.json."""
    directory = Path(__file__).resolve().parent / "results"
    results = json.loads((directory / "latest.json").read_text(encoding="utf-8"))
    text = markdown({**results, "targets": targets(results)})
    (directory / "latest.md").write_text(f"# Benchmark\n\n{text}", encoding="utf-8")
    return 0 if update_page(directory.parent.parent / "docs" / "performance.md", text) else 1


if __name__ == "__main__":
    raise SystemExit(main())
