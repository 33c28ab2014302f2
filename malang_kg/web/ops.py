"""Operations endpoints: ``/health``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from malang_kg.web.context import engine

bp = Blueprint("ops", __name__)


@bp.get("/health")
def health() -> Response:
    current = engine()
    return jsonify(
        {
            "status": "ok",
            "store_loaded": True,
            "build_id": current.build_id,
            "triples": current.triples,
        }
    )
