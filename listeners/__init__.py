"""Bolt listeners, one sub-package per Slack surface, each with `register(app)`; plus the Graph webhooks."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

import commands
from listeners import actions, events, views


def register_listeners(app: AsyncApp, slash_command: str = "/webinar") -> None:
    commands.register(app, slash_command)
    actions.register(app)
    views.register(app)
    events.register(app)
