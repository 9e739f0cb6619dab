"""`/webinar follow <webinar> [#channel] [kinds]` and `/webinar unfollow <webinar> [#channel]`."""

from __future__ import annotations

from bot.services import follow as service
from bot.ui.mrkdwn import escape
from commands.parser import Command


async def follow_command(cmd: Command, command: dict, respond, runtime) -> None:
    channel = cmd.channel or command["channel_id"]
    result = await service.follow(runtime, webinar_ref=cmd.webinar, channel_id=channel,
                                  kinds=service.kinds_from_words(cmd.words), slack_user=command["user_id"],
                                  show_names=service.names_from_words(cmd.words))
    await respond(response_type="ephemeral",
                  text=f"<#{channel}> now follows *{escape(result.webinar['title'])}* "
                       f"(`{result.webinar['handle']}`): {', '.join(result.kinds)}"
                       f"{'' if result.show_names else ' (attendance summaries without names)'}.")


async def unfollow_command(cmd: Command, command: dict, respond, runtime) -> None:
    channel = cmd.channel or command["channel_id"]
    removed = await service.unfollow(runtime, webinar_ref=cmd.webinar, channel_id=channel,
                                     slack_user=command["user_id"])
    text = f"<#{channel}> no longer follows `{escape(cmd.webinar)}`." if removed else \
        f"<#{channel}> wasn't following `{escape(cmd.webinar)}`."
    await respond(response_type="ephemeral", text=text)
