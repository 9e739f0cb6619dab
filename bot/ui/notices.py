"""Block Kit for webinar-bot's own messages: registrant DMs (status changes, changes to the webinar, reminders,
follow-ups), the "starting soon" channel post, the `/webinar remind` answer, and the modal inputs that choose them.

Pure builders. Times are `<!date>` tokens, so every registrant reads them in their own Slack time zone; every
title and name is escaped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.durations import describe, short
from bot.ids import Notice, Reg
from bot.ui.mrkdwn import date_token, escape, parse_utc, plain

LONG = "{date_long_pretty} at {time}"
PRESETS = (7 * 1440, 2 * 1440, 1440, 240, 120, 60, 30, 15, 10, 5)   # minutes offered in the modal
THANK, MISSED = "thank_attendees", "missed_you"
FOLLOW_UP_LABELS = {THANK: "Thank attendees afterwards",
                    MISSED: "Tell no-shows we missed them"}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _text(value: str, limit: int = 75) -> dict:
    return {"type": "plain_text", "text": plain(value, limit), "emoji": True}


def when(start: datetime | None, end: datetime | None = None) -> str:
    """Start (and end) as `<!date>` tokens: each reader sees their own time zone."""
    text = date_token(start, LONG)
    return f"{text} – {date_token(end, '{time}')}" if start and end else text


def _webinar_when(webinar: dict) -> str:
    return when(parse_utc(webinar.get("start_utc")), parse_utc(webinar.get("end_utc")))


def _link(url: str | None, label: str) -> str:
    """A mrkdwn link to a URL from Graph; the characters that would end it early are escaped."""
    safe = (url or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "%7C")
    return f"<{safe}|{label}>"


# --------------------------------------------------------------------------------------------------------------
# To a registrant


def registrant_notice(kind: str, webinar: dict, *, join_url: str | None = None, old_start: str | None = None,
                      old_end: str | None = None, old_title: str | None = None, lead_minutes: int | None = None,
                      recording_url: str | None = None) -> dict:
    """The DM for one notice `kind` (the same kinds as bot.mail.templates); chat.postMessage arguments."""
    title = f"*{escape(webinar['title'])}*"
    time = _webinar_when(webinar)
    lines = {
        "approved": f":white_check_mark: The organizer approved your registration for {title}.\n:calendar: {time}",
        "off_waitlist": f":tada: A place opened up: you're now registered for {title}.\n:calendar: {time}",
        "rejected": f":no_entry_sign: Sorry: the organizer couldn't accept your registration for {title}.",
        "registration_cancelled": f":wave: Your registration for {title} is cancelled.",
        "rescheduled": f":calendar: {title} has moved.\nWas: ~{when(parse_utc(old_start), parse_utc(old_end))}~\nNow: *{time}*",
        "renamed": f":pencil2: The webinar you registered for, *{escape(old_title)}*, is now called {title}.\n"
                   f":calendar: {time}",
        "webinar_cancelled": f":x: Sorry: {title}, planned for {time}, is cancelled.",
        "reminder": f":alarm_clock: {title} starts in {describe(lead_minutes or 0)}.\n:calendar: {time}",
        "thank_you": f":pray: Thank you for joining {title}!",
        "missed_you": f":wave: Sorry we missed you at {title}.",
    }
    text = lines[kind]
    blocks = [_section(text)]
    if recording_url and kind in ("thank_you", "missed_you"):
        blocks.append(_section(f":movie_camera: {_link(recording_url, 'Watch the recording')}"))
    if join_url and kind in ("approved", "off_waitlist", "rescheduled", "reminder"):
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": Reg.JOIN, "text": _text("Join the webinar"), "url": join_url,
             "style": "primary"}]})
        blocks.append(_context("This join link is personal to you: please don't share it."))
    return {"text": text.split("\n", 1)[0], "blocks": blocks, "unfurl_links": False}


# --------------------------------------------------------------------------------------------------------------
# To a following channel


def starting_soon(webinar: dict, lead_minutes: int) -> dict:
    text = f":alarm_clock: *{escape(webinar['title'])}* starts in {describe(lead_minutes)}: {_webinar_when(webinar)}."
    return {"text": text, "blocks": [_section(text)], "unfurl_links": False}


# --------------------------------------------------------------------------------------------------------------
# `/webinar remind` and the modal


def reminder_summary(webinar: dict, leads: list[int], slash: str = "/webinar", note: str | None = None) -> dict:
    """What `/webinar remind <webinar> list` answers (and every change to the reminders)."""
    name = f"*{escape(webinar['title'])}* (`{webinar['handle']}`)"
    start = parse_utc(webinar.get("start_utc"))
    if leads:
        listed = "\n".join(f"• {describe(lead)} before the start"
                           + (f" ({date_token(_minus(start, lead), LONG)})" if start else "")
                           for lead in sorted(leads, reverse=True))
        body = f":alarm_clock: Reminders for {name}:\n{listed}"
    else:
        body = f":no_bell: Reminders are off for {name}."
    blocks = [_section(note)] if note else []
    blocks += [_section(body), _context(
        "Registrants on Slack get a DM with their join link; channels that follow the webinar's changes get a "
        "post; other registrants get an e-mail when webinar-bot sends the e-mails instead of Teams. "
        f"Change with `{slash} remind {webinar['handle']} add 2h`, `remove 2h` or `off`.")]
    return {"response_type": "ephemeral", "text": (note + "\n" if note else "") + body, "blocks": blocks}


def _minus(start: datetime, minutes: int) -> datetime:
    return start - timedelta(minutes=minutes)


def _option(label: str, value: str) -> dict:
    return {"text": _text(label), "value": value}


def lead_option(minutes: int) -> dict:
    return _option(f"{describe(minutes)} before", str(minutes))


def communication_blocks(leads: list[int] | tuple[int, ...], follow_ups: list[str] | tuple[str, ...]) -> list[dict]:
    """Two optional inputs for the create/edit modal: reminder lead times, and the follow-ups after the session."""
    choices = sorted(set(PRESETS) | set(leads), reverse=True)
    reminders = {"type": "multi_static_select", "action_id": Notice.REMINDERS,
                 "placeholder": _text("No reminders"), "options": [lead_option(m) for m in choices]}
    if leads:
        reminders["initial_options"] = [lead_option(m) for m in sorted(leads, reverse=True)]
    options = [_option(label, value) for value, label in FOLLOW_UP_LABELS.items()]
    follow = {"type": "checkboxes", "action_id": Notice.FOLLOW_UPS, "options": options}
    chosen = [o for o in options if o["value"] in follow_ups]
    if chosen:
        follow["initial_options"] = chosen
    return [
        {"type": "input", "block_id": Notice.REMINDERS, "optional": True, "label": _text("Reminders"),
         "element": reminders,
         "hint": _text("Before the start: DMs with the join link on Slack, a post in following channels. "
                       f"Or later: /webinar remind. Other times: e.g. {short(90)}.", 150)},
        {"type": "input", "block_id": Notice.FOLLOW_UPS, "optional": True, "label": _text("After the session"),
         "element": follow,
         "hint": _text("Sent when Teams' attendance report arrives, with the recording link when there is one. "
                       "Only when webinar-bot sends the messages instead of Teams.", 150)},
    ]


def read_leads(values: list[str] | None) -> tuple[int, ...] | None:
    """The modal's chosen lead times (None when the modal had no such input)."""
    if values is None:
        return None
    return tuple(sorted({int(v) for v in values if str(v).isdigit() and int(v) > 0}, reverse=True))
