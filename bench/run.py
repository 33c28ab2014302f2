"""``make bench``: for each size, generate data, build it, and measure every server on it in turn
(one at a time, on the loopback), then write the results and the table of docs/performance.md.

See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph

from bench import report
from bench.load import Answer, ensure_wrk, fetch, run_wrk
from bench.procs import (
    http_status,
    raise_on_termination,
    run_timed,
    stop_all,
    wait_idle,
    wait_until,
)
from bench.rebuild import rebuild
from bench.scenarios import ROOT, SERVERS, Scenario, ServerSpec, scenarios
from bench.servers import BIN, HERE, ensure_peers, log, post_nquads, start, trifid_version
from malang_kg.engine.embedded import serves_from_memory

CPUS = len(os.sched_getaffinity(0))
DEFAULT_GENERATOR = f"{BIN / 'malang-kg'} synth --triples {{n}} --out {{out}}"


def machine() -> dict[str, Any]:
    with open("/proc/meminfo", encoding="ascii") as handle:
        total_kb = int(handle.readline().split()[1])
    return {
        "cpus": CPUS,
        "memory_gb": round(total_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def versions(peers: Path, wrk: str) -> dict[str, str]:
    def first_line(argv: list[str]) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        text = (done.stdout + done.stderr).strip()
        return text.splitlines()[0] if text else "?"

    shown = subprocess.run(
        [str(peers / "python"), "-m", "pip", "show", "rdflib-endpoint"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return {
        "pyoxigraph": pyoxigraph.__version__,
        "oxigraph": first_line([str(peers / "oxigraph"), "--version"]),
        "rdflib-endpoint": next((ln.split()[1] for ln in shown if ln.startswith("Version:")), "?"),
        "wrk": first_line([wrk, "-v"]),
        "trifid": trifid_version(),
        "nginx": first_line(["nginx", "-v"]),
    }


def measure(
    spec: ServerSpec,
    size_dir: Path,
    peers: Path,
    nquads: Path,
    options: argparse.Namespace,
    wrk: str,
) -> dict[str, Any]:
    """Start ``spec``, wait until it answers, run every scenario, stop it."""
    figures: dict[str, Any] = {"label": spec.label, "runs": {}, "answers": {}}
    groups, base = start(spec, size_dir, peers, nquads)
    group = groups[-1]
    try:
        ready_url = base + spec.ready_path
        if spec.in_memory:
            wait_until(group, lambda: http_status(ready_url) == 200, 60, "listening")
            post_nquads(base, nquads)
            figures["ready_s"] = round(time.perf_counter() - group.started, 2)
        else:
            figures["ready_s"] = round(
                wait_until(group, lambda: http_status(ready_url) == 200, 1800), 2
            )
        log(f"  {spec.label}: ready in {figures['ready_s']} s")
        figures["idle_waits_s"] = {}
        for scenario in scenarios():
            # Queries whose clients wrk abandoned at the end of a run may still be running.
            waits = [wait_idle(member.pid, 300) for member in groups]
            figures["idle_waits_s"][scenario.name] = round(sum(waits), 1)
            measure_scenario(spec, scenario, base, figures, options, wrk)
    except Exception as error:  # recorded; the next server still runs
        figures["error"] = str(error)[:1000]
        log(f"  {spec.label}: FAILED: {str(error)[:300]}")
    finally:  # a server of several groups (Trifid and its endpoint) takes what they all take
        for member in reversed(groups):
            member.stop()
        figures["peak_pss_mb"] = round(sum(m.memory.peak_pss for m in groups) / 2**20, 1)
        figures["peak_rss_mb"] = round(sum(m.memory.peak_rss for m in groups) / 2**20, 1)
        figures["processes"] = sum(m.memory.peak_processes for m in groups)
    return figures


def measure_scenario(
    spec: ServerSpec,
    scenario: Scenario,
    base: str,
    figures: dict[str, Any],
    options: argparse.Namespace,
    wrk: str,
) -> None:
    target = spec.target(scenario)
    if target is None:
        return
    answer: Answer = fetch(base, target)
    figures["answers"][scenario.name] = answer.__dict__
    if answer.status != 200:
        figures["runs"][scenario.name] = {"error": f"status {answer.status}: {answer.error}"}
        return
    runs: dict[str, Any] = {}
    for connections in options.connections:
        duration = run_length(answer.seconds, connections, options)
        if options.warmup > 0 and answer.seconds < options.warmup / 4:  # else the fetch warmed it
            run_wrk(wrk, base, target, connections, options.warmup)
        result = run_wrk(wrk, base, target, connections, duration)
        runs[str(connections)] = result.as_dict()
        log(
            f"  {spec.label}: {scenario.name} x{connections}: p50 {result.p50_ms} ms, "
            f"p99 {result.p99_ms} ms, {result.throughput}/s, errors {result.errors} "
            f"({result.seconds:g} s)"
        )
    figures["runs"][scenario.name] = runs
    if scenario.name == "cheap" and spec.cache_mb:  # the same query, never twice: cache cold
        cold = run_wrk(wrk, base, target, max(options.connections), options.duration, vary=True)
        figures["runs"]["cheap-cold"] = {str(max(options.connections)): cold.as_dict()}
        log(f"  {spec.label}: cheap, cache cold x{cold.connections}: {cold.throughput}/s")


def run_length(seconds: float, connections: int, options: argparse.Namespace) -> float:
    """How long to drive a scenario whose one request took ``seconds``: ``--duration``, or long
    enough for a few answers at this concurrency (the clients share the CPUs), at most
    ``--max-duration``."""
    expected = seconds * max(1.0, connections / CPUS)
    shortest: float = options.duration
    longest: float = options.max_duration
    return min(longest, max(shortest, 3 * expected))


def count_quads(nquads: Path) -> int:
    with open(nquads, "rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))


def bench_size(size: int, options: argparse.Namespace, peers: Path, wrk: str) -> dict[str, Any]:
    size_dir = options.work / str(size)
    data, store = size_dir / "data", size_dir / "store"
    result: dict[str, Any] = {"requested": size, "servers": {}}
    if not options.reuse_data or not data.is_dir():
        shutil.rmtree(data, ignore_errors=True)
        command = options.generator.format(n=size, out=data).split()
        log(f"{size}: generating data: {' '.join(command)}")
        result["generate_s"] = round(run_timed(command, size_dir / "logs" / "generate.log"), 2)
    result["generator"] = options.generator.split()[0 if "synth" not in options.generator else 1]
    shutil.rmtree(store, ignore_errors=True)
    log(f"{size}: building (malang-kg build)")
    result["build_s"] = round(
        run_timed(
            [str(BIN / "malang-kg"), "build", "--store", str(store)],
            size_dir / "logs" / "build.log",
            {"MALANG_KG_DATA_DIR": str(data)},
        ),
        2,
    )
    nquads = (store / "current").resolve() / "dataset.nq"
    result["triples"] = count_quads(nquads)
    log(f"{size}: built {result['triples']} quads in {result['build_s']} s")
    shutil.rmtree(size_dir / "oxigraph", ignore_errors=True)
    result["oxigraph_load_s"] = round(
        run_timed(
            [
                str(peers / "oxigraph"),
                "load",
                "--location",
                str(size_dir / "oxigraph"),
                "--file",
                str(nquads),
            ],
            size_dir / "logs" / "oxigraph-load.log",
        ),
        2,
    )
    for spec in SERVERS:
        if options.servers and spec.key not in options.servers:
            continue
        if spec.key == "rdflib" and size > options.rdflib_max:
            continue
        if size > options.all_servers_max and not spec.largest:
            continue
        if spec.serve_from == "memory" and serves_from_memory("auto", result["triples"]):
            continue  # our default serves this size from memory already
        log(f"{size}: measuring {spec.label}")
        result["servers"][spec.key] = measure(spec, size_dir, peers, nquads, options, wrk)
    if size <= options.rebuild_max:  # last: the rebuild replaces the store's current build
        result["rebuild"] = rebuild(size_dir, store)
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000,5000000",
        help="triples to generate, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--max-duration",
        type=float,
        default=45,
        help="longest wrk run: slow scenarios run up to this long to get a few answers",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", default="1,8", help="concurrent clients, comma-separated")
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=100_000,
        help="largest size rdflib-endpoint is measured at",
    )
    parser.add_argument(
        "--all-servers-max",
        type=int,
        default=1_000_000,
        help="largest size every server is measured at; beyond, ours (cache off) and "
        "oxigraph serve only",
    )
    parser.add_argument(
        "--rebuild-max",
        type=int,
        default=1_000_000,
        help="largest size rebuilt with 1%% of its triples changed, to time its change record",
    )
    parser.add_argument(
        "--servers",
        default="",
        help="the servers to measure, comma-separated keys (default: all): "
        + ", ".join(spec.key for spec in SERVERS),
    )
    parser.add_argument(
        "--generator",
        default=DEFAULT_GENERATOR,
        help="command making {n} triples into {out} (default: malang-kg synth)",
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep generated data from an earlier run (the build is redone)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--no-page", action="store_true", help="leave docs/performance.md as it is")
    options = parser.parse_args(argv)
    options.sizes = [int(size) for size in options.sizes.split(",")]
    options.connections = [int(c) for c in options.connections.split(",")]
    options.servers = [key for key in options.servers.split(",") if key]
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    raise_on_termination()
    options.work.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    peers = ensure_peers(options.work)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(peers, wrk),
        "method": {
            "duration_s": options.duration,
            "max_duration_s": options.max_duration,
            "warmup_s": options.warmup,
            "connections": options.connections,
            "wrk_threads": 1,
        },
        "sizes": [],
    }
    failed = False
    try:
        for size in options.sizes:
            try:
                results["sizes"].append(bench_size(size, options, peers, wrk))
            except Exception as error:
                failed = True
                log(f"{size}: FAILED: {error}")
                results["sizes"].append({"requested": size, "error": str(error)[:1000]})
            report.write(results, options.results, None if options.no_page else ROOT)
    finally:
        stop_all()
    paths = report.write(results, options.results, None if options.no_page else ROOT)
    print(paths.markdown.read_text(encoding="utf-8"))
    log(f"results: {paths.markdown}, {paths.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
