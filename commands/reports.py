"""`/webinar registrants|attendance|export <webinar>`: numbers and files for organizers and co-organizers."""

from __future__ import annotations

from bot.services import reports, webinars
from bot.services.attendance import fetch_latest
from bot.ui.attendance import attendance_message
from bot.ui.mrkdwn import escape
from bot.ui.reports import registrants_message
from commands.parser import Command
from storage import mirror


async def _organizers_webinar(cmd: Command, command: dict, runtime) -> dict:
    webinar = await webinars.resolve(runtime, cmd.webinar, command["user_id"])
    reports.require_organizer(runtime, webinar, command["user_id"])
    return webinar


async def registrants_command(cmd: Command, command: dict, respond, runtime) -> None:
    webinar = await _organizers_webinar(cmd, command, runtime)
    rows = mirror.registrations_for(runtime.db, webinar["id"])
    latest = [f"{r['first_name'] or ''} {r['last_name'] or ''}".strip() or r["email"]
              for r in reversed(rows) if r["status"] == "registered"][:10]
    await respond(**registrants_message(webinar, mirror.registration_counts(runtime.db, webinar["id"]), latest))


async def attendance_command(cmd: Command, command: dict, respond, runtime) -> None:
    webinar = await _organizers_webinar(cmd, command, runtime)
    summary = await fetch_latest(runtime, webinar["id"])
    if summary is None:
        await respond(response_type="ephemeral", text="No attendance report yet: Teams writes one when the "
                                                      "session ends, and I post it in following channels.")
        return
    await respond(response_type="ephemeral", **attendance_message(summary.as_dict(), webinar))


async def export_command(cmd: Command, command: dict, respond, runtime) -> None:
    webinar = await reports.send_registrations_csv(runtime, cmd.webinar, command["user_id"])
    await respond(response_type="ephemeral", text=f"I sent you the registrations of *{escape(webinar['title'])}* "
                                                  "as a CSV file in a direct message.")
