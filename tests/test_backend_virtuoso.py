"""Backend mode on Virtuoso (Debian's ``virtuoso-opensource``), where it is installed: ``malang-kg
publish`` through SPARQL Update with digest authentication (``/sparql-auth``), then the SPARQL
endpoint and named-query API suites (``test_sparql``, ``test_api``) rerun over it. Marked
``virtuoso``; skipped where ``virtuoso-t`` is not on the PATH."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.engine.remote.backend import RemoteBackend
from malang_kg.engine.service import QueryService
from malang_kg.store.builds import Manifest
from tests.test_api import *  # noqa: F403
from tests.test_sparql import *  # noqa: F403

pytest_plugins = ("tests.backend",)
pytestmark = pytest.mark.virtuoso


@pytest.fixture(scope="module")
def engine(virtuoso_engine: QueryService) -> QueryService:
    return virtuoso_engine


def test_these_tests_run_on_virtuoso(
    client: FlaskClient, engine: QueryService, built: tuple[Settings, Manifest]
) -> None:
    assert isinstance(engine.backend, RemoteBackend)
    assert client.application.config["MALANG_KG_ENGINE"] is engine
    assert engine.build_id == built[1].build_id
    assert engine.triples == built[1].triples
    assert set(engine.graphs) == {graph.iri for graph in built[1].graphs}
