"""Links between Slack users and Entra users. The msal token cache is stored encrypted by the caller."""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso


def save_link(db: sqlite_utils.Database, slack_user_id: str, entra_user_id: str, upn: str,
              token_cache: bytes | None = None) -> None:
    now = now_iso()
    existing = get_link(db, slack_user_id)
    db["user_links"].upsert({"slack_user_id": slack_user_id, "entra_user_id": entra_user_id, "upn": upn,
                             "token_cache": token_cache, "updated_at": now,
                             "created_at": existing["created_at"] if existing else now}, pk="slack_user_id")


def get_link(db: sqlite_utils.Database, slack_user_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM user_links WHERE slack_user_id = ?", [slack_user_id])), None)


def link_for_entra_id(db: sqlite_utils.Database, entra_user_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM user_links WHERE entra_user_id = ?", [entra_user_id])), None)


def update_token_cache(db: sqlite_utils.Database, slack_user_id: str, token_cache: bytes) -> bool:
    """Replace the stored (encrypted) cache of an existing link only: a refresh never resurrects a logged-out user."""
    return db.execute("UPDATE user_links SET token_cache = ?, updated_at = ? WHERE slack_user_id = ?",
                      [token_cache, now_iso(), slack_user_id]).rowcount > 0


def delete_link(db: sqlite_utils.Database, slack_user_id: str) -> bool:
    return db.execute("DELETE FROM user_links WHERE slack_user_id = ?", [slack_user_id]).rowcount > 0
