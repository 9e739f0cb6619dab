"""Who may read reports and exports (organizer and co-organizers), and the files they get."""

from __future__ import annotations

import re

from bot.services import exports, files, webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from storage import attendance, audit


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "webinar"


def require_organizer(runtime: Runtime, webinar: dict, slack_user: str) -> None:
    if webinars.role_of(webinar, webinars.entra_id_of(runtime, slack_user)) is None:
        raise NotAllowed("Only the organizer or a co-organizer can see registrant and attendance details.")


async def send_attendance_csv(runtime: Runtime, report_id: str, slack_user: str, *, no_shows: bool) -> None:
    webinar_id = attendance.webinar_for_report(runtime.db, report_id)
    if webinar_id is None:
        raise UserFacingError("I don't have that attendance report any more.")
    webinar = await webinars.resolve(runtime, webinar_id, slack_user)
    require_organizer(runtime, webinar, slack_user)
    kind = "no-shows" if no_shows else "attendees"
    content = (exports.no_shows_csv(runtime, webinar_id, report_id) if no_shows
               else exports.attendees_csv(runtime, report_id))
    await files.send_to_user(runtime, slack_user, f"{_slug(webinar['title'])}-{kind}.csv", content,
                             f"{kind.capitalize()} of {escape(webinar['title'])}")
    audit.record(runtime.db, slack_user, f"export {kind}", webinar_id, report_id)


async def send_registrations_csv(runtime: Runtime, webinar_ref: str, slack_user: str) -> dict:
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    require_organizer(runtime, webinar, slack_user)
    content = await exports.registrations_csv(runtime, webinar["id"])
    await files.send_to_user(runtime, slack_user, f"{_slug(webinar['title'])}-registrations.csv", content,
                             f"Registrations of {escape(webinar['title'])}")
    audit.record(runtime.db, slack_user, "export registrations", webinar["id"])
    return webinar
