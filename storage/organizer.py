"""Organizer-side bookkeeping: the DM confirmation card of each webinar, and "post a card there" wishes.

The DM card is kept so that publishing, editing or cancelling (from anywhere) updates the one message the
organizer already has instead of sending a new one. A card wish is made in the create form, for a draft; it is
fulfilled (and forgotten) when the webinar is published, because only a published webinar takes registrations.
"""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso


def save_dm_card(db: sqlite_utils.Database, webinar_id: str, slack_user_id: str, channel_id: str, ts: str) -> None:
    db["organizer_cards"].upsert({"webinar_id": webinar_id, "slack_user_id": slack_user_id,
                                  "channel_id": channel_id, "ts": ts, "updated_at": now_iso()},
                                 pk=("webinar_id", "slack_user_id"))


def dm_cards(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM organizer_cards WHERE webinar_id = ?", [webinar_id]))


def request_card(db: sqlite_utils.Database, webinar_id: str, channel_id: str, requested_by: str) -> None:
    db["card_requests"].upsert({"webinar_id": webinar_id, "channel_id": channel_id, "requested_by": requested_by,
                                "created_at": now_iso()}, pk="webinar_id")


def card_request(db: sqlite_utils.Database, webinar_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM card_requests WHERE webinar_id = ?", [webinar_id])), None)


def forget_card_request(db: sqlite_utils.Database, webinar_id: str) -> None:
    db.execute("DELETE FROM card_requests WHERE webinar_id = ?", [webinar_id])
