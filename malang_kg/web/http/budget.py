"""Fair use measured in query time, as the Wikidata Query Service measures it: each client may
spend ``QUERY_BUDGET`` seconds of query time per minute on what runs queries (``/sparql``, ``/q``,
``/api/*``, ``/reconcile``) and make ``ERROR_QUERIES`` failing queries (refused, failed or timed
out) per minute. Past either it gets 429 with ``Retry-After`` until its minute ends; other
clients are not affected, and cheap lookups cost next to nothing of it. Every answer there says
what is left in ``X-Query-Budget-Remaining`` (seconds).

The time is what the request's queries took (``observe/queries.py``), added after the answer, so
a query already running is never cut short by it. The counters live in the rate limit's storage
(``RATE_LIMIT_STORAGE``), shared by the workers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from limits.storage import Storage, storage_from_string

from malang_kg.config import SETTINGS_BY_NAME, ConfigError, Settings
from malang_kg.web.http.errors import drain_body, message_response
from malang_kg.web.i18n import choose_language, fill, translator, vary_language
from malang_kg.web.i18n.limits import TEXTS
from malang_kg.web.observe.queries import note

WINDOW = 60  # seconds: the budget is per minute
HEADER = "X-Query-Budget-Remaining"
BUDGETED = ("sparql", "shortlinks", "api", "reconcile")  # the blueprints that run queries
COUNTED_OUTCOMES = ("rejected", "error", "timeout")  # a failing query (abandoned ones are not)


@dataclass
class Budget:
    storage: Storage
    seconds: float
    errors: int

    def _key(self, kind: str) -> str:
        return f"malang-kg/budget/{kind}/{request.remote_addr}"

    def _left(self, kind: str, allowed: float) -> tuple[float, float]:
        """(what is left of ``kind``, seconds until its window ends)."""
        key = self._key(kind)
        used = self.storage.get(key)
        return allowed - used, max(0.0, self.storage.get_expiry(key) - time.time())

    def refuse(self) -> Response | None:
        """The 429 for a client past its budget or its failing queries, else None."""
        milliseconds, resets = self._left("ms", self.seconds * 1000)
        failing, failing_resets = self._left("errors", self.errors)
        if milliseconds > 0 and failing > 0:
            return None
        key, wait = (
            ("budget_spent", resets) if milliseconds <= 0 else ("errors_spent", failing_resets)
        )
        drain_body()
        lang = choose_language()
        seconds = max(1, math.ceil(wait))
        message = fill(
            translator(TEXTS, lang)(key),
            client=request.remote_addr,
            budget=f"{self.seconds:g}",
            errors=self.errors,
            seconds=seconds,
        )
        response = current_app.make_response(
            message_response(429, "Too Many Requests", message, plain_text=True)
        )
        response.headers["Retry-After"] = str(seconds)
        response.headers[HEADER] = f"{max(0.0, milliseconds / 1000):.3f}"
        for header in vary_language():
            response.vary.add(header)
        return response

    def spend(self, response: Response) -> Response:
        """Count what the request's queries took and whether one failed; say what is left."""
        observed = note()
        if observed is not None and response.status_code != 429:
            milliseconds = math.ceil(observed.query_seconds * 1000)
            if milliseconds:
                self.storage.incr(self._key("ms"), WINDOW, milliseconds)
            if observed.outcome.split(":", 1)[0] in COUNTED_OUTCOMES:
                self.storage.incr(self._key("errors"), WINDOW, 1)
        left, _ = self._left("ms", self.seconds * 1000)
        response.headers.setdefault(HEADER, f"{max(0.0, left / 1000):.3f}")
        return response


def init_app(app: Flask, settings: Settings, storage_uri: str) -> Budget | None:
    """Budget the query-running blueprints (none when ``QUERY_BUDGET`` is 0)."""
    if settings.query_budget <= 0:
        return None
    storage = storage_from_string(storage_uri)
    if not isinstance(storage, Storage):  # an asyncio storage: not for a WSGI app
        raise ConfigError(f"{SETTINGS_BY_NAME['RATE_LIMIT_STORAGE'].label}: not a sync storage")
    budget = Budget(storage, settings.query_budget, settings.error_queries)

    @app.before_request
    def _refuse() -> Response | None:
        return budget.refuse() if request.blueprint in BUDGETED else None

    @app.after_request
    def _spend(response: Response) -> Response:
        return budget.spend(response) if request.blueprint in BUDGETED else response

    return budget
