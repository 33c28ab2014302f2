"""Killable query processes: the only way to stop a pyoxigraph query for sure.

Each serving process keeps a pool of query processes, one per request thread, forked from its
zygote (``zygote.py``); past a query's deadline, when its process dies, or when its client has
gone (``client_gone``), the process is killed and a fresh one forked. Why it is built this way is
in ``docs/design.md``."""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
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
    BackendUnavailable,
    QueryAbandoned,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
)
from malang_kg.engine.zygote import Zygote, ZygoteLost, alive, wait_gone

_PR_SET_PDEATHSIG = 1
CLIENT_CHECK_SECONDS = 0.2  # how often a waiting request asks whether its client is still there

# For the length of a request (set by ``web/http/disconnect.py``): a function telling whether the
# client has closed its connection. None: nobody to ask (tests, the CLI).
client_gone: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar(
    "client_gone", default=None
)


def die_with_parent(parent: int) -> None:
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
    die_with_parent(parent)
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

    def __init__(self, spawn: Callable[[], tuple[int, Connection]], memory_mb: int) -> None:
        self._spawn = spawn  # a new child: its pid and our end of its socket pair
        self._memory_bytes = memory_mb * 2**20
        self._lock = threading.Lock()
        self._owner = -1
        self._pid = -1
        self._connection: Connection | None = None
        self.restarts = 0

    @property
    def pid(self) -> int:
        """The child's pid (-1 before it is forked)."""
        return self._pid

    def _start(self) -> Connection:
        self._pid, self._connection = self._spawn()
        self._owner = os.getpid()
        return self._connection

    def _connection_for_this_process(self) -> Connection:
        if self._connection is None or self._owner != os.getpid():
            return self._start()
        if not alive(self._pid):
            # Killed while idle (an operator, the OOM killer): replace it before this query,
            # which would otherwise fail on the dead pipe.
            self._kill()
            return self._start()
        return self._connection

    def _kill(self) -> None:
        if self._pid > 0 and self._owner == os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            wait_gone(self._pid)
        if self._connection is not None:
            self._connection.close()
        self._pid, self._connection = -1, None
        self.restarts += 1

    def send(self, job: Any) -> None:
        """Give the child ``job`` (forking it first if need be); ``receive`` gives the answer."""
        with self._lock:
            try:
                connection = self._connection_for_this_process()
            except ZygoteLost:
                raise BackendUnavailable(
                    "this server process can no longer start query processes and is being "
                    "replaced; try again in a moment"
                ) from None
            try:
                connection.send(job)
            except OSError:  # BrokenPipeError among others
                raise self._stopped() from None

    def receive(self, timeout: float) -> Any:
        """The answer to the job ``send`` gave, within ``timeout`` s (else the child is killed)."""
        with self._lock:
            connection = self._connection
            if connection is None:
                raise self._stopped()
            try:
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
                raise self._stopped() from None
        if status == "error":
            raise payload
        return payload

    def _stopped(self) -> QueryResourceExceeded:
        self._kill()
        return QueryResourceExceeded(
            f"the query's process stopped: it probably needed more than the "
            f"{self._memory_bytes // 2**20} MiB a query may use",
            memory_mib=self._memory_bytes // 2**20,
        )

    def _stop_abandoned(self) -> QueryAbandoned:
        self._kill()
        return QueryAbandoned("the client closed the connection; its query was stopped")

    def start(self) -> None:
        """Fork the child now (instead of at the first query)."""
        with self._lock:
            self._connection_for_this_process()

    def close(self) -> None:
        with self._lock:
            if self._pid > 0:
                self._kill()


class QueryPool:
    """``size`` query processes; a request thread borrows one for the length of its query."""

    def __init__(
        self,
        answer: Callable[[Any], Any],
        memory_mb: int,
        size: int,
        prepare: Callable[[], object] | None = None,
        forkable: Callable[[], bool] = lambda: True,
    ) -> None:
        memory_bytes = memory_mb * 2**20

        def serve(connection: Connection, parent: int) -> None:
            _serve(connection, answer, prepare, memory_bytes, parent)

        self.zygote = Zygote(serve, on_start=die_with_parent, forkable=forkable)
        self.processes = [QueryProcess(self.zygote.spawn, memory_mb) for _ in range(size)]
        self._idle: queue.LifoQueue[QueryProcess] = queue.LifoQueue()
        for process in self.processes:
            self._idle.put(process)

    @property
    def restarts(self) -> int:
        return sum(process.restarts for process in self.processes)

    def start(self) -> None:
        """Fork the zygote and, from it, the query processes now."""
        self.zygote.start()
        for process in self.processes:
            process.start()

    def run(self, job: Any, timeout: float) -> Any:
        return self.submit(job)(timeout)

    def submit(self, job: Any) -> Callable[[float], Any]:
        """Give ``job`` to an idle query process now, and return the function that waits for
        its answer (up to a timeout in seconds; call it once): the caller may work meanwhile."""
        process = self._idle.get()
        try:
            process.send(job)
        except BaseException:
            self._idle.put(process)
            raise

        def answer(timeout: float) -> Any:
            try:
                return process.receive(timeout)
            finally:
                self._idle.put(process)

        return answer
