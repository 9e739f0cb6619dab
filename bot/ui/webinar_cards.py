"""Messages about one or more webinars: the organizer's DM card, `list`, `show`, and the cancel prompt.

Every title and name people typed goes through `escape`; every time is a `<!date>` token, so each viewer reads
their own local time. Buttons carry the Graph webinar id; listeners re-check the caller's role on every click.
"""

from __future__ import annotations

import json

from bot.ids import OrgAction, OrgBlock, OrgView
from bot.services.listing import Details, Listed
from bot.services.questions import INPUT_TYPES, LABELS
from bot.ui import private_metadata
from bot.ui.mrkdwn import date_token, escape, parse_utc, plain
from bot.ui.webinar_forms import input_block, section, text

STATUS = {"draft": "Draft (not open for registration yet)", "published": "Published",
          "canceled": "Cancelled", "unknown": "Unknown"}
STATUS_SHORT = {"draft": "Draft", "published": "Published", "canceled": "Cancelled"}
ROLE = {"organizer": "organizer", "coOrganizer": "co-organizer"}
COUNT_NAMES = (("registered", "registered"), ("waitlisted", "waitlisted"),
               ("pendingApproval", "awaiting approval"), ("canceled", "cancelled"))
MAX_LISTED = 40


def button(label: str, action_id: str, value: str, *, style: str | None = None, confirm: dict | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id,
               "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def fit(text: str, limit: int) -> str:
    """Escaped text of at most `limit` characters (escaping lengthens it, so cut the raw text first)."""
    cut = limit
    while len(out := escape(plain(text, cut))) > limit:
        cut -= len(out) - limit
    return out


def when(webinar: dict) -> str:
    """`<!date>` start, plus the end time: each viewer sees their own zone."""
    start, end = parse_utc(webinar.get("start_utc")), parse_utc(webinar.get("end_utc"))
    text = date_token(start, "{date_short_pretty} at {time}")
    if end:
        text += " – " + date_token(end, "{time}")
    return text


def counts_text(counts: dict[str, int]) -> str:
    parts = [f"{counts[key]} {label}" for key, label in COUNT_NAMES if counts.get(key)]
    return " · ".join(parts) if parts else "No registrations yet"


def cancel_confirm(webinar: dict) -> dict:
    title = escape(plain(webinar["title"], 120))
    return {"title": {"type": "plain_text", "text": "Cancel this webinar?"},
            "text": {"type": "mrkdwn", "text": f"Teams cancels *{title}* for everyone who registered. "
                                               "This cannot be undone."},
            "confirm": {"type": "plain_text", "text": "Cancel webinar"},
            "deny": {"type": "plain_text", "text": "Keep it"}, "style": "danger"}


def webinar_actions(webinar: dict, role: str | None, *, show: bool = False, manage: bool = False) -> list[dict]:
    """The buttons that make sense for this status and role (the server checks again on click)."""
    value, status = webinar["id"], webinar["status"]
    if status == "canceled" or role is None:
        return [button("Details", OrgAction.SHOW, value)] if show else []
    elements = []
    if status == "draft" and role == "organizer":
        elements.append(button("Publish", OrgAction.PUBLISH, value, style="primary"))
    elements += [button("Edit", OrgAction.EDIT, value), button("Share", OrgAction.SHARE, value)]
    if show:
        elements.append(button("Details", OrgAction.SHOW, value))
    if manage:
        elements += [button("Presenters", OrgAction.PRESENTERS, value),
                     button("Questions", OrgAction.QUESTIONS, value)]
    if role == "organizer":
        elements.append(button("Cancel webinar", OrgAction.CANCEL, value, style="danger",
                               confirm=cancel_confirm(webinar)))
    return elements


def dm_card(webinar: dict, *, note: str | None = None, counts: dict[str, int] | None = None) -> dict:
    """The organizer's confirmation card (chat.postMessage / chat.update arguments without channel)."""
    status = webinar["status"]
    lines = [f"*{escape(webinar['title'])}*  `{webinar['handle']}`", when(webinar),
             f"Status: {STATUS.get(status, escape(status))}"]
    if counts is not None and status != "draft":
        lines.append(counts_text(counts))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}]
    actions = webinar_actions(webinar, "organizer", manage=True)
    if actions:
        blocks.append({"type": "actions", "elements": actions})
    hint = {"draft": "Publish it when you're ready: people can register only after that.",
            "published": "Share a registration card in a channel with *Share*, or "
                         f"`/webinar share {webinar['handle']} #channel`.",
            "canceled": "This webinar was cancelled."}.get(status)
    context = " ".join(part for part in (note, hint) if part)
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    fallback = f"{escape(plain(webinar['title'], 200))} ({webinar['handle']}): {STATUS_SHORT.get(status, status)}"
    return {"text": fallback, "blocks": blocks}


def cancel_prompt(webinar: dict) -> dict:
    """The ephemeral answer to `/webinar cancel w3`: one danger button, which asks once more."""
    text = (f"Cancel *{escape(webinar['title'])}* (`{webinar['handle']}`), {when(webinar)}?\n"
            "Teams tells registered people it is cancelled. *This cannot be undone.*")
    return {"text": f"Cancel {escape(plain(webinar['title'], 200))}?",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                       {"type": "actions", "elements": [button("Cancel webinar", OrgAction.CANCEL, webinar["id"],
                                                               style="danger", confirm=cancel_confirm(webinar))]}]}


