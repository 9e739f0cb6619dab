"""Attendance after a session: fetch Teams' report, join it to registrations, summarise it.

Records are joined to registrations by `registrationId` and, where Graph leaves that null (organizer,
presenters, older reports), by e-mail. What remains unmatched is a walk-in.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from bot.graph.models import AttendanceReport
from bot.services.runtime import Runtime
from bot.services.webinars import iso
from bot.ui.mrkdwn import parse_utc
from storage import attendance, mirror

LATE_AFTER = timedelta(minutes=10)
TOP = 5


@dataclass(frozen=True)
class AttendanceSummary:
    report_id: str
    registered: int                 # registrations in status "registered"
    attended: int                   # of those, how many joined
    participants: int               # everyone Teams counted, organizer and walk-ins included
    median_minutes: float
    total_minutes: int
    late_joiners: list[str] = field(default_factory=list)
    no_shows: list[str] = field(default_factory=list)
    top: list[tuple[str, int]] = field(default_factory=list)   # (name, minutes)

    @property
    def rate(self) -> float | None:
        return self.attended / self.registered if self.registered else None

    def as_dict(self) -> dict:
        return asdict(self)


async def fetch_report(runtime: Runtime, webinar_id: str, session_id: str, report_id: str) -> AttendanceSummary:
    report = await runtime.graph.get_attendance_report(webinar_id, session_id, report_id, expand_records=True)
    registrations = mirror.registrations_for(runtime.db, webinar_id)
    attendance.save_report(runtime.db, webinar_id, report_id, join_records(report, registrations))
    webinar = mirror.get_webinar(runtime.db, webinar_id)
    return summarize(report_id, attendance.records(runtime.db, report_id), registrations,
                     parse_utc(webinar["start_utc"]) if webinar else None)


def join_records(report: AttendanceReport, registrations: list[dict]) -> list[dict]:
    by_id = {r["id"]: r for r in registrations}
    by_email = {(r["email"] or "").lower(): r for r in registrations if r["email"]}
    rows = []
    for n, record in enumerate(report.records):
        email = (record.email_address or "").lower()
        registration = by_id.get(record.registration_id or "") or (by_email.get(email) if email else None)
        joins = [i.join_date_time for i in record.intervals if i.join_date_time]
        leaves = [i.leave_date_time for i in record.intervals if i.leave_date_time]
        name = (record.identity.display_name if record.identity else None) or record.email_address or "Unknown"
        rows.append({
            "record_key": record.id or email or f"record-{n}",
            "registration_id": registration["id"] if registration else None,
            "email": record.email_address, "name": name, "role": record.role,
            "seconds": record.total_attendance_in_seconds or 0,
            "first_join": iso(min(joins)) if joins else None, "last_leave": iso(max(leaves)) if leaves else None,
            "report_start": iso(report.meeting_start_date_time),
        })
    return rows


def summarize(report_id: str, rows: list[dict], registrations: list[dict],
              scheduled_start: datetime | None) -> AttendanceSummary:
    expected = {r["id"]: r for r in registrations if r["status"] == "registered"}
    attendees = [r for r in rows if (r["role"] or "").lower() == "attendee"]
    came = {r["registration_id"] for r in attendees if r["registration_id"] in expected}
    start = scheduled_start or parse_utc(rows[0]["report_start"] if rows else None)
    late = [r["name"] for r in attendees
            if start and r["first_join"] and parse_utc(r["first_join"]) > start + LATE_AFTER]
    minutes = [r["seconds"] / 60 for r in attendees]
    no_shows = [_name(r) for rid, r in expected.items() if rid not in came]
    top = sorted(attendees, key=lambda r: -r["seconds"])[:TOP]
    return AttendanceSummary(
        report_id=report_id, registered=len(expected), attended=len(came), participants=len(rows),
        median_minutes=round(statistics.median(minutes), 1) if minutes else 0.0,
        total_minutes=round(sum(minutes)), late_joiners=late, no_shows=no_shows,
        top=[(r["name"], round(r["seconds"] / 60)) for r in top],
    )


def _name(registration: dict) -> str:
    return " ".join(filter(None, [registration["first_name"], registration["last_name"]])) or registration["email"]


async def fetch_latest(runtime: Runtime, webinar_id: str) -> AttendanceSummary | None:
    """The newest report of the webinar's session (Graph lists at most the 50 newest), or None before any."""
    found = [(session.id, report) async for session in runtime.graph.list_sessions(webinar_id)
             async for report in runtime.graph.list_attendance_reports(webinar_id, session.id)]
    if not found:
        return None
    session_id, report = max(found, key=lambda pair: pair[1].meeting_end_date_time or datetime.min.replace(tzinfo=UTC))
    return await fetch_report(runtime, webinar_id, session_id, report.id)
