"""Build one e-mail: multipart/alternative (plain text, HTML), plus the .ics as text/calendar when there is one.

Headers: List-Unsubscribe with the one-click https link (RFC 8058, with List-Unsubscribe-Post) when the app has
a public URL, and a mailto fallback; Auto-Submitted marks it as machine-sent so auto-replies stay quiet.
`wire_text` is what goes to the SMTP server: CRLF line ends, 7-bit bodies.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from bot.mail.templates import Rendered, clean

SENDER_NAME = "Webinars"


def build(rendered: Rendered, *, sender: str, to: str, to_name: str = "", calendar: str | None = None,
          unsubscribe_url: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = formataddr((SENDER_NAME, sender))
    message["To"] = formataddr((clean(to_name), to))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    links = []
    if unsubscribe_url:
        links.append(f"<{unsubscribe_url}>")
    links.append(f"<mailto:{sender}?subject=unsubscribe>")
    message["List-Unsubscribe"] = ", ".join(links)
    if unsubscribe_url:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # quoted-printable keeps every line short and 7-bit, whatever the relay supports
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    if calendar and rendered.calendar:
        name = "cancel.ics" if rendered.calendar == "CANCEL" else "invite.ics"
        message.add_attachment(calendar, subtype="calendar", filename=name, cte="base64",
                               params={"method": rendered.calendar})
    return message


def wire_text(message: EmailMessage) -> str:
    return message.as_string(policy=policy.SMTP)
