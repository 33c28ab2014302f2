"""Kept-alive connections of the running server are closed once they are a second old or have
carried ``REQUESTS_PER_CONNECTION`` requests (``malang_kg/rebalance.py``), so that a client's
connections do not all stay with the one worker that accepted them: the last answer on a
connection says ``Connection: close``, and the client's next connection is served as usual."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest

from malang_kg.rebalance import CONNECTION_SECONDS, REQUESTS_PER_CONNECTION
from tests.support.live import LiveServer

pytestmark = pytest.mark.timeout(240)


def _connection(server: LiveServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def _get(connection: http.client.HTTPConnection) -> str:
    """One GET /health on the connection; what its answer's Connection header says."""
    connection.request("GET", "/health")
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    return (response.getheader("Connection") or "").lower()


def _served_again(connection: http.client.HTTPConnection) -> None:
    assert connection.sock is None  # http.client closed it, as the answer asked
    assert _get(connection) != "close"  # a new connection, served as before


def test_a_connection_carries_a_bounded_number_of_requests(live_server: LiveServer) -> None:
    connection = _connection(live_server)
    try:
        said = [_get(connection)]
        while said[-1] != "close" and len(said) < REQUESTS_PER_CONNECTION:
            said.append(_get(connection))
        # The count closes it, unless this machine was so slow that its age did first.
        assert said[-1] == "close", said
        assert all(value != "close" for value in said[:-1]), said
        _served_again(connection)
    finally:
        connection.close()


def test_a_connection_open_a_second_is_closed_at_its_next_request(
    live_server: LiveServer,
) -> None:
    connection = _connection(live_server)
    try:
        assert _get(connection) != "close"
        opened = time.monotonic()
        while time.monotonic() - opened <= CONNECTION_SECONDS:  # the condition is its age
            time.sleep(0.05)
        assert _get(connection) == "close"
        _served_again(connection)
    finally:
        connection.close()
