"""Pending Microsoft sign-ins: one row per `/webinar login`, keyed by the OAuth `state`, used at most once.

The flow itself (PKCE verifier, nonce) arrives here already encrypted; this module only keeps and hands it back.
"""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso, transaction


def save_flow(db: sqlite_utils.Database, state: str, slack_user_id: str, flow: bytes, expires_at: float) -> None:
    db["auth_flows"].insert({"state": state, "slack_user_id": slack_user_id, "flow": flow,
                             "created_at": now_iso(), "expires_at": expires_at})


def take_flow(db: sqlite_utils.Database, state: str) -> dict | None:
    """The flow for `state`, deleted in the same transaction: a replayed callback finds nothing."""
    with transaction(db):
        row = next(iter(db.query("SELECT * FROM auth_flows WHERE state = ?", [state])), None)
        if row:
            db.execute("DELETE FROM auth_flows WHERE state = ?", [state])
    return row


def purge_expired(db: sqlite_utils.Database, now: float) -> int:
    return db.execute("DELETE FROM auth_flows WHERE expires_at < ?", [now]).rowcount
