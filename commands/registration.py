"""`/webinar share <webinar> [#channel]` and `/webinar register <webinar>`; the register modal opens here too.

The card's Register button and `/webinar register` open the same modal through `open_register_modal`: a loading
view first (the trigger id lives 3 seconds), then the form once Graph has answered.
"""

from __future__ import annotations

from bot.services import cards
from bot.services import registration as service
from bot.ui import registration as ui
from bot.ui.mrkdwn import escape
from commands.parser import Command
from commands.safety import user_errors


async def share_command(cmd: Command, command: dict, respond, runtime) -> None:
    channel = cmd.channel or command["channel_id"]
    webinar = await cards.share(runtime, webinar_ref=cmd.webinar, channel_id=channel, slack_user=command["user_id"])
    await respond(response_type="ephemeral",
                  text=f"Posted a registration card for *{escape(webinar['title'])}* (`{webinar['handle']}`) "
                       f"in <#{channel}>. It keeps its count of registrations up to date.")


async def register_command(cmd: Command, command: dict, respond, runtime) -> None:
    await open_register_modal(runtime, trigger_id=command["trigger_id"], slack_user=command["user_id"],
                              webinar_ref=cmd.webinar, channel_id=command.get("channel_id"))


async def open_register_modal(runtime, *, trigger_id: str, slack_user: str, webinar_ref: str,
                              channel_id: str | None) -> None:
    """Loading view, then the form (or the existing registration, or why there is nothing to fill in)."""
    opened = await runtime.slack.views_open(trigger_id=trigger_id, view=ui.loading_view())
    view = opened["view"]

    async def show(text: str, **_) -> None:
        await runtime.slack.views_update(view_id=view["id"], hash=view["hash"], view=ui.notice_view(text))

    async with user_errors(show):
        form = await service.prepare(runtime, webinar_ref, slack_user)
        await runtime.slack.views_update(view_id=view["id"], hash=view["hash"],
                                         view=ui.register_modal(form, channel_id))
