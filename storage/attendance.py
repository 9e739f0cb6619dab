"""Attendance records as Teams reported them, kept per report so summaries and CSV exports need no Graph call."""

from __future__ import annotations

import sqlite_utils

from storage.db import transaction


def save_report(db: sqlite_utils.Database, webinar_id: str, report_id: str, rows: list[dict]) -> None:
    """Replace the rows of one report (a report is immutable in Teams; a re-fetch gives the same records)."""
    with transaction(db):
        db.execute("DELETE FROM attendance WHERE report_id = ?", [report_id])
        for row in rows:
            db["attendance"].insert({**row, "report_id": report_id, "webinar_id": webinar_id})


def latest_report_id(db: sqlite_utils.Database, webinar_id: str) -> str | None:
    row = db.execute("SELECT report_id FROM attendance WHERE webinar_id = ? ORDER BY report_start DESC LIMIT 1",
                     [webinar_id]).fetchone()
    return row[0] if row else None


def records(db: sqlite_utils.Database, report_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM attendance WHERE report_id = ? ORDER BY seconds DESC, name", [report_id]))


def webinar_for_report(db: sqlite_utils.Database, report_id: str) -> str | None:
    row = db.execute("SELECT webinar_id FROM attendance WHERE report_id = ? LIMIT 1", [report_id]).fetchone()
    return row[0] if row else None
