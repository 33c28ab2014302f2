"""Killable query processes: the only way to stop a pyoxigraph query for sure.

Each serving process keeps a pool of children forked from it, one per request thread; past a
query's deadline, when its child dies, or when its client has gone (``client_gone``), the child
is killed and a fresh one forked. Why it is built this way is in ``docs/design.md``."""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from malang_kg.engine.errors import (
    QueryAbandoned,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
)

_FORK = multiprocessing.get_context("fork")
_PR_SET_PDEATHSIG = 1
CLIENT_CHECK_SECONDS = 0.2  # how often a waiting request asks whether its client is still there

# For the length of a request (set by ``web/http/disconnect.py``): a function telling whether the
# client has closed its connection. None: nobody to ask (tests, the CLI).
client_gone: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar(
    "client_gone", default=None
)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent exits (and exit if it already has)."""
    # Not on Linux, there is no prctl: the EOF on the pipe still ends the loop.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _serve(
    connection: Connection,
    answer: Callable[[Any], Any],
    prepare: Callable[[], object] | None,
    memory_bytes: int,
    parent: int,
) -> None:
    """The child's loop: receive a job, answer it, send ("ok", result) or ("error", QueryError).

    ``prepare`` (opening the store) runs first, outside the memory cap, which only bounds what
    queries add."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if prepare is not None:
        try:
            prepare()
        except Exception:  # each job will retry and report it; the loop must not die silently
            sys.stderr.write(f"query process {os.getpid()}: {traceback.format_exc()}\n")
    limit = _virtual_memory_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("ok", answer(job))
        except QueryError as error:
            reply = ("error", error)
        except MemoryError:
            reply = ("error", _out_of_memory(memory_bytes))
        except Exception:
            sys.stderr.write(f"query process {os.getpid()}: {traceback.format_exc()}\n")
            reply = ("error", QueryError("the query could not be evaluated"))
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("error", _out_of_memory(memory_bytes)))


class _Gone(Exception):
    """The client left while ``_wait`` waited."""


def _wait(connection: Connection, timeout: float, gone: Callable[[], bool] | None) -> bool:
    """Wait up to ``timeout`` s for the child's answer (True when it is there), asking ``gone``
    every ``CLIENT_CHECK_SECONDS`` whether the client has left (then raise ``_Gone``)."""
    if gone is None:
        return connection.poll(timeout)
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if connection.poll(max(0.0, min(remaining, CLIENT_CHECK_SECONDS))):
            return True
        if remaining <= CLIENT_CHECK_SECONDS:
            return False
        if gone():
            raise _Gone


def _out_of_memory(memory_bytes: int) -> QueryResourceExceeded:
    mib = memory_bytes // 2**20
    return QueryResourceExceeded(
        f"the query needed more than the {mib} MiB a query may use", memory_mib=mib
    )


class QueryProcess:
    """A child process answering jobs with ``answer``; replaced when killed or dead.

    One per serving process: ``run`` is serialised by a lock and the child is re-forked after the
    serving process itself has been forked (gunicorn forks its workers from the master).
    """

    def __init__(
        self,
        answer: Callable[[Any], Any],
        memory_mb: int,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self._answer = answer
        self._prepare = prepare
        self._memory_bytes = memory_mb * 2**20
        self._lock = threading.Lock()
        self._owner = -1
        self._process: Any = None
        self._connection: Connection | None = None
        self.restarts = 0

    def _start(self) -> Connection:
        parent, child = _FORK.Pipe()
        process = _FORK.Process(
            target=_serve,
            args=(child, self._answer, self._prepare, self._memory_bytes, os.getpid()),
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._connection, self._owner = process, parent, os.getpid()
        return parent

    def _connection_for_this_process(self) -> Connection:
        if self._connection is None or self._owner != os.getpid():
            return self._start()
        if not self._process.is_alive():
            # Killed while idle (an operator, the OOM killer): replace it before this query,
            # which would otherwise fail on the dead pipe.
            self._kill()
            return self._start()
        return self._connection

    def _kill(self) -> None:
        if self._process is not None and self._owner == os.getpid():
            if self._process.is_alive():
                os.kill(self._process.pid, signal.SIGKILL)
            self._process.join(timeout=5)
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection = None, None
        self.restarts += 1

    def run(self, job: Any, timeout: float) -> Any:
        with self._lock:
            connection = self._connection_for_this_process()
            try:
                connection.send(job)
                if not _wait(connection, timeout, client_gone.get()):
                    self._kill()
                    raise QueryTimeout(
                        f"the query timed out: it ran longer than the {timeout:g} s a query may "
                        "run and was stopped; make it more selective or add a LIMIT",
                        limit_seconds=timeout,
                    )
                status, payload = connection.recv()
            except _Gone:
                raise self._stop_abandoned() from None
            except (EOFError, OSError, BrokenPipeError):
                self._kill()
                raise QueryResourceExceeded(
                    f"the query's process stopped: it probably needed more than the "
                    f"{self._memory_bytes // 2**20} MiB a query may use",
                    memory_mib=self._memory_bytes // 2**20,
                ) from None
        if status == "error":
            raise payload
        return payload

    def _stop_abandoned(self) -> QueryAbandoned:
        self._kill()
        return QueryAbandoned("the client closed the connection; its query was stopped")

    def start(self) -> None:
        """Fork the child now (instead of at the first query)."""
        with self._lock:
            self._connection_for_this_process()

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._kill()


class QueryPool:
    """``size`` query processes; a request thread borrows one for the length of its query."""

    def __init__(
        self,
        answer: Callable[[Any], Any],
        memory_mb: int,
        size: int,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self.processes = [QueryProcess(answer, memory_mb, prepare) for _ in range(size)]
        self._idle: queue.LifoQueue[QueryProcess] = queue.LifoQueue()
        for process in self.processes:
            self._idle.put(process)

    @property
    def restarts(self) -> int:
        return sum(process.restarts for process in self.processes)

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def run(self, job: Any, timeout: float) -> Any:
        process = self._idle.get()
        try:
            return process.run(job, timeout)
        finally:
            self._idle.put(process)
