"""Deliver one message to one registrant: a Slack DM or an e-mail, queued in the durable outbox under a key.

The key names the occasion (a change, a reminder instant, the follow-up of a webinar) and the registration, so
the same occasion seen twice (a replayed notification, a restart) queues nothing new. Both notices and reminders
come through here, so a registrant reads the same words whichever way they are reached.
"""

from __future__ import annotations

from datetime import UTC

from bot.durations import describe
from bot.graph import timezones
from bot.mail import compose, delivery, templates, unsubscribe
from bot.mail.smtp import SmtpConfig
from bot.services.recipients import Mode, Recipient, join_url
from bot.services.runtime import Runtime
from bot.ui import ics
from bot.ui.mrkdwn import parse_utc
from bot.ui.notices import registrant_notice
from storage import communications, queues

JOIN_KINDS = ("registered", "approved", "off_waitlist", "rescheduled", "reminder")


async def tell(runtime: Runtime, webinar: dict, recipient: Recipient, kind: str, key: str, mode: Mode, *,
               old_start: str | None = None, old_end: str | None = None, old_title: str | None = None,
               lead_minutes: int | None = None,
               recording_url: str | None = None) -> str | None:
    """Queue `kind` for `recipient`; returns "slack", "mail", or None when there is no way (or no need)."""
    via = recipient.via
    if via == "mail" and not mode.mail:
        return None
    if via is None:
        return None
    link = await join_url(runtime, recipient) if kind in JOIN_KINDS else None
    if via == "slack":
        message = registrant_notice(kind, webinar, join_url=link, old_start=old_start, old_end=old_end,
                                    old_title=old_title, lead_minutes=lead_minutes, recording_url=recording_url)
        queued = queues.enqueue(runtime.db, f"{key}:{recipient.registration_id}", recipient.slack_user_id,
                                "chat.postMessage", {"channel": recipient.slack_user_id, **message})
        if queued:
            runtime.outbox_wakeup.set()
        return via
    values = {"name": recipient.first_name or recipient.name, "title": webinar["title"],
              "old_title": old_title, "lead": describe(lead_minutes or 0), "join_url": link,
              "recording_url": recording_url,
              "start": local_time(webinar.get("start_utc"), webinar.get("end_utc"), recipient.time_zone),
              "old_start": local_time(old_start, old_end, recipient.time_zone)}
    values["new_start"] = values["start"]
    mail = mail_for(runtime, webinar, recipient, kind, values)
    delivery.queue(runtime, f"{key}:{recipient.registration_id}:mail", registration_id=recipient.registration_id,
                   to=recipient.email, message=mail)
    return via


def mail_for(runtime: Runtime, webinar: dict, recipient: Recipient, kind: str, values: dict):
    """The finished EmailMessage: text and HTML from the template, the .ics when the template asks for one."""
    settings = runtime.settings
    sender = SmtpConfig.from_url(settings.smtp_url).sender
    link = unsubscribe.link(settings.public_url, settings.secret_key, recipient.registration_id)
    rendered = templates.render(kind, values, unsubscribe_url=link)
    calendar = None
    if rendered.calendar:
        calendar = calendar_for(runtime, webinar, recipient, rendered.calendar, values.get("join_url"), sender)
    return compose.build(rendered, sender=sender, to=recipient.email, to_name=recipient.name, calendar=calendar,
                         unsubscribe_url=link)


def calendar_for(runtime: Runtime, webinar: dict, recipient: Recipient, method: str, link: str | None,
                 sender: str) -> str | None:
    """REQUEST at the webinar's current SEQUENCE, CANCEL one higher; the UID is the one the Slack .ics uses."""
    start, end = parse_utc(webinar.get("start_utc")), parse_utc(webinar.get("end_utc"))
    if not (start and end):
        return None
    sequence = communications.calendar_sequence(runtime.db, webinar["id"]) + (method == "CANCEL")
    return ics.calendar(ics.Invitation(
        uid=f"{recipient.registration_id}@webinar-bot", title=webinar["title"], start=start, end=end,
        join_url=link, description=f"Microsoft Teams webinar: {webinar['title']}", organizer_name="Webinars",
        organizer_email=sender, attendee_name=recipient.name, attendee_email=recipient.email,
        sequence=sequence, method=method))


def local_time(start_utc: str | None, end_utc: str | None, zone_name: str | None) -> str:
    """"Monday 30 March 2026, 10:00–11:00 (W. Europe Standard Time)" in the registrant's preferred zone."""
    start, end = parse_utc(start_utc), parse_utc(end_utc)
    if start is None:
        return ""
    zone = timezones.zone_for(zone_name) if zone_name else None
    label = zone_name if zone else "UTC"
    zone = zone or UTC
    local = start.astimezone(zone)
    text = f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"
    if end is not None:
        text += f"–{end.astimezone(zone):%H:%M}"
    return f"{text} ({label})"