def list_message(items: list[Listed], *, scope: str = "mine", command: str = "/webinar") -> dict:
    title = "Your webinars" if scope == "mine" else "Webinars in your organization"
    if not items:
        empty = ("You don't organize or co-organize any webinars yet. Start with "
                 f"`{command} create`." if scope == "mine" else "Graph lists no webinars for the organization.")
        return {"text": empty, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": empty}}]}
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    for item in items[:MAX_LISTED]:
        row = item.webinar
        parts = [STATUS_SHORT.get(row["status"], escape(row["status"]))]
        if item.role:
            parts.append(ROLE[item.role])
        if row["status"] == "published":
            parts.append(counts_text(item.counts))
        blocks.append({"type": "section",
                       "text": {"type": "mrkdwn", "text": f"*{escape(row['title'])}*  `{row['handle']}`\n"
                                                          f"{when(row)} · {' · '.join(parts)}"},
                       "accessory": button("Details", OrgAction.SHOW, row["id"])})
    more = len(items) - MAX_LISTED
    footer = f"`{command} show <handle>` for details." + (f" {more} more not shown." if more > 0 else "")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return {"text": f"{title}: {len(items)}", "blocks": blocks}


def details_blocks(details: Details, *, actions: bool = True) -> list[dict]:
    """`show`: what, when, status, where to register, counts, presenters and questions (at most 12 blocks)."""
    row, current = details.webinar, details.current
    fields = [f"*Status*\n{STATUS_SHORT.get(row['status'], escape(row['status']))}",
              f"*Handle*\n`{row['handle']}`",
              f"*When*\n{when(row)}",
              f"*Audience*\n{'Everyone' if current.audience == 'everyone' else 'People in the organization'}",
              f"*Organizer*\n{escape(_organizer(row))}",
              f"*Attendee e-mails*\n{_emails(current.settings.is_attendee_email_notification_enabled)}"]
    if current.co_organizers:
        names = ", ".join(escape(p.display_name or p.id or "?") for p in current.co_organizers)
        fields.append(f"*Co-organizers*\n{plain(names, 1500)}")
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": plain(row["title"], 150)}},
                          {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]}]
    if current.description.strip():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": fit(current.description, 2900)}})
    link = (f"<{details.registration_url}|Registration page in Teams>" if details.registration_url
            else "Registration page: not available to you")
    blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                               "text": f"{link}\n*Registrations:* {counts_text(details.counts)}"}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _presenters(details)}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _questions(details)}})
    if details.routes:
        following = ", ".join(f"<#{r['channel_id']}> ({r['kinds'].replace(',', ', ')})" for r in details.routes[:20])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Followed in {following}"}]})
    buttons = webinar_actions(row, details.role, manage=details.role is not None) if actions else []
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def details_message(details: Details) -> dict:
    return {"text": f"{escape(plain(details.webinar['title'], 200))} ({details.webinar['handle']})",
            "blocks": details_blocks(details)}


def _organizer(row: dict) -> str:
    user = (json.loads(row.get("raw") or "{}").get("createdBy") or {}).get("user") or {}
    return user.get("displayName") or "unknown"


def _emails(enabled: bool | None) -> str:
    return "Sent by Teams" if enabled is not False else "Off (webinar-bot notifies people)"


def _presenters(details: Details) -> str:
    if details.presenters is None:
        return "*Presenters:* not available to you"
    if not details.presenters:
        return "*Presenters:* none yet"
    lines = [f"• {escape(p.display_name)}" + (" (guest)" if p.kind == "guest" else "")
             for p in details.presenters[:20]]
    return plain("*Presenters*\n" + "\n".join(lines), 2900)


def _questions(details: Details) -> str:
    if details.questions is None:
        return "*Registration questions:* not available to you"
    if not details.questions:
        return "*Registration questions:* name and e-mail only"
    lines = [f"• {escape(question_label(q.display_name, q.label, q.kind, q.answer_input_type))}"
             + (" _(required)_" if q.is_required else "") for q in details.questions[:30]]
    return plain("*Registration questions*\n" + "\n".join(lines), 2900)


def question_label(display_name: str | None, label: str | None, kind: str, input_type: str | None) -> str:
    name = display_name or LABELS.get(label or "", "Question")
    if kind == "predefined":
        return name
    return f"{name} ({INPUT_TYPES.get(input_type or '', 'answer').lower()})"


def share_modal(webinar: dict) -> dict:
    """Where to post the registration card of a published webinar."""
    channel = {"type": "conversations_select", "placeholder": text("Choose a channel"),
               "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    return {"type": "modal", "callback_id": OrgView.SHARE, "title": text("Share webinar"),
            "submit": text("Post card"), "close": text("Cancel"),
            "private_metadata": private_metadata.dump(private_metadata.WebinarMeta(webinar["id"])),
            "blocks": [section(f"Post a registration card for *{escape(webinar['title'])}* "
                               f"(`{webinar['handle']}`): people register with one click."),
                       input_block(OrgBlock.SHARE_CHANNEL, "Channel", channel,
                                   hint="Invite webinar-bot to private channels first.")]}
