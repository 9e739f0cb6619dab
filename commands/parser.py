"""Parse `/webinar <subcommand> [webinar] [#channel] [words...]` into a small typed value.

Slack escapes channel mentions as `<#C0123|name>` when the command has `should_escape: true` (our manifest),
so a channel arrives with its id. Plain words after the webinar are left in `words` for the subcommand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.refs import looks_like_webinar
from bot.ui.help import NAMES

_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class Command:
    name: str                      # a known subcommand, or "help"
    webinar: str | None = None     # a handle (w3) or a Graph webinar id
    channel: str | None = None     # a channel id from a <#C..> mention
    words: list[str] = field(default_factory=list)
    unknown: str | None = None     # what the user typed when it was not a subcommand


def parse(text: str) -> Command:
    tokens = (text or "").split()
    if not tokens:
        return Command("help")
    name, rest = tokens[0].lower(), tokens[1:]
    if name not in NAMES:
        return Command("help", unknown=tokens[0])
    webinar = channel = None
    words: list[str] = []
    for token in rest:
        if match := _CHANNEL.match(token):
            channel = channel or match.group(1)
        elif webinar is None and not words and looks_like_webinar(token):
            webinar = token
        else:
            words.append(token)
    return Command(name, webinar=webinar, channel=channel, words=words)
