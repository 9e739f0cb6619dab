"""The App Home tab."""

from __future__ import annotations

from bot.ui.mrkdwn import date_token, escape, parse_utc


def home_view(webinars: list[dict], command: str = "/webinar") -> dict:
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": "Your Teams webinars"}}]
    if not webinars:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"You have no webinars here yet. Start with `{command} create`, or `{command} help`."}})
    for webinar in webinars[:40]:
        when = date_token(parse_utc(webinar["start_utc"]))
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"*{escape(webinar['title'])}*  `{webinar['handle']}`\n{when} · {escape(webinar['status'])}"}})
    return {"type": "home", "blocks": blocks}
