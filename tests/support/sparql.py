"""Sending SPARQL to the server under test, as the protocol's three ways allow (GET, a form POST,
a direct POST), and the facts of our data that stand in for the W3C protocol suite's dataset."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import requests

from tests.support.live import AWARD, CATEGORY, MK, SAMAAN, LiveServer
from tests.support.results import describe, parse_boolean

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
PING = "ASK { ?s ?p ?o }"

# The suite's `<dataN> a ?type` facts, one per graph, in our data.
IN_AREAS = f"<{SAMAAN}> a <{MK}Kelurahan>"
IN_PRESS = f"<{AWARD}> a <{MK}Award>"
IN_CONCEPTS = f"<{CATEGORY}> a <{MK}AwardCategory>"


def url(server: LiveServer, *params: tuple[str, str]) -> str:
    """The endpoint with ``params`` percent-encoded as the suite writes them (%20, not +)."""
    if not params:
        return server.sparql
    return server.sparql + "?" + urlencode(params, quote_via=quote)


def ok(response: requests.Response) -> None:
    """The suite's ``ht:StatusCode2xx, ht:StatusCode3xx``."""
    assert 200 <= response.status_code < 400, describe(response)


def post_direct(
    http: requests.Session, target: str, query: str, **headers: str
) -> requests.Response:
    return http.post(
        target, data=query.encode(), headers={"Content-Type": DIRECT, **headers}, timeout=60
    )


def ask_direct(
    http: requests.Session, server: LiveServer, query: str, *params: tuple[str, str]
) -> bool:
    response = post_direct(http, url(server, *params), query)
    ok(response)
    return parse_boolean(response)


def send(http: requests.Session, server: LiveServer, how: str, query: str) -> requests.Response:
    """Send ``query`` by GET, form POST or direct POST."""
    if how == "get":
        target = server.sparql + "?" + urlencode({"query": query}, quote_via=quote)
        return http.get(target, timeout=60)
    if how == "form":
        body = urlencode({"query": query}, quote_via=quote)
        return http.post(server.sparql, data=body, headers={"Content-Type": FORM}, timeout=60)
    return http.post(
        server.sparql, data=query.encode(), headers={"Content-Type": DIRECT}, timeout=60
    )


def assert_alive(http: requests.Session, server: LiveServer) -> None:
    health = http.get(server.url + "/health", timeout=30)
    assert health.status_code == 200, describe(health)
    answer = send(http, server, "direct", PING)
    assert answer.status_code == 200, describe(answer)
    assert parse_boolean(answer) is True
