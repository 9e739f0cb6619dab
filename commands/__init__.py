"""The `/webinar` slash command: one parser, one small handler per subcommand."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from commands.dispatch import webinar_command


def register(app: AsyncApp, slash_command: str = "/webinar") -> None:
    app.command(slash_command)(webinar_command)
