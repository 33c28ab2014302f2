"""``malang-kg serve``: the production server (gunicorn) over the current build.

The app, and so the in-memory store, is loaded once in the master process before the workers
fork (``preload_app``), so the workers share one copy of the data.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread

from malang_kg.build.pipeline import run_build
from malang_kg.build.sources import BuildError
from malang_kg.builds import NoBuildError, current_build_dir
from malang_kg.cli import Subparsers, add_settings_flags, settings_from_args
from malang_kg.config import Settings
from malang_kg.web import create_app

SERVE_FLAGS = (
    "HOST",
    "PORT",
    "WORKERS",
    "THREADS",
    "STORE",
    "BASE_IRI",
    "DATA_DIR",
    "KEEP_BUILDS",
    "QUERY_TIMEOUT",
    "MAX_ROWS",
    "MAX_QUERY_BYTES",
    "MAX_NESTING",
    "QUERY_MEMORY_MB",
)


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


# gthread hands a new connection to a request thread, which waits up to this long for the
# request's first bytes before parking the connection in the poller. gunicorn hard-codes 5 s, so
# N idle connections held every thread for 5 s each (20 idle sockets: /health took 20 s). Half a
# second keeps threads for clients that are actually talking.
IDLE_CONNECTION_WAIT = 0.5


def _start_query_processes(worker: Any) -> None:
    """gunicorn hook, in each worker before its threads start: fork its query processes now,
    while the worker is single-threaded."""
    engine = worker.wsgi.config["MALANG_KG_ENGINE"]
    start = getattr(engine.backend, "start", None)
    if start is not None:
        start()


def ensure_build(settings: Settings) -> None:
    try:
        current_build_dir(settings.store)
    except NoBuildError:
        print(f"no build in {settings.store} yet: building first", file=sys.stderr)
        run_build(settings)


def _serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    try:
        ensure_build(settings)
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    app = create_app(settings)
    gthread.DEFAULT_WORKER_DATA_TIMEOUT = IDLE_CONNECTION_WAIT
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "preload_app": True,
        # gthread: idle and slow connections wait in the worker's poller, not in a thread (sync
        # workers were held by idle sockets until gunicorn's timeout).
        "worker_class": "gthread",
        "threads": settings.threads,
        "post_worker_init": _start_query_processes,
        "timeout": int(settings.query_timeout) + 30,  # a query is stopped long before this
        # gunicorn caps request lines at 8,190 bytes unless the limit is 0 (then 1 MiB). A GET
        # /sparql?query= may be as long as MAX_QUERY_BYTES percent-encoded, and the app answers
        # 413 past MAX_QUERY_BYTES itself, so the line limit is lifted to gunicorn's 1 MiB.
        "limit_request_line": 0,
        "accesslog": "-",
        "graceful_timeout": 10,
    }
    print(f"serving on http://{settings.host}:{settings.port}/", file=sys.stderr)
    Server(app, options).run()
    return 0


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the current build over HTTP with gunicorn (building first if there is none)",
        description="Serve the current build with gunicorn's worker processes.",
    )
    add_settings_flags(parser, *SERVE_FLAGS)
    parser.set_defaults(handler=_serve)
