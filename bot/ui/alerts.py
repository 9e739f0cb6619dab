"""Channel posts about a followed webinar. Pure functions: event + webinar row in, message arguments out."""

from __future__ import annotations

from bot.services.events import Event, Kind
from bot.ui.mrkdwn import date_token, escape, parse_utc

_REGISTRATION_LINES = {
    Kind.REGISTERED: ":white_check_mark: *{name}* registered for *{title}*",
    Kind.WAITLISTED: ":hourglass_flowing_sand: *{name}* joined the waitlist for *{title}*",
    Kind.PENDING_APPROVAL: ":raised_hand: *{name}* asked to join *{title}* (waiting for approval in Teams)",
    Kind.APPROVED: ":white_check_mark: *{name}* was approved for *{title}*",
    Kind.OFF_WAITLIST: ":tada: *{name}* moved off the waitlist for *{title}*",
    Kind.REJECTED: ":no_entry_sign: *{name}*'s registration for *{title}* was declined",
    Kind.CANCELLED_REGISTRATION: ":wave: *{name}* cancelled their registration for *{title}*",
}


def alert_line(event: Event, webinar: dict) -> str:
    """One mrkdwn line; every value that came from a person or from Graph is escaped."""
    title = escape(webinar["title"])
    if event.kind in _REGISTRATION_LINES:
        return _REGISTRATION_LINES[event.kind].format(name=escape(event.data.get("name")), title=title)
    if event.kind is Kind.RENAMED:
        return f":pencil2: *{escape(event.data['old'])}* is now called *{title}*"
    if event.kind is Kind.RESCHEDULED:
        old = date_token(parse_utc(event.data.get("old_start")))
        new = date_token(parse_utc(event.data.get("new_start")))
        return f":calendar: *{title}* moved from {old} to {new}"
    if event.kind is Kind.PUBLISHED:
        return f":mega: *{title}* is published: registration is open for {date_token(parse_utc(webinar['start_utc']))}"
    if event.kind is Kind.WEBINAR_CANCELLED:
        return f":x: *{title}* was cancelled"
    if event.kind is Kind.ATTENDANCE_READY:
        d = event.data
        rate = f" ({round(100 * d['registrants_attended'] / d['registered'])}% of registrants)" if d["registered"] else ""
        return (f":bar_chart: Attendance for *{title}*: {d['total']} participants, "
                f"{d['registrants_attended']} of {d['registered']} registrants attended{rate}")
    return f"*{title}*: {escape(event.kind.value)}"


def alert_message(event: Event, webinar: dict) -> dict:
    line = alert_line(event, webinar)
    return {
        "text": line,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": line}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"`{webinar['handle']}` · webinar-bot"}]},
        ],
        "unfurl_links": False,
    }
