"""Shared fixtures and the tiers of the suite (``tests/README.md``).

``built`` builds the real data once per session into a temporary store; ``engine`` is the query
service over it, by default embedded, and for the suites marked ``engines(...)`` also on a real
``oxigraph serve`` and Virtuoso filled by ``malang-kg publish`` (``support/backend.py``);
``app``/``client`` are the Flask app over it, made by ``create_app``. A test's tier comes from its
folder: ``live/``, ``backend/`` and ``browser/`` start servers or a browser.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from malang_kg.config import Settings, load_settings
from malang_kg.dataset.labels import LABELS_FILE, LabelIndex
from malang_kg.dataset.named_queries import NamedQuery, load_queries
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest, current_build_dir
from malang_kg.web import create_app, embedded_service

pytest_plugins = ("tests.support.live", "tests.support.backend", "tests.support.browser")

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
TIERS = {"live": pytest.mark.live, "backend": pytest.mark.backend, "browser": pytest.mark.browser}
SOURCES = ROOT / "sources"
BASE = "https://w3id.org/malang-kg/"
MK = BASE + "ontology#"
ID = BASE + "id/"
ARTICLE = ID + "article/2023-11-06-kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan"
PREFIXES = f"""
PREFIX mk: <{MK}>
PREFIX id: <{ID}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""


def source_file(*parts: str) -> Path:
    """A file of the repository's ``sources/`` (the documents the data is taken from)."""
    path = SOURCES.joinpath(*parts)
    assert path.is_file(), f"{path} is missing from the repository"
    return path


def settings_with(**values: object) -> Settings:
    """The default settings (no environment) with some fields replaced, e.g. ``max_rows=5``."""
    return dataclasses.replace(load_settings(environ={}), **values)  # type: ignore[arg-type]


def settings_for(store: Path, **overrides: str) -> Settings:
    """Settings over ``store``; the query-time budget off (the suite is one client sending
    thousands of queries) unless ``QUERY_BUDGET`` is given."""
    values: dict[str, str | None] = {"STORE": str(store), "QUERY_BUDGET": "0"}
    values.update(overrides)
    return load_settings(values, environ={})


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Manifest]:
    from malang_kg.pipeline.run import run_build

    settings = settings_for(tmp_path_factory.mktemp("store"))
    manifest = run_build(settings, log=lambda line: None)
    return settings, manifest


@pytest.fixture(scope="session")
def embedded_engine(built: tuple[Settings, Manifest]) -> QueryService:
    """The query service over the real build, as the app uses it (guard, query process)."""
    return embedded_service(built[0])


ENGINES = {
    "embedded": ("embedded_engine", ()),
    "oxigraph": ("remote_engine", (pytest.mark.backend,)),
    "virtuoso": ("virtuoso_engine", (pytest.mark.backend, pytest.mark.virtuoso)),
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of a module marked ``engines("embedded", "oxigraph", …)`` that use the
    engine once on each, the backend runs marked as such."""
    marker = metafunc.definition.get_closest_marker("engines")
    if marker is None or "engine_kind" not in metafunc.fixturenames:
        return
    params = [pytest.param(kind, marks=ENGINES[kind][1], id=kind) for kind in marker.args]
    metafunc.parametrize("engine_kind", params)


@pytest.fixture
def engine_kind() -> str:
    return "embedded"


@pytest.fixture
def engine(request: pytest.FixtureRequest, engine_kind: str) -> QueryService:
    """The query service the test runs on (embedded unless its module asks for more)."""
    service: QueryService = request.getfixturevalue(ENGINES[engine_kind][0])
    return service


@pytest.fixture(scope="session")
def labels(built: tuple[Settings, Manifest]) -> LabelIndex:
    """The label index of the real build."""
    return LabelIndex(current_build_dir(built[0].store) / LABELS_FILE)


@pytest.fixture(scope="session")
def store(embedded_engine: QueryService) -> ox.Store:
    """The raw pyoxigraph store of the real build, for questions about named graphs."""
    assert isinstance(embedded_engine.backend, EmbeddedBackend)
    return embedded_engine.backend.store


@pytest.fixture(scope="session")
def queries() -> dict[str, NamedQuery]:
    return load_queries(ROOT)


Ask = Callable[[str], bool]

# --- The repository stands alone ------------------------------------------------------------------

_OUTSIDE: list[str] = []


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    """Note every file opened beside the checkout (``../anything``): the project must never read
    there, as a clone of the public repository has nothing beside it."""
    if event != "open" or not args or not isinstance(args[0], str | Path):
        return
    path = Path(args[0])
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.is_relative_to(ROOT.parent) and not path.resolve().is_relative_to(ROOT):
        _OUTSIDE.append(str(path))


sys.addaudithook(_watch_opens)


@pytest.fixture(scope="session", autouse=True)
def stays_inside_the_checkout() -> Iterator[None]:
    """Fails the session if any test, or the code it ran, opened a file outside the checkout."""
    yield
    assert not _OUTSIDE, f"files read from outside the checkout: {sorted(set(_OUTSIDE))[:10]}"


@pytest.fixture(scope="session")
def ask(embedded_engine: QueryService) -> Ask:
    """``ask(pattern)``: is the SPARQL graph pattern true over the union of all graphs?"""

    def _ask(pattern: str) -> bool:
        return embedded_engine.ask(f"{PREFIXES}\nASK {{ {pattern} }}")

    return _ask


@pytest.fixture
def app(built: tuple[Settings, Manifest], engine: QueryService) -> Flask:
    application = create_app(built[0], engine=engine)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its folder's tier (``live``, ``backend``, ``browser``)."""
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0]
        if folder in TIERS:
            item.add_marker(TIERS[folder])
