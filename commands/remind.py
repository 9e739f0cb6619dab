"""`/webinar remind <webinar> [list|add 2h|remove 2h|off]`: the reminder lead times of one webinar."""

from __future__ import annotations

from bot.services import notices, reminders
from bot.ui.notices import reminder_summary
from commands.parser import Command


async def remind_command(cmd: Command, command: dict, respond, runtime) -> None:
    result = await reminders.remind(runtime, command["user_id"], cmd.webinar, cmd.words)
    if result.webinar["status"] == "published":
        await notices.watch(runtime, result.webinar)   # reminders move only if webinar-bot hears of new times
    slash = command.get("command") or runtime.settings.slack_command
    await respond(**reminder_summary(result.webinar, list(result.leads), slash, result.note))
