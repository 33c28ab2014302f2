"""Stopping the query of a client that has gone.

Under gunicorn the request's socket is in the WSGI environment (``gunicorn.socket``). For the
length of each request, ``engine.workers.client_gone`` is set to a check of that socket, which the
request thread calls while it waits for a query process: when the client has closed its end,
the query's process is killed (and replaced) instead of computing an answer nobody will read.
Other servers (Flask's test client, the development server) give no socket: nothing is checked.

Nothing in Werkzeug or gunicorn tells a WSGI application that its client left, hence this small
check: a non-blocking ``recv`` with ``MSG_PEEK`` reads nothing from the socket, and an empty
answer means the peer has closed it; bytes of a next (pipelined) request mean it is still there.
"""

from __future__ import annotations

import contextvars
import socket
from typing import Any

from flask import Flask, g, request

from malang_kg.engine.workers import client_gone

_TOKEN = "malang_kg_client_gone_token"


def peer_closed(sock: socket.socket) -> bool:
    """Has the other end of ``sock`` closed the connection (or reset it)?"""
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False  # nothing to read: still connected
    except OSError:
        return True  # reset, or the socket is no longer usable


def _watch() -> None:
    sock = request.environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        setattr(g, _TOKEN, client_gone.set(lambda: peer_closed(sock)))


def _unwatch(_error: Any = None) -> None:
    token: contextvars.Token[Any] | None = g.pop(_TOKEN, None)
    if token is not None:
        client_gone.reset(token)


def init_app(app: Flask) -> None:
    app.before_request(_watch)
    app.teardown_request(_unwatch)
