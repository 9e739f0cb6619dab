"""The attendance summary posted when Teams' report is ready."""

from __future__ import annotations

from bot.ids import Action
from bot.ui.mrkdwn import escape, plain

NAMES = 8


def attendance_message(summary: dict, webinar: dict, *, show_names: bool = True) -> dict:
    title = escape(webinar["title"])
    registered, attended = summary["registered"], summary["attended"]
    rate = f"{round(100 * attended / registered)}%" if registered else "n/a"
    headline = f":bar_chart: Attendance for *{title}*: {attended} of {registered} registrants came ({rate})"
    fields = [
        f"*Registered*\n{registered}", f"*Attended*\n{attended}", f"*Attendance rate*\n{rate}",
        f"*Participants (all)*\n{summary['participants']}",
        f"*Median time*\n{summary['median_minutes']:g} min", f"*Total time*\n{summary['total_minutes']} min",
    ]
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    details = []
    if summary["top"] and show_names:
        details.append("*Longest in the room:* " + ", ".join(f"{escape(plain(n, 60))} ({m} min)"
                                                            for n, m in summary["top"]))
    for label, names in (("Late joiners", summary["late_joiners"]), ("No-shows", summary["no_shows"])):
        if names and show_names:
            shown = ", ".join(escape(plain(n, 60)) for n in names[:NAMES])
            more = f" and {len(names) - NAMES} more" if len(names) > NAMES else ""
            details.append(f"*{label} ({len(names)}):* {shown}{more}")
        elif names:
            details.append(f"*{label}:* {len(names)}")
    if details:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(details)}})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "action_id": Action.ATTENDEES_CSV, "value": summary["report_id"],
         "text": {"type": "plain_text", "text": "Attendees CSV"}},
        {"type": "button", "action_id": Action.NO_SHOWS_CSV, "value": summary["report_id"],
         "text": {"type": "plain_text", "text": "No-shows CSV"}},
    ]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                   f"`{webinar['handle']}` · CSV files go to you by direct message · webinar-bot"}]})
    return {"text": headline, "blocks": blocks, "unfurl_links": False}
