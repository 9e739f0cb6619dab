"""Publish the Home tab when someone opens it."""

from __future__ import annotations

from bot.ui.home import home_view
from storage import mirror


async def app_home_opened(event, client, context):
    if event.get("tab") not in (None, "home"):
        return
    runtime = context["runtime"]
    mine = [w for w in mirror.list_webinars(runtime.db) if w.get("organizer_slack_id") == event["user"]]
    await client.views_publish(user_id=event["user"], view=home_view(mine, runtime.settings.slack_command))
