"""The webinar picker modal: shown when a `/webinar` subcommand was typed without its webinar."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ids import OrgBlock, OrgView
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape, plain
from bot.ui.webinar_forms import input_block, notice_modal, option, section, text

MAX_CHOICES = 100   # Slack's limit for options in one select


@dataclass(frozen=True)
class PickerMeta:
    """Everything needed to run the subcommand again once a webinar is chosen (ids and a response_url only)."""
    subcommand: str
    channel: str | None = None          # a #channel argument the user typed
    words: tuple[str, ...] = ()         # the other words they typed
    channel_id: str | None = None       # where the command was typed
    response_url: str | None = None     # the slash command's, valid for 30 minutes
    command: str = "/webinar"


@dataclass(frozen=True)
class Choice:
    webinar_id: str
    label: str                          # plain text, e.g. "Launch review · Jun 12, 10:00 · w3"


def loading_view(meta: PickerMeta) -> dict:
    return notice_modal("Choose a webinar", "Looking up your webinars…", callback_id=OrgView.PICKER,
                        meta=private_metadata.dump(meta))


def picker_view(meta: PickerMeta, choices: list[Choice]) -> dict:
    options = [option(choice.label, choice.webinar_id) for choice in choices[:MAX_CHOICES]]
    select = {"type": "static_select", "placeholder": text("Choose a webinar"), "options": options}
    if len(options) == 1:
        select["initial_option"] = options[0]
    usage = f"{meta.command} {meta.subcommand}"
    blocks = [
        section(f"`{escape(usage)}` needs a webinar. Which one?"),
        input_block(OrgBlock.PICK, "Webinar", select,
                    hint=f"Next time you can type it directly, e.g. {usage} w3."),
    ]
    if len(choices) > MAX_CHOICES:
        blocks.append(section(f"Showing the first {MAX_CHOICES}; type a handle for the others."))
    return {"type": "modal", "callback_id": OrgView.PICKER, "title": text("Choose a webinar"),
            "submit": text("Continue"), "close": text("Cancel"), "blocks": blocks,
            "private_metadata": private_metadata.dump(meta)}


def message_view(meta: PickerMeta, message: str) -> dict:
    """No choice to make (no webinars, not signed in, Graph refused): say why and what to do next."""
    return notice_modal("Choose a webinar", message, callback_id=OrgView.PICKER, meta=private_metadata.dump(meta))


def choice_label(title: str, when: str, handle: str) -> str:
    """Option text (max 75 characters): the title is shortened, the time and handle always fit."""
    tail = f" · {when} · {handle}"
    return plain(title, 75 - len(tail)) + tail
