"""Open the SQLite database the way the whole app expects it: WAL, foreign keys, a busy timeout, migrated."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlite_utils

from storage.migrations import migrate

# How long a write waits for another writer (a backup, an admin query). The app is one event loop, so a wait
# stalls everything: 1 s keeps a Graph webhook answer (503, redelivered) inside Graph's 3-second allowance and a
# Slack ack inside its 3 seconds; the queues retry what could not be written.
BUSY_TIMEOUT_MS = 1000
# Graph's webhook deliveries can arrive several a second; while another process holds the database each would
# block the loop for the busy timeout. Their own connection gives up quickly and answers 503 (Graph redelivers).
WEBHOOK_BUSY_TIMEOUT_MS = 250


def open_database(path: str, *, run_migrations: bool = True,
                  busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite_utils.Database:
    """A connection in autocommit mode; use ``transaction(db)`` to group writes.

    ``check_same_thread=False`` because the app's event loop and the test (or demo) thread each hold their own
    connection but Starlette may hand a request to a worker thread; SQLite itself serialises writers.
    """
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if run_migrations:
        migrate(db)
    return db


@contextmanager
def transaction(db: sqlite_utils.Database):
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error: takes the write lock up front so it can't deadlock.

    Inside another transaction it is a savepoint: the outer one decides, so a caller can make several repository
    writes (a mirror change and the alerts it implies) land together or not at all.
    """
    if db.conn.in_transaction:
        with _savepoint(db):
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


@contextmanager
def _savepoint(db: sqlite_utils.Database):
    db.conn.execute("SAVEPOINT nested")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK TO nested")
        db.conn.execute("RELEASE nested")
        raise
    db.conn.execute("RELEASE nested")


def now_iso() -> str:
    """UTC timestamps as sortable ISO strings, the one format stored in every table."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_writable(db: sqlite_utils.Database) -> bool:
    """True when a write goes through (the health check's question)."""
    try:
        db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _health (x)")
        db.conn.execute("INSERT INTO _health VALUES (1)")
        db.conn.execute("DELETE FROM _health")
        db.conn.execute("UPDATE schema_migrations SET name = name WHERE number = 0")
        return True
    except sqlite3.Error:
        return False
