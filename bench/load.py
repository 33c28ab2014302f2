"""Load generation: ``wrk`` (Debian's package, installed if missing) drives each measurement; a
single request beforehand records what the server answers, so the servers' answers can be
compared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"


@dataclass(frozen=True)
class Target:
    """One request a scenario sends: ``path`` (and the SPARQL ``query``, sent as ``?query=``)."""

    path: str
    accept: str
    query: str | None = None

    def url_path(self) -> str:
        if self.query is None:
            return self.path
        return f"{self.path}?query={urllib.parse.quote(self.query, safe='')}"


@dataclass(frozen=True)
class Figures:
    """What one wrk run measured."""

    connections: int
    requests: int
    seconds: float
    throughput: float  # requests answered per second
    p50_ms: float | None
    p99_ms: float | None
    mean_ms: float | None
    errors: int  # connect, read, write errors, non-2xx answers and timeouts
    non_2xx: int
    timeouts: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """The server's answer to one request: its status, size, and the number of results."""

    status: int | None
    bytes: int
    results: int | None  # SPARQL JSON: rows (or 1/0 for ASK); API JSON: rows; otherwise None
    seconds: float
    error: str | None = None


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package first if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise RuntimeError("wrk is missing and there is no apt-get to install it with")
    print("bench: installing wrk (apt-get install wrk)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


def run_wrk(
    wrk: str,
    base_url: str,
    target: Target,
    connections: int,
    duration: float,
    vary: bool = False,
) -> Figures:
    """Drive ``target`` with ``connections`` concurrent clients for ``duration`` seconds."""
    env = {
        **os.environ,
        "BENCH_TARGET": target.url_path(),
        "BENCH_ACCEPT": target.accept,
        "BENCH_VARY": "1" if vary else "0",
        "BENCH_RUN": uuid.uuid4().hex[:12],
    }
    argv = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(2, round(duration) + 5)}s",
        "-s",
        str(SCRIPT),
        base_url,
    ]
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:500]}")
    raw = json.loads(lines[-1][len("BENCH ") :])
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    errors = sum(
        raw[name]
        for name in ("connect_errors", "read_errors", "write_errors", "non_2xx", "timeouts")
    )
    answered = requests > 0

    def ms(key: str) -> float | None:
        return round(raw[key] / 1000, 2) if answered else None

    return Figures(
        connections=connections,
        requests=requests,
        seconds=round(seconds, 2),
        throughput=round(requests / seconds, 1) if seconds else 0.0,
        p50_ms=ms("p50_us"),
        p99_ms=ms("p99_us"),
        mean_ms=round(raw["mean_us"] / 1000, 2) if answered else None,
        errors=errors,
        non_2xx=raw["non_2xx"],
        timeouts=raw["timeouts"],
    )


def count_results(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict):
        if "boolean" in data:
            return int(bool(data["boolean"]))
        results = data.get("results")
        if isinstance(results, dict) and isinstance(results.get("bindings"), list):
            return len(results["bindings"])  # SPARQL JSON
        for key in ("rows", "results"):  # the named-query API; completion
            if isinstance(data.get(key), list):
                return len(data[key])
    return None


def fetch(base_url: str, target: Target, timeout: float = 60) -> Answer:
    """One request, timed, with what it answered."""
    request = urllib.request.Request(
        base_url + target.url_path(), headers={"Accept": target.accept}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read()
        return Answer(
            error.code, len(body), None, time.perf_counter() - started, body[:300].decode()
        )
    except OSError as error:
        return Answer(None, 0, None, time.perf_counter() - started, str(error))
    return Answer(status, len(body), count_results(body), round(time.perf_counter() - started, 3))
