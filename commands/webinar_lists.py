"""`/webinar list [mine|all]` and `/webinar show <webinar>`: read-only, answered ephemerally."""

from __future__ import annotations

from bot.services import listing
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from bot.ui.webinar_cards import details_message, list_message
from commands.parser import Command


async def list_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    slash = command.get("command") or runtime.settings.slack_command
    words = [w.lower() for w in cmd.words]
    scope = words[0] if words else "mine"
    if scope not in ("mine", "all") or len(words) > 1:
        raise UserFacingError(f"`{slash} list` takes `mine` (the default) or `all`, not "
                              f"`{escape(' '.join(cmd.words))}`.")
    lister = listing.list_all if scope == "all" else listing.list_mine
    items = await lister(runtime, command["user_id"])
    await respond(response_type="ephemeral", **list_message(items, scope=scope, command=slash))


async def show_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    details = await listing.show(runtime, command["user_id"], cmd.webinar)
    await respond(response_type="ephemeral", **details_message(details))
