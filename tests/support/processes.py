"""The processes of a running ``malang-kg serve``, read from Linux's ``/proc``.

A server is a gunicorn master (the process the tests start), its workers (the master's children),
each worker's zygote (its child) and their query processes (the zygote's children, one per
request thread). The helpers here tell
which of them are alive, and when a query is running: a query process using the CPU, which an
idle one, blocked on its pipe, never does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.support.polling import wait_until

PROC = Path("/proc")
# CPU time a query process must have used since the baseline to count as running a query.
BUSY_SECONDS = 0.2
QUERY_START_WAIT = 30.0  # seconds a slow query may take to reach a query process


def _stats() -> dict[int, list[str]]:
    """pid → the fields of ``/proc/PID/stat`` after "pid (comm)", for every process."""
    stats = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        stats[int(entry.name)] = text[text.rindex(")") + 2 :].split()
    return stats


def _live(fields: list[str]) -> bool:
    return fields[0] != "Z"  # a zombie has exited, only its parent has not reaped it yet


def children(pid: int) -> list[int]:
    """The live (not zombie) child processes of ``pid``."""
    return [p for p, fields in _stats().items() if int(fields[1]) == pid and _live(fields)]


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``."""
    return [p for p, fields in _stats().items() if int(fields[2]) == pgid and _live(fields)]


def alive(pid: int) -> bool:
    fields = _stats().get(pid)
    return fields is not None and _live(fields)


def alive_among(pids: list[int]) -> list[int]:
    """Those of ``pids`` still alive."""
    return [pid for pid in pids if alive(pid)]


def worker_query_processes(worker: int) -> list[int]:
    """The query processes of the gunicorn worker ``worker``: its zygote's children."""
    return [pid for zygote in children(worker) for pid in children(zygote)]


def query_processes(master: int) -> list[int]:
    """The query processes of every worker of the gunicorn master ``master``."""
    return [pid for worker in children(master) for pid in worker_query_processes(worker)]


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    """pid → the CPU time (user and system, in clock ticks) each of ``pids`` has used so far."""
    stats = _stats()
    return {
        pid: int(stats[pid][11]) + int(stats[pid][12])  # utime, stime
        for pid in pids
        if pid in stats
    }


def busy_query_process(master: int, before: dict[int, int]) -> int | None:
    """A query process of ``master`` that has used ``BUSY_SECONDS`` of CPU since ``before`` (its
    ``cpu_ticks`` then; one forked since counts from 0), or None."""
    busy = BUSY_SECONDS * os.sysconf("SC_CLK_TCK")
    for pid, ticks in cpu_ticks(query_processes(master)).items():
        if ticks - before.get(pid, 0) >= busy:
            return pid
    return None


def wait_for_running_query(
    master: int, before: dict[int, int], answered: Callable[[], bool] | None = None
) -> int | None:
    """Wait until a query sent after ``before = cpu_ticks(query_processes(master))`` is being
    evaluated by a query process of ``master``, and return that process's pid; or, if
    ``answered()`` says the query has already been answered, stop waiting and return None (the
    test's own assertions on the answer then say what happened)."""

    def running() -> int | bool | None:
        pid = busy_query_process(master, before)
        if pid is None and answered is not None and answered():
            return True
        return pid

    found = wait_until(
        running,
        QUERY_START_WAIT,
        what=f"a query process of server {master} to run the query (use {BUSY_SECONDS:g} s of CPU)",
    )
    return None if found is True else found
