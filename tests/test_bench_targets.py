"""The bench's targets against a run's results: a ratio to a peer that answered nothing."""

from __future__ import annotations

from typing import Any

from bench.targets import ratio


def _size(ours_ms: float, peer: dict[str, Any]) -> dict[str, Any]:
    mine = {"requests": 3, "errors": 0, "p50_ms": ours_ms, "seconds": 44.0}
    return {
        "requested": 1_000_000,
        "servers": {
            "ours": {"runs": {"awards": {"1": mine}}},
            "peer": {"runs": {"awards": {"1": peer}}},
        },
    }


SILENT = {"requests": 0, "errors": 0, "p50_ms": None, "seconds": 44.1}


def _check(ours_ms: float, peer: dict[str, Any]) -> dict[str, Any]:
    return ratio(
        "awards", _size(ours_ms, peer), ("ours", "awards", 1, "p50_ms"),
        ("peer", "awards", 1), 1.0, "lower",
    )  # fmt: skip


def test_a_latency_beats_a_peer_that_answered_nothing_in_a_longer_time() -> None:
    check = _check(14_707.1, SILENT)
    assert check["met"] is True and check["figure"] == "14707.1 ms vs none in 44.1 s"


def test_a_latency_longer_than_the_peer_was_given_is_not_known_to_beat_it() -> None:
    assert _check(50_000.0, SILENT)["met"] is False


def test_a_ratio_to_a_peer_that_answered() -> None:
    answered = {"requests": 3, "errors": 0, "p50_ms": 10_000.0, "seconds": 30.0}
    assert _check(11_000.0, answered)["met"] is False
    assert _check(9_000.0, answered)["met"] is True
