"""Per-client counters that every worker of one server shares: a ``limits`` storage (the library
under Flask-Limiter) in a SQLite file, registered as ``sqlite:///path``. Flask-Limiter's own
``memory://`` counts per worker (two workers let twice the limit through) and Redis or Memcached
need a service of their own; SQLite is in Python and exact across the processes of one machine.

It keeps fixed windows (the strategy the rate limit uses): one row per key with its count and
when its window ends. Each process and thread opens its own connection (SQLite connections do not
survive ``fork``); every change is one short transaction."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from limits.storage import Storage

SCHEME = "sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value REAL, expires REAL)"
BUSY_MS = 5_000  # how long a writer waits for another to finish


def storage_uri(path: Path) -> str:
    return f"{SCHEME}://{path}"


class SqliteStorage(Storage):
    """Counters in a SQLite file shared by the processes of one server."""

    STORAGE_SCHEME: list[str] | None = [SCHEME]  # noqa: RUF012 (the base class declares it so)

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool
    ) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self.path = Path(urlsplit(uri or "").path or "limits.sqlite")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._db() as db:
            db.execute(_SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if held is None or held[0] != os.getpid():
            db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # counters, not records: speed over durability
            held = (os.getpid(), db)
            self._local.db = held
        return held[1]

    def add(self, key: str, expiry: float, amount: float) -> float:
        """Add ``amount`` to ``key`` in its window (a new one of ``expiry`` s if none is open);
        the new value."""
        now = time.time()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            db.execute(
                "INSERT INTO counters VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            (value,) = db.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return float(value)

    def value(self, key: str) -> float:
        row = (
            self._db()
            .execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return float(row[0]) if row else 0.0

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return int(self.add(key, expiry, amount))

    def get(self, key: str) -> int:
        return int(self.value(key))

    def get_expiry(self, key: str) -> float:
        row = (
            self._db()
            .execute(
                "SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, time.time())
            )
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cursor = self._db().execute("DELETE FROM counters")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
