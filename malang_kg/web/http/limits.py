"""Per-client rate limits (Flask-Limiter) on what runs queries or stores for a client:
``/sparql``, ``/q`` (short links), ``/api/*`` and ``/reconcile`` share one budget
(``RATE_LIMIT``). Past it the answer is 429 with ``Retry-After`` and a message in the client's
format. The counters live in ``RATE_LIMIT_STORAGE``: by default (``local``) in a SQLite file that
every worker of the server shares (``counters.py``), so the limit is exact on one server; Redis
across servers; ``memory://`` per worker."""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage

from malang_kg.config import SETTINGS_BY_NAME, ConfigError, Settings
from malang_kg.web.http.counters import storage_uri
from malang_kg.web.http.errors import drain_body, message_response
from malang_kg.web.i18n import choose_language, fill, translator, vary_language
from malang_kg.web.i18n.limits import TEXTS
from malang_kg.web.views import api, reconcile, shortlinks, sparql

LIMITED_BLUEPRINTS = (sparql.bp, shortlinks.bp, api.bp, reconcile.bp)
LIMITED_METHODS = ["GET", "HEAD", "POST"]
SCOPE = "queries"
LIMITER_KEY = "MALANG_KG_LIMITER"


COUNTERS_FILE = "counters.sqlite"
COUNTERS_PREFIX = "malang-kg-counters-"


def counters_uri(settings: Settings) -> str:
    """The storage URI of the per-client counters. ``local``: a SQLite file in a temporary
    directory of this app, made before gunicorn forks the workers (so they share it) and
    removed when the process that made it exits; a restarted server starts counting afresh."""
    if settings.rate_limit_storage != "local":
        return settings.rate_limit_storage
    directory = Path(tempfile.mkdtemp(prefix=COUNTERS_PREFIX))
    maker = os.getpid()

    def remove() -> None:
        if os.getpid() == maker:  # not the forked workers
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    return storage_uri(directory / COUNTERS_FILE)


def init_app(app: Flask, settings: Settings, counters: str) -> Limiter | None:
    """Limit the query endpoint, the API and reconciliation (call after they are registered),
    counting in the storage at ``counters``."""
    if settings.rate_limit == "off":
        return None
    limiter = Limiter(
        get_remote_address,
        storage_uri=counters,
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After goes on the 429 only, see _too_many
        key_prefix="malang-kg",
    )
    shared = limiter.shared_limit(settings.rate_limit, scope=SCOPE, methods=LIMITED_METHODS)
    for blueprint in LIMITED_BLUEPRINTS:
        shared(blueprint)
    try:
        limiter.init_app(app)
    except (ConfigurationError, ValueError) as error:
        label = SETTINGS_BY_NAME["RATE_LIMIT_STORAGE"].env_var
        raise ConfigError(f"{label}: {error}") from None
    app.config[LIMITER_KEY] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
    return limiter


def settle(app: Flask) -> None:
    """Let the in-memory storage's expiry timer thread end, so that no thread of it is running
    (possibly holding one of its locks) when gunicorn forks the workers."""
    limiter: Limiter | None = app.config.get(LIMITER_KEY)
    storage = getattr(limiter, "_storage", None)
    if isinstance(storage, MemoryStorage):
        storage.timer.join(timeout=1)


def _retry_after(limiter: Limiter | None, error: RateLimitExceeded) -> int:
    """Seconds until the client's window frees a request (at most the window's length)."""
    window = int(error.limit.limit.get_expiry())
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return window
    stats = current.window
    return min(window, max(1, math.ceil(stats.reset_time - time.time())))


def _too_many(error: RateLimitExceeded) -> Response:
    drain_body()  # a client still sending its POST gets the 429, not a reset connection
    limiter: Limiter | None = current_app.config.get(LIMITER_KEY)
    seconds = _retry_after(limiter, error)
    message = fill(
        translator(TEXTS, choose_language())("rate_limited"),
        client=request.remote_addr,
        amount=error.limit.limit.amount,
        window=error.limit.limit.get_expiry(),
        seconds=seconds,
    )
    response = current_app.make_response(
        message_response(429, "Too Many Requests", message, plain_text=True)
    )
    response.headers["Retry-After"] = str(seconds)
    response.vary.update(vary_language())
    return response
