"""The `/webinar help` message: the whole grammar, grouped by who uses it."""

from __future__ import annotations

SUBCOMMANDS: list[tuple[str, str, str]] = [
    # (group, usage, what it does)
    ("Account", "login", "Sign in to Microsoft so webinar-bot can act for you in Teams"),
    ("Account", "logout", "Remove your Microsoft sign-in from webinar-bot"),
    ("Account", "whoami", "Show which Microsoft account you are signed in with"),
    ("Organize", "create", "Create a Teams webinar (opens a form)"),
    ("Organize", "edit <webinar>", "Change title, description, times or co-organizers"),
    ("Organize", "publish <webinar>", "Publish a draft so people can register"),
    ("Organize", "cancel <webinar>", "Cancel a webinar (cannot be undone)"),
    ("Organize", "presenters <webinar>", "Add, edit or remove presenters"),
    ("Organize", "questions <webinar>", "Manage registration questions"),
    ("Organize", "remind <webinar> [list|add 2h|remove 2h|off]", "Reminder times before the start"),
    ("Find", "list [mine|all]", "Your webinars as organizer or co-organizer"),
    ("Find", "show <webinar>", "Details, registration link, counts, presenters and questions"),
    ("Share", "share <webinar> [#channel]", "Post a registration card in a channel"),
    ("Share", "follow <webinar> [#channel] [registrations|changes|attendance|all] [no-names]",
     "Post live updates about a webinar in a channel"),
    ("Share", "unfollow <webinar> [#channel]", "Stop posting updates in a channel"),
    ("Attend", "register <webinar>", "Register yourself"),
    ("Report", "registrants <webinar>", "Who registered, by status"),
    ("Report", "attendance <webinar>", "Attendance summary after the session"),
    ("Report", "export <webinar>", "Registrations and attendance as a CSV file"),
    ("Help", "help", "This list"),
]

NAMES = {usage.split()[0] for _, usage, _ in SUBCOMMANDS}


def help_blocks(command: str = "/webinar", note: str | None = None) -> list[dict]:
    """Section per group; `<webinar>` is a handle such as `w3` from `list`, or a Graph webinar id."""
    blocks: list[dict] = []
    if note:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": note}})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Webinar-bot commands"}})
    groups: dict[str, list[str]] = {}
    for group, usage, what in SUBCOMMANDS:
        groups.setdefault(group, []).append(f"`{command} {usage}`  {what}")
    for group, lines in groups.items():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{group}*\n" + "\n".join(lines)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                   "`<webinar>` is the short handle shown by `list` (like `w3`) or the Teams webinar id. "
                   "Leave it out and webinar-bot asks you to pick one."}]})
    return blocks


def help_text(command: str = "/webinar") -> str:
    """Notification fallback for the help message."""
    return f"Webinar-bot commands: {', '.join(sorted(NAMES))}. Try `{command} help`."
