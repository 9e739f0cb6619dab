"""What webinar-bot needs to talk to registrants itself: per-webinar choices, reminders, registrant details
(time zone, personal join link), calendar SEQUENCE numbers and mail opt-outs.

Times are stored as UTC strings `YYYY-MM-DDTHH:MM:SSZ`, which sort and compare as text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from storage.db import now_iso, transaction

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


# ---- choices per webinar ------------------------------------------------------------------------------------


def get_settings(db: sqlite_utils.Database, webinar_id: str) -> dict | None:
    """{"reminder_leads": [minutes...], "thank_attendees": bool, "missed_you": bool}, or None when never set."""
    row = db.execute("SELECT reminder_leads, thank_attendees, missed_you FROM communication_settings "
                     "WHERE webinar_id = ?", [webinar_id]).fetchone()
    if row is None:
        return None
    return {"reminder_leads": json.loads(row[0]), "thank_attendees": bool(row[1]), "missed_you": bool(row[2])}


def save_settings(db: sqlite_utils.Database, webinar_id: str, *, reminder_leads: list[int],
                  thank_attendees: bool, missed_you: bool) -> None:
    db["communication_settings"].upsert({
        "webinar_id": webinar_id, "reminder_leads": json.dumps(sorted(set(reminder_leads), reverse=True)),
        "thank_attendees": int(thank_attendees), "missed_you": int(missed_you), "updated_at": now_iso(),
    }, pk="webinar_id")


# ---- reminders (table from migration 1: one row per webinar and lead time) --------------------------------


def reminders_for(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM reminders WHERE webinar_id = ? ORDER BY lead_minutes DESC", [webinar_id]))


def set_reminders(db: sqlite_utils.Database, webinar_id: str, wanted: dict[int, str], now: str) -> None:
    """Make the webinar's reminders exactly `wanted` (lead minutes -> fire_at).

    A pending reminder moves with its fire time. One that already went out (or was skipped) is armed again only
    when its new time is still ahead, so a webinar moved a week later reminds people again; one left where it
    was stays done, so nothing repeats. Leads no longer wanted are removed unless they already went out.
    """
    with transaction(db):
        current = {r["lead_minutes"]: r for r in db.query("SELECT * FROM reminders WHERE webinar_id = ?",
                                                           [webinar_id])}
        for lead, fire_at in wanted.items():
            row = current.get(lead)
            if row is None:
                db.execute("INSERT INTO reminders (webinar_id, lead_minutes, fire_at, status) "
                           "VALUES (?, ?, ?, 'pending')", [webinar_id, lead, fire_at])
            elif row["fire_at"] != fire_at and (row["status"] == "pending" or fire_at > now):
                db.execute("UPDATE reminders SET fire_at = ?, status = 'pending' WHERE id = ?", [fire_at, row["id"]])
        for lead, row in current.items():
            if lead not in wanted and row["status"] == "pending":
                db.execute("DELETE FROM reminders WHERE id = ?", [row["id"]])


def drop_pending_reminders(db: sqlite_utils.Database, webinar_id: str) -> int:
    return db.execute("DELETE FROM reminders WHERE webinar_id = ? AND status = 'pending'", [webinar_id]).rowcount


def due_reminders(db: sqlite_utils.Database, now: str, limit: int = 100) -> list[dict]:
    return list(db.query("SELECT * FROM reminders WHERE status = 'pending' AND fire_at <= ? ORDER BY fire_at "
                         "LIMIT ?", [now, limit]))


def finish_reminder(db: sqlite_utils.Database, reminder_id: int, fire_at: str, status: str) -> None:
    """Mark sent or skipped, unless the reminder was moved meanwhile (then its new time still counts)."""
    db.execute("UPDATE reminders SET status = ? WHERE id = ? AND fire_at = ?", [status, reminder_id, fire_at])


def unplanned_webinar_ids(db: sqlite_utils.Database, now: str) -> list[str]:
    """Published webinars still ahead with no reminder rows and no choices made: they get the defaults."""
    rows = db.execute(
        "SELECT id FROM webinars w WHERE status = 'published' AND start_utc > ? "
        "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.webinar_id = w.id) "
        "AND NOT EXISTS (SELECT 1 FROM communication_settings s WHERE s.webinar_id = w.id)", [now]).fetchall()
    return [row[0] for row in rows]


# ---- registrant details -------------------------------------------------------------------------------------


def get_details(db: sqlite_utils.Database, registration_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM registrant_details WHERE registration_id = ?", [registration_id])),
                None)


def details_for(db: sqlite_utils.Database, webinar_id: str) -> dict[str, dict]:
    rows = db.query("SELECT * FROM registrant_details WHERE webinar_id = ?", [webinar_id])
    return {row["registration_id"]: row for row in rows}


def save_details(db: sqlite_utils.Database, registration_id: str, webinar_id: str, **values) -> None:
    """Upsert; only the given columns change (a refresh of time zones keeps a join link already known)."""
    db["registrant_details"].upsert({"registration_id": registration_id, "webinar_id": webinar_id, **values,
                                     "updated_at": now_iso()}, pk="registration_id")


# ---- calendar SEQUENCE --------------------------------------------------------------------------------------


def calendar_sequence(db: sqlite_utils.Database, webinar_id: str) -> int:
    row = db.execute("SELECT sequence FROM calendar_sequences WHERE webinar_id = ?", [webinar_id]).fetchone()
    return row[0] if row else 0


def raise_calendar_sequence(db: sqlite_utils.Database, webinar_id: str, change_key: str) -> int:
    """+1 for a change calendars must take (a new time); the same change seen again raises nothing."""
    with transaction(db):
        row = db.execute("SELECT sequence, last_change FROM calendar_sequences WHERE webinar_id = ?",
                         [webinar_id]).fetchone()
        if row and row[1] == change_key:
            return row[0]
        sequence = (row[0] if row else 0) + 1
        db.execute("INSERT INTO calendar_sequences (webinar_id, sequence, last_change) VALUES (?, ?, ?) "
                   "ON CONFLICT(webinar_id) DO UPDATE SET sequence = excluded.sequence, "
                   "last_change = excluded.last_change", [webinar_id, sequence, change_key])
    return sequence


# ---- mail opt-outs ------------------------------------------------------------------------------------------


def opt_out(db: sqlite_utils.Database, registration_id: str, webinar_id: str | None) -> None:
    db.execute("INSERT OR IGNORE INTO mail_opt_outs (registration_id, webinar_id, created_at) VALUES (?, ?, ?)",
               [registration_id, webinar_id, now_iso()])


def opted_out(db: sqlite_utils.Database, registration_id: str) -> bool:
    return db.execute("SELECT 1 FROM mail_opt_outs WHERE registration_id = ?", [registration_id]).fetchone() \
        is not None
