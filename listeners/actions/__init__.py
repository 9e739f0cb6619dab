"""Button and select clicks (block_actions)."""

from slack_bolt.async_app import AsyncApp

from bot.ids import Action


async def acknowledge_link_button(ack):
    """Buttons that only open a URL (sign-in, registration page) still send an action; ack it."""
    await ack()


def register(app: AsyncApp) -> None:
    app.action(Action.SIGN_IN)(acknowledge_link_button)
