"""The two durable queues: `inbox` (Graph notifications in) and `outbox` (Slack calls out).

Both are processed at least once; the inbox drops duplicates while they wait and the outbox is idempotent by key,
so a crash between "done" and "marked done" re-runs work without repeating its effect.
"""

from __future__ import annotations

import json
import sqlite3
import time

import sqlite_utils

from storage.db import now_iso, transaction

# ---- inbox -------------------------------------------------------------------------------------------------


def add_to_inbox(db: sqlite_utils.Database, items: list[dict]) -> int:
    """Store notification items (keys: dedupe_key, subscription_id, kind, body); returns how many were new."""
    added = 0
    with transaction(db):
        for item in items:
            cursor = db.execute(
                "INSERT OR IGNORE INTO inbox (dedupe_key, subscription_id, kind, body, received_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [item["dedupe_key"], item.get("subscription_id"), item["kind"], json.dumps(item["body"]), now_iso()],
            )
            added += cursor.rowcount
    return added


def due_inbox(db: sqlite_utils.Database, limit: int = 50, now: float | None = None) -> list[dict]:
    now = time.time() if now is None else now
    rows = db.query("SELECT * FROM inbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                    [now, limit])
    return [{**row, "body": json.loads(row["body"])} for row in rows]


def finish_inbox(db: sqlite_utils.Database, item_id: int) -> None:
    """Mark done. If an identical item arrived meanwhile, it stays pending and is processed again (safe)."""
    db.execute("UPDATE inbox SET status = 'done', attempts = attempts + 1 WHERE id = ?", [item_id])


def retry_inbox(db: sqlite_utils.Database, item_id: int, error: str, delay: float, max_attempts: int) -> bool:
    """Schedule another attempt; park the item after max_attempts. Returns True when parked."""
    row = db.execute("SELECT attempts FROM inbox WHERE id = ?", [item_id]).fetchone()
    attempts = (row[0] if row else 0) + 1
    parked = attempts >= max_attempts
    try:
        db.execute("UPDATE inbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ? WHERE id = ?",
                   [attempts, error[:500], time.time() + delay, "parked" if parked else "pending", item_id])
    except sqlite3.IntegrityError:
        # An identical item is already pending: this one is redundant.
        db.execute("UPDATE inbox SET status = 'done', last_error = ? WHERE id = ?", [error[:500], item_id])
    return parked


def inbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {row["status"]: row["n"] for row in db.query("SELECT status, count(*) AS n FROM inbox GROUP BY status")}


# ---- outbox ------------------------------------------------------------------------------------------------


def enqueue(db: sqlite_utils.Database, key: str, channel_id: str, method: str, payload: dict) -> bool:
    """Queue one Slack call unless the same key was queued before; True when it is new."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO outbox (key, channel_id, method, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        [key, channel_id, method, json.dumps(payload), now_iso()],
    )
    return cursor.rowcount > 0


def due_outbox(db: sqlite_utils.Database, limit: int = 100, now: float | None = None) -> list[dict]:
    now = time.time() if now is None else now
    rows = db.query("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                    [now, limit])
    return [{**row, "payload": json.loads(row["payload"])} for row in rows]


def mark_sent(db: sqlite_utils.Database, item_ids: list[int], ts: str | None) -> None:
    """Mark one call, or every alert a digest carried, as sent by the same Slack message."""
    with transaction(db):
        for item_id in item_ids:
            db.execute("UPDATE outbox SET status = 'sent', attempts = attempts + 1, result_ts = ?, sent_at = ? "
                       "WHERE id = ?", [ts, now_iso(), item_id])


def retry_outbox(db: sqlite_utils.Database, item_id: int, error: str, at: float, max_attempts: int) -> bool:
    """Try again at `at`; give up (status failed) after max_attempts. Returns True when it gave up."""
    row = db.execute("SELECT attempts FROM outbox WHERE id = ?", [item_id]).fetchone()
    attempts = (row[0] if row else 0) + 1
    failed = attempts >= max_attempts
    db.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ? WHERE id = ?",
               [attempts, error[:500], at, "failed" if failed else "pending", item_id])
    return failed


def postpone_channel(db: sqlite_utils.Database, channel_id: str, until: float) -> None:
    """Slack said 429 for this channel: nothing pending for it goes out before `until`."""
    db.execute("UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?) "
               "WHERE channel_id = ? AND status = 'pending'", [until, channel_id])


def sent_ts(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT result_ts FROM outbox WHERE key = ? AND status = 'sent'", [key]).fetchone()
    return row[0] if row else None


def outbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {row["status"]: row["n"] for row in db.query("SELECT status, count(*) AS n FROM outbox GROUP BY status")}
