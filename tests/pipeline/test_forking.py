"""The build's forked children: results and errors come back, and a child dies with its parent,
so cancelling a child stops the children it forked."""

from __future__ import annotations

import os
import time

import pytest

from malang_kg.engine.zygote import alive
from malang_kg.pipeline.forking import Forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_a_child_returns_its_result_and_raises_its_error() -> None:
    assert Forked(lambda: os.getpid()).result() != os.getpid()

    def fail() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        Forked(fail).result()


def test_a_grandchild_stops_when_its_parent_is_cancelled() -> None:
    read, write = os.pipe()

    def grandchild() -> None:
        os.write(write, f"{os.getpid()}\n".encode())
        time.sleep(120)

    def parent() -> None:
        Forked(grandchild)
        time.sleep(120)

    child = Forked(parent)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        pid = int(pipe.readline())
    assert alive(pid)
    child.cancel()
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
