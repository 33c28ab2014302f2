"""HTTP to a SPARQL engine: a pooled, fork-safe ``requests`` session with a timeout on every call,
and what the engine's failures mean for our clients (503, 504, 502). The engine's own words go to
the log, never into a response."""

from __future__ import annotations

import contextlib
import logging
import os
import weakref
from dataclasses import dataclass
from typing import Any

import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from malang_kg.config import Settings
from malang_kg.engine.errors import BackendError, BackendTimeout, BackendUnavailable, QueryError

log = logging.getLogger("malang_kg.remote")

ENGINE = "the SPARQL engine this service runs on"


@dataclass(frozen=True)
class BackendConfig:
    query_url: str | None
    update_url: str | None
    store_url: str | None
    user: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendConfig:
        return cls(
            settings.backend_url,
            settings.backend_update_url,
            settings.backend_store_url,
            settings.backend_user,
            settings.backend_password,
            settings.backend_timeout,
        )


class HttpClient:
    """A pooled ``requests`` session to the engine, fresh in every forked process; basic
    authentication, or digest once the engine refuses basic."""

    def __init__(self, config: BackendConfig, pool_size: int = 8) -> None:
        self.config = config
        self.pool_size = pool_size
        self._digest = False
        self.session = self._new_session()
        reference = weakref.ref(self)

        def after_fork() -> None:
            client = reference()
            if client is not None:
                client.session = client._new_session()  # the parent's sockets are not ours

        os.register_at_fork(after_in_child=after_fork)

    def _new_session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc: the engine is where the settings say
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=self.pool_size, max_retries=0
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        if self.config.user is not None:
            auth = HTTPDigestAuth if self._digest else HTTPBasicAuth
            session.auth = auth(self.config.user, self.config.password or "")
        return session

    def request(self, method: str, url: str, read_timeout: float, **options: Any) -> Any:
        """``requests`` ``method`` on ``url``; raises QueryError for a connection that fails."""
        timeout = (min(self.config.timeout, read_timeout), read_timeout)
        response = self._send(method, url, timeout, options)
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        if (
            response.status_code == 401
            and self.config.user is not None
            and not self._digest
            and not ("basic" in challenge and "digest" not in challenge)
        ):
            # Basic refused, and the engine does not insist on it: try digest (Virtuoso's
            # /sparql-auth answers basic credentials with a bare 401).
            response.close()
            self._digest = True
            self.session = self._new_session()
            response = self._send(method, url, timeout, options)
        return response

    def _send(
        self, method: str, url: str, timeout: tuple[float, float], options: dict[str, Any]
    ) -> Any:
        try:
            return self.session.request(method, url, timeout=timeout, **options)
        except requests.ConnectTimeout as error:
            log.warning("%s %s: no connection in time: %s", method, url, error)
            raise BackendTimeout(f"{ENGINE} did not accept a connection in time") from None
        except requests.ReadTimeout as error:
            log.warning("%s %s: no answer in time: %s", method, url, error)
            raise BackendTimeout(f"{ENGINE} did not answer in time") from None
        except requests.RequestException as error:
            log.warning("%s %s: %s: %s", method, url, type(error).__name__, error)
            raise BackendUnavailable(f"{ENGINE} cannot be reached; try again shortly") from None


def status_error(response: Any, what: str) -> QueryError:
    """The error a non-2xx answer of the engine means (its body is logged, never shown)."""
    status = int(response.status_code)
    with contextlib.suppress(Exception):
        log.warning("%s: HTTP %s: %s", what, status, response.text[:500])
    if status == 503:
        return BackendUnavailable(f"{ENGINE} is unavailable (HTTP 503); try again shortly")
    if status in (408, 504):
        return BackendTimeout(f"{ENGINE} gave up on the request (HTTP {status})")
    if status in (401, 403):
        return BackendError(f"{ENGINE} refused the service's credentials (HTTP {status})")
    if status >= 500:
        return BackendError(f"{ENGINE} failed to answer (HTTP {status})")
    return BackendError(f"{ENGINE} did not accept the service's request (HTTP {status})")


def media_type(response: Any) -> str:
    return str(response.headers.get("Content-Type", "")).split(";")[0].strip().lower()
