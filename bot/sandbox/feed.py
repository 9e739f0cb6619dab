"""Read a channel of the Slack stand-in the way a person would: for the demo, the benchmarks and tests."""

from __future__ import annotations

import html
import re

from bot.sandbox.slack_standin import SlackStandin

_DIGEST = re.compile(r"(\d+) new registrations?")


def sections(message: dict) -> str:
    """What a post says: its section texts (a digest names people there, not in its notification text)."""
    return "\n".join(b["text"]["text"] for b in message.get("blocks", []) if b["type"] == "section" and "text" in b)


def registrations_posted(messages: list[dict]) -> int:
    """New registrations a channel was told about: 1 per single alert, N per "N new registrations" digest line."""
    total = 0
    for message in messages:
        text = sections(message)
        digests = [int(n) for n in _DIGEST.findall(text)]
        total += sum(digests) if digests else text.count(" registered for ")
    return total


def plain(message: dict | str, slack: SlackStandin | None = None) -> str:
    """mrkdwn as a terminal shows it: dates by their fallback, channel names, entities decoded, no markup."""
    text = message if isinstance(message, str) else message.get("text", "")
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<#(\w+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or _channel_name(slack, m.group(1))), text)
    text = re.sub(r":[a-z_]+: ", "", text).replace("\u200b", "").replace("*", "")
    return html.unescape(text)


def _channel_name(slack: SlackStandin | None, channel_id: str) -> str:
    channel = slack.channels.get(channel_id) if slack else None
    return channel.name if channel else channel_id
