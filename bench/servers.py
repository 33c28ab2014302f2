"""Starting the servers the benchmark measures: the peers installed from their lock files (the
Python ones into a virtual environment of their own, Trifid with npm), and each server (ours,
``oxigraph serve``, rdflib-endpoint, Trifid over an ``oxigraph serve`` of its own) started in
process groups of its own on a free loopback port."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.procs import Group, free_port, http_status, wait_until
from bench.scenarios import ROOT, ServerSpec
from malang_kg.iris import CANONICAL

BIN = ROOT / ".venv" / "bin"
HERE = Path(__file__).resolve().parent
LOCK = HERE / "requirements.lock"
TRIFID_DIR = HERE / "trifid"


def log(message: str) -> None:
    print(f"bench {time.strftime('%H:%M:%S')}: {message}", flush=True)


def _installed(stamp: Path, lock: Path) -> tuple[bool, str]:
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    return stamp.is_file() and stamp.read_text(encoding="ascii") == digest, digest


def ensure_peers(work: Path) -> Path:
    """A virtual environment of its own for the peers (oxigraph's server binary, rdflib-endpoint),
    installed from bench/requirements.lock with hashes; its bin/ directory."""
    venv = work / "venv"
    stamp = venv / ".installed"
    done, digest = _installed(stamp, LOCK)
    if done:
        return venv / "bin"
    log(f"installing the peers into {venv}")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--require-hashes", "-r", str(LOCK)],
        check=True,
    )
    stamp.write_text(digest, encoding="ascii")
    return venv / "bin"


def ensure_trifid() -> Path:
    """Trifid installed with ``npm ci`` from bench/trifid/package-lock.json; its server script."""
    stamp = TRIFID_DIR / "node_modules" / ".installed"
    done, digest = _installed(stamp, TRIFID_DIR / "package-lock.json")
    if not done:
        log("installing Trifid (npm ci in bench/trifid)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TRIFID_DIR, check=True)
        stamp.write_text(digest, encoding="ascii")
    return TRIFID_DIR / "node_modules" / "trifid" / "server.js"


def trifid_version() -> str:
    try:
        package = TRIFID_DIR / "node_modules" / "trifid" / "package.json"
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def _ours(spec: ServerSpec, size_dir: Path, port: int, logfile: Path) -> Group:
    argv = [
        str(BIN / "malang-kg"),
        "serve",
        "--store",
        str(size_dir / "store"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--cache-mb",
        str(spec.cache_mb),
        "--serve-from",
        spec.serve_from,
        "--front",
        spec.front,
        # As the peers: no row limit short of the whole answer, and time to give it.
        "--max-rows",
        "1000000",
        "--query-timeout",
        "120",
    ]
    # No rate limit and no query-time budget: the load generator is one client address making
    # thousands of requests (the peers have neither).
    env = {
        "MALANG_KG_DATA_DIR": str(size_dir / "data"),
        "MALANG_KG_RATE_LIMIT": "off",
        "MALANG_KG_QUERY_BUDGET": "0",
    }
    return Group(spec.key, argv, logfile, env)


def _oxigraph(name: str, peers: Path, port: int, logfile: Path, location: Path | None) -> Group:
    argv = [
        str(peers / "oxigraph"),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    if location is not None:
        argv += ["--location", str(location)]
    return Group(name, argv, logfile)


def _trifid(size_dir: Path, peers: Path, port: int, logfile: Path) -> list[Group]:
    """``oxigraph serve`` of the size's store, then Trifid over it; the groups, Trifid last."""
    sparql_port = free_port()
    endpoint = _oxigraph(
        "trifid-oxigraph",
        peers,
        sparql_port,
        logfile.with_name("trifid-oxigraph.log"),
        size_dir / "oxigraph",
    )
    query = f"http://127.0.0.1:{sparql_port}/query"
    wait_until(endpoint, lambda: http_status(query + "?query=ASK%7B%7D") == 200, 120)
    argv = [
        "node",
        str(ensure_trifid()),
        "--config",
        str(TRIFID_DIR / "config.yaml"),
        "--port",
        str(port),
        "--sparql-endpoint-url",
        query,
        "--dataset-base-url",
        CANONICAL.base,
    ]
    return [endpoint, Group("trifid", argv, logfile, cwd=TRIFID_DIR)]


def start(spec: ServerSpec, size_dir: Path, peers: Path, nquads: Path) -> tuple[list[Group], str]:
    """Start one server; (its process groups, the one answering last; its base URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logfile = size_dir / "logs" / f"{spec.key}.log"
    if spec.cache_mb is not None:
        return [_ours(spec, size_dir, port, logfile)], base
    if spec.key == "trifid":
        return _trifid(size_dir, peers, port, logfile), base
    if spec.key.startswith("oxigraph"):
        location = None if spec.in_memory else size_dir / "oxigraph"
        return [_oxigraph(spec.key, peers, port, logfile, location)], base
    argv = [
        str(peers / "rdflib-endpoint"),
        "serve",
        str(nquads),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return [Group(spec.key, argv, logfile)], base


def post_nquads(base: str, nquads: Path) -> None:
    """Load the dump into an in-memory ``oxigraph serve`` (Graph Store protocol)."""
    with open(nquads, "rb") as body:
        request = urllib.request.Request(
            base + "/store",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/n-quads",
                "Content-Length": str(nquads.stat().st_size),
            },
        )
        with urllib.request.urlopen(request, timeout=1800) as response:
            response.read()
