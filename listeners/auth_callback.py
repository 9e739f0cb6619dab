"""`/auth/callback`: where the browser lands after Microsoft sign-in (a form POST, or a GET with a query string).

Thin: collect the OAuth fields, let `bot.services.signin` decide, answer with a small escaped HTML page that is
never cached and never leaks the URL (which may hold a code) through the Referer header.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.logs import correlation
from bot.services import signin
from bot.ui.signin import callback_page

log = logging.getLogger(__name__)

MAX_BODY = 16_384
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"}


async def auth_callback(request: Request) -> HTMLResponse:
    params = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY:
            return _page("That sign-in answer is too large", "Run /webinar login in Slack to try again.", 413)
        params.update(parse_qsl(body.decode("utf-8", "replace")))
    try:
        result = await signin.complete_sign_in(request.app.state.runtime, params)
    except signin.SignInUnavailable as error:
        return _page("Sign-in isn't available", str(error), 400)
    except Exception:
        log.exception("sign-in callback failed")
        return _page("Something went wrong", f"Run /webinar login in Slack to try again. Reference: "
                     f"{correlation.get()}.", 500)
    return _page(result.title, result.message, result.status, ok=result.ok)


def _page(title: str, message: str, status: int, *, ok: bool = False) -> HTMLResponse:
    return HTMLResponse(callback_page(title, message, ok=ok), status_code=status, headers=HEADERS)
