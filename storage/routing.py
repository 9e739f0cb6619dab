"""Routes (which channel hears what about a webinar) and the registration cards posted in channels."""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso, transaction

ROUTE_KINDS = ("registrations", "changes", "attendance")
_ROUTES = ("SELECT r.*, coalesce(o.show_names, 1) AS show_names FROM routes r "
           "LEFT JOIN route_options o ON o.webinar_id = r.webinar_id AND o.channel_id = r.channel_id")


def save_route(db: sqlite_utils.Database, webinar_id: str, channel_id: str, kinds: set[str], by: str,
               show_names: bool | None = None) -> None:
    """Create or widen a route: following again with other kinds adds them. `show_names` None keeps the choice
    made before (names are shown by default)."""
    existing = get_route(db, webinar_id, channel_id)
    merged = set(kinds) | set(existing["kinds"].split(",") if existing else ())
    with transaction(db):
        db["routes"].upsert({"webinar_id": webinar_id, "channel_id": channel_id,
                             "kinds": ",".join(k for k in ROUTE_KINDS if k in merged),
                             "created_by": by, "created_at": now_iso()}, pk=("webinar_id", "channel_id"))
        if show_names is not None:
            db["route_options"].upsert({"webinar_id": webinar_id, "channel_id": channel_id,
                                        "show_names": int(show_names)}, pk=("webinar_id", "channel_id"))


def get_route(db: sqlite_utils.Database, webinar_id: str, channel_id: str) -> dict | None:
    rows = db.query(_ROUTES + " WHERE r.webinar_id = ? AND r.channel_id = ?", [webinar_id, channel_id])
    return next(iter(rows), None)


def delete_route(db: sqlite_utils.Database, webinar_id: str, channel_id: str) -> bool:
    cursor = db.execute("DELETE FROM routes WHERE webinar_id = ? AND channel_id = ?", [webinar_id, channel_id])
    return cursor.rowcount > 0


def routes_for(db: sqlite_utils.Database, webinar_id: str, kind: str | None = None) -> list[dict]:
    rows = db.query(_ROUTES + " WHERE r.webinar_id = ? ORDER BY r.created_at", [webinar_id])
    return [r for r in rows if kind is None or kind in r["kinds"].split(",")]


def followed_webinar_ids(db: sqlite_utils.Database) -> list[str]:
    return [row["webinar_id"] for row in db.query("SELECT DISTINCT webinar_id FROM routes")]


def save_card(db: sqlite_utils.Database, webinar_id: str, channel_id: str, ts: str) -> None:
    now = now_iso()
    db["cards"].upsert({"webinar_id": webinar_id, "channel_id": channel_id, "ts": ts,
                        "created_at": now, "updated_at": now}, pk=("webinar_id", "channel_id"))


def card_for(db: sqlite_utils.Database, webinar_id: str, channel_id: str) -> dict | None:
    rows = db.query("SELECT * FROM cards WHERE webinar_id = ? AND channel_id = ?", [webinar_id, channel_id])
    return next(iter(rows), None)


def cards_for(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    """Every registration card posted for a webinar, oldest first."""
    return list(db.query("SELECT * FROM cards WHERE webinar_id = ? ORDER BY created_at", [webinar_id]))
