"""Sign-in messages (Block Kit) and the small HTML pages the browser sees at `/auth/callback`."""

from __future__ import annotations

import html

from bot.ids import Action
from bot.ui.mrkdwn import escape, plain

PRIVACY_NOTE = "The button works once, for 10 minutes. Webinar-bot never sees your password."


def sign_in_prompt(url: str, reason: str, button: str = "Sign in with Microsoft") -> dict:
    """An ephemeral message: `reason` (mrkdwn, already escaped by the caller) and a link button to Microsoft."""
    return {
        "text": f"{reason} Use the \u201c{plain(button, 75)}\u201d button.",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": reason}},
            {"type": "actions", "elements": [
                {"type": "button", "action_id": Action.SIGN_IN, "style": "primary", "url": url,
                 "text": {"type": "plain_text", "text": plain(button, 75)}},
            ]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": PRIVACY_NOTE}]},
        ],
    }


def signed_in_text(upn: str) -> str:
    return f":white_check_mark: Signed in as *{escape(upn)}*."


def signed_in_dm(upn: str) -> dict:
    """The DM after a completed sign-in (chat.postMessage arguments without the channel)."""
    return {"text": f"Signed in as {upn}",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text":
                        f"{signed_in_text(upn)} Webinar-bot can now act for you in Microsoft Teams. "
                        "`/webinar logout` undoes it."}}]}


def callback_page(title: str, message: str, *, ok: bool) -> str:
    """A self-contained page; every piece of text is escaped, nothing from the request is echoed raw."""
    mark = "&#10003;" if ok else "&#9888;"
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;"
            "line-height:1.5;color:#1d1c1d}h1{font-size:1.4rem}</style></head>"
            f"<body><h1>{mark} {html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>")
