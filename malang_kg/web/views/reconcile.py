"""``/reconcile``: the W3C Entity Reconciliation Service API 0.2 over HTTP (the answers are
``dataset/reconcile.py``'s)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from malang_kg.dataset.reconcile import BatchError, Reconciler, parse_batch
from malang_kg.dataset.search import index_for
from malang_kg.web.context import engine, label_index, layout
from malang_kg.web.i18n import choose_language

bp = Blueprint("reconcile", __name__)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    response.vary.add("Accept-Language")  # names and type names follow the client's language
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    raw = request.form.get("queries") if request.method == "POST" else None
    if raw is None:
        raw = request.args.get("queries")
    service = engine()
    index = index_for(service, label_index(), layout())
    reconciler = Reconciler(service, layout(), index, choose_language())
    if raw is None:
        if request.method == "POST":
            return _error("The POST has no queries field: send queries={...} as a form.")
        return _json(reconciler.manifest(request.url_root))
    try:
        batch = parse_batch(layout(), raw)
    except BatchError as error:
        return _error(str(error))
    return _json({key: {"result": reconciler.candidates(spec)} for key, spec in batch.items()})


def _error(message: str) -> Response:
    return _json({"error": "Bad Request", "status": 400, "message": message}, 400)
