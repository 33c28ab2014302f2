"""When a kept-alive connection is closed (``malang_kg/rebalance.py``), on a clock of the test's."""

from __future__ import annotations

from malang_kg.rebalance import REQUESTS_PER_CONNECTION, ConnectionAges


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _ages(seconds: float = 1.0) -> tuple[ConnectionAges, Clock]:
    clock = Clock()
    return ConnectionAges(seconds=seconds, clock=clock), clock


def test_a_young_connection_stays_open_and_an_old_one_closes() -> None:
    ages, clock = _ages()
    peer = ("127.0.0.1", 50000)
    assert not ages.is_last(peer, 1)
    clock.now += 0.5
    assert not ages.is_last(peer, 2)
    clock.now += 0.6
    assert ages.is_last(peer, 3)


def test_the_count_closes_a_connection_whatever_its_age() -> None:
    ages, _ = _ages(seconds=60.0)
    peer = ("127.0.0.1", 50001)
    assert not ages.is_last(peer, 1)
    assert not ages.is_last(peer, REQUESTS_PER_CONNECTION - 1)
    assert ages.is_last(peer, REQUESTS_PER_CONNECTION)


def test_a_new_connection_from_a_reused_address_starts_young() -> None:
    ages, clock = _ages()
    peer = ("127.0.0.1", 50002)
    assert not ages.is_last(peer, 1)
    clock.now += 5
    assert not ages.is_last(peer, 1)  # the old one closed; the port came back
    assert not ages.is_last(peer, 2)


def test_only_recent_connections_are_remembered() -> None:
    ages, clock = _ages()
    for port in range(1000):
        ages.is_last(("127.0.0.1", port), 1)
    clock.now += 2
    assert ages.is_last(("127.0.0.1", 0), 2)  # forgotten, so old: closed
    assert not ages.is_last(("127.0.0.1", 5000), 1)
    assert len(ages) == 1


def test_a_unix_socket_peer_is_judged_by_count_only() -> None:
    ages, clock = _ages()
    assert not ages.is_last("", 1)
    clock.now += 10
    assert not ages.is_last("", 2)
    assert ages.is_last("", REQUESTS_PER_CONNECTION)
