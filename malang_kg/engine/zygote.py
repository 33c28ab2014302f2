"""A clean process that forks a serving process's query processes for it.

A process that has opened the on-disk store (RocksDB) must never fork: RocksDB's threads and
locks do not survive it, and a child opening the store can hang. A serving process that answers
bounded lookups from disk itself (``embedded.py``) therefore forks this small process first,
before it opens the store: the zygote holds no store and starts no thread, and every query
process of the pool, the first ones and each replacement of a killed one, is forked from it.

The serving process makes each query process's socket pair and hands one end to the zygote
(``SCM_RIGHTS``, through ``multiprocessing.reduction``); the zygote forks the query process with
it and answers its pid. The kernel reaps the zygote's children (``SIGCHLD`` ignored), so a killed
query process leaves no zombie; the zygote dies with its serving process (``PR_SET_PDEATHSIG``),
and the query processes with the zygote.

``multiprocessing``'s own forkserver would do the same from a freshly started interpreter: 0.3 s
and some 40 MB more per serving process, and a server that does not share the preloaded app.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle

_FORK = multiprocessing.get_context("fork")
EXIT_WAIT = 5.0  # seconds ``wait_gone`` waits for a killed process to be reaped

# What a query process runs: its end of the socket pair, and the pid of its parent (the zygote).
Target = Callable[[Connection, int], None]


class ZygoteLost(Exception):
    """The zygote is gone, and this process may no longer fork another (it has opened what must
    not be forked): it cannot make query processes any more and must be replaced."""


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie does not (a query process orphaned by a lost zygote
    may wait as one for a parent that never reaps it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    except OSError:  # no /proc: ask the kernel, which counts a zombie as alive
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return state != b"Z"


def wait_gone(pid: int, timeout: float = EXIT_WAIT) -> bool:
    """Wait until ``pid`` has exited and been reaped (True), or ``timeout`` s have passed."""
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.001)
    return True


class Zygote:
    """Forks query processes running ``target`` on request, from a process forked once, before
    the serving process opened anything that must not be forked."""

    def __init__(
        self,
        target: Target,
        on_start: Callable[[int], None],
        forkable: Callable[[], bool] = lambda: True,
    ) -> None:
        self._target = target
        self._on_start = on_start  # what the zygote does first, given its parent's pid
        self._forkable = forkable  # whether this process may fork a zygote now
        self._lock = threading.Lock()
        self._channel: Connection | None = None
        self.pid = -1
        self._owner = -1

    def _running(self) -> bool:
        """Whether this process's zygote runs (it is this process's child: reap it if not)."""
        if self._channel is None or self._owner != os.getpid():
            return False
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def _channel_here(self) -> Connection:
        if self._channel is not None and self._running():
            return self._channel
        self._close_channel()
        if not self._forkable():
            raise ZygoteLost("the zygote is gone and this process has opened the store")
        ours, theirs = _FORK.Pipe()  # duplex: a socket pair, which can carry descriptors
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                ours.close()
                self._loop(theirs, parent)
            finally:
                os._exit(0)
        theirs.close()
        self._channel, self.pid, self._owner = ours, pid, parent
        return ours

    def _loop(self, channel: Connection, parent: int) -> None:
        self._on_start(parent)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the query processes
        while True:
            try:
                channel.recv_bytes()
                descriptor = recv_handle(channel)
            except (EOFError, OSError):
                return
            pid = os.fork()
            if pid == 0:  # a query process
                channel.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                try:
                    self._target(Connection(descriptor), os.getppid())
                finally:
                    os._exit(0)
            os.close(descriptor)
            channel.send(pid)

    def spawn(self) -> tuple[int, Connection]:
        """A new query process: its pid and the serving process's end of its socket pair."""
        with self._lock:
            channel = self._channel_here()
            ours, theirs = _FORK.Pipe()
            try:
                channel.send_bytes(b"spawn")
                send_handle(channel, theirs.fileno(), self.pid)
                pid: int = channel.recv()
            except BaseException:
                ours.close()
                self._close_channel()
                raise
            finally:
                theirs.close()
            return pid, ours

    def start(self) -> None:
        """Fork the zygote now (it is forked at the first ``spawn`` otherwise)."""
        with self._lock:
            self._channel_here()

    def _close_channel(self) -> None:
        if self._channel is not None and self._owner == os.getpid():
            self._channel.close()  # the zygote reads EOF and exits
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
        self._channel, self.pid = None, -1

    def close(self) -> None:
        with self._lock:
            self._close_channel()
