"""Turn a notification into domain events: GET the resource it names, diff it with the mirror, save it.

Graph notifications for virtual events carry no resource data and say nothing about what changed, so the only
truth is a fresh GET compared with what the bot recorded before. The same diff serves a full resync (after a
`missed` lifecycle event, or in poll mode): only what changed is emitted, so replays are harmless.
"""

from __future__ import annotations

import logging
import re

from bot.graph.errors import NotFound
from bot.graph.models import Registration
from bot.services import alerts, attendance, webinars
from bot.services.events import Event, Kind
from bot.services.runtime import Runtime
from storage import mirror
from storage.db import transaction

log = logging.getLogger(__name__)

_PREFIX = r"^solutions/virtualevents/(?:webinars|events)/(?P<webinar>[^/]+)"
_REGISTRATION = re.compile(_PREFIX + r"/registrations/(?P<registration>[^/]+)$", re.I)
_REPORT = re.compile(_PREFIX + r"/sessions/(?P<session>[^/]+)/attendancereports/(?P<report>[^/]+)$", re.I)
_WEBINAR = re.compile(_PREFIX + r"$", re.I)


def resource_path(item: dict) -> str:
    """The path a notification points at, normalised: no leading or trailing '/'.

    `@odata.id` is the full path for every virtual-event notification; `resourceData.id` is a path too, except
    for attendance reports where it is the bare report id appended to `resource`.
    """
    data = item.get("resourceData") or {}
    path = data.get("@odata.id") or data.get("id") or ""
    if "/" not in path:
        path = f"{item.get('resource', '').strip('/')}/{path}"
    return path.strip().strip("/")


async def handle_change(runtime: Runtime, item: dict) -> list[Event]:
    path = resource_path(item)
    if match := _REGISTRATION.match(path):
        return await sync_registration(runtime, match["webinar"], match["registration"])
    if match := _REPORT.match(path):
        return await attendance_ready(runtime, match["webinar"], match["session"], match["report"])
    if match := _WEBINAR.match(path):
        return await sync_webinar(runtime, match["webinar"])
    log.warning("ignoring a notification for an unrecognised resource", extra={"fields": {"path": path}})
    return []


async def sync_webinar(runtime: Runtime, webinar_id: str) -> list[Event]:
    webinar = await runtime.graph.get_webinar(webinar_id)
    before = webinars.save(runtime, webinar)
    return webinar_events(before, webinars.row(runtime, webinar.id)) if before else []


def webinar_events(before: dict, after: dict) -> list[Event]:
    """What changed between two mirror rows of the same webinar."""
    wid, events = after["id"], []
    if before["status"] != after["status"]:
        if after["status"] == "published":
            events.append(Event(Kind.PUBLISHED, wid, f"webinar:{wid}:published"))
        elif after["status"] == "canceled":
            events.append(Event(Kind.WEBINAR_CANCELLED, wid, f"webinar:{wid}:canceled"))
    if before["title"] != after["title"]:
        events.append(Event(Kind.RENAMED, wid, f"webinar:{wid}:title:{after['title']}",
                            {"old": before["title"], "new": after["title"]}))
    if (before["start_utc"], before["end_utc"]) != (after["start_utc"], after["end_utc"]):
        events.append(Event(Kind.RESCHEDULED, wid, f"webinar:{wid}:time:{after['start_utc']}-{after['end_utc']}",
                            {"old_start": before["start_utc"], "new_start": after["start_utc"],
                             "old_end": before["end_utc"], "new_end": after["end_utc"]}))
    return events


async def ensure_mirrored(runtime: Runtime, webinar_id: str) -> dict:
    row = mirror.get_webinar(runtime.db, webinar_id)
    if row is None:
        webinars.save(runtime, await runtime.graph.get_webinar(webinar_id))
        row = mirror.get_webinar(runtime.db, webinar_id)
    return row


async def sync_registration(runtime: Runtime, webinar_id: str, registration_id: str) -> list[Event]:
    webinar = await ensure_mirrored(runtime, webinar_id)
    try:
        registration = await runtime.graph.get_registration(webinar["id"], registration_id)
    except NotFound:
        log.info("registration is gone before we could read it", extra={"fields": {"id": registration_id}})
        return []
    return record_registration(runtime, webinar["id"], registration)


def record_registration(runtime: Runtime, webinar_id: str, registration: Registration) -> list[Event]:
    """Save one registration and return the event its status change means (if any)."""
    row = {
        "id": registration.id, "webinar_id": webinar_id, "email": registration.email,
        "first_name": registration.first_name, "last_name": registration.last_name,
        "status": registration.status, "entra_user_id": registration.user_id,
        "registered_at": webinars.iso(registration.registration_date_time),
        "canceled_at": webinars.iso(registration.cancelation_date_time),
    }
    # The mirror change and the alerts it implies commit together: after a crash between two separate writes the
    # re-run would find the mirror already current and the news would be lost. `announce` routes them again later,
    # which the outbox keys make a no-op.
    with transaction(runtime.db):
        before = mirror.save_registration(runtime.db, row)
        events = registration_events(before, row)
        alerts.route_events(runtime, events)
    return events


_NEW_STATUS = {
    "registered": Kind.REGISTERED, "waitlisted": Kind.WAITLISTED, "pendingApproval": Kind.PENDING_APPROVAL,
    "rejectedByOrganizer": Kind.REJECTED, "canceled": Kind.CANCELLED_REGISTRATION,
}


def registration_events(before: dict, after: dict) -> list[Event]:
    old, new = before.get("status"), after["status"]
    if old == new or new not in _NEW_STATUS or (old is None and new == "canceled"):
        return []  # unchanged, unknown, or came and went between two looks: no news
    kind = _NEW_STATUS[new]
    if new == "registered" and old == "pendingApproval":
        kind = Kind.APPROVED
    elif new == "registered" and old == "waitlisted":
        kind = Kind.OFF_WAITLIST
    name = " ".join(filter(None, [after.get("first_name"), after.get("last_name")])) or "Someone"
    key = f"registration:{after['id']}:{old or 'new'}->{new}"
    return [Event(kind, after["webinar_id"], key, {"name": name, "registration_id": after["id"]})]


async def resync(runtime: Runtime, webinar_id: str) -> list[Event]:
    """Compare everything Graph has for a webinar with the mirror; emit only differences."""
    events = await sync_webinar(runtime, webinar_id)
    async for registration in runtime.graph.list_registrations(webinar_id):
        events += record_registration(runtime, webinar_id, registration)
    return events


async def attendance_ready(runtime: Runtime, webinar_id: str, session_id: str, report_id: str) -> list[Event]:
    webinar = await ensure_mirrored(runtime, webinar_id)
    summary = await attendance.fetch_report(runtime, webinar["id"], session_id, report_id)
    return [Event(Kind.ATTENDANCE_READY, webinar["id"], f"attendance:{report_id}", summary.as_dict())]
