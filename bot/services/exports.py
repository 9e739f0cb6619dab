"""CSV exports of registrations and attendance, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage return) would be run as a formula by Excel and
friends; such cells get a leading apostrophe (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import io

from bot.services.runtime import Runtime
from storage import attendance, mirror

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return out.getvalue()


def attendees_csv(runtime: Runtime, report_id: str) -> str:
    rows = attendance.records(runtime.db, report_id)
    return to_csv(["name", "email", "role", "minutes", "first join (UTC)", "last leave (UTC)", "registration id"],
                  [[r["name"], r["email"], r["role"], round(r["seconds"] / 60), r["first_join"], r["last_leave"],
                    r["registration_id"]] for r in rows])


def no_shows_csv(runtime: Runtime, webinar_id: str, report_id: str) -> str:
    came = {r["registration_id"] for r in attendance.records(runtime.db, report_id) if r["registration_id"]}
    missing = [r for r in mirror.registrations_for(runtime.db, webinar_id)
               if r["status"] == "registered" and r["id"] not in came]
    return to_csv(["first name", "last name", "email", "registered (UTC)"],
                  [[r["first_name"], r["last_name"], r["email"], r["registered_at"]] for r in missing])


async def registrations_csv(runtime: Runtime, webinar_id: str) -> str:
    """Every registration with its answers (fresh from Graph) and the minutes attended in the latest report."""
    report_id = attendance.latest_report_id(runtime.db, webinar_id)
    minutes = {r["registration_id"]: round(r["seconds"] / 60)
               for r in (attendance.records(runtime.db, report_id) if report_id else []) if r["registration_id"]}
    registrations = [r async for r in runtime.graph.list_registrations(webinar_id)]
    questions = []
    for registration in registrations:
        for answer in registration.answers:
            label = answer.display_name or answer.question_id
            if label not in questions:
                questions.append(label)
    rows = []
    for r in registrations:
        answers = {(a.display_name or a.question_id): _answer_text(a) for a in r.answers}
        rows.append([r.first_name, r.last_name, r.email, r.status, r.registration_date_time,
                     r.cancelation_date_time, minutes.get(r.id, 0) if report_id else "",
                     *[answers.get(q, "") for q in questions]])
    return to_csv(["first name", "last name", "email", "status", "registered (UTC)", "cancelled (UTC)",
                   "minutes attended", *questions], rows)


def _answer_text(answer) -> str:
    if answer.boolean_value is not None:
        return "yes" if answer.boolean_value else "no"
    return "; ".join(answer.choices)
