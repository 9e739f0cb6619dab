"""Every e-mail webinar-bot sends, in one place: subject, paragraphs, an optional link button, an optional .ics.

Edit the wording here. Placeholders are `{name}` style and take these values (all optional, missing ones render
empty): name, title, old_title, start, old_start, new_start, lead, join_url, recording_url. `render` escapes every
value for HTML and strips control characters for the plain-text part and the subject, so people's names and
webinar titles can't add markup, links or headers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from string import Formatter

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_WEB = re.compile(r"^https?://[^\s<>\"']+$", re.I)


@dataclass(frozen=True)
class Template:
    subject: str
    paragraphs: tuple[str, ...]
    link: tuple[str, str] | None = None          # (button label, value name holding the URL)
    link_paragraph: str | None = None            # shown above the button, only when the link exists
    calendar: str | None = None                  # "REQUEST" or "CANCEL": attach an .ics with this METHOD


JOIN = ("Join the webinar", "join_url")
PERSONAL = "This join link is personal to you: please don't share it."

TEMPLATES: dict[str, Template] = {
    "registered": Template(
        "You're registered: {title}",
        ("Hello {name},", "you're registered for {title}, on {start}.",
         "The attached invitation adds it to your calendar."),
        JOIN, PERSONAL, calendar="REQUEST"),
    "waitlisted": Template(
        "You're on the waitlist: {title}",
        ("Hello {name},", "{title} ({start}) is full for now, so you're on the waitlist. "
                          "We'll write again if a place opens up.")),
    "pending_approval": Template(
        "Registration received: {title}",
        ("Hello {name},", "thanks for registering for {title} ({start}). The organizer approves registrations; "
                          "we'll write again once they have decided.")),
    "approved": Template(
        "You're in: {title}",
        ("Hello {name},", "the organizer approved your registration for {title}, on {start}.",
         "The attached invitation adds it to your calendar."),
        JOIN, PERSONAL, calendar="REQUEST"),
    "off_waitlist": Template(
        "A place opened up: {title}",
        ("Hello {name},", "good news: a place opened up and you're now registered for {title}, on {start}.",
         "The attached invitation adds it to your calendar."),
        JOIN, PERSONAL, calendar="REQUEST"),
    "rejected": Template(
        "Your registration for {title}",
        ("Hello {name},", "we're sorry: the organizer couldn't accept your registration for {title}.")),
    "registration_cancelled": Template(
        "Registration cancelled: {title}",
        ("Hello {name},", "your registration for {title} ({start}) is cancelled.",
         "The attached update takes it out of your calendar."),
        calendar="CANCEL"),
    "rescheduled": Template(
        "New time: {title}",
        ("Hello {name},", "{title} has moved.", "Was: {old_start}", "Now: {new_start}",
         "Your registration stays as it is; the attached update moves it in your calendar."),
        JOIN, PERSONAL, calendar="REQUEST"),
    "renamed": Template(
        "New title: {title}",
        ("Hello {name},", "the webinar you registered for, {old_title}, is now called {title}. "
                          "Nothing else changed: it is still on {start}.")),
    "webinar_cancelled": Template(
        "Cancelled: {title}",
        ("Hello {name},", "we're sorry: {title}, planned for {start}, is cancelled.",
         "The attached update takes it out of your calendar."),
        calendar="CANCEL"),
    "reminder": Template(
        "Starting in {lead}: {title}",
        ("Hello {name},", "a reminder: {title} starts in {lead}, on {start}."),
        JOIN, PERSONAL),
    "thank_you": Template(
        "Thank you for joining {title}",
        ("Hello {name},", "thank you for joining {title}. We hope it was worth your time."),
        ("Watch the recording", "recording_url"), "The recording is ready if you'd like to watch it again."),
    "missed_you": Template(
        "Sorry we missed you: {title}",
        ("Hello {name},", "we're sorry we missed you at {title}."),
        ("Watch the recording", "recording_url"), "The recording is ready, so you can catch up when it suits you."),
}

FOOTER = "You get this e-mail because you registered for {title}."
UNSUBSCRIBE = "Stop e-mails about this webinar"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    calendar: str | None


def clean(value: object) -> str:
    """One line of plain text: control characters (newlines too) become spaces, runs of spaces one."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", str(value or ""))).strip()


def web_link(value: object) -> str | None:
    """Only http(s) URLs become links; anything else is dropped rather than rendered."""
    text = str(value or "").strip()
    return text if _WEB.match(text) else None


def render(kind: str, values: dict[str, object], *, unsubscribe_url: str | None = None) -> Rendered:
    template = TEMPLATES[kind]
    plain = _Values({key: clean(value) for key, value in values.items()})
    escaped = _Values({key: html.escape(text) for key, text in plain.items()})
    formatter = Formatter()
    subject = formatter.vformat(template.subject, (), plain)
    text_parts = [formatter.vformat(p, (), plain) for p in template.paragraphs]
    html_parts = [f"<p>{formatter.vformat(p, (), escaped)}</p>" for p in template.paragraphs]
    url = web_link(values.get(template.link[1])) if template.link else None
    if url:
        label = template.link[0]
        if template.link_paragraph:
            text_parts.append(template.link_paragraph)
            html_parts.append(f"<p>{html.escape(template.link_paragraph)}</p>")
        text_parts.append(f"{label}: {url}")
        html_parts.append(f'<p><a href="{html.escape(url, quote=True)}" style="display:inline-block;'
                          f'padding:10px 16px;background:#4b53bc;color:#ffffff;text-decoration:none;'
                          f'border-radius:4px">{html.escape(label)}</a></p>')
    footer = formatter.vformat(FOOTER, (), plain)
    footer_html = formatter.vformat(FOOTER, (), escaped)
    text_parts.append("-- \n" + footer)
    unsubscribe = web_link(unsubscribe_url)
    if unsubscribe:
        text_parts[-1] += f"\n{UNSUBSCRIBE}: {unsubscribe}"
        footer_html += f' <a href="{html.escape(unsubscribe, quote=True)}">{html.escape(UNSUBSCRIBE)}</a>.'
    html_parts.append(f'<p style="color:#616161;font-size:12px">{footer_html}</p>')
    body = "\n".join(html_parts)
    document = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(subject)}</title></head>'
                f'<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px">\n{body}\n'
                f"</body></html>\n")
    return Rendered(subject, "\n\n".join(text_parts) + "\n", document, template.calendar)


class _Values(dict):
    """Missing placeholders render empty instead of failing a send."""

    def __missing__(self, key: str) -> str:
        return ""
