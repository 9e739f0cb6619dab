"""Modals that need Graph data: open a "loading" view inside Slack's 3-second trigger window, then fill it.

A failure while filling is shown in the modal itself (the user is looking at it), worded like the ephemeral
messages of `commands/safety.py`: a next step, never a trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError

from bot.graph.errors import Forbidden, GraphError, Throttled
from bot.graph.tokens import SignInRequired
from bot.logs import correlation
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui.webinar_forms import notice_modal

log = logging.getLogger(__name__)


def explain(error: Exception, command: str = "/webinar") -> str:
    """What to tell a person about a failure, in mrkdwn."""
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, SignInRequired):
        return f"You need to sign in to Microsoft first: run `{command} login`."
    if isinstance(error, Forbidden):
        return ("Microsoft Teams refused this: your account doesn't have the role it needs for this webinar "
                "(organizer or co-organizer).")
    if isinstance(error, Throttled):
        return "Microsoft Graph is busy right now. Please try again in a minute."
    if isinstance(error, GraphError):
        log.warning("Graph error shown to user: %s %s", error.status, error.code)
        return (f"Microsoft Teams answered with an error ({error.code or error.status}). Please try again; if it "
                f"persists, give your admin this reference: {correlation.get()}.")
    log.error("organizer action failed", exc_info=error)
    return f"Something went wrong on our side. Reference: {correlation.get()}."


async def open_then_fill(runtime: Runtime, trigger_id: str, loading: dict,
                         build: Callable[[], Awaitable[dict]], *, push: bool = False) -> dict:
    """views.open (or views.push, from inside a modal) the `loading` view, then views.update it (with its hash) to
    what `build` returns, or to an explanation when `build` fails. Returns the view as Slack last answered it."""
    show = runtime.slack.views_push if push else runtime.slack.views_open
    opened = (await show(trigger_id=trigger_id, view=loading))["view"]
    try:
        view = await build()
    except Exception as error:  # noqa: BLE001 -- every failure becomes a readable modal
        view = failure_view(loading, error, runtime)
    return (await runtime.slack.views_update(view_id=opened["id"], hash=opened["hash"], view=view))["view"]


def failure_view(like: dict, error: Exception, runtime: Runtime) -> dict:
    """A notice modal with the same title and callback as `like`, explaining `error`."""
    return notice_modal(like["title"]["text"], explain(error, runtime.settings.slack_command),
                        callback_id=like.get("callback_id"), meta=like.get("private_metadata", ""))


async def update_quietly(runtime: Runtime, view_id: str, view: dict) -> None:
    """Update a modal the user may have closed meanwhile (then there is nothing to update: fine)."""
    try:
        await runtime.slack.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        log.info("modal not updated: %s", error.response.get("error"))
