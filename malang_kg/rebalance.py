"""When the server closes a kept-alive connection, so that clients spread over its workers.

A kept-alive connection stays with the gunicorn worker that accepted it: when one worker accepted
most of the clients' connections, one core served them while the other idled
(docs/performance.md). A connection's last request is the one that finds it open for
``CONNECTION_SECONDS`` or at its ``REQUESTS_PER_CONNECTION``-th request; its answer says
``Connection: close`` and the client reconnects to whichever worker accepts first, the freer one
(nginx's ``keepalive_timeout`` and ``keepalive_requests`` do the same). By age, because a client
of pages makes some 15 requests a second and would keep an unlucky worker for seconds if counted,
while a client of cheap queries makes hundreds and would pay for reconnecting if the count were
lowered to suit pages.

gunicorn's ``pre_request`` hook sees requests, not connections: a connection is known by its
client's address, noted at its first request. Only those opened in the last
``CONNECTION_SECONDS`` are kept; a later request of a connection no longer noted is old enough
to close.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

CONNECTION_SECONDS = 1.0
REQUESTS_PER_CONNECTION = 100


class ConnectionAges:
    """The opening times of one worker's recent connections (its request threads share it)."""

    def __init__(self, seconds: float = CONNECTION_SECONDS, clock: Any = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._opened: OrderedDict[object, float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many connections it remembers."""
        return len(self._opened)

    def is_last(self, peer: object, number: int) -> bool:
        """Whether the ``number``-th request (from 1) of the connection from ``peer`` is its
        last. A peer that is not an address (a Unix socket's) is judged by count only."""
        if number >= REQUESTS_PER_CONNECTION:
            return True
        if not isinstance(peer, tuple):
            return False
        now = self.clock()
        with self._lock:
            while self._opened and next(iter(self._opened.values())) <= now - self.seconds:
                self._opened.popitem(last=False)
            if number == 1:
                self._opened.pop(peer, None)
                self._opened[peer] = now
                return False
            return peer not in self._opened


AGES = ConnectionAges()


def close_when_due(worker: object, request: Any) -> None:
    """gunicorn's ``pre_request`` hook: the request that finds its connection due is its last."""
    if AGES.is_last(request.peer_addr, request.req_number):
        request.must_close = True
