"""Ephemeral answers to `/webinar registrants` and `/webinar attendance`."""

from __future__ import annotations

from bot.ids import Action
from bot.ui.mrkdwn import escape, plain

STATUS_LABELS = [("registered", "Registered"), ("waitlisted", "Waitlisted"), ("pendingApproval", "Awaiting approval"),
                 ("canceled", "Cancelled"), ("rejectedByOrganizer", "Declined")]


def registrants_message(webinar: dict, counts: dict[str, int], latest: list[str]) -> dict:
    title = escape(webinar["title"])
    total = sum(counts.values())
    fields = [{"type": "mrkdwn", "text": f"*{label}*\n{counts.get(status, 0)}"} for status, label in STATUS_LABELS]
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Registrations for {title}* `{webinar['handle']}`"
                                                               f" · {total} in all"}},
        {"type": "section", "fields": fields},
    ]
    if latest:
        names = ", ".join(escape(plain(n, 60)) for n in latest)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Latest: {names}"}]})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "action_id": Action.REGISTRATIONS_CSV, "value": webinar["id"],
         "text": {"type": "plain_text", "text": "Registrations CSV"}}]})
    return {"response_type": "ephemeral", "text": f"Registrations for {title}: {total}", "blocks": blocks}
