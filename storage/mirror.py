"""The local mirror of Graph webinars, registrations and questions: what the bot saw last, to diff against."""

from __future__ import annotations

import json

import sqlite_utils

from storage.db import now_iso, transaction


def save_webinar(db: sqlite_utils.Database, *, id: str, title: str, status: str, start_utc: str | None,
                 end_utc: str | None, organizer_entra_id: str | None, raw: dict,
                 organizer_slack_id: str | None = None) -> dict:
    """Insert or update a webinar; returns the stored row as it was *before* (empty dict if new).

    A new webinar gets the next short handle (w1, w2, ...) that people type instead of Graph's long id.
    """
    with transaction(db):
        before = get_webinar(db, id) or {}
        row = {"id": id, "title": title, "status": status, "start_utc": start_utc, "end_utc": end_utc,
               "organizer_entra_id": organizer_entra_id, "raw": json.dumps(raw), "synced_at": now_iso()}
        if organizer_slack_id:
            row["organizer_slack_id"] = organizer_slack_id
        if before:
            db["webinars"].update(id, row)
        else:
            row["handle"] = f"w{_next(db, 'webinar_handle')}"
            db["webinars"].insert(row)
    return before


def get_webinar(db: sqlite_utils.Database, ref: str) -> dict | None:
    """By Graph id or by handle (case-insensitive)."""
    rows = db.query("SELECT * FROM webinars WHERE id = ? OR handle = lower(?) LIMIT 1", [ref, ref.strip()])
    return next(iter(rows), None)


def list_webinars(db: sqlite_utils.Database, ids: list[str] | None = None) -> list[dict]:
    if ids is None:
        return list(db.query("SELECT * FROM webinars ORDER BY start_utc"))
    marks = ",".join("?" * len(ids))
    return list(db.query(f"SELECT * FROM webinars WHERE id IN ({marks}) ORDER BY start_utc", ids))


def save_registration(db: sqlite_utils.Database, row: dict) -> dict:
    """Upsert a registration (row keys = registrations columns); returns the previous row or {}."""
    with transaction(db):
        before = get_registration(db, row["id"]) or {}
        db["registrations"].upsert({**row, "synced_at": now_iso()}, pk="id")
    return before


def get_registration(db: sqlite_utils.Database, registration_id: str) -> dict | None:
    return next(iter(db.query("SELECT * FROM registrations WHERE id = ?", [registration_id])), None)


def registrations_for(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM registrations WHERE webinar_id = ? ORDER BY registered_at, id",
                         [webinar_id]))


def registration_counts(db: sqlite_utils.Database, webinar_id: str) -> dict[str, int]:
    rows = db.query("SELECT status, count(*) AS n FROM registrations WHERE webinar_id = ? GROUP BY status",
                    [webinar_id])
    return {row["status"]: row["n"] for row in rows}


# Registration questions (kept in step with Graph by the organizer workflow: after a list, an add, a delete)

def question_row(webinar_id: str, *, id: str, kind: str, display_name: str, answer_type: str | None = None,
                 label: str | None = None, choices: list[str] | tuple[str, ...] = (),
                 is_required: bool = False) -> dict:
    return {"id": id, "webinar_id": webinar_id, "kind": kind, "display_name": display_name,
            "answer_type": answer_type, "label": label, "choices": json.dumps(list(choices)),
            "is_required": int(bool(is_required))}


def replace_questions(db: sqlite_utils.Database, webinar_id: str, rows: list[dict]) -> None:
    """Make the mirror hold exactly these questions for the webinar (rows from ``question_row``)."""
    with transaction(db):
        db.execute("DELETE FROM questions WHERE webinar_id = ?", [webinar_id])
        if rows:
            db["questions"].insert_all(rows)


def upsert_question(db: sqlite_utils.Database, row: dict) -> None:
    db["questions"].upsert(row, pk=("webinar_id", "id"))


def remove_question(db: sqlite_utils.Database, webinar_id: str, question_id: str) -> None:
    db.execute("DELETE FROM questions WHERE webinar_id = ? AND id = ?", [webinar_id, question_id])


def questions_of(db: sqlite_utils.Database, webinar_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM questions WHERE webinar_id = ? ORDER BY rowid", [webinar_id]))


def _next(db: sqlite_utils.Database, name: str) -> int:
    db.execute("INSERT INTO counters (name, value) VALUES (?, 1) "
               "ON CONFLICT(name) DO UPDATE SET value = value + 1", [name])
    return db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()[0]
