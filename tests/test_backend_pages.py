"""The linked-data page suites (``test_pages``, ``test_pages_content``, ``test_pages_headers``)
rerun in backend mode: the same tests, imported, with ``engine`` the query service over a real
``oxigraph serve`` filled by ``malang-kg publish`` (``tests/backend.py``)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from malang_kg.engine.remote.backend import RemoteBackend
from malang_kg.engine.service import QueryService
from tests.test_pages import *  # noqa: F403
from tests.test_pages_content import *  # noqa: F403
from tests.test_pages_headers import *  # noqa: F403

pytest_plugins = ("tests.backend",)


@pytest.fixture(scope="module")
def engine(remote_engine: QueryService) -> QueryService:
    return remote_engine


def test_these_tests_run_in_backend_mode(client: FlaskClient, engine: QueryService) -> None:
    assert isinstance(engine.backend, RemoteBackend)
    assert client.application.config["MALANG_KG_ENGINE"] is engine
