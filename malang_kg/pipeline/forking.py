"""Running one part of the build in a forked child process, beside the parent.

A forked child shares the parent's in-memory store (copy-on-write, nothing is copied or
re-parsed), so on a machine with two cores the build validates while it reasons, and writes
half the dumps while it writes the other half. The child's result (or exception) comes back
pickled through a pipe. Where ``os.fork`` does not exist the work simply runs in the parent.

A child must not use an on-disk (RocksDB) store: RocksDB's threads and locks do not survive a
fork, so a child of a process that has used one can hang. The build writes its serving store in
the parent (``run.py``). A child dies with its parent (``PR_SET_PDEATHSIG``), so cancelling one
stops the children it forked in turn; so the thread that forks a child must outlive it.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

from malang_kg.engine.workers import die_with_parent

T = TypeVar("T")


class Forked(Generic[T]):
    """``function`` running in a child process; ``result()`` waits for what it returned."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._value: tuple[str, object] | None = None
        if not hasattr(os, "fork"):
            self._value = _call(function)
            self._pid = 0
            return
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: run, send the outcome, leave without any cleanup of the parent's
            os.close(read)
            die_with_parent(parent)  # a cancelled child's own children stop with it
            try:
                data = pickle.dumps(_call(function))
            except Exception as error:  # the outcome does not pickle
                data = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            os._exit(0)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        if self._value is None:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self._pid, 0)
            self._pid = 0
            if not data:
                raise RuntimeError("the build's child process died without an answer")
            self._value = pickle.loads(data)
        kind, value = self._value
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the child if it still runs (the parent failed and will not wait for it)."""
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._read)
            self._pid = 0


def _call(function: Callable[[], T]) -> tuple[str, object]:
    try:
        return ("ok", function())
    except Exception as error:
        return ("error", error)
