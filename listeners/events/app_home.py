"""Publish the Home tab when someone opens it (and after they change a webinar from anywhere)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.services import listing, organize, signin
from bot.services.runtime import Runtime
from bot.ui.home import home_view

log = logging.getLogger(__name__)


async def app_home_opened(event, context):
    if event.get("tab") not in (None, "home"):
        return
    await publish_home(context["runtime"], event["user"])


async def publish_home(runtime: Runtime, user_id: str) -> None:
    """Render from the mirror: opening the tab costs no Graph call. Failing to publish is logged, never raised."""
    signed_in = organize.is_signed_in(runtime, user_id)
    items = listing.mine_from_mirror(runtime, user_id) if signed_in else []
    url = None if signed_in else await _sign_in_url(runtime, user_id)
    view = home_view(items, runtime.settings.slack_command, signed_in=signed_in, sign_in_url=url)
    try:
        await runtime.slack.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("home tab not published: %s", error.response.get("error"))


async def _sign_in_url(runtime: Runtime, user_id: str) -> str | None:
    """A sign-in link when Microsoft sign-in is set up, else None (the tab then says `/webinar login`)."""
    if not signin.available(runtime):
        return None
    try:
        return await signin.start_sign_in(runtime, user_id)
    except Exception as error:  # noqa: BLE001 -- the prompt still works without a link
        log.info("no sign-in link for the Home tab: %s", type(error).__name__)
        return None
