"""Transactions on one SQLite connection, and the small helpers every reader and writer shares.

Every write unit runs in :func:`write_transaction` (``BEGIN IMMEDIATE``, a savepoint when
nested); a lock held past the connection's busy timeout raises
:class:`~attribution.errors.DatabaseBusy`. Several SELECTs that must agree run in one
:func:`read_transaction`. This module sits below everything that touches the database.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlite_utils import Database

from .errors import DatabaseBusy

DEFAULT_BUSY_TIMEOUT_MS = 5000


def utc_now() -> str:
    """Current time as ISO-8601 UTC with offset and microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def fold(text: str) -> str:
    """Lookup key: accents stripped, case-folded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def short_hash(*parts: object, length: int = 16) -> str:
    """Deterministic id from parts joined by a unit separator."""
    joined = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def is_busy(error: BaseException) -> bool:
    """SQLite gave up waiting for another connection's lock."""
    message = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in message or "busy" in message)


def is_fatal(error: BaseException) -> bool:
    """Errors no later document can escape: disk full, I/O, read-only database."""
    message = str(error).lower()
    return any(part in message for part in ("full", "disk i/o", "readonly", "read-only"))


def busy_error(db: Database | None, error: BaseException, what: str = "") -> DatabaseBusy:
    """What to tell the user when a lock was held too long: where, for how long, what was not written."""
    timeout = getattr(db, "busy_timeout_ms", DEFAULT_BUSY_TIMEOUT_MS) if db else 0
    where = f" {db.path}" if db is not None and getattr(db, "path", None) else ""
    detail = f"; nothing was written for {what}" if what else "; nothing was written"
    return DatabaseBusy(
        f"database{where} is busy (held by another process for > {timeout / 1000:g} s){detail}; re-run to continue"
    )


@contextmanager
def write_transaction(db: Database, *, what: str = "") -> Iterator[Database]:
    """One write unit: ``BEGIN IMMEDIATE`` ... ``COMMIT`` (a savepoint when nested).

    A lock not obtained within busy_timeout raises DatabaseBusy; any exception rolls the
    whole unit back.
    """
    conn = db.conn
    if conn.in_transaction:
        savepoint = f"attribution_{secrets.token_hex(6)}"
        conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if is_busy(error):
            raise busy_error(db, error, what) from None
        raise
    try:
        yield db
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_busy(error):
            raise busy_error(db, error, what) from None
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_busy(error):
            raise busy_error(db, error, what) from None
        raise


@contextmanager
def read_transaction(db: Database) -> Iterator[Database]:
    """One consistent snapshot for several SELECTs (never write inside it)."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        yield db
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
