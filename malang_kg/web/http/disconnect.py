"""Stopping the query of a client that has gone: for the length of each request under gunicorn,
``engine.workers.client_gone`` is a check of the request's socket (a non-blocking ``recv`` with
``MSG_PEEK``: empty means the peer closed it), which the thread calls while it waits for its query
process. Nothing in Werkzeug or gunicorn tells an application that its client left."""

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
