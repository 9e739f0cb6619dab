"""Graph change-notification subscriptions the bot holds, with the clientState secret of each."""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso


def save_subscription(db: sqlite_utils.Database, *, id: str, webinar_id: str, resource: str, change_type: str,
                      client_state: str, expires_at: str) -> None:
    db["subscriptions"].upsert({"id": id, "webinar_id": webinar_id, "resource": resource,
                                "change_type": change_type, "client_state": client_state,
                                "expires_at": expires_at, "created_at": now_iso()}, pk="id")


def get_subscription(db: sqlite_utils.Database, subscription_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM subscriptions WHERE id = ?", [subscription_id])), None)


def subscriptions_for(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM subscriptions WHERE webinar_id = ?", [webinar_id]))


def client_states(db: sqlite_utils.Database, subscription_ids: set[str]) -> dict[str, str]:
    """subscription id -> clientState, for the ids of one notification batch."""
    if not subscription_ids:
        return {}
    marks = ",".join("?" * len(subscription_ids))
    rows = db.query(f"SELECT id, client_state FROM subscriptions WHERE id IN ({marks})", list(subscription_ids))
    return {row["id"]: row["client_state"] for row in rows}


def set_expiry(db: sqlite_utils.Database, subscription_id: str, expires_at: str) -> None:
    db.execute("UPDATE subscriptions SET expires_at = ? WHERE id = ?", [expires_at, subscription_id])


def expiring_before(db: sqlite_utils.Database, when_iso: str) -> list[dict]:
    return list(db.query("SELECT * FROM subscriptions WHERE expires_at < ? ORDER BY expires_at", [when_iso]))


def delete_subscription(db: sqlite_utils.Database, subscription_id: str) -> None:
    db.execute("DELETE FROM subscriptions WHERE id = ?", [subscription_id])
