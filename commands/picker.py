"""Ask "which webinar?" when a subcommand was typed without one, then run that subcommand with the answer.

`commands.dispatch` calls it for every subcommand listed in its `PICK_SCOPE` that was typed without a webinar,
so handlers can count on `cmd.webinar`. The picker opens at once (inside Slack's 3-second trigger window) with a loading view, then lists the user's
webinars. When the user submits it, the handler registered under `next_subcommand` in `commands.dispatch.HANDLERS`
runs again with the chosen webinar's Graph id in `cmd.webinar`, the same `#channel` and words, a fresh
`trigger_id` (so it can open its own modal) and a `respond` that still answers in the original conversation
(the slash command's response_url, else a DM). Errors are shown as usual by `commands.safety.user_errors`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.graph.errors import GraphError
from bot.graph.tokens import SignInRequired
from bot.services import listing, organize
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import parse_utc
from bot.ui.picker import Choice, PickerMeta, choice_label, loading_view, message_view, picker_view
from bot.ui.webinar_forms import zone_info
from commands.parser import Command
from commands.respond import responder
from commands.safety import user_errors
from storage import mirror

SCOPES = ("mine", "published")


async def pick_webinar(cmd: Command, command: dict, runtime: Runtime, next_subcommand: str, *,
                       scope: str = "mine") -> None:
    """Open the picker. `scope="mine"`: webinars the user organizes or co-organizes (from Graph, not cancelled);
    `scope="published"`: every published webinar that has not ended (from the mirror: for attendees)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    slash = command.get("command") or runtime.settings.slack_command
    words = tuple(word[:100] for word in cmd.words[:20])   # private_metadata holds at most 3000 characters
    meta = PickerMeta(subcommand=next_subcommand, channel=cmd.channel, words=words,
                      channel_id=command.get("channel_id"), response_url=command.get("response_url"),
                      command=slash)
    opened = (await runtime.slack.views_open(trigger_id=command["trigger_id"], view=loading_view(meta)))["view"]
    view = await _picker(runtime, command["user_id"], meta, scope)
    await runtime.slack.views_update(view_id=opened["id"], hash=opened["hash"], view=view)


async def _picker(runtime: Runtime, user: str, meta: PickerMeta, scope: str) -> dict:
    try:
        rows = await _webinars(runtime, user, scope)
    except SignInRequired:
        return message_view(meta, f"You need to sign in to Microsoft first: run `{meta.command} login`.")
    except UserFacingError as error:
        return message_view(meta, str(error))
    except GraphError:
        return message_view(meta, "Microsoft Teams didn't list your webinars just now. Try again, or type the "
                                  f"webinar's handle: `{meta.command} {meta.subcommand} w3`.")
    if not rows:
        hint = (f"You don't organize any webinars yet. Create one with `{meta.command} create`."
                if scope == "mine" else "There are no published webinars coming up.")
        return message_view(meta, hint)
    zone = await _zone(runtime, user)
    return picker_view(meta, [Choice(row["id"], choice_label(row["title"], _local(row, zone), row["handle"]))
                              for row in rows])


async def _webinars(runtime: Runtime, user: str, scope: str) -> list[dict]:
    if scope == "mine":
        return [item.webinar for item in await listing.list_mine(runtime, user)
                if item.webinar["status"] != "canceled"]
    now = datetime.now(UTC)
    return [row for row in mirror.list_webinars(runtime.db) if row["status"] == "published"
            and (parse_utc(row["end_utc"]) or now) >= now]


async def _zone(runtime: Runtime, user: str):
    try:
        name = await asyncio.wait_for(organize.time_zone_of(runtime, user), 2)
    except TimeoutError:
        name = "UTC"
    return zone_info(name)


def _local(row: dict, zone) -> str:
    start = parse_utc(row["start_utc"])
    if start is None:
        return "no date"
    local = start.astimezone(zone)
    return f"{local:%b} {local.day}, {local:%H:%M}"


async def run_picked(runtime: Runtime, meta: PickerMeta, webinar_id: str, *, user_id: str,
                     trigger_id: str | None) -> None:
    """The picker was submitted: run the subcommand it was opened for, with the chosen webinar."""
    from commands.dispatch import HANDLERS  # dispatch imports the handlers, which import this module

    handler = HANDLERS.get(meta.subcommand)
    respond = responder(runtime, user_id, meta.response_url)
    if handler is None:
        await respond(response_type="ephemeral", text=f"`{meta.command} {meta.subcommand}` is not available.")
        return
    cmd = Command(meta.subcommand, webinar=webinar_id, channel=meta.channel, words=list(meta.words))
    command = {"user_id": user_id, "channel_id": meta.channel_id or user_id, "trigger_id": trigger_id,
               "command": meta.command, "response_url": meta.response_url,
               "text": " ".join([meta.subcommand, webinar_id, *meta.words])}
    async with user_errors(respond, runtime, user_id):
        await handler(cmd, command, respond, runtime)
