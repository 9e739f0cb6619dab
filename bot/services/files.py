"""Send a file to one person, privately: exports carry e-mail addresses, so they never land in a channel."""

from __future__ import annotations

from bot.services.runtime import Runtime


async def send_to_user(runtime: Runtime, user_id: str, filename: str, content: str, comment: str) -> None:
    dm = await runtime.slack.conversations_open(users=user_id)
    await runtime.slack.files_upload_v2(channel=dm["channel"]["id"], filename=filename, content=content,
                                        title=filename, initial_comment=comment)
