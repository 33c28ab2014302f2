"""Waiting for a condition by polling it, never by sleeping a guessed time.

``wait_until(condition, timeout, interval, what)`` calls ``condition`` every ``interval`` seconds
until it holds and returns what it returned; after ``timeout`` seconds it fails the test with a
message naming ``what`` and the condition's last answer. A condition holds when it returns
anything but ``None`` or ``False``: a response, a list (empty too) or ``True``. (Not truthiness:
a ``requests.Response`` with an error status is falsy, and is often what a test waits for.)

Timeouts are generous: they bound a test that would otherwise hang, and are never a speed target.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

import pytest

T = TypeVar("T")

LAST_CHARS = 500  # of the condition's last answer, in the failure message


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= LAST_CHARS else text[:LAST_CHARS] + "…"


def wait_until(
    condition: Callable[[], T | bool | None],
    timeout: float,
    interval: float = 0.05,
    what: str = "the condition",
    *,
    ignoring: tuple[type[Exception], ...] = (),
    details: Callable[[], str] | None = None,
) -> T:
    """Poll ``condition`` until it holds (returns neither ``None`` nor ``False``) and return its
    answer; fail the test once ``timeout`` seconds have passed without it holding.

    An exception of a type in ``ignoring`` counts as "not yet" (and is reported as the last
    answer); any other exception, a failed assertion or ``pytest.fail`` in ``condition`` ends the
    wait at once. ``details``, if given, is called on failure and its text added to the message
    (a server's log, say)."""
    assert timeout > 0 and interval > 0, (timeout, interval)
    deadline = time.monotonic() + timeout
    last = "never asked"
    while True:
        try:
            answer = condition()
        except ignoring as error:
            last = f"{type(error).__name__}: {error}"
        else:
            if answer is not None and answer is not False:
                return cast(T, answer)  # neither None nor False: a T
            last = _shown(answer)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(interval, remaining))  # the polling interval: the only sleep here
    message = f"gave up after {timeout:g} s waiting for {what} (last answer: {last})"
    if details is not None:
        message += "\n" + details()
    pytest.fail(message)
