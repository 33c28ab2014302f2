"""The production front: Debian's nginx in front of gunicorn, micro-caching GET answers.

``malang-kg serve --front nginx`` runs gunicorn on a loopback port of its own and nginx on
HOST:PORT. nginx keeps a successful GET answer for ``FRONT_CACHE_SECONDS`` (one second by
default) whatever the app's ``Cache-Control`` says, then revalidates it with the build's
``ETag`` (a 304 from the app costs no query), so hot answers never reach Python while a reload
shows the new build within about a second. Errors, 429s, POSTs and the operations endpoints are
never cached. The configuration is written into a directory of the server's own, with the cache.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

NGINX = "nginx"
START_WAIT = 10.0  # seconds nginx may take to listen

CONFIG = Template("""\
# Written by malang-kg serve --front nginx; rewritten at every start.
$user
worker_processes auto;
pid $directory/nginx.pid;
error_log $directory/error.log warn;
daemon off;

events { worker_connections 1024; }

http {
    access_log off;
    client_body_temp_path $directory/body;
    proxy_temp_path $directory/proxy;
    fastcgi_temp_path $directory/fastcgi;
    uwsgi_temp_path $directory/uwsgi;
    scgi_temp_path $directory/scgi;
    client_max_body_size ${body_limit};
    large_client_header_buffers 4 1m;

    proxy_cache_path $directory/cache levels=1:2 keys_zone=malang_kg:16m max_size=256m
                     inactive=60s use_temp_path=off;

    upstream app { server 127.0.0.1:$app_port; keepalive 32; }

    # A cached answer was paid for by whoever asked first, so its budget header is not the
    # reader's: only an answer the app gives now says what the reader has left.
    map $$upstream_cache_status $$query_budget {
        HIT "";
        STALE "";
        UPDATING "";
        default $$upstream_http_x_query_budget_remaining;
    }

    server {
        listen $host:$port;
        server_tokens off;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $$http_host;
        proxy_set_header X-Forwarded-For $$remote_addr;  # the edge: what clients send is dropped
        proxy_set_header X-Forwarded-Proto $$scheme;
        proxy_read_timeout ${read_timeout}s;
        proxy_buffering on;

        location / {
            proxy_pass http://app;
            proxy_cache malang_kg;
            proxy_cache_key "$$request_method $$http_host $$request_uri $$http_accept
                             $$http_accept_language $$http_accept_datetime";
            proxy_cache_valid 200 203 300 301 302 303 304 ${cache_seconds}s;
            proxy_ignore_headers Cache-Control Expires;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            proxy_cache_use_stale updating;
            add_header X-Cache-Status $$upstream_cache_status always;
            proxy_hide_header X-Query-Budget-Remaining;
            add_header X-Query-Budget-Remaining $$query_budget always;
        }

        location ~ ^/(health|metrics)$$ {
            proxy_pass http://app;
        }
    }
}
""")


@dataclass(frozen=True)
class FrontConfig:
    host: str
    port: int
    app_port: int
    cache_seconds: float
    read_timeout: int
    body_limit: int  # bytes


def free_port(host: str = "127.0.0.1") -> int:
    """A loopback port nobody listens on now (for gunicorn behind the front)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def render(config: FrontConfig, directory: Path) -> str:
    """The nginx configuration for ``config``, with its files under ``directory``."""
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    return CONFIG.substitute(
        user=user,
        directory=str(directory),
        host=config.host,
        port=int(config.port),
        app_port=int(config.app_port),
        cache_seconds=max(1, round(config.cache_seconds)),
        read_timeout=int(config.read_timeout),
        body_limit=int(config.body_limit),
    )


class Front:
    """nginx running in front of the app, with its configuration and cache in ``directory``."""

    def __init__(self, config: FrontConfig, directory: Path) -> None:
        self.config = config
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if shutil.which(NGINX) is None:
            raise FileNotFoundError(
                "nginx is not installed (Debian: apt-get install nginx); serve without --front"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "nginx.conf"
        path.write_text(render(self.config, self.directory), encoding="utf-8")
        self.process = subprocess.Popen(
            [
                NGINX,
                "-c",
                str(path),
                "-p",
                str(self.directory),
                "-e",
                str(self.directory / "error.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                log = (self.directory / "error.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"nginx stopped at start: {log}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.config.host, self.config.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen on {self.config.host}:{self.config.port}")

    def stop(self) -> None:
        """Stop nginx (gracefully, then for good)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
