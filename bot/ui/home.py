"""The App Home tab: the user's upcoming and draft webinars with registration counts and the actions that fit.

Built from the mirror (no Graph call when someone opens the tab); *Refresh* asks Graph first. Someone who has not
signed in to Microsoft sees a sign-in prompt instead, since nothing here works without their account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ids import Action, OrgAction
from bot.services.listing import Listed
from bot.ui.mrkdwn import escape, parse_utc
from bot.ui.webinar_cards import ROLE, button, counts_text, webinar_actions, when

MAX_PER_GROUP = 20      # two blocks per webinar keeps the tab under Slack's 100 blocks
MAX_PAST = 5


def home_view(items: list[Listed], command: str = "/webinar", *, signed_in: bool = True,
              sign_in_url: str | None = None, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": "Your Teams webinars"}}]
    if not signed_in:
        blocks += _sign_in(command, sign_in_url)
        return {"type": "home", "blocks": blocks}
    blocks.append({"type": "actions", "elements": [
        button("Create webinar", OrgAction.CREATE, "create", style="primary"),
        button("Refresh", OrgAction.REFRESH_HOME, "refresh")]})
    upcoming = [i for i in items if i.webinar["status"] == "published" and not _over(i.webinar, now)]
    drafts = [i for i in items if i.webinar["status"] == "draft" and not _over(i.webinar, now)]
    past = [i for i in items if i not in upcoming and i not in drafts]
    if not upcoming and not drafts:
        blocks.append(_section(f"No upcoming webinars. Create one with the button above or `{command} create`; "
                               f"`{command} help` lists everything webinar-bot can do."))
    for title, group in (("Upcoming", upcoming), ("Drafts", drafts)):
        if group:
            blocks.append(_section(f"*{title}*"))
            for item in group[:MAX_PER_GROUP]:
                blocks += _webinar(item)
            if len(group) > MAX_PER_GROUP:
                blocks.append(_context(f"{len(group) - MAX_PER_GROUP} more: `{command} list` shows them all."))
    if past:
        lines = [f"{escape(i.webinar['title'])}  `{i.webinar['handle']}` · "
                 f"{'cancelled' if i.webinar['status'] == 'canceled' else 'ended'}" for i in past[:MAX_PAST]]
        blocks.append(_context("Recently: " + " | ".join(lines)))
    blocks.append(_context("Registration counts as last reported by Teams. Times are in your time zone."))
    return {"type": "home", "blocks": blocks}


def _webinar(item: Listed) -> list[dict]:
    row = item.webinar
    facts = [ROLE.get(item.role or "", "")] if item.role else []
    if row["status"] == "published":
        facts.append(counts_text(item.counts))
    text = f"*{escape(row['title'])}*  `{row['handle']}`\n{when(row)}" + (f" · {' · '.join(facts)}" if facts else "")
    blocks = [_section(text)]
    actions = webinar_actions(row, item.role, show=True, manage=True)
    if actions:
        blocks.append({"type": "actions", "elements": actions[:25]})
    return blocks


def _sign_in(command: str, url: str | None) -> list[dict]:
    why = ("Sign in with your Microsoft 365 account so webinar-bot can create, publish and manage Teams "
           "webinars for you. It only acts when you ask it to.")
    if url:
        return [_section(why), {"type": "actions", "elements": [
            {"type": "button", "action_id": Action.SIGN_IN, "style": "primary", "url": url,
             "text": {"type": "plain_text", "text": "Sign in with Microsoft"}}]}]
    return [_section(f"{why}\nRun `{command} login` in any channel to start.")]


def _over(row: dict, now: datetime) -> bool:
    end = parse_utc(row.get("end_utc")) or parse_utc(row.get("start_utc"))
    return end is not None and end < now


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
