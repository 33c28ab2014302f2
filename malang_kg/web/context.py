"""Typed access to what ``create_app`` put on the application."""

from __future__ import annotations

from flask import current_app

from malang_kg.config import Settings
from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout, Links
from malang_kg.web.i18n import explicit_language


def engine() -> QueryService:
    value: QueryService = current_app.config["MALANG_KG_ENGINE"]
    return value


def settings() -> Settings:
    value: Settings = current_app.config["MALANG_KG_SETTINGS"]
    return value


def named_queries() -> dict[str, NamedQuery]:
    value: dict[str, NamedQuery] = current_app.config["MALANG_KG_QUERIES"]
    return value


def layout() -> Layout:
    """Where this dataset's IRIs are (under the configured base IRI)."""
    value: Layout = current_app.config["MALANG_KG_LAYOUT"]
    return value


def links() -> Links:
    """This request's links to IRIs, keeping the language the reader chose with ``?lang=``."""
    return Links(layout(), explicit_language())
