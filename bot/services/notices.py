"""What registrants hear when something happens: `after_events` is called with every batch of domain events.

| event | registrants told | also |
|---|---|---|
| registered, waitlisted, pending approval | that registrant, by mail (Slack registrants got the registration DM) | |
| approved, off the waitlist | that registrant: DM with the join link (always), or mail with the .ics | |
| rejected, registration cancelled | that registrant (mail: .ics CANCEL for a cancellation) | |
| rescheduled | everyone registered, waitlisted or pending: old and new time, each in their own zone | reminders move; calendar SEQUENCE +1 |
| renamed | the same people | |
| webinar cancelled | the same people (mail: .ics CANCEL) | pending reminders are dropped |
| published | nobody | reminders planned; Graph subscriptions so changes and registrations are heard |
| attendance ready | registered people: attendees a thank-you, no-shows a "sorry we missed you" (each optional) | |

Apart from the join-link DM on approval, registrants only hear from webinar-bot when it sends the messages instead
of Teams (`settings.isAttendeeEmailNotificationEnabled: false`); mail also needs SMTP_URL. A failure while telling
people is logged and never undoes the change that caused it (organizer actions call this too).

Registrations made outside Slack reach webinar-bot through Graph notifications, so `watch` subscribes when a
webinar is published. With GRAPH_NOTIFICATIONS=poll only followed webinars are polled: follow a webinar (any
channel) for its outside registrants to be told.
"""

from __future__ import annotations

import logging

from bot.graph.errors import GraphError
from bot.services import reminders, subscriptions
from bot.services.events import Event, Kind
from bot.services.messenger import tell
from bot.services.recipients import LIVE, Mode, mode_of, of_webinar, one, recording_url
from bot.services.runtime import Runtime
from storage import attendance, communications, mirror

log = logging.getLogger(__name__)

# event -> message kind (bot.mail.templates / bot.ui.notices)
FOR_ONE = {Kind.REGISTERED: "registered", Kind.WAITLISTED: "waitlisted", Kind.PENDING_APPROVAL: "pending_approval",
           Kind.APPROVED: "approved", Kind.OFF_WAITLIST: "off_waitlist", Kind.REJECTED: "rejected",
           Kind.CANCELLED_REGISTRATION: "registration_cancelled"}
CONFIRMATIONS = ("registered", "waitlisted", "pending_approval")   # Slack registrants got these from the flow
JOIN_LINK = ("approved", "off_waitlist")                            # sent on Slack even when Teams e-mails
FOR_ALL = {Kind.RESCHEDULED: "rescheduled", Kind.RENAMED: "renamed", Kind.WEBINAR_CANCELLED: "webinar_cancelled"}


async def after_events(runtime: Runtime, events: list[Event]) -> None:
    for event in events:
        try:
            await handle(runtime, event)
        except Exception:  # noqa: BLE001 - telling people must never undo or block the change itself
            log.exception("registrant messages for %s failed", event.kind)


async def handle(runtime: Runtime, event: Event) -> None:
    webinar = mirror.get_webinar(runtime.db, event.webinar_id)
    if webinar is None:
        return
    mode = mode_of(runtime, webinar)
    if event.kind == Kind.PUBLISHED:
        reminders.plan(runtime, webinar["id"])
        await watch(runtime, webinar, mode)
    elif event.kind == Kind.RESCHEDULED:
        reminders.plan(runtime, webinar["id"])
        communications.raise_calendar_sequence(runtime.db, webinar["id"], event.key)
    elif event.kind == Kind.WEBINAR_CANCELLED:
        communications.drop_pending_reminders(runtime.db, webinar["id"])
    if event.kind in FOR_ONE:
        await _tell_one(runtime, webinar, event, FOR_ONE[event.kind], mode)
    elif event.kind in FOR_ALL and mode.owns_messages:
        for recipient in await of_webinar(runtime, webinar["id"], LIVE):
            await tell(runtime, webinar, recipient, FOR_ALL[event.kind], f"notice:{event.key}", mode,
                       old_start=event.data.get("old_start"), old_end=event.data.get("old_end"),
                       old_title=event.data.get("old"))
    elif event.kind == Kind.ATTENDANCE_READY and mode.owns_messages:
        await follow_up(runtime, webinar, event.data.get("report_id"), mode)


async def _tell_one(runtime: Runtime, webinar: dict, event: Event, kind: str, mode: Mode) -> None:
    if not mode.owns_messages and kind not in JOIN_LINK:
        return
    recipient = await one(runtime, webinar["id"], event.data.get("registration_id", ""))
    if recipient is None or (recipient.via == "slack" and kind in CONFIRMATIONS):
        return
    await tell(runtime, webinar, recipient, kind, f"notice:{event.key}", mode)


async def follow_up(runtime: Runtime, webinar: dict, report_id: str | None, mode: Mode) -> None:
    """Once per webinar and registrant (a second report of a re-run session sends nothing new)."""
    choices = reminders.preferences(runtime, webinar["id"])
    if not (choices.thank_attendees or choices.missed_you) or not report_id:
        return
    came = {row["registration_id"] for row in attendance.records(runtime.db, report_id) if row["registration_id"]}
    recording = await recording_url(runtime, webinar["id"])
    for recipient in await of_webinar(runtime, webinar["id"], ("registered",)):
        attended = recipient.registration_id in came
        if (attended and not choices.thank_attendees) or (not attended and not choices.missed_you):
            continue
        await tell(runtime, webinar, recipient, "thank_you" if attended else "missed_you",
                   f"follow-up:{webinar['id']}", mode, recording_url=recording)


async def watch(runtime: Runtime, webinar: dict, mode: Mode | None = None) -> None:
    """Subscribe to what the messages depend on: changes always (reminders move with the start); registrations
    and attendance reports too when webinar-bot tells registrants itself."""
    mode = mode or mode_of(runtime, webinar)
    kinds = {"changes", "registrations", "attendance"} if mode.owns_messages else {"changes"}
    try:
        await subscriptions.ensure(runtime, webinar["id"], kinds)
    except GraphError as error:
        log.warning("webinar-bot will not hear of every change to this webinar: %s", error)
