"""Kept-alive connections of the running server are closed after ``REQUESTS_PER_CONNECTION``
requests, so that a client's connections do not all stay with the one worker that accepted them:
the last answer on a connection says ``Connection: close``, and the client's next connection is
served as usual."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from malang_kg.server import REQUESTS_PER_CONNECTION
from tests.support.live import LiveServer

pytestmark = pytest.mark.timeout(240)


def _connection(server: LiveServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def test_a_connection_carries_a_bounded_number_of_requests(live_server: LiveServer) -> None:
    connection = _connection(live_server)
    try:
        said = []
        for _ in range(REQUESTS_PER_CONNECTION):
            connection.request("GET", "/health")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            said.append((response.getheader("Connection") or "").lower())
        assert all(value != "close" for value in said[:-1]), said
        assert said[-1] == "close"
        assert connection.sock is None  # http.client closed it, as the answer asked
        connection.request("GET", "/health")  # a new connection, served as before
        again = connection.getresponse()
        again.read()
        assert again.status == 200 and (again.getheader("Connection") or "").lower() != "close"
    finally:
        connection.close()
