"""Route `/webinar <subcommand>` to its handler; answer help at once, ack everything else first.

Slack gives a slash command 3 seconds. Help is answered in the ack itself; every other subcommand acks
immediately and answers through `respond` once Graph has replied.
"""

from __future__ import annotations

from bot.ui.help import help_blocks, help_text
from bot.ui.mrkdwn import escape
from commands import (
    account,
    follow,
    organize,
    presenters,
    questions,
    registration,
    remind,
    reports,
    webinar_lifecycle,
    webinar_lists,
)
from commands.parser import Command, parse
from commands.picker import pick_webinar
from commands.safety import user_errors

HANDLERS = {
    # following (channel alerts)
    "follow": follow.follow_command,
    "unfollow": follow.unfollow_command,
    "registrants": reports.registrants_command,
    "attendance": reports.attendance_command,
    "export": reports.export_command,
    # sign-in
    "login": account.login_command,
    "logout": account.logout_command,
    "whoami": account.whoami_command,
    # organizer workflow
    "create": organize.create_command,
    "edit": organize.edit_command,
    "publish": webinar_lifecycle.publish_command,
    "cancel": webinar_lifecycle.cancel_command,
    "list": webinar_lists.list_command,
    "show": webinar_lists.show_command,
    "presenters": presenters.presenters_command,
    "questions": questions.questions_command,
    # registration
    "share": registration.share_command,
    "register": registration.register_command,
    # own communications
    "remind": remind.remind_command,
}


# Subcommands about one webinar. Typed without one, they open a picker first: of the user's own webinars, or of
# every published one for `register` (attendees). The picker then runs the handler with the choice.
PICK_SCOPE = {name: "mine" for name in ("follow", "unfollow", "registrants", "attendance", "export", "edit",
                                        "publish", "cancel", "show", "presenters", "questions", "share", "remind")}
PICK_SCOPE["register"] = "published"


async def webinar_command(ack, command, respond, context):
    slash = command.get("command") or "/webinar"
    parsed: Command = parse(command.get("text", ""))
    handler = HANDLERS.get(parsed.name)
    if handler is None:
        await ack(response_type="ephemeral", text=help_text(slash), blocks=help_blocks(slash, _note(parsed, slash)))
        return
    await ack()
    async with user_errors(respond, context["runtime"], command.get("user_id")):
        if parsed.name in PICK_SCOPE and not parsed.webinar:
            await pick_webinar(parsed, command, context["runtime"], parsed.name, scope=PICK_SCOPE[parsed.name])
            return
        await handler(parsed, command, respond, context["runtime"])


def _note(parsed: Command, slash: str) -> str | None:
    if parsed.unknown:
        return f"I don't know `{escape(parsed.unknown)}`. Here is what `{slash}` can do:"
    if parsed.name != "help":
        return f"`{slash} {parsed.name}` is not available in this version yet. Here is what works:"
    return None
