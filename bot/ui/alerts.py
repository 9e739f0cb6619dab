"""Channel posts about a followed webinar. Pure functions: event + webinar row in, message arguments out."""

from __future__ import annotations

from bot.services.events import Event, Kind
from bot.ui.attendance import attendance_message
from bot.ui.mrkdwn import date_token, escape, parse_utc, plain

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
        rate = f" ({round(100 * d['attended'] / d['registered'])}%)" if d["registered"] else ""
        return f":bar_chart: Attendance for *{title}*: {d['attended']} of {d['registered']} registrants came{rate}"
    return f"*{title}*: {escape(event.kind.value)}"


def alert_message(event: Event, webinar: dict, show_names: bool = True) -> dict:
    """The post for one event. `alert` keeps the raw facts so several alerts can become one digest.
    `show_names=False` (a route's `no-names`) keeps people's names out of attendance summaries."""
    if event.kind is Kind.ATTENDANCE_READY:
        return attendance_message(event.data, webinar, show_names=show_names)
    line = alert_line(event, webinar)
    return {
        "text": line,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": line}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"`{webinar['handle']}` · webinar-bot"}]},
        ],
        "unfurl_links": False,
        "alert": {"kind": event.kind.value, "name": event.data.get("name"), "line": line,
                  "webinar_id": event.webinar_id, "title": webinar["title"], "handle": webinar["handle"]},
    }


NAMES_SHOWN = 10
WEBINARS_SHOWN = 10
_DIGEST_LABELS = {
    Kind.REGISTERED: (":white_check_mark:", "new registration", "new registrations"),
    Kind.WAITLISTED: (":hourglass_flowing_sand:", "joined the waitlist", "joined the waitlist"),
    Kind.PENDING_APPROVAL: (":raised_hand:", "waiting for approval", "waiting for approval"),
    Kind.APPROVED: (":white_check_mark:", "approved", "approved"),
    Kind.OFF_WAITLIST: (":tada:", "moved off the waitlist", "moved off the waitlist"),
    Kind.REJECTED: (":no_entry_sign:", "declined", "declined"),
    Kind.CANCELLED_REGISTRATION: (":wave:", "cancellation", "cancellations"),
}


def digest_message(payloads: list[dict]) -> dict:
    """One post for many pending alerts of one channel and thread: counts per kind, the first names, the rest
    counted ("and 13 more"). Other alerts (renamed, attendance, ...) keep their own line."""
    by_webinar: dict[str, list[dict]] = {}
    for payload in payloads:
        by_webinar.setdefault(payload["alert"]["webinar_id"], []).append(payload["alert"])
    sections = [_digest_section(alerts) for alerts in list(by_webinar.values())[:WEBINARS_SHOWN]]
    if len(by_webinar) > WEBINARS_SHOWN:
        rest = sum(len(a) for a in list(by_webinar.values())[WEBINARS_SHOWN:])
        sections.append(f"…and {rest} more updates about {len(by_webinar) - WEBINARS_SHOWN} other webinars")
    first = payloads[0]
    message = {
        "channel": first["channel"],
        "text": f"{len(payloads)} updates: " + sections[0].split("\n", 1)[0],
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in sections]
        + [{"type": "context", "elements": [{"type": "mrkdwn", "text":
            f"{len(payloads)} updates since the last post · webinar-bot"}]}],
        "unfurl_links": False,
    }
    if first.get("thread_ts"):
        message["thread_ts"] = first["thread_ts"]
    return message


def _digest_section(alerts: list[dict]) -> str:
    lines = [f"*{escape(alerts[0]['title'])}* `{alerts[0]['handle']}`: {len(alerts)} updates"]
    by_kind: dict[str, list[dict]] = {}
    for alert in alerts:
        by_kind.setdefault(alert["kind"], []).append(alert)
    for kind, group in by_kind.items():
        label = _DIGEST_LABELS.get(Kind(kind))
        if label is None:
            lines.extend(a["line"] for a in group[:NAMES_SHOWN])
            continue
        emoji, one, many = label
        names = ", ".join(escape(plain(a["name"], 60)) for a in group[:NAMES_SHOWN])
        more = f" and {len(group) - NAMES_SHOWN} more" if len(group) > NAMES_SHOWN else ""
        lines.append(f"{emoji} {len(group)} {one if len(group) == 1 else many}: {names}{more}")
    return "\n".join(lines)
