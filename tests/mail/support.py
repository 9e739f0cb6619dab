"""The SMTP server for the tests (bot.sandbox.mail_standin), and readers for the messages it received."""

from __future__ import annotations

from email.message import EmailMessage

import icalendar

from bot.sandbox.mail_standin import SmtpSink, free_port

__all__ = ["SmtpSink", "calendar_of", "free_port", "parts"]


def parts(message: EmailMessage) -> dict[str, str]:
    """content type -> decoded text of every leaf part."""
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def calendar_of(message: EmailMessage):
    """The attached .ics parsed with icalendar, plus the method parameter of its Content-Type."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content()), part.get_param("method")
