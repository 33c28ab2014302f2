"""Typed access to what ``create_app`` put on the application."""

from __future__ import annotations

from flask import current_app

from malang_kg.config import Settings
from malang_kg.engine.service import QueryService
from malang_kg.queries import NamedQuery


def engine() -> QueryService:
    value: QueryService = current_app.config["MALANG_KG_ENGINE"]
    return value


def settings() -> Settings:
    value: Settings = current_app.config["MALANG_KG_SETTINGS"]
    return value


def named_queries() -> dict[str, NamedQuery]:
    value: dict[str, NamedQuery] = current_app.config["MALANG_KG_QUERIES"]
    return value
