"""Typed access to what ``create_app`` put on the application."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from malang_kg.config import Settings
from malang_kg.dataset.answers import ANSWERS_DIR, BuiltAnswers
from malang_kg.dataset.labels import LABELS_FILE, LabelIndex
from malang_kg.dataset.named_queries import NamedQuery
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.service import QueryService
from malang_kg.history.records import History
from malang_kg.iris import Layout, Links
from malang_kg.store.builds import Manifest, current_build_dir, read_manifest
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


def served_build() -> tuple[Path, Manifest]:
    """The directory and manifest of the build the engine answers from (with an external
    engine: the store's current build, which ``malang-kg publish`` loaded into it)."""
    backend = engine().backend
    if isinstance(backend, EmbeddedBackend):
        return backend.build_dir, backend.manifest
    directory = current_build_dir(settings().store)
    return directory, read_manifest(directory)


def history() -> History:
    """The change records of the store the served build belongs to (``history/``)."""
    directory, _ = served_build()
    return History(directory.parent.parent)


def label_index() -> LabelIndex:
    """The label index of the build being served."""
    directory, _ = served_build()
    path = directory / LABELS_FILE
    return engine().memoised(("label-index", str(path)), lambda: LabelIndex(path))


def built_answers() -> BuiltAnswers:
    """The named queries' answers the served build wrote."""
    directory, _ = served_build()
    path = directory / ANSWERS_DIR
    return engine().memoised(("built-answers", str(path)), lambda: BuiltAnswers(path))
