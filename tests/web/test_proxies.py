"""X-Forwarded-For is believed only from a trusted proxy (``TRUSTED_PROXIES``)."""

from __future__ import annotations

import pytest
from flask import Flask, request

from malang_kg.config import ConfigError
from malang_kg.web.http.proxies import PEER_KEY, TrustedProxies
from tests.conftest import settings_with

PROXIES = ("127.0.0.1/32", "10.0.0.0/8")


def client_of(peer: str, forwarded: str | None, networks: tuple[str, ...] = PROXIES) -> str:
    app = Flask(__name__)

    @app.get("/")
    def who() -> str:
        return f"{request.remote_addr} {request.environ[PEER_KEY]}"

    app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    body = app.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": peer})
    client, seen = body.get_data(as_text=True).split()
    assert seen == peer
    return client


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # the front says who it serves
        ("127.0.0.1", "198.51.100.1, 10.2.3.4", "198.51.100.1"),  # through two trusted proxies
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own claim: no
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not a proxy: the header is ignored
        ("203.0.113.9", "127.0.0.1", "203.0.113.9"),
    ],
)
def test_only_trusted_proxies_are_believed(peer: str, forwarded: str | None, client: str) -> None:
    assert client_of(peer, forwarded) == client


def test_nothing_is_believed_without_trusted_proxies() -> None:
    assert client_of("127.0.0.1", "203.0.113.7", ()) == "127.0.0.1"


def test_the_setting_takes_addresses_and_networks() -> None:
    from malang_kg.config import load_settings

    settings = load_settings(environ={"MALANG_KG_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8, ::1"})
    assert settings.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8", "::1/128")
    with pytest.raises(ConfigError, match="MALANG_KG_TRUSTED_PROXIES"):
        load_settings(environ={"MALANG_KG_TRUSTED_PROXIES": "127.0.0.1, nginx"})
    assert settings_with().trusted_proxies == ()
