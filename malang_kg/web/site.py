"""The landing page: what the dataset is, its statistics and its named queries."""

from __future__ import annotations

from flask import Blueprint, render_template

from malang_kg.queries import run
from malang_kg.web.context import engine, named_queries

bp = Blueprint("site", __name__)


@bp.get("/")
def index() -> str:
    current = engine()
    queries = named_queries()
    classes = run(current, queries["classes"]).rows
    return render_template(
        "site/index.html",
        build_id=current.build_id,
        triples=current.triples,
        classes=classes,
        queries=queries.values(),
    )
