"""The production server: gunicorn over a build, with zero-downtime reloads.

The app (and so the store, when it is held in memory) is loaded in the master before the workers
fork, so they share one copy. SIGHUP (``malang-kg reload``) makes the master load the current
build into a new app while the old workers go on answering, then fork new workers from it and
stop the old ones gracefully; a build that cannot be loaded leaves the server as it was. The
master records the builds its workers use in ``STORE/servers/<pid>.json`` (``store/servers.py``)
so that pruning never deletes them. How it all fits is in ``docs/design.md``.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread

from malang_kg.config import Settings
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.front import Front, FrontConfig, free_port
from malang_kg.pipeline.run import run_build
from malang_kg.rebalance import close_when_due
from malang_kg.store.builds import NoBuildError, current_build_dir, prune_old_builds
from malang_kg.store.servers import (
    ServerRecord,
    live_servers,
    process_start,
    read_record,
    remove_record,
    servers_dir,
    write_pid_file,
    write_record,
)
from malang_kg.web import create_app, query_service
from malang_kg.web.http import limits
from malang_kg.web.http.headers import form_limit
from malang_kg.web.observe.metrics import enable_multiprocess, mark_process_dead

LOOPBACK = "127.0.0.1/32"  # where the nginx front connects from

# gthread hands a new connection to a request thread, which waits up to this long for the
# request's first bytes before parking the connection in the poller. gunicorn hard-codes 5 s, so
# idle connections held every thread; half a second keeps threads for clients that talk.
IDLE_CONNECTION_WAIT = 0.5
BUILD_ATTRIBUTE = "malang_kg_build"  # set on each gunicorn worker: the build it was forked with
METRICS_DIR_PREFIX = "malang-kg-metrics-"  # + the master's pid: the workers' metric files
# A page makes tens of thousands of short-lived objects: collecting the youngest generation every
# 700 allocations (Python's default) scanned the same live request objects over and over.
YOUNG_OBJECTS = 7_000


def _say(message: str) -> None:
    print(f"malang-kg serve [{os.getpid()}]: {message}", file=sys.stderr, flush=True)


def load_app(settings: Settings, build_dir: Path) -> Flask:
    app = create_app(settings, engine=query_service(settings, build_dir))
    limits.settle(app)
    return app


def graceful_timeout(settings: Settings) -> int:
    """Seconds a stopping worker has to finish its requests: longer than any query may run."""
    return max(10, math.ceil(settings.query_timeout) + 5)


class Serving:
    """The master's state: the app new workers get, the builds its workers serve, its record.
    Its methods are also the gunicorn hooks."""

    def __init__(self, settings: Settings, url: str, front: Front | None = None) -> None:
        self.settings = settings
        self.front = front
        self.store = settings.store
        build_dir = current_build_dir(self.store)
        self.build_id = build_dir.name
        self.record = ServerRecord(
            pid=os.getpid(),
            url=url,
            build_id=self.build_id,
            builds_in_use=[self.build_id],
            started=process_start(os.getpid()) or "",
        )
        write_record(self.store, self.record)  # before loading: no prune may take it meanwhile
        self.app = load_app(settings, build_dir)
        self.arbiter: Any = None

    def _worker_builds(self) -> set[str]:
        workers = self.arbiter.WORKERS.values() if self.arbiter is not None else ()
        return {getattr(worker, BUILD_ATTRIBUTE, self.build_id) for worker in workers}

    def save(self, *extra: str) -> None:
        self.record.build_id = self.build_id
        self.record.builds_in_use = sorted({self.build_id, *self._worker_builds(), *extra})
        write_record(self.store, self.record)

    def switch(self) -> Flask:
        """On SIGHUP: the app over the current build for the workers forked from now on (or the
        old app, if the current build cannot be loaded)."""
        self.record.reloads += 1
        try:
            build_dir = current_build_dir(self.store)
        except NoBuildError as error:
            return self._keep(str(error))
        if build_dir.name == self.build_id:
            self.record.reload_error = None
            self.save()
            _say(f"reload: build {self.build_id} is already the current one; workers recycled")
            return self.app
        self.save(build_dir.name)  # pinned before it is loaded
        _say(f"reload: loading build {build_dir.name}")
        try:
            app = load_app(self.settings, build_dir)
        except Exception as error:  # a failed reload must leave the server as it was
            traceback.print_exc(file=sys.stderr)
            return self._keep(f"build {build_dir.name} could not be loaded: {error}")
        self.app, self.build_id = app, build_dir.name
        self.record.reload_error = None
        self.save()
        gc.unfreeze()  # the old app was frozen with the rest (``pre_fork``): collectable again
        gc.collect()  # drop the master's copy of the old store now
        _say(f"reload: new workers serve build {self.build_id}; old ones finish their requests")
        return app

    def _keep(self, reason: str) -> Flask:
        self.record.reload_error = reason
        self.save()
        _say(f"reload failed, still serving build {self.build_id}: {reason}")
        return self.app

    # --- gunicorn hooks (in the master unless said otherwise) ---

    def when_ready(self, arbiter: Any) -> None:
        self.arbiter = arbiter
        if self.front is not None:
            self.front.start()  # gunicorn listens now; nginx answers from here on
        self.save()
        write_pid_file(self.store, os.getpid())

    def pre_fork(self, arbiter: Any, worker: Any) -> None:
        setattr(worker, BUILD_ATTRIBUTE, self.build_id)
        # The app's objects are moved out of the collector's reach before each fork: a worker
        # never scans them again, and the pages holding them stay shared with the master (a
        # scan writes to every object it visits). Python's documentation recommends it for
        # servers that fork.
        gc.freeze()

    def post_worker_init(self, worker: Any) -> None:
        """In each worker before its threads start: fork its zygote and query processes now,
        while the worker is single-threaded."""
        backend = worker.wsgi.config["MALANG_KG_ENGINE"].backend
        if isinstance(backend, EmbeddedBackend):
            # It answers bounded lookups from disk itself from now on: if it ever cannot make
            # query processes again, gunicorn replaces it (after its requests, like a HUP).
            backend.on_broken = lambda: setattr(worker, "alive", False)
        start = getattr(backend, "start", None)
        if start is not None:
            start()
        gc.freeze()  # and what the worker made before serving
        gc.set_threshold(YOUNG_OBJECTS, 10, 10)

    def child_exit(self, arbiter: Any, worker: Any) -> None:
        mark_process_dead(worker.pid)
        before = set(self.record.builds_in_use)
        self.save()
        if before - set(self.record.builds_in_use):  # the last worker of an old build is gone
            try:
                removed = prune_old_builds(self.store, self.settings.keep_builds)
            except OSError as error:
                _say(f"could not prune old builds: {error}")
            else:
                if removed:
                    _say(f"removed old builds: {', '.join(removed)}")

    def on_exit(self, arbiter: Any) -> None:
        if self.front is not None:
            self.front.stop()
        remove_record(self.store, os.getpid())


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    def __init__(self, serving: Serving, options: dict[str, Any]) -> None:
        self.serving = serving
        self.options = options
        self._switch = False
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 24
            # One control socket per user ($HOME/.gunicorn/gunicorn.ctl), which servers running
            # side by side would fight over; signals and `malang-kg reload` are enough.
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Flask:
        if self._switch:
            self._switch = False
            return self.serving.switch()
        return self.serving.app

    def reload(self) -> None:
        """gunicorn's HUP: reload the configuration and, unlike gunicorn with ``preload_app``,
        the app (see the module's description)."""
        super().reload()
        self.callable = None
        self._switch = True


def ensure_build(settings: Settings) -> None:
    try:
        current_build_dir(settings.store)
    except NoBuildError:
        print(f"no build in {settings.store} yet: building first", file=sys.stderr)
        run_build(settings)


def serve_forever(settings: Settings) -> int:
    """Serve the current build (building first if there is none) until told to stop."""
    ensure_build(settings)
    _remove_stale_metrics_dirs()
    metrics_dir = Path(tempfile.mkdtemp(prefix=f"{METRICS_DIR_PREFIX}{os.getpid()}-"))
    master = os.getpid()
    front, bind = _front(settings, metrics_dir)
    if front is not None:  # the app believes X-Forwarded-For from its own nginx on loopback
        settings = trust_front(settings)
    try:
        enable_multiprocess(metrics_dir)
        serving = Serving(settings, f"http://{settings.host}:{settings.port}/", front)
        gthread.DEFAULT_WORKER_DATA_TIMEOUT = IDLE_CONNECTION_WAIT
        options = {
            "bind": bind,
            "workers": settings.workers,
            "preload_app": True,
            # gthread: idle and slow connections wait in the worker's poller, not in a thread
            # (sync workers were held by idle sockets until gunicorn's timeout).
            "worker_class": "gthread",
            "threads": settings.threads,
            "when_ready": serving.when_ready,
            "pre_fork": serving.pre_fork,
            "post_worker_init": serving.post_worker_init,
            "child_exit": serving.child_exit,
            "on_exit": serving.on_exit,
            "timeout": int(settings.query_timeout) + 30,  # a query is stopped long before this
            "graceful_timeout": graceful_timeout(settings),
            # gunicorn caps request lines at 8,190 bytes unless the limit is 0 (then 1 MiB). A
            # GET /sparql?query= may be as long as MAX_QUERY_BYTES percent-encoded, and the app
            # answers 413 past MAX_QUERY_BYTES itself, so the line limit is lifted to 1 MiB.
            "limit_request_line": 0,
            "accesslog": None,  # the app logs each request as a JSON line (web/observe/access.py)
            "pre_request": close_when_due,
        }
        _say(f"serving build {serving.build_id} on http://{settings.host}:{settings.port}/")
        Server(serving, options).run()
    finally:
        # gunicorn's workers are forked in Server.run and leave through here too: only the
        # master cleans up.
        if os.getpid() == master:
            if front is not None:
                front.stop()
            remove_record(settings.store, master)
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def trust_front(settings: Settings) -> Settings:
    """``settings`` with the nginx front (on the loopback) among the trusted proxies."""
    if LOOPBACK in settings.trusted_proxies:
        return settings
    return dataclasses.replace(settings, trusted_proxies=(*settings.trusted_proxies, LOOPBACK))


def _front(settings: Settings, directory: Path) -> tuple[Front | None, str]:
    """The nginx front the settings ask for (None for none), and where gunicorn binds."""
    if settings.front != "nginx":
        return None, f"{settings.host}:{settings.port}"
    app_port = free_port()
    config = FrontConfig(
        host=settings.host,
        port=settings.port,
        app_port=app_port,
        cache_seconds=settings.front_cache_seconds,
        read_timeout=graceful_timeout(settings),
        body_limit=form_limit(settings.max_query_bytes),
    )
    return Front(config, directory / "front"), f"127.0.0.1:{app_port}"


def _remove_stale_metrics_dirs() -> None:
    """Remove the metrics directories of servers that were killed before they could."""
    for directory in Path(tempfile.gettempdir()).glob(METRICS_DIR_PREFIX + "*"):
        pid = directory.name[len(METRICS_DIR_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and process_start(int(pid)) is None:
            shutil.rmtree(directory, ignore_errors=True)


def reload_servers(store: Path, timeout: float) -> int:
    """Switch every server running over ``store`` to the current build and wait (up to
    ``timeout`` s) until each serves it alone; the exit status."""
    try:
        target = current_build_dir(store).name
    except NoBuildError as error:
        print(f"reload: {error}", file=sys.stderr)
        return 1
    servers = live_servers(store)
    if not servers:
        print(f"reload: no server is running over {store}", file=sys.stderr)
        return 1
    before = {server.pid: server.reloads for server in servers}
    for server in servers:
        os.kill(server.pid, signal.SIGHUP)
        print(f"server {server.pid} ({server.url}): switching to build {target}", file=sys.stderr)
    return _wait_for_reloads(store, before, timeout)


def _wait_for_reloads(store: Path, before: dict[int, int], timeout: float) -> int:
    """Wait until each server has reloaded and its old workers are gone."""
    if timeout <= 0:
        return 0
    status = 0
    pending = set(before)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for pid in sorted(pending):
            record = read_record(servers_dir(store) / f"{pid}.json")
            if record is None:
                print(f"server {pid} stopped", file=sys.stderr)
                status = 1
            elif record.reloads <= before[pid]:
                continue
            elif record.reload_error:
                print(f"server {pid} kept build {record.build_id}: {record.reload_error}")
                status = 1
            elif record.builds_in_use == [record.build_id]:
                print(f"server {pid} serves build {record.build_id}")
            else:
                continue
            pending.discard(pid)
        time.sleep(0.1)
    if pending:
        print(f"reload: no answer in {timeout:g} s from server(s) {sorted(pending)}")
        return 1
    return status
