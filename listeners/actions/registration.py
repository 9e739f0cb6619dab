"""Clicks on the registration card and in the registrant's DM: Register, Cancel my registration, link buttons."""

from __future__ import annotations

from bot.services import registration as service
from bot.ui import registration as ui
from commands.registration import open_register_modal
from commands.safety import user_errors


async def register_clicked(ack, body, action, context):
    """The card's Register button: the same modal as `/webinar register`."""
    await ack()
    runtime = context["runtime"]
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    async with user_errors(_ephemeral(runtime, body)):
        await open_register_modal(runtime, trigger_id=body["trigger_id"], slack_user=body["user"]["id"],
                                  webinar_ref=action["value"], channel_id=channel)


async def cancel_mine_clicked(ack, body, action, context):
    """"Cancel my registration" in the DM or in the modal: only ever the clicking user's own registration."""
    await ack()
    runtime = context["runtime"]
    container = body.get("container") or {}
    async with user_errors(_ephemeral(runtime, body)):
        webinar = await service.cancel_mine(runtime, action["value"], body["user"]["id"])
        message = ui.cancelled_message(webinar)
        if container.get("type") == "view":
            await runtime.slack.views_update(view_id=container["view_id"], view=ui.notice_view(message["text"]))
        else:
            await runtime.slack.chat_update(channel=container["channel_id"], ts=container["message_ts"], **message)


def _ephemeral(runtime, body):
    """Where to explain a failure: in the modal the click came from, else privately in the channel or DM."""
    container = body.get("container") or {}

    async def tell(text: str, **_) -> None:
        if container.get("type") == "view":
            await runtime.slack.views_update(view_id=container["view_id"], view=ui.notice_view(text))
        else:
            await runtime.slack.chat_postEphemeral(channel=container["channel_id"], user=body["user"]["id"],
                                                   text=text)

    return tell
