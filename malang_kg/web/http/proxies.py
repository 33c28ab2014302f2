"""Who the client is behind a reverse proxy. ``X-Forwarded-For`` is believed only when the
connection comes from a trusted proxy (``TRUSTED_PROXIES``); then the client is the nearest
address in it that is not itself a trusted proxy (read from the right, as nginx's
``real_ip_recursive``). Anyone else who sends the header is ignored, so no client can choose its
own identity for the rate limits and the logs.

Werkzeug's ProxyFix trusts a fixed number of hops from whoever connects, whatever their
address; trusting by address needs this small middleware instead."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PEER_KEY = "malang_kg.peer"  # the environ key keeping the address that really connected


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware setting ``REMOTE_ADDR`` to the client a trusted proxy forwards for."""

    def __init__(self, app: WSGIApplication, networks: Iterable[str]) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in networks
        )

    def trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str, forwarded: str) -> str:
        """The client's address: ``peer`` unless it is trusted and forwards for someone."""
        if not self.trusted(peer):
            return peer
        client = peer
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if _address(hop) is None:
                break  # not an address: nothing to its left can be believed
            client = str(_address(hop))
            if not self.trusted(hop):
                break
        return client

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        environ[PEER_KEY] = peer
        environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
        return self.app(environ, start_response)


def init_app(app: Any, networks: Iterable[str]) -> None:
    """Wrap the app's WSGI callable when any proxy is trusted."""
    networks = tuple(networks)
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)
