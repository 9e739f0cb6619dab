"""`/mail/unsubscribe?token=...`: stop webinar-bot's e-mails to one registration.

GET shows a page with a button (link scanners and previews fetch links, so a GET must not unsubscribe anyone);
POST unsubscribes: the button, or a mail client's one-click request (RFC 8058: `List-Unsubscribe=One-Click`).
The token is signed (bot.mail.unsubscribe), so it can only ever stop mail to the person it was sent to.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.services import recipients

MAX_TOKEN = 512


async def unsubscribe(request: Request) -> HTMLResponse:
    runtime = request.app.state.runtime
    token = request.query_params.get("token", "")
    if request.method == "POST" and not token:
        body = (await request.body())[:4096].decode("utf-8", "replace")   # the button's form: token=...
        token = (parse_qs(body).get("token") or [""])[0]
    token = token[:MAX_TOKEN]
    if request.method == "GET":
        webinar = recipients.is_genuine(runtime, token)
        if webinar is None:
            return _page("Link not valid", "This unsubscribe link is not valid. Use the link from the e-mail.", 400)
        form = (f'<form method="post"><input type="hidden" name="token" value="{html.escape(token, quote=True)}">'
                '<button type="submit">Stop these e-mails</button></form>')
        return _page("Stop e-mails?", f"Stop e-mails about {_title(webinar)}?", body_extra=form)
    webinar = recipients.opt_out(runtime, token)
    if webinar is None:
        return _page("Link not valid", "This unsubscribe link is not valid. Use the link from the e-mail.", 400)
    return _page("Unsubscribed", f"You won't get more e-mails about {_title(webinar)}.")


def _title(webinar: dict) -> str:
    return f"<strong>{html.escape(webinar['title'])}</strong>" if webinar.get("title") else "this webinar"


def _page(title: str, message: str, status: int = 200, body_extra: str = "") -> HTMLResponse:
    return HTMLResponse(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                        f'<meta name="robots" content="noindex"></head><body><h1>{html.escape(title)}</h1>'
                        f"<p>{message}</p>{body_extra}</body></html>", status_code=status)
