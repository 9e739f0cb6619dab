"""`/webinar publish` and `/webinar cancel`, and what follows any change to a webinar: the organizer's DM card is
updated in place, their Home tab is refreshed, and a registration card the create form asked for is posted.

The `*_and_tell` functions are shared with the buttons (DM card, Home tab, `show`): they return the sentence to
show the person who clicked.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.services import cards, organize, webinars
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from bot.ui.webinar_cards import cancel_prompt, dm_card, share_modal
from commands.parser import Command

log = logging.getLogger(__name__)


async def publish_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    text = await publish_and_tell(runtime, command["user_id"], cmd.webinar, origin="slack:command")
    await respond(response_type="ephemeral", text=text)


async def publish_and_tell(runtime: Runtime, user: str, ref: str, *, origin: str) -> str:
    result = await organize.publish(runtime, user, ref, origin=origin)
    row = result.webinar
    name = f"*{escape(row['title'])}* (`{row['handle']}`)"
    if result.already:
        return f"{name} is already published."
    parts = [f":white_check_mark: {name} is published: people can register now."]
    if result.card_request:
        parts.append(await post_registration_card(runtime, row, result.card_request["channel_id"], user))
        organize.mark_card_request_done(runtime, row["id"])
    else:
        parts.append(f"Share it with `{runtime.settings.slack_command} share {row['handle']} #channel`.")
    await after_change(runtime, row, user)
    return " ".join(parts)


async def cancel_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    """Cancelling cannot be undone, so the command only asks; the button (with its confirm dialog) cancels."""
    user = command["user_id"]
    row = await webinars.resolve(runtime, cmd.webinar, user)
    organize.require(runtime, row, user, organize.ORGANIZER_ONLY, "cancel")
    if row["status"] == "canceled":
        await respond(response_type="ephemeral",
                      text=f"*{escape(row['title'])}* (`{row['handle']}`) is already cancelled.")
        return
    await respond(response_type="ephemeral", **cancel_prompt(row))


async def cancel_and_tell(runtime: Runtime, user: str, ref: str, *, origin: str) -> str:
    row = await organize.cancel(runtime, user, ref, origin=origin)
    await after_change(runtime, row, user)
    return (f":no_entry: *{escape(row['title'])}* (`{row['handle']}`) is cancelled. "
            "Teams lets the people who registered know.")


# --------------------------------------------------------------------------------------------------------------
# After a change


async def after_change(runtime: Runtime, row: dict, actor: str, note: str | None = None) -> None:
    await refresh_dm_cards(runtime, row, note)
    from listeners.events.app_home import publish_home  # listeners import commands; keep the import local
    await publish_home(runtime, actor)


async def send_dm_card(runtime: Runtime, user: str, row: dict, note: str | None = None) -> bool:
    """DM the organizer's card and remember it; False (logged) when Slack refused, the webinar exists anyway."""
    try:
        posted = await runtime.slack.chat_postMessage(channel=user, **dm_card(row, note=note))
    except SlackApiError as error:
        log.warning("organizer card not sent: %s", error.response.get("error"))
        return False
    organize.remember_dm_card(runtime, row["id"], user, posted["channel"], posted["ts"])
    return True


async def refresh_dm_cards(runtime: Runtime, row: dict, note: str | None = None) -> None:
    """Every organizer card of this webinar shows its new state (a deleted card is simply skipped)."""
    counts = organize.registration_counts(runtime, row["id"])
    for card in organize.dm_cards(runtime, row["id"]):
        try:
            await runtime.slack.chat_update(channel=card["channel_id"], ts=card["ts"],
                                            **dm_card(row, note=note, counts=counts))
        except SlackApiError as error:
            log.info("organizer card not updated: %s", error.response.get("error"))


async def post_registration_card(runtime: Runtime, row: dict, channel_id: str, user: str) -> str:
    """Post the registration card (`cards.share` also keeps it live); when that fails, say how to do it by hand."""
    by_hand = f"`{runtime.settings.slack_command} share {row['handle']} <#{channel_id}>`"
    try:
        await cards.share(runtime, webinar_ref=row["id"], channel_id=channel_id, slack_user=user)
    except UserFacingError as error:
        return f"{error} Then run {by_hand}."
    except Exception:  # noqa: BLE001 -- the webinar is published either way; say how to retry
        log.exception("registration card not posted")
        return f"I couldn't post the registration card in <#{channel_id}>; run {by_hand} to try again."
    return f"Registration card posted in <#{channel_id}>."


async def open_share(runtime: Runtime, user: str, trigger_id: str, webinar_id: str, respond) -> None:
    """The Share button: a channel picker for the registration card (or how to share by hand)."""
    row = await webinars.resolve(runtime, webinar_id, user)
    organize.require(runtime, row, user, organize.ORGANIZERS, "share")
    name = f"*{escape(row['title'])}* (`{row['handle']}`)"
    if row["status"] != "published":
        why = "is still a draft: publish it first" if row["status"] == "draft" else "was cancelled"
        await respond(response_type="ephemeral", replace_original=False,
                      text=f"{name} {why}; only a published webinar takes registrations.")
        return
    await runtime.slack.views_open(trigger_id=trigger_id, view=share_modal(row))
