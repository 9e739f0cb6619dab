"""`respond` for work that Slack gave no response_url: a DM from the bot, with the same call signature.

Slash commands and message buttons come with a response_url; the Home tab and modal submissions may not. Code
that answers through `respond(...)` works the same either way.
"""

from __future__ import annotations

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.services.runtime import Runtime


class DirectMessage:
    def __init__(self, runtime: Runtime, user_id: str):
        self.runtime, self.user_id = runtime, user_id

    async def __call__(self, text: str = "", blocks: list | None = None, *, response_type: str | None = None,
                       replace_original: bool | None = None, delete_original: bool | None = None, **_) -> None:
        if delete_original:
            return
        await self.runtime.slack.chat_postMessage(channel=self.user_id, text=text, blocks=blocks)


def responder(runtime: Runtime, user_id: str, response_url: str | None = None):
    """Answer through `response_url` when there is one, else by DM."""
    if response_url:
        return AsyncRespond(response_url=response_url)
    return DirectMessage(runtime, user_id)
