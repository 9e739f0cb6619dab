"""Block Kit checks shared by the Slack stand-in and every UI test.

Slack rejects malformed blocks and views server-side (``invalid_blocks``, ``invalid_arguments``), which an offline
test never sees. ``slack_sdk.models`` catches most of those problems, but only when ``to_dict()`` runs, and it lets
a few through (a modal without a title, a ``mrkdwn`` title, more than 50 blocks in a message, an unknown block type
that quietly parses to ``None``, an element it cannot parse that quietly disappears). These functions run
slack_sdk's validators and close those gaps, so a builder that passes here is very likely to pass on Slack too.

Each problem is reported the way Slack words it: ``"<reason> [json-pointer:/blocks/3/text]"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_TEXT = 40_000
MAX_ATTACHMENTS = 100
MAX_VIEW_BYTES = 250_000
MAX_EXTERNAL_ID = 255

# What slack_sdk raises when a dict does not fit its model: its own validation error, or the TypeError/ValueError
# of a constructor that is missing a required argument or got a wrong type.
_MODEL_ERRORS = (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError)


class BlockKitError(ValueError):
    """Blocks, a view or a message payload that Slack would refuse.

    ``code`` is the error Slack answers with (``invalid_blocks``, ``invalid_arguments``, ``no_text``,
    ``msg_too_long``, ...); ``errors`` lists each problem with its JSON pointer.
    """

    def __init__(self, message: str, *, code: str = "invalid_blocks", errors: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.errors = list(errors) if errors else [message]


def validate_blocks(blocks: Any, *, surface: str = "message") -> None:
    """Raise ``BlockKitError`` (code ``invalid_blocks``) unless every block is one Slack accepts on ``surface``.

    ``surface`` is ``"message"`` (at most 50 blocks), ``"modal"`` or ``"home"`` (at most 100).
    """
    if not isinstance(blocks, list):
        raise BlockKitError("blocks must be a JSON array", code="invalid_blocks_format")
    _raise_if_any(
        list(_block_list_problems(blocks, surface=surface, pointer="/blocks")), code="invalid_blocks"
    )


def validate_message(payload: dict) -> None:
    """Raise ``BlockKitError`` unless ``payload`` (chat.postMessage arguments) is a message Slack would post.

    The error codes are those of chat.postMessage: ``no_text`` without text, blocks or attachments,
    ``msg_too_long`` above 40,000 characters, ``too_many_attachments``, ``invalid_blocks``.
    """
    text, blocks, attachments = payload.get("text"), payload.get("blocks"), payload.get("attachments")
    if not text and not blocks and not attachments:
        raise BlockKitError("text, blocks or attachments are required", code="no_text")
    if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
        raise BlockKitError(f"text cannot exceed {MAX_MESSAGE_TEXT} characters", code="msg_too_long")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        raise BlockKitError(f"at most {MAX_ATTACHMENTS} attachments", code="too_many_attachments")
    if blocks is not None:
        validate_blocks(blocks, surface="message")


def validate_view(view: Any) -> None:
    """Raise ``BlockKitError`` (code ``invalid_arguments``, or ``view_too_large``) unless Slack would show ``view``.

    Runs ``View(**view).to_dict()`` and adds the checks slack_sdk leaves out: a modal needs a ``plain_text`` title,
    a modal with input blocks needs a submit button, a Home tab has no submit or close, every block parses.
    """
    if not isinstance(view, dict):
        raise BlockKitError("view must be a JSON object", code="invalid_arguments")
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        raise BlockKitError(f"view cannot exceed {MAX_VIEW_BYTES} bytes", code="view_too_large")
    problems = list(_view_shape_problems(view))
    blocks = view.get("blocks")
    if isinstance(blocks, list):
        problems += _block_list_problems(blocks, surface=view.get("type", "modal"), pointer="/view/blocks")
    else:
        problems.append("blocks must be a JSON array [json-pointer:/view/blocks]")
    if not problems:
        problems += _sdk_problems(lambda: View(**view).to_dict(), "/view")
    _raise_if_any(problems, code="invalid_arguments")


def _raise_if_any(problems: list[str], *, code: str) -> None:
    if problems:
        raise BlockKitError("; ".join(problems), code=code, errors=problems)


def _view_shape_problems(view: dict) -> Iterator[str]:
    """The view-level rules slack_sdk does not enforce."""
    kind = view.get("type")
    if kind not in ("modal", "home"):
        yield f"type must be 'modal' or 'home', not {kind!r} [json-pointer:/view/type]"
        return
    if kind == "modal":
        yield from _plain_text_problems(view, "title", required=True)
        yield from _plain_text_problems(view, "submit", required=_has_input_block(view))
        yield from _plain_text_problems(view, "close", required=False)
    else:
        for field in ("submit", "close"):
            if view.get(field) is not None:
                yield f"a home view cannot have {field} [json-pointer:/view/{field}]"
    external_id = view.get("external_id")
    if external_id is not None and len(str(external_id)) > MAX_EXTERNAL_ID:
        yield f"external_id cannot exceed {MAX_EXTERNAL_ID} characters [json-pointer:/view/external_id]"


def _plain_text_problems(view: dict, field: str, *, required: bool) -> Iterator[str]:
    """Modal title, submit and close must be non-empty ``plain_text`` objects (slack_sdk accepts strings and mrkdwn)."""
    value = view.get(field)
    where = f"[json-pointer:/view/{field}]"
    if value is None:
        if required:
            reason = (
                "must have a submit button when it has input blocks"
                if field == "submit"
                else f"needs a {field}"
            )
            yield f"a modal {reason} {where}"
        return
    if not isinstance(value, dict) or value.get("type") != "plain_text":
        yield f"{field} must be a plain_text object {where}"
    elif not value.get("text"):
        yield f"{field} must be more than 0 characters {where}"


def _has_input_block(view: dict) -> bool:
    blocks = view.get("blocks")
    return isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)


def _block_list_problems(blocks: list, *, surface: str, pointer: str) -> list[str]:
    problems = []
    limit = MAX_BLOCKS.get(surface, MAX_BLOCKS["message"])
    if len(blocks) > limit:
        problems.append(f"no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, block in enumerate(blocks):
        problems += _block_problems(block, f"{pointer}/{index}")
    return problems


def _block_problems(block: Any, pointer: str) -> list[str]:
    """One block: it must parse into a known slack_sdk block, validate, and survive the round trip intact."""
    if not isinstance(block, dict):
        return [f"must be an object [json-pointer:{pointer}]"]
    try:
        parsed = Block.parse(block)
    except _MODEL_ERRORS as error:
        return [f"{_reason(error)} [json-pointer:{pointer}]"]
    if parsed is None:
        return [f"unsupported block type {block.get('type')!r} [json-pointer:{pointer}/type]"]
    problems = _sdk_problems(parsed.to_dict, pointer)
    if problems:
        return problems
    return [
        f"unsupported or malformed value [json-pointer:{pointer}{path}]"
        for path in _lost_paths(block, parsed.to_dict(), "")
    ]


def _sdk_problems(to_dict, pointer: str) -> list[str]:
    try:
        to_dict()
    except _MODEL_ERRORS as error:
        return [f"{_reason(error)} [json-pointer:{pointer}]"]
    return []


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__


def _lost_paths(sent: Any, kept: Any, path: str) -> Iterator[str]:
    """Paths in ``sent`` that slack_sdk dropped or could not parse.

    slack_sdk turns an element of unknown type into ``None`` and leaves out attributes it does not know, without
    raising; Slack refuses both. A string where Slack wants an object (slack_sdk upgrades it silently) counts too.
    """
    if isinstance(sent, dict):
        if not isinstance(kept, dict):
            yield path
            return
        for key, value in sent.items():
            if value is None:
                continue
            if key not in kept:
                yield f"{path}/{key}"
            else:
                yield from _lost_paths(value, kept[key], f"{path}/{key}")
    elif isinstance(sent, list):
        if not isinstance(kept, list) or len(kept) != len(sent):
            yield path
            return
        for index, (item, kept_item) in enumerate(zip(sent, kept, strict=True)):
            yield from _lost_paths(item, kept_item, f"{path}/{index}")
    elif kept is None or isinstance(kept, (dict, list)):
        yield path
