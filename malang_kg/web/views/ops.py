"""Operations endpoints: ``/health`` and ``/metrics`` (Prometheus, ``web/observe/metrics.py``)."""

from __future__ import annotations

import os
import threading
from typing import Any

from flask import Blueprint, Response, jsonify

from malang_kg.web.context import engine
from malang_kg.web.observe.metrics import exposition, sync_engine_counters

bp = Blueprint("ops", __name__)


def worker_state() -> dict[str, Any]:
    """The serving process and its query processes (when the backend keeps a pool of them)."""
    state: dict[str, Any] = {"pid": os.getpid(), "threads": threading.active_count()}
    pool = getattr(engine().backend, "pool", None)
    processes = getattr(pool, "processes", None)
    if pool is not None and isinstance(processes, list):
        state["query_processes"] = len(processes)
        state["query_process_restarts"] = int(getattr(pool, "restarts", 0))
    return state


@bp.get("/health")
def health() -> Response:
    current = engine()
    return jsonify(
        {
            "status": "ok",
            "store_loaded": True,
            "build_id": current.build_id,
            "triples": current.triples,
            "worker": worker_state(),
        }
    )


@bp.get("/metrics")
def metrics() -> Response:
    sync_engine_counters(engine())
    body, content_type = exposition()
    return Response(body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})
