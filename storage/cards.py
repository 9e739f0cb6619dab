"""What the registration cards of a webinar show: presenters and registration page (fetched from Graph), and
the hash and version of the content the cards carry now, so an unchanged card is never re-sent."""

from __future__ import annotations

import json

import sqlite_utils

from storage.db import now_iso


def get_details(db: sqlite_utils.Database, webinar_id: str) -> dict | None:
    """The row with `presenters` decoded to a list, or None before the first fetch."""
    row = next(iter(db.query("SELECT * FROM card_details WHERE webinar_id = ?", [webinar_id])), None)
    return {**row, "presenters": json.loads(row["presenters"])} if row else None


def save_details(db: sqlite_utils.Database, webinar_id: str, presenters: list[str],
                 registration_url: str | None) -> None:
    db.execute("INSERT INTO card_details (webinar_id, presenters, registration_url, updated_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(webinar_id) DO UPDATE SET presenters = excluded.presenters, "
               "registration_url = excluded.registration_url, updated_at = excluded.updated_at",
               [webinar_id, json.dumps(presenters), registration_url, now_iso()])


def bump_version(db: sqlite_utils.Database, webinar_id: str, content_hash: str) -> int | None:
    """Record that the cards now show `content_hash`: the new version, or None when they already did."""
    row = db.execute("SELECT content_hash, version FROM card_details WHERE webinar_id = ?", [webinar_id]).fetchone()
    if row is None:
        save_details(db, webinar_id, [], None)
        row = (None, 0)
    if row[0] == content_hash:
        return None
    db.execute("UPDATE card_details SET content_hash = ?, version = ?, updated_at = ? WHERE webinar_id = ?",
               [content_hash, row[1] + 1, now_iso(), webinar_id])
    return row[1] + 1
