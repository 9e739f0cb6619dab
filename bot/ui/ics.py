"""A calendar invitation (.ics, RFC 5545) for a registrant, so the webinar lands in their calendar.

Hand-written rather than through a calendar library because the bot needs one small VEVENT and the rules that
matter are few: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), TEXT values escaped
(backslash, semicolon, comma, newline), times in UTC with a trailing Z, and a UID that stays the same for the
same registration so a re-sent invitation updates the calendar entry instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//webinar-bot//Teams webinar registration//EN"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Invitation:
    uid: str                      # stable per registration, e.g. "<registration id>@webinar-bot"
    title: str
    start: datetime               # aware
    end: datetime                 # aware
    join_url: str | None
    description: str = ""
    organizer_name: str | None = None
    organizer_email: str | None = None
    attendee_name: str | None = None
    attendee_email: str | None = None
    sequence: int = 0             # raise it when the webinar moves, so calendars take the new time
    method: str = "REQUEST"       # "CANCEL" (same uid, higher sequence) takes the entry out of the calendar


def calendar(invitation: Invitation, now: datetime | None = None) -> str:
    """The whole VCALENDAR text, CRLF line ends, folded."""
    stamp = now or datetime.now(UTC)
    cancel = invitation.method == "CANCEL"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"METHOD:{'CANCEL' if cancel else 'REQUEST'}",
             "BEGIN:VEVENT", f"UID:{escape_text(invitation.uid)}", f"DTSTAMP:{utc(stamp)}",
             f"DTSTART:{utc(invitation.start)}", f"DTEND:{utc(invitation.end)}",
             f"SEQUENCE:{invitation.sequence}", f"SUMMARY:{escape_text(invitation.title)}",
             f"DESCRIPTION:{escape_text(_description(invitation))}"]
    if invitation.join_url:
        lines += [f"URL:{invitation.join_url}", f"LOCATION:{escape_text('Microsoft Teams')}"]
    if invitation.organizer_email:
        lines.append(f"ORGANIZER{_common_name(invitation.organizer_name)}:mailto:{invitation.organizer_email}")
    if invitation.attendee_email:
        lines.append(f"ATTENDEE{_common_name(invitation.attendee_name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
                     f"RSVP=FALSE:mailto:{invitation.attendee_email}")
    lines += [f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def _description(invitation: Invitation) -> str:
    parts = [invitation.description.strip()] if invitation.description.strip() else []
    if invitation.join_url:
        parts.append(f"Join the webinar: {invitation.join_url}")
    return "\n\n".join(parts)


def _common_name(name: str | None) -> str:
    """A CN parameter; parameter values can't hold quotes or control characters, so those are dropped."""
    if not name:
        return ""
    cleaned = "".join(ch for ch in name if ch >= " " and ch not in '"\x7f')
    return f';CN="{cleaned}"'


def utc(moment: datetime) -> str:
    """DATE-TIME in UTC form: 20260301T170000Z."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped; newlines become \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in value if ch >= " " or ch == "\t")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets; continuation lines start with one space."""
    chunks, current, size, limit = [], [], 0, MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            chunks.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space counts
        current.append(ch)
        size += width
    chunks.append("".join(current))
    return "\r\n ".join(chunks)
