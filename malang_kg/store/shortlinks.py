"""Short links for SPARQL queries: a query's text kept under a short id in
``{STORE}/shortlinks.sqlite``, beside the builds, so links outlive restarts and rebuilds.

An id is the first ``ID_LENGTH`` characters of the base62 SHA-256 of the exact text (its UTF-8
bytes), one character longer for each other text already holding the shorter id; so a text
always gets the same id. The table is bounded (``MAX_LINKS``, each text ``MAX_QUERY_BYTES``) and
never evicts: a shared link keeps working, a new one is refused once it is full. Texts are only
stored, never run. Each process and thread opens its own connection (SQLite connections do not
survive ``fork``); WAL and a busy timeout let many workers write at once."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

SHORTLINKS_FILE = "shortlinks.sqlite"
MAX_LINKS = 100_000  # most links kept; past it new ones are refused, none evicted
MAX_QUERY_BYTES = 65_536  # the default of settings' MAX_QUERY_BYTES
BUSY_TIMEOUT = 10.0  # seconds a connection waits for another writer
RETRY_SECONDS = 0.01  # between tries to switch a new file to WAL
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 10  # about 59.5 bits: a collision is unlikely below billions of links
FULL_LENGTH = 43  # base62 digits of a 256-bit digest
VALID_ID = re.compile(f"[0-9A-Za-z]{{{ID_LENGTH},{FULL_LENGTH}}}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY NOT NULL,
    query BLOB NOT NULL,
    created REAL NOT NULL
)
"""


class ShortLinkError(Exception):
    """A link that cannot be made; the message is written for the client."""


class QueryTooLong(ShortLinkError):
    """The text is longer than the store accepts."""


class LinksFull(ShortLinkError):
    """The store holds its most links already."""


def digest_id(text: bytes) -> str:
    """The full base62 id of ``text`` (``FULL_LENGTH`` characters); links use a prefix."""
    number = int.from_bytes(hashlib.sha256(text).digest(), "big")
    digits = []
    for _ in range(FULL_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def valid_id(link_id: str) -> bool:
    """Could ``link_id`` be an id at all (letters and digits, of a possible length)?"""
    return VALID_ID.fullmatch(link_id) is not None


class ShortLinks:
    """The short links of one file, created on first use. Thread- and process-safe."""

    def __init__(
        self,
        path: Path,
        max_links: int = MAX_LINKS,
        max_bytes: int = MAX_QUERY_BYTES,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        self.path = path
        self.max_links = max_links
        self.max_bytes = max_bytes
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        # A connection inherited through fork is never used, nor closed, by the child.
        self._inherited: list[sqlite3.Connection] = []

    def _db(self) -> sqlite3.Connection:
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        if held is not None:
            self._inherited.append(held[1])
        db = self._open()
        self._local.db = (os.getpid(), db)
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; ``add`` takes the write lock itself.
        db = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            self._use_wal(db)
            db.execute(_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def _use_wal(self, db: sqlite3.Connection) -> None:
        """Switch the file to WAL (kept in the file, so done once). Two connections switching a
        new file at once can get SQLITE_BUSY without the busy handler being asked: retry."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                db.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(RETRY_SECONDS)

    def add(self, query: str) -> str:
        """The id of ``query``, stored now if it is new. Raises ``QueryTooLong`` or
        ``LinksFull`` for a text the store cannot take, ``ValueError`` for an empty one."""
        text = query.encode("utf-8")
        if not query.strip():
            raise ValueError("an empty query gets no short link")
        if len(text) > self.max_bytes:
            raise QueryTooLong(
                f"The query is {len(text)} bytes in UTF-8; a short link holds at most "
                f"{self.max_bytes}."
            )
        full = digest_id(text)
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # one writer at a time: look up and insert atomically
        try:
            link_id = self._find_or_insert(db, text, full)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return link_id

    def _find_or_insert(self, db: sqlite3.Connection, text: bytes, full: str) -> str:
        """Within the write transaction: the first prefix of ``full`` that holds ``text``, or
        the first free one, where ``text`` is then stored."""
        for length in range(ID_LENGTH, FULL_LENGTH + 1):
            link_id = full[:length]
            row = db.execute("SELECT query FROM links WHERE id = ?", (link_id,)).fetchone()
            if row is None:
                (count,) = db.execute("SELECT COUNT(*) FROM links").fetchone()
                if count >= self.max_links:
                    raise LinksFull(
                        f"The short-link store is full ({self.max_links} links); existing links "
                        "keep working, but no new one can be made."
                    )
                db.execute(
                    "INSERT INTO links (id, query, created) VALUES (?, ?, ?)",
                    (link_id, text, time.time()),
                )
                return link_id
            if bytes(row[0]) == text:
                return link_id
        raise RuntimeError("SHA-256 collision between two stored queries")  # pragma: no cover

    def get(self, link_id: str) -> str | None:
        """The query stored under ``link_id``, or None."""
        if not valid_id(link_id):
            return None
        row = self._db().execute("SELECT query FROM links WHERE id = ?", (link_id,)).fetchone()
        return None if row is None else bytes(row[0]).decode("utf-8")

    def find(self, query: str) -> str | None:
        """The id ``query`` is stored under, or None if it has no short link yet (nothing is
        written, and a store never written to stays without a file)."""
        text = query.encode("utf-8")
        if not query.strip() or len(text) > self.max_bytes or not self.path.is_file():
            return None
        full = digest_id(text)
        db = self._db()
        for length in range(ID_LENGTH, FULL_LENGTH + 1):
            row = db.execute("SELECT query FROM links WHERE id = ?", (full[:length],)).fetchone()
            if row is None:
                return None
            if bytes(row[0]) == text:
                return full[:length]
        return None  # pragma: no cover (a SHA-256 collision)

    def count(self) -> int:
        (count,) = self._db().execute("SELECT COUNT(*) FROM links").fetchone()
        return int(count)

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if held is not None and held[0] == os.getpid():
            held[1].close()
        self._local.db = None
