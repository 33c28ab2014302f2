"""The Flask application: ``create_app(settings)`` wires the query service, the app-wide HTTP
behaviour (``http/``), the interface language (``i18n/``), observation (``observe/``) and one
blueprint per feature (``views/``)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from malang_kg.config import Settings, load_settings
from malang_kg.dataset.named_queries import load_queries
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.remote.backend import RemoteBackend
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout
from malang_kg.store.builds import current_build_dir
from malang_kg.web import i18n
from malang_kg.web.http import budget, disconnect, errors, headers, limits, proxies
from malang_kg.web.observe import access
from malang_kg.web.observe.queries import ObservedService
from malang_kg.web.views import (
    api,
    changes,
    complete,
    downloads,
    ops,
    overviews,
    pages,
    reconcile,
    shortlinks,
    site,
    sparql,
)

EDITOR_BUNDLE = "build/editor.js"  # built from frontend/ by `make frontend`


def create_app(settings: Settings | None = None, engine: QueryService | None = None) -> Flask:
    """Build the app. Without ``engine``, the one the settings choose (``query_service``)."""
    settings = settings or load_settings()
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config["MALANG_KG_SETTINGS"] = settings
    app.config["MALANG_KG_ENGINE"] = engine or query_service(settings)
    app.config["MALANG_KG_LAYOUT"] = Layout(settings.base_iri)
    app.config["MALANG_KG_QUERIES"] = load_queries(settings.home, settings.base_iri)
    proxies.init_app(app, settings.trusted_proxies)  # who the client is, behind a proxy
    access.init_app(app)  # first: it times and logs every request, refused ones too
    errors.init_app(app)
    headers.init_app(app, settings)  # CORS, the body size limit, Vary
    i18n.init_app(app)
    disconnect.init_app(app)  # a query whose client has gone is stopped
    features = (
        site, overviews, ops, pages, api, complete, downloads, reconcile, sparql, shortlinks,
        changes,
    )  # fmt: skip
    for feature in features:
        app.register_blueprint(feature.bp)
    counters = limits.counters_uri(settings)  # shared by the workers
    limits.init_app(app, settings, counters)  # per-client rate limits on /sparql, /q, /api, …
    budget.init_app(app, settings, counters)  # and query time per client
    bundle = Path(app.static_folder or "") / EDITOR_BUNDLE
    app.jinja_env.globals["editor_script"] = EDITOR_BUNDLE if bundle.is_file() else None
    return app


def embedded_service(settings: Settings, build_dir: Path | None = None) -> QueryService:
    """The query service over ``build_dir`` (by default the current build of
    ``settings.store``), opened from disk or held in memory (SERVE_FROM), counted and timed."""
    backend = EmbeddedBackend(
        build_dir or current_build_dir(settings.store),
        settings.query_memory_mb,
        processes=settings.threads,
        serve_from=settings.serve_from,
    )
    return ObservedService(backend, settings)


def remote_service(settings: Settings) -> QueryService:
    """The query service over the SPARQL engine at ``settings.backend_url`` (filled by
    ``malang-kg publish``), with the same guard and limits, counted and timed."""
    return ObservedService(RemoteBackend.from_settings(settings), settings)


def query_service(settings: Settings, build_dir: Path | None = None) -> QueryService:
    """The service the settings ask for: over the external engine when MALANG_KG_BACKEND_URL is
    set (``build_dir`` is then not loaded: the engine holds the published build), else over the
    embedded store."""
    if settings.backend_url:
        return remote_service(settings)
    return embedded_service(settings, build_dir)
