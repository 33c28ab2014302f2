"""Processes the benchmark starts: each in a session (process group) of its own, so that stopping
it stops everything it forked; every group still running is stopped on exit, even on failure.
A sampler adds up the memory of a group's processes while it runs."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

PAGE = os.sysconf("SC_PAGE_SIZE")
_PR_SET_PDEATHSIG = 1
_LIVE: set[Group] = set()


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def group_members(pgid: int) -> list[int]:
    """The processes whose process group is ``pgid``."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            members.append(int(entry.name))
    return members


def memory_of(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) if it is gone. PSS shares each page among the
    processes that map it, so the PSS of a group adds up to the memory it really takes."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            rss = int(handle.read().split()[1]) * PAGE
        pss = 0
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        return 0, 0
    return rss, pss


def cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) the live processes of a group have used, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in group_members(pgid):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wait_idle(pgid: int, timeout: float, busy: float = 0.1, window: float = 1.0) -> float:
    """Wait until the group uses less than ``busy`` of a CPU over ``window`` seconds (a query
    whose client has gone may still be running), at most ``timeout`` seconds; the wait."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        before = cpu_seconds(pgid)
        time.sleep(window)
        if cpu_seconds(pgid) - before < busy * window:
            break
    return time.perf_counter() - started


class MemorySampler(threading.Thread):
    """Samples the summed RSS and PSS of a process group every ``interval`` seconds; keeps the
    peaks."""

    def __init__(self, pgid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pgid = pgid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self._done = threading.Event()

    def sample(self) -> None:
        members = group_members(self.pgid)
        totals = [memory_of(pid) for pid in members]
        self.peak_rss = max(self.peak_rss, sum(rss for rss, _ in totals))
        self.peak_pss = max(self.peak_pss, sum(pss for _, pss in totals))
        self.peak_processes = max(self.peak_processes, len(members))

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=10)


def _die_with_the_benchmark() -> None:
    """In the child before exec: SIGTERM it if the benchmark dies (even by SIGKILL, which no
    ``finally`` sees); it runs in a session of its own, so nothing else would stop it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Group:
    """A command started in a session of its own, its output in ``log``; ``stop`` ends the
    whole process group (SIGTERM, then SIGKILL)."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as output:
            self.started = time.perf_counter()
            self.process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_die_with_the_benchmark,
            )
        _LIVE.add(self)
        self.memory = MemorySampler(self.process.pid)
        self.memory.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    def stop(self, grace: float = 15.0) -> None:
        self.memory.finish()
        if self.alive():
            self._signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        self._signal(signal.SIGKILL)  # whatever of the group is left (query processes, workers)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        deadline = time.monotonic() + 5
        while group_members(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        _LIVE.discard(self)


def stop_all() -> None:
    """Stop every group still running (called on exit, normal or not)."""
    for group in list(_LIVE):
        group.stop(grace=5)


def raise_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit so that ``finally`` blocks stop the groups."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status of a GET, or None if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def wait_until(
    group: Group, ready: Callable[[], bool], timeout: float, what: str = "ready"
) -> float:
    """Seconds from the group's start until ``ready()``; raises if it dies or times out."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if ready():
            return time.perf_counter() - group.started
        if not group.alive():
            raise RuntimeError(f"{group.name} exited ({group.process.returncode}):\n{group.tail()}")
        time.sleep(0.05)
    raise RuntimeError(f"{group.name} was not {what} within {timeout:g} s:\n{group.tail()}")


def run_timed(
    argv: Sequence[str], log: Path, env: Mapping[str, str] | None = None, timeout: float = 3600
) -> float:
    """Run a command to its end (in a group of its own); its wall-clock seconds. Raises if it
    fails."""
    group = Group(Path(argv[0]).name, argv, log, env)
    try:
        code = group.process.wait(timeout=timeout)
        elapsed = time.perf_counter() - group.started
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{' '.join(argv)} took longer than {timeout:g} s") from None
    finally:
        group.stop(grace=5)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({code}):\n{group.tail()}")
    return elapsed
