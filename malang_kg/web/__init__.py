"""The Flask application factory: ``create_app(settings)`` wires the engine and the blueprints."""

from __future__ import annotations

from flask import Flask

from malang_kg.config import Settings, load_settings
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.service import Limits, QueryService
from malang_kg.queries import load_queries
from malang_kg.web import api, downloads, errors, ops, pages, reconcile, site, sparql


def create_app(settings: Settings | None = None, engine: QueryService | None = None) -> Flask:
    """Build the app. Without ``engine``, the current build in ``settings.store`` is loaded."""
    settings = settings or load_settings()
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config["MALANG_KG_SETTINGS"] = settings
    app.config["MALANG_KG_ENGINE"] = engine or embedded_service(settings)
    app.config["MALANG_KG_QUERIES"] = load_queries(settings.home, settings.base_iri)
    errors.register(app)
    app.register_blueprint(site.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(pages.bp)  # /id, /page, /data, /ontology, /code
    app.register_blueprint(api.bp)  # /api/queries, /api/openapi.json
    app.register_blueprint(downloads.bp)  # /downloads/, /.well-known/void, /void
    app.register_blueprint(reconcile.bp)  # /reconcile
    sparql.init_app(app)  # the /sparql blueprint, CORS for the whole app, the body size limit
    return app


def embedded_service(settings: Settings) -> QueryService:
    """The query service over the current build of ``settings.store``, held in memory."""
    backend = EmbeddedBackend.from_store(
        settings.store, settings.query_memory_mb, processes=settings.threads
    )
    return QueryService(backend, Limits.from_settings(settings), settings.base_iri)
