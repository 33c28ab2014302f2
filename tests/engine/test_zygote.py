"""Serving from disk: once started, a serving process answers bounded lookups from the on-disk
store itself, and its query processes (the first ones and every replacement) are forked by its
zygote, which never had the store open. A lost zygote is forked again while that is safe, and
otherwise fails clearly and asks for the serving process to be replaced."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import replace

import pytest

from malang_kg.config import Settings
from malang_kg.engine import QueryRequest
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.errors import BackendUnavailable, QueryTimeout
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest, current_build_dir
from tests.conftest import ID
from tests.support.polling import wait_until
from tests.support.processes import alive, children

SAMAAN = f"{ID}kelurahan/samaan"
LOOKUP = f"ASK {{ <{SAMAAN}> ?p ?o }}"  # bounded: its subject is fixed
SCAN = f"ASK {{ ?x ?p <{SAMAAN}> }}"  # not a bounded lookup: a query process answers it
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _service(backend: EmbeddedBackend, settings: Settings) -> QueryService:
    return QueryService(backend, replace(settings, cache_mb=0, query_timeout=1))


@pytest.fixture
def disk(built: tuple[Settings, Manifest]) -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(current_build_dir(built[0].store), serve_from="disk")
    assert not backend.in_memory
    yield backend
    for process in backend.pool.processes:
        process.close()
    backend.pool.zygote.close()


def test_a_started_process_answers_lookups_from_disk_itself(
    disk: EmbeddedBackend, built: tuple[Settings, Manifest]
) -> None:
    service = _service(disk, built[0])
    assert service.ask(LOOKUP) is True
    assert disk.in_process == 0  # not started: RocksDB is opened by the query processes only
    disk.start()
    zygote = disk.pool.zygote.pid
    assert zygote in children(os.getpid())
    before = disk.in_process
    assert service.ask(LOOKUP) is True
    assert disk.in_process == before + 1
    assert service.ask(SCAN) is True and disk.in_process == before + 1
    # A query process killed at its deadline is replaced by one the zygote forks, although this
    # process has the store open now.
    with pytest.raises(QueryTimeout):
        service.execute(QueryRequest(RUNAWAY))
    assert service.ask(SCAN) is True
    assert {process.pid for process in disk.pool.processes} <= set(children(zygote))


def _kill_with_its_processes(zygote: int) -> None:
    """SIGKILL the zygote and wait until its query processes have died with it."""
    processes = children(zygote)
    assert processes
    os.kill(zygote, signal.SIGKILL)
    wait_until(
        lambda: not alive(zygote) and not any(alive(pid) for pid in processes),
        30,
        what="the zygote and its query processes to end",
    )


def test_a_lost_zygote_is_forked_again_until_the_store_is_open_here(
    disk: EmbeddedBackend, built: tuple[Settings, Manifest]
) -> None:
    service = _service(disk, built[0])
    disk.start()
    broken: list[bool] = []
    disk.on_broken = lambda: broken.append(True)
    first = disk.pool.zygote.pid
    _kill_with_its_processes(first)
    assert service.ask(SCAN) is True  # the store is not open here yet: a new zygote
    assert disk.pool.zygote.pid != first
    assert service.ask(LOOKUP) is True  # answered here: the store is open in this process now
    _kill_with_its_processes(disk.pool.zygote.pid)
    with pytest.raises(BackendUnavailable, match="replaced"):
        service.ask(SCAN)
    assert broken == [True]
    assert service.ask(LOOKUP) is True  # lookups are still answered meanwhile
