"""The nginx front (``malang-kg serve --front nginx``) where Debian's nginx is installed
(``.ci/run`` installs it): a repeated GET is answered from its cache, a reload shows the new
build within two seconds, errors, 429s, POSTs and the operations endpoints are never cached, and a
cached answer carries no client's query-time budget."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.test_reload import copy_store, has_new_place, rebuild
from tests.support.live import ID, LiveServer, make_session, start_server
from tests.support.polling import wait_until

CACHE = "X-Cache-Status"
BUDGET = "X-Query-Budget-Remaining"
PAGE = "/page/kelurahan/samaan"


def _require_nginx() -> None:
    if shutil.which("nginx") is None:
        message = "nginx is not installed (Debian: apt-get install nginx; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def front_store(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(live_store, tmp_path_factory.mktemp("front") / "store")


@pytest.fixture(scope="module")
def front(front_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_nginx()
    server = start_server(front_store, tmp_path_factory.mktemp("front-logs"), front="nginx")
    try:
        yield server
    finally:
        server.stop()


def test_a_repeated_get_is_answered_by_the_front(front: LiveServer) -> None:
    session = make_session()
    first = session.get(front.url + PAGE, timeout=30)
    assert first.status_code == 200 and first.headers[CACHE] in ("MISS", "EXPIRED", "HIT")
    again = session.get(front.url + PAGE, timeout=30)
    assert again.status_code == 200 and again.headers[CACHE] == "HIT"
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    # Past the second, the front asks the app again with the ETag: a 304, no page rendered.
    later = wait_until(
        lambda: (
            (r := session.get(front.url + PAGE, timeout=30)).headers[CACHE] == "REVALIDATED" and r
        ),
        timeout=10,
        what="the front to revalidate the page with the app",
    )
    assert later.content == first.content


@pytest.mark.parametrize(
    "path", ["/page/kelurahan/no-such-place", "/api/queries/nope", "/sparql?query=SELEC"]
)
def test_errors_are_never_cached(front: LiveServer, path: str) -> None:
    session = make_session()
    for _ in range(3):
        response = session.get(front.url + path, timeout=30)
        assert response.status_code >= 400
        assert response.headers.get(CACHE) in ("MISS", None)


def test_operations_and_posts_are_never_cached(front: LiveServer) -> None:
    session = make_session()
    for _ in range(2):
        assert CACHE not in session.get(front.url + "/health", timeout=30).headers
        posted = session.post(front.url + "/sparql", data={"query": "ASK {}"}, timeout=30)
        assert posted.status_code == 200 and posted.headers.get(CACHE) in ("MISS", None)


def test_a_429_is_never_cached(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    _require_nginx()
    store = copy_store(live_store, tmp_path_factory.mktemp("front-429") / "store")
    server = start_server(
        store, store.parent, workers=1, front="nginx", rate_limit="3/minute"
    )  # one worker: its count is the client's (with more, each worker counts apart)
    try:
        session = make_session()
        first = server.url + "/api/queries/kim"
        assert [session.get(first, timeout=30).status_code for _ in range(3)] == [200] * 3
        names = ("people", "organisations", "subdistricts", "awards")
        answers = [session.get(f"{server.url}/api/queries/{name}", timeout=30) for name in names]
        statuses = [answer.status_code for answer in answers]
        assert statuses[:2] == [200, 200] and 429 in statuses  # 3 reached the app: the limit
        for name, answer in zip(names, answers, strict=True):
            if answer.status_code == 429:
                again = session.get(f"{server.url}/api/queries/{name}", timeout=30)
                assert again.status_code == 429 and again.headers.get(CACHE) != "HIT"
    finally:
        server.stop()


def test_a_cached_answer_tells_no_one_elses_budget(
    live_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _require_nginx()
    store = copy_store(live_store, tmp_path_factory.mktemp("front-budget") / "store")
    server = start_server(store, store.parent, front="nginx", query_budget="60")
    try:
        session = make_session()
        url = server.url + "/api/queries/kim"
        first = session.get(url, timeout=30)
        assert first.headers[CACHE] in ("MISS", "EXPIRED")
        assert 0 < float(first.headers[BUDGET]) <= 60
        again = session.get(url, timeout=30)
        assert again.headers[CACHE] == "HIT" and BUDGET not in again.headers
    finally:
        server.stop()


def test_a_reload_shows_the_new_build_within_two_seconds(
    front: LiveServer, front_store: Path, tmp_path: Path
) -> None:
    session = make_session()
    ask = f"/sparql?query=ASK%20%7B%20%3C{ID}place%2Freload-test-place%3E%20%3Fp%20%3Fo%20%7D"
    assert session.get(front.url + ask, timeout=30).json()["boolean"] is False
    assert session.get(front.url + ask, timeout=30).headers[CACHE] == "HIT"  # cached: old build
    build = rebuild(front_store, tmp_path / "extra")
    os.kill(front.process.pid, signal.SIGHUP)  # the master: `malang-kg reload` sends the same
    wait_until(
        lambda: session.get(front.url + "/health", timeout=30).json()["build_id"] == build,
        timeout=60,
        what="the server to serve the new build",
    )
    answer: bool | None = wait_until(
        lambda: session.get(front.url + ask, timeout=30).json()["boolean"] is True or None,
        timeout=2.0,
        interval=0.1,
        what="the front to show the new build",
    )
    assert answer is True
    assert has_new_place(session, front)
